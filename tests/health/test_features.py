"""Per-account features on tests/health/golden_health.py, computed by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy.orm import Session

from kasasu.events.schemas import BATCH_SCHEMA
from kasasu.events.service import append_events
from kasasu.health.features import RefreshConfig, compute_features
from kasasu.health.repository import SnapshotRepository
from kasasu.models import Invoice
from kasasu.warehouse.source import AnalyticsSource
from tests.analytics.golden_voice import utc
from tests.health.golden_health import AS_OF, add_health_base, write_health_events


def _features(
    session: Session, events: Path | None, more: Callable[[dict[str, int]], None] | None = None
) -> dict[str, dict[str, float | None]]:
    ids = add_health_base(session)
    if more is not None:
        more(ids)
    config = RefreshConfig(
        zone="Asia/Tokyo", currency="JPY", source=AnalyticsSource(events_path=events)
    )
    stored = compute_features(session, [AS_OF], config)
    assert {day: len(rows) for day, rows in stored.items()} == {AS_OF: 2}  # H3 no longer pays
    names = {v: k for k, v in ids.items()}
    return {names[i]: f for i, f in SnapshotRepository(session).features_on(AS_OF)}


def test_features_by_hand(session: Session, tmp_path: Path) -> None:
    f = _features(session, write_health_events(tmp_path / "events.duckdb"))
    h1 = f["H1"]
    assert h1 == {
        "mrr": 30_000,
        "mrr_change_90d": 0,
        "tenure_days": 245,
        "events_7d": 1,
        "events_30d": 3,
        "events_90d": 5,
        "usage_trend_30d": 2.0,
        "active_users_30d": 2,
        "dau_mau": pytest.approx(0.05),
        "features_used_30d": 2,
        "days_since_last_event": 1,
        "never_used": 0,
        "seats": 10,
        "seat_utilisation": pytest.approx(0.2),
        "open_tickets": 2,
        "escalated_tickets": 1,
        "median_response_hours_90d": 2.5,
        "latest_nps": 9,
        "latest_csat": 4,
        "onboarding_progress": pytest.approx(1 / 3),
        "milestones_overdue": 1,
        "first_value_overdue_days": 7,
        "days_to_renewal": 19,
        "guides_completed_90d": 0,
        "guides_dismissed_90d": 0,
        "engagement_90d": 1,
        "events_attended_90d": 1,  # the webinar of Jan 12 (the community post is too old)
        "payment_issues": 0,
        "community_engagement_90d": 0,  # no community activity (tests/community)
        "custom.nps_goal": 9,
    }
    h2 = f["H2"]
    assert (h2["events_30d"], h2["active_users_30d"]) == (0, 0)
    # Never used: 48 days without use since the contract started, and flagged as such.
    assert (h2["never_used"], h2["days_since_last_event"]) == (1, 48)
    nothing = (
        "usage_trend_30d",
        "dau_mau",
        "seats",
        "seat_utilisation",
        "latest_nps",
        "latest_csat",
        "onboarding_progress",
        "milestones_overdue",
        "first_value_overdue_days",
        "days_to_renewal",
        "mrr_change_90d",
        "median_response_hours_90d",
    )
    assert {name: h2[name] for name in nothing} == dict.fromkeys(nothing)
    assert (h2["open_tickets"], h2["engagement_90d"]) == (0, 0)


def test_without_an_event_store_usage_is_unknown(session: Session, tmp_path: Path) -> None:
    f = _features(session, tmp_path / "missing.duckdb")
    assert f["H1"]["events_30d"] is None
    assert f["H1"]["days_since_last_event"] is None
    assert f["H1"]["never_used"] is None  # not known: nothing was measured
    assert f["H1"]["latest_nps"] == 9  # the rest is still there


def test_local_days_across_a_daylight_saving_change(session: Session, tmp_path: Path) -> None:
    """Berlin leaves summer time on 2025-10-26 (that day has 25 hours). u1 uses the product
    at 23:30 on Oct 26 and at 00:30 on Oct 27, local time: two local days, so DAU/MAU is
    (1 + 1) ÷ (30 × 1). Counting days as 24-hour steps from the window's first midnight
    would put both on one day (1 ÷ 30)."""
    ids = add_health_base(session)
    events = tmp_path / "berlin.duckdb"
    table = pa.table(
        {
            "event_id": ["b1", "b2"],
            "account_external_id": ["H1", "H1"],
            "user_id": ["u1", "u1"],
            "event_name": ["login", "login"],
            "occurred_at": [utc(2025, 10, 26, 22, 30), utc(2025, 10, 26, 23, 30)],
            "value": [None, None],
            "properties": ["{}", "{}"],
        },
        schema=BATCH_SCHEMA,
    )
    append_events(events, table)
    day = date(2025, 11, 1)
    config = RefreshConfig(
        zone="Europe/Berlin", currency="JPY", source=AnalyticsSource(events_path=events)
    )
    stored = dict(compute_features(session, [day], config)[day])
    h1 = stored[ids["H1"]]  # H3 pays too that day (cancelled in 2026); H2 not yet
    assert set(stored) == {ids["H1"], ids["H3"]}
    assert h1["dau_mau"] == pytest.approx(2 / 30)
    # Last use on Oct 27 (local); Nov 1 is 5 local days later.
    assert h1["days_since_last_event"] == 5


def test_payment_issues_count_failed_invoices_unpaid_at_the_day_start(session: Session) -> None:
    start = datetime(2026, 1, 31, 15, tzinfo=UTC)  # AS_OF (1 February) 00:00 Tokyo

    def invoices(ids: dict[str, int]) -> None:
        def one(ref: str, failed: datetime | None, **more: object) -> Invoice:
            return Invoice(external_id=ref, account_id=ids["H1"], status=more.pop("status", "open"),
                           currency="JPY", amount_due=30_000, amount_paid=0,
                           issued_at=datetime(2026, 1, 20, tzinfo=UTC), failed_at=failed,
                           **more)  # fmt: skip

        before = start - timedelta(days=3)
        session.add_all([
            one("in_1", before),  # failed, unpaid: 1
            one("in_2", before, paid_at=start + timedelta(hours=2)),  # paid later that day: 2
            one("in_3", before, paid_at=start - timedelta(hours=1)),  # paid before: no
            one("in_4", before, status="void"),  # voided: nothing owed
            one("in_5", start),  # failed at the day's start, not before it: no
            one("in_6", None),  # never failed
        ])  # fmt: skip
        session.flush()

    f = _features(session, None, invoices)
    assert (f["H1"]["payment_issues"], f["H2"]["payment_issues"]) == (2, 0)
