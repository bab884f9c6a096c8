"""Ownership rules on hand-made accounts: first match wins, capacity holds, the record
names the rule, and only unowned live accounts are touched."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import LifecycleStage, OwnerMethod, Role, TouchModel
from kasasu.errors import InvalidInput
from kasasu.models import Account, Segment, SegmentMember, User
from kasasu.ownership.schemas import OwnerRuleDefinition
from kasasu.ownership.service import (
    account_ownership,
    apply_rules,
    capacity,
    list_rules,
    move_rule,
    plan_assignments,
    save_rule,
    validate_rule,
)


def _people(session: Session) -> dict[str, int]:
    rows = {
        "sato": User(email="sato@x.jp", name="佐藤", role=Role.CSM, account_capacity=2),
        "suzuki": User(email="suzuki@x.jp", name="鈴木", role=Role.CSM),
        "takeda": User(email="takeda@x.jp", name="武田", role=Role.LEADER, account_capacity=10),
        "viewer": User(email="v@x.jp", name="見る人", role=Role.VIEWER),
        "gone": User(email="g@x.jp", name="退職", role=Role.CSM, is_active=False),
    }
    session.add_all(rows.values())
    session.flush()
    return {k: u.id for k, u in rows.items()}


def _account(session: Session, name: str, **fields: object) -> int:
    fields.setdefault("custom_fields", {})
    account = Account(external_id=name, name=name, **fields)
    session.add(account)
    session.flush()
    return account.id


def _rule(
    session: Session, name: str, method: OwnerMethod, owners: list[int], **more: object
) -> None:
    save_rule(session, OwnerRuleDefinition(name=name, method=method, owners=owners, **more))


def test_first_matching_rule_decides_within_capacity(session: Session) -> None:
    p = _people(session)
    tohoku = [_account(session, f"東北{i}", custom_fields={"地域": "東北"}) for i in range(4)]
    high = _account(session, "大手", touch_model=TouchModel.HIGH, custom_fields={"地域": "東北"})
    other = _account(session, "関西", custom_fields={"地域": "関西"})
    owned = _account(session, "持ち主あり", owner_id=p["suzuki"], custom_fields={"地域": "東北"})
    churned = _account(session, "解約", lifecycle_stage=LifecycleStage.CHURNED)
    # Sato already has one live account (capacity 2) and one churned one, which does not count.
    _account(session, "佐藤の既存", owner_id=p["sato"])
    _account(session, "佐藤の解約", owner_id=p["sato"], lifecycle_stage=LifecycleStage.CHURNED)

    _rule(
        session, "high-touch", OwnerMethod.FIXED, [p["takeda"]], condition='touch_model == "high"'
    )
    _rule(
        session,
        "tohoku",
        OwnerMethod.ROUND_ROBIN,
        [p["sato"], p["suzuki"]],
        condition='custom.地域 == "東北"',
    )

    plan = plan_assignments(session)
    # the high-touch rule comes first, so 大手 goes to Takeda though it is in 東北 too;
    # round robin over 東北: 佐藤, 鈴木, then 佐藤 is full (1 + 1 = 2), so 鈴木 twice.
    got = {a.account_id: (a.owner_id, a.rule_name) for a in plan.assigned}
    assert got == {
        high: (p["takeda"], "high-touch"),
        tohoku[0]: (p["sato"], "tohoku"),
        tohoku[1]: (p["suzuki"], "tohoku"),
        tohoku[2]: (p["suzuki"], "tohoku"),
        tohoku[3]: (p["suzuki"], "tohoku"),
    }
    # unowned and live: 4 in 東北, 大手, 関西 (matches no rule); the churned one aside
    assert (plan.unowned, plan.no_rule, plan.full) == (6, 1, 0)
    assert session.get(Account, tohoku[0]).owner_id is None  # a plan writes nothing

    done = apply_rules(session, by=p["takeda"])
    assert done.assigned == plan.assigned
    session.expire_all()
    assert session.get(Account, tohoku[1]).owner_id == p["suzuki"]
    assert session.get(Account, owned).owner_id == p["suzuki"]
    assert session.get(Account, other).owner_id is None
    assert session.get(Account, churned).owner_id is None
    shown = account_ownership(session, tohoku[0], p["sato"])
    assert (shown.rule_name, shown.method) == ("tohoku", OwnerMethod.ROUND_ROBIN)
    # changed by hand since: the rule no longer explains the CSM
    assert account_ownership(session, tohoku[0], p["suzuki"]).rule_name is None
    assert apply_rules(session).assigned == []  # nothing unowned matches any more


def test_round_robin_goes_on_at_the_next_run(session: Session) -> None:
    p = _people(session)
    _rule(session, "all", OwnerMethod.ROUND_ROBIN, [p["sato"], p["suzuki"], p["takeda"]])
    first = _account(session, "一")
    assert [a.owner_id for a in apply_rules(session).assigned] == [p["sato"]]
    second = _account(session, "二")
    assert [a.owner_id for a in apply_rules(session).assigned] == [p["suzuki"]]
    assert first < second


def test_fewest_and_full_rules(session: Session) -> None:
    p = _people(session)
    for i in range(3):
        _account(session, f"鈴木{i}", owner_id=p["suzuki"])
    new = [_account(session, f"新規{i}") for i in range(4)]
    _rule(session, "fewest", OwnerMethod.FEWEST, [p["suzuki"], p["sato"]])
    # Sato (0, capacity 2) takes two; then only Suzuki (3, no limit) has room.
    owners = [a.owner_id for a in apply_rules(session).assigned]
    assert owners == [p["sato"], p["sato"], p["suzuki"], p["suzuki"]]
    assert len(new) == 4
    _rule(session, "fewest", OwnerMethod.FIXED, [p["sato"]])  # changed: only the full Sato
    _account(session, "あふれ")
    plan = plan_assignments(session)
    assert (len(plan.assigned), plan.full) == (0, 1)


def test_segment_rule_takes_only_current_members(session: Session) -> None:
    p = _people(session)
    inside, left = _account(session, "中"), _account(session, "外")
    segment = Segment(name="enterprise", rule="mrr > 0")
    session.add(segment)
    session.flush()
    session.add_all(
        [
            SegmentMember(segment_id=segment.id, account_id=inside, entered_on=date(2026, 12, 1)),
            SegmentMember(
                segment_id=segment.id,
                account_id=left,
                entered_on=date(2026, 11, 1),
                left_on=date(2026, 12, 1),
            ),
        ]
    )
    session.flush()
    _rule(session, "ent", OwnerMethod.FIXED, [p["suzuki"]], segment="enterprise")
    assert [a.account_id for a in plan_assignments(session).assigned] == [inside]


def test_rules_are_checked_and_ordered(session: Session) -> None:
    p = _people(session)
    with pytest.raises(InvalidInput) as bad:
        validate_rule(
            {"name": "x", "method": "fewest", "owners": [p["sato"]], "condition": "nope > 1"}
        )
    assert "nope" in bad.value.message.render("en") or bad.value.errors
    with pytest.raises(InvalidInput):
        _rule(session, "viewer", OwnerMethod.FIXED, [p["viewer"]])  # a viewer owns nothing
    with pytest.raises(InvalidInput):
        _rule(session, "gone", OwnerMethod.FIXED, [p["gone"]])
    _rule(session, "a", OwnerMethod.FIXED, [p["sato"]])
    _rule(session, "b", OwnerMethod.FIXED, [p["suzuki"]])
    b = list_rules(session)[1]
    move_rule(session, b.id, -1)
    assert [r.name for r in list_rules(session)] == ["b", "a"]
    move_rule(session, b.id, -1)  # already first: nothing moves
    assert [r.name for r in list_rules(session)] == ["b", "a"]


def test_capacity_view(session: Session) -> None:
    p = _people(session)
    _account(session, "一", owner_id=p["sato"])
    _account(session, "二", owner_id=p["sato"])
    _account(session, "解", owner_id=p["sato"], lifecycle_stage=LifecycleStage.CHURNED)
    _account(session, "元", owner_id=p["gone"])  # a leaver's account still shows their book
    _rule(session, "r", OwnerMethod.FEWEST, [p["sato"], p["takeda"]])
    rows = {r.name: r for r in capacity(session)}
    assert set(rows) == {"佐藤", "鈴木", "武田", "退職"}  # not the viewer
    sato = rows["佐藤"]
    assert (sato.accounts, sato.capacity, sato.room, sato.share, sato.in_rules) == (2, 2, 0, 1.0, 1)
    assert (rows["鈴木"].capacity, rows["鈴木"].room, rows["鈴木"].in_rules) == (None, None, 0)
    assert rows["退職"].accounts == 1
    assert next(iter(capacity(session))).name == "佐藤"  # the fullest first


def test_an_unknown_segment_is_refused_at_its_field(session: Session) -> None:
    p = _people(session)
    with pytest.raises(InvalidInput) as bad:
        _rule(session, "x", OwnerMethod.FIXED, [p["sato"]], segment="nope")
    assert [e.loc for e in bad.value.errors] == [("segment",)]


def test_an_account_given_a_csm_meanwhile_keeps_it_and_gets_no_record(session: Session) -> None:
    """Between the rules' read and their write someone else gave the account a CSM: the
    write leaves it alone, records nothing for it and does not count it as done."""
    from kasasu.ownership.repository import OwnershipRepository
    from kasasu.ownership.service import _write

    p = _people(session)
    taken, free = _account(session, "取られた"), _account(session, "空き")
    _rule(
        session,
        "all",
        OwnerMethod.FIXED,
        [p["sato"]],
    )
    planned = plan_assignments(session).assigned
    assert [a.account_id for a in planned] == [taken, free]
    session.get(Account, taken).owner_id = p["suzuki"]  # a person, meanwhile
    session.flush()
    repo = OwnershipRepository(session)
    rules = list_rule_rows(session)
    done = _write(
        session,
        repo=repo,
        rules=rules,
        cursor={r.id: None for r in rules},
        assigned=planned,
        by=None,
    )
    assert [a.account_id for a in done] == [free]
    assert session.get(Account, taken).owner_id == p["suzuki"]
    assert account_ownership(session, taken, p["suzuki"]).rule_name is None
    assert account_ownership(session, free, p["sato"]).rule_name == "all"


def list_rule_rows(session: Session) -> list[Any]:
    from kasasu.ownership.repository import OwnerRuleRepository

    return OwnerRuleRepository(session).ordered()
