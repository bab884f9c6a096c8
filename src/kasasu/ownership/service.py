"""Ownership rules (担当割り当て): an account without a CSM is given one by the first enabled
rule that matches it, among the rule's people, within each person's capacity.

A rule reads what a segment rule reads of the account itself — its fields and custom fields,
its touch model (its own, else the latest refresh's), and its health on the latest refresh
(score, band, mrr) — and may require the account to be in a segment. Territories are custom
fields (``custom.地域 == "東北"``). Only live accounts count: churned ones get no CSM and
do not fill anyone's capacity.

The daily refresh of today gives every unowned account its CSM (kasasu.jobs.daily); a leader
can preview and apply the rules from the ownership page or the API at any time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.domain.account_fields import RULE_FIELDS
from kasasu.domain.choices import Role
from kasasu.domain.rules import Rule, compile_rule
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.health.snapshots import latest_briefs, latest_refresh_day
from kasasu.kit.i18n import _
from kasasu.kit.validation import pydantic_reason
from kasasu.models import OwnerRule
from kasasu.models.base import utcnow
from kasasu.ownership.choosing import choose_owner
from kasasu.ownership.repository import OwnerRuleRepository, OwnershipRepository
from kasasu.ownership.schemas import (
    AccountOwnership,
    AssignmentPlan,
    CapacityRow,
    OwnerRuleDefinition,
    OwnerRuleRead,
    PlannedAssignment,
)
from kasasu.segments.service import current_members, get_segment, list_segments
from kasasu.users.service import list_users

# What an ownership rule may read (besides custom.NAME).
CONDITION_NAMES = frozenset((*RULE_FIELDS, "score", "band", "mrr"))
OWNER_ROLES = (Role.CSM, Role.LEADER)  # who may be given accounts


def validate_rule(data: Mapping[str, Any], where: str = "rule") -> OwnerRuleDefinition:
    """The rule as typed, checked whole: every field's mistake at once, the condition's
    text included."""
    errors: list[FieldError] = []
    rule = None
    try:
        rule = OwnerRuleDefinition.model_validate(data)
    except ValidationError as exc:
        errors += [
            FieldError((where, *e["loc"]), pydantic_reason(e), e.get("input")) for e in exc.errors()
        ]
    condition = data.get("condition")
    if isinstance(condition, str) and condition.strip():
        try:
            compile_rule(condition, CONDITION_NAMES, where=f"{where}.condition")
        except InvalidInput as exc:
            errors += exc.errors
    if errors or rule is None:
        message = _("{where}: the ownership rule is not valid", where=where)
        raise InvalidInput(message, errors)
    return rule


def save_rule(session: Session, data: OwnerRuleDefinition) -> OwnerRuleRead:
    """Store the rule (a rule of the same name is changed; a new one goes last)."""
    if data.condition:
        compile_rule(data.condition, CONDITION_NAMES, where="condition")
    segment_id = _segment_id(session, data.segment) if data.segment else None
    _check_owners(session, data.owners)
    repo = OwnerRuleRepository(session)
    row = repo.get_by_name(data.name)
    values = {
        "condition": data.condition or None,
        "segment_id": segment_id,
        "method": data.method,
        "owners": list(dict.fromkeys(data.owners)),
        "enabled": data.enabled,
    }
    if row is None:
        row = repo.add(OwnerRule(name=data.name, position=repo.next_position(), **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
    return list_rules(session, only=row.id)[0]


def _segment_id(session: Session, name: str) -> int:
    try:
        return get_segment(session, name).id
    except NotFound as exc:
        reason = _("Segment {name} not found", name=name)
        raise InvalidInput(reason, [FieldError(("segment",), reason, name)]) from exc


def _check_owners(session: Session, owners: Sequence[int]) -> None:
    allowed = {u.id for u in list_users(session) if u.is_active and u.role in OWNER_ROLES}
    wrong = [o for o in owners if o not in allowed]
    if wrong:
        raise InvalidInput(
            _("Accounts can go only to active CSMs and leaders"),
            [FieldError(("owners",), _("Not an active CSM or leader"), o) for o in wrong],
        )


def list_rules(session: Session, only: int | None = None) -> list[OwnerRuleRead]:
    """The rules in the order they are tried."""
    rows = OwnerRuleRepository(session).ordered()
    names = {u.id: u.name for u in list_users(session)}
    segments = {r.segment_id for r in rows if r.segment_id is not None}
    segment_names = _segment_names(session, segments)
    return [
        OwnerRuleRead(
            id=r.id,
            name=r.name,
            position=r.position,
            condition=r.condition,
            segment=segment_names.get(r.segment_id) if r.segment_id else None,
            method=r.method,
            owners=list(r.owners),
            owner_names=[names.get(o, "?") for o in r.owners],
            enabled=r.enabled,
        )
        for r in rows
        if only is None or r.id == only
    ]


def _segment_names(session: Session, ids: set[int]) -> dict[int, str]:
    return {s.id: s.name for s in list_segments(session) if s.id in ids} if ids else {}


def _rule(session: Session, rule_id: int) -> OwnerRule:
    row = OwnerRuleRepository(session).get(rule_id)
    if row is None:
        raise NotFound(_("Ownership rule {id} does not exist", id=rule_id))
    return row


def delete_rule(session: Session, rule_id: int) -> None:
    OwnerRuleRepository(session).delete(_rule(session, rule_id))


def move_rule(session: Session, rule_id: int, step: int) -> None:
    """Try the rule earlier (step -1) or later (+1): it swaps places with its neighbour."""
    moved = _rule(session, rule_id)  # an unknown rule: not found
    rows = OwnerRuleRepository(session).ordered()
    at = next(i for i, r in enumerate(rows) if r.id == moved.id)
    other = at + step
    if 0 <= other < len(rows):
        rows[at].position, rows[other].position = rows[other].position, rows[at].position
        session.flush()


def capacity(session: Session) -> list[CapacityRow]:
    """Every active CSM and leader, and anyone else who owns live accounts: their accounts
    against their capacity, fullest first."""
    counts = OwnershipRepository(session).owned_counts()
    rules = [r for r in OwnerRuleRepository(session).ordered() if r.enabled]
    rows = []
    for user in list_users(session):
        owned = counts.get(user.id, 0)
        if not owned and not (user.is_active and user.role in OWNER_ROLES):
            continue
        limit = user.account_capacity
        rows.append(
            CapacityRow(
                owner_id=user.id,
                name=user.name,
                accounts=owned,
                capacity=limit,
                room=None if limit is None else max(0, limit - owned),
                share=owned / limit if limit else None,
                in_rules=sum(user.id in r.owners for r in rules),
            )
        )
    rows.sort(key=lambda r: (r.share is None, -(r.share or 0), r.name))
    return rows


def plan_assignments(session: Session, account_ids: Sequence[int] | None = None) -> AssignmentPlan:
    """What the rules would do now with the unowned accounts (of ``account_ids``)."""
    return _assign(session, account_ids, by=None, write=False)


def apply_rules(
    session: Session, account_ids: Sequence[int] | None = None, by: int | None = None
) -> AssignmentPlan:
    """Give each unowned account (of ``account_ids``) its CSM; returns what was done."""
    return _assign(session, account_ids, by=by, write=True)


def _assign(
    session: Session, account_ids: Sequence[int] | None, *, by: int | None, write: bool
) -> AssignmentPlan:
    repo = OwnershipRepository(session)
    unowned = repo.unowned(account_ids)
    rules = [r for r in OwnerRuleRepository(session).ordered() if r.enabled]
    users = list_users(session)
    names = {u.id: u.name for u in users}
    active = {u.id for u in users if u.is_active and u.role in OWNER_ROLES}
    capacity_of = {u.id: u.account_capacity for u in users}
    counts = repo.owned_counts()
    segments = _segment_names(session, {r.segment_id for r in rules if r.segment_id})
    compiled = [(r, _compiled(r), _members(session, r, segments)) for r in rules]
    briefs = latest_briefs(session, [a["id"] for a in unowned])
    cursor = {r.id: r.last_owner_id for r in rules}
    assigned: list[PlannedAssignment] = []
    no_rule = full = 0
    for account in unowned:
        values = _values(account, briefs.get(account["id"]))
        rule = next(
            (r for r, test, inside in compiled if _matches(account["id"], values, test, inside)),
            None,
        )
        if rule is None:
            no_rule += 1
            continue
        people = [p for p in rule.owners if p in active]
        owner = choose_owner(rule.method, people, counts, capacity_of, cursor[rule.id])
        if owner is None:
            full += 1
            continue
        counts[owner] = counts.get(owner, 0) + 1
        cursor[rule.id] = owner
        assigned.append(
            PlannedAssignment(
                account_id=account["id"],
                account_name=account["name"],
                owner_id=owner,
                owner_name=names.get(owner, ""),
                rule_id=rule.id,
                rule_name=rule.name,
                method=rule.method,
            )
        )
    if write:
        assigned = _write(session, repo=repo, rules=rules, cursor=cursor, assigned=assigned, by=by)
    return AssignmentPlan(
        as_of=latest_refresh_day(session),
        unowned=len(unowned),
        assigned=assigned,
        no_rule=no_rule,
        full=full,
    )


def _compiled(rule: OwnerRule) -> Rule | None:
    return (
        compile_rule(rule.condition, CONDITION_NAMES, where=rule.name) if rule.condition else None
    )


def _members(session: Session, rule: OwnerRule, segments: Mapping[int, str]) -> set[int] | None:
    """The accounts the rule's segment holds now; None when the rule names no segment."""
    if rule.segment_id is None:
        return None
    return current_members(session, segments[rule.segment_id])


