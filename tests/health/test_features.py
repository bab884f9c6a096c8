"""Per-account features on tests/health/golden_health.py, computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.health.repository import SnapshotRepository
from kasasu.health.service import RefreshConfig, compute_features
from tests.health.golden_health import AS_OF, add_health_base, write_health_events


def _features(session: Session, events: Path | None) -> dict[str, dict[str, float | None]]:
    ids = add_health_base(session)
    config = RefreshConfig(zone="Asia/Tokyo", currency="JPY", events_path=events)
    assert compute_features(session, [AS_OF], config) == {AS_OF: 2}  # H3 no longer pays
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
        "seats": 10,
        "seat_utilisation": pytest.approx(0.2),
        "open_tickets": 2,
        "escalated_tickets": 1,
        "median_response_hours_90d": 2.5,
        "latest_nps": 9,
        "latest_csat": 4,
        "onboarding_progress": pytest.approx(1 / 3),
        "days_to_renewal": 19,
        "engagement_90d": 1,
        "custom.nps_goal": 9,
    }
    h2 = f["H2"]
    assert (h2["events_30d"], h2["active_users_30d"], h2["days_since_last_event"]) == (0, 0, 48)
    nothing = (
        "usage_trend_30d",
        "dau_mau",
        "seats",
        "seat_utilisation",
        "latest_nps",
        "latest_csat",
        "onboarding_progress",
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
    assert f["H1"]["latest_nps"] == 9  # the rest is still there
