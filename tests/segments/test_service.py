"""Segments on the golden health base: rules, membership, history, re-runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput, NotFound
from kasasu.health.features import RefreshConfig, compute_features, read_accounts
from kasasu.health.service import health_on, score_day
from kasasu.models import SegmentMember
from kasasu.segments.schemas import SegmentDefinition, SegmentMemberRow
from kasasu.segments.service import (
    assign_segments,
    get_segment,
    list_segments,
    save_segment,
    segment_history,
    segment_member_page,
    segment_members,
    validate_segment,
)
from kasasu.warehouse.source import AnalyticsSource
from tests.health.golden_health import AS_OF, add_health_base, write_health_events
from tests.health.touch_data import BEFORE, DAY
from tests.segments.members_data import add_segments


def _day(session: Session, tmp_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    ids = add_health_base(session)
    config = RefreshConfig(
        "Asia/Tokyo", "JPY", source=AnalyticsSource(events_path=write_health_events(tmp_path / "e"))
    )
    features = compute_features(session, [AS_OF], config)[AS_OF]
    score_day(session, AS_OF)
    counts = assign_segments(
        session, AS_OF, features, read_accounts(session), health_on(session, AS_OF)
    )
    return ids, counts


def test_rules_read_fields_features_and_health(session: Session, tmp_path: Path) -> None:
    for name, rule in [
        ("paying-30k", "mrr >= 30000"),  # H1 ¥30,000; H2 ¥10,000
        ("yellow-pro", 'band == "yellow" and plan == "Pro"'),  # H1 yellow, H2 unknown
        ("no-usage", "events_30d == 0"),  # H2
        ("goal", "custom.nps_goal >= 9"),  # H1's custom field
        # H2 has data for 35% of the default card's weight (half is needed): no band, so
        # never red; it is found by its own value.
        ("red", 'band == "red"'),
        ("not-enough-data", 'band == "unknown"'),
    ]:
        save_segment(session, SegmentDefinition(name=name, rule=rule))
    ids, counts = _day(session, tmp_path)
    assert {k: v for k, v in counts.items() if v} == {
        "goal": 1,
        "no-usage": 1,
        "paying-30k": 1,
        "yellow-pro": 1,
        "not-enough-data": 1,
    }
    assert segment_members(session, "red", AS_OF) == []
    assert segment_members(session, "not-enough-data", AS_OF) == [ids["H2"]]
    assert segment_members(session, "no-usage", AS_OF) == [ids["H2"]]
    assert segment_members(session, "goal", AS_OF) == [ids["H1"]]
    assert {s.name: s.members for s in list_segments(session)}["paying-30k"] == 1


def test_history_and_reruns(session: Session, tmp_path: Path) -> None:
    save_segment(session, SegmentDefinition(name="big", rule="mrr >= 20000"))
    ids, _counts = _day(session, tmp_path)
    accounts = read_accounts(session)
    health = health_on(session, AS_OF)
    h1 = [(ids["H1"], {"mrr": 30_000}), (ids["H2"], {"mrr": 10_000})]
    # A re-run of the same day changes nothing.
    assign_segments(session, AS_OF, h1, accounts, health)
    assert session.query(SegmentMember).count() == 1
    # A week later H1 shrank to ¥15,000: it leaves; H2 grew to ¥25,000: it enters.
    later = AS_OF + timedelta(days=7)
    assign_segments(
        session, later, [(ids["H1"], {"mrr": 15_000}), (ids["H2"], {"mrr": 25_000})], accounts, {}
    )
    assert segment_members(session, "big", AS_OF) == [ids["H1"]]
    assert segment_members(session, "big", later) == [ids["H2"]]
    # The later day re-run with H1 back: its stay reopens, no second row.
    assign_segments(
        session, later, [(ids["H1"], {"mrr": 30_000}), (ids["H2"], {"mrr": 25_000})], accounts, {}
    )
    assert segment_members(session, "big", later) == sorted([ids["H1"], ids["H2"]])
    assert session.query(SegmentMember).filter_by(account_id=ids["H1"]).count() == 1


def test_bad_segments_name_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        validate_segment({"name": "x", "rule": "mrr >> 3"}, "segments.yaml[0]")
    assert raised.value.errors[0].loc == ("segments.yaml[0].rule",)
    with pytest.raises(InvalidInput) as unknown:
        validate_segment({"name": "x", "rule": "revenue > 3"}, "segments.yaml[1]")
    assert "revenue" in unknown.value.message.render("en")


def test_members_page_and_history(session: Session) -> None:
    ids = add_segments(session)
    page = segment_member_page(session, "big", DAY, limit=1)
    assert (page.as_of, page.total) == (DAY, 2)
    assert page.members == [
        SegmentMemberRow(account_id=ids["W1"], name="株式会社W1", owner_id=ids["Aoki"])
    ]
    assert segment_member_page(session, "big", BEFORE, limit=10).total == 2  # W1, W4
    history = segment_history(session, "big", limit=10)
    assert [(c.as_of, c.entered, c.account_name) for c in history] == [
        (DAY, True, "株式会社W5"),
        (DAY, False, "株式会社W4"),
        (BEFORE, True, "株式会社W1"),
        (BEFORE, True, "株式会社W4"),
    ]
    assert len(segment_history(session, "big", limit=2)) == 2
    assert get_segment(session, "big").members == 2
    with pytest.raises(NotFound):
        segment_history(session, "nope", limit=2)


def test_a_bad_segment_is_skipped_and_kept_for_a_leader_to_see(
    session: Session, tmp_path: Path
) -> None:
    """Security review F7: a rule stored before the checks (here 900 minus signs) used to
    raise RecursionError and abort the refresh at the segments step; now that segment is
    skipped with its reason stored, and the others are assigned."""
    from kasasu.models import Segment

    save_segment(session, SegmentDefinition(name="paying", rule="mrr >= 30000"))
    session.add(Segment(name="deep", rule="-" * 900 + "mrr > 0"))
    session.flush()
    _ids, counts = _day(session, tmp_path)
    assert counts == {"paying": 1}
    found = {s.name: s for s in list_segments(session)}
    assert found["paying"].problem is None
    problem = found["deep"].problem
    assert problem is not None
    assert problem.day == AS_OF
    assert "32 levels" in problem.en
    assert "32 段" in problem.ja
    # Fixed and saved again: the problem is gone, and the next refresh assigns it.
    save_segment(session, SegmentDefinition(name="deep", rule="-mrr < 0"))
    assert get_segment(session, "deep").problem is None
    again = assign_segments(session, AS_OF, [], read_accounts(session), {})
    assert again == {"deep": 0, "paying": 0}