def _values(account: Mapping[str, Any], brief: Any) -> dict[str, Any]:
    values: dict[str, Any] = {f: account.get(f) for f in RULE_FIELDS}
    for key, value in (account.get("custom_fields") or {}).items():
        values[f"custom.{key}"] = value
    if brief is not None:
        values["touch_model"] = values["touch_model"] or brief.touch_model
        values.update(score=brief.score, band=brief.band, mrr=brief.mrr)
    return {k: getattr(v, "value", v) for k, v in values.items()}


def _matches(
    account_id: int, values: Mapping[str, Any], test: Rule | None, inside: set[int] | None
) -> bool:
    if inside is not None and account_id not in inside:
        return False
    return test is None or test.matches(values)


def _write(
    session: Session,
    *,
    repo: OwnershipRepository,
    rules: Sequence[OwnerRule],
    cursor: Mapping[int, int | None],
    assigned: Sequence[PlannedAssignment],
    by: int | None,
) -> list[PlannedAssignment]:
    """Give the accounts their CSM and record it; what took effect (an account given a CSM
    by someone else meanwhile keeps theirs and gets no record)."""
    now = utcnow()
    after = repo.give({a.account_id: a.owner_id for a in assigned})
    done = [a for a in assigned if after.get(a.account_id) == a.owner_id]
    repo.record(
        [
            {
                "account_id": a.account_id,
                "owner_id": a.owner_id,
                "rule_id": a.rule_id,
                "rule_name": a.rule_name,
                "method": a.method,
                "assigned_by": by,
                "assigned_at": now,
            }
            for a in done
        ]
    )
    for rule in rules:
        rule.last_owner_id = cursor[rule.id]
    session.flush()
    return done


def account_ownership(session: Session, account_id: int, owner_id: int | None) -> AccountOwnership:
    """Which rule chose the account's CSM; none when its CSM (``owner_id``, as it is now) is
    not the one the latest rule assignment gave it (changed by hand or an import since)."""
    latest = OwnershipRepository(session).latest(account_id)
    if latest is None or latest.owner_id != owner_id:
        return AccountOwnership(owner_id=owner_id, rule_name=None, method=None, assigned_at=None)
    return AccountOwnership(
        owner_id=owner_id,
        rule_name=latest.rule_name,
        method=latest.method,
        assigned_at=latest.assigned_at,
    )
