"""Scores, re-runs, touch models, explanations and scorecards on the golden health base."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.health.explain import account_health
from kasasu.health.features import RefreshConfig, TouchRule, compute_features
from kasasu.health.repository import SnapshotRepository
from kasasu.health.scorecards import (
    default_definition,
    list_scorecards,
    parse_scorecard,
    save_scorecard,
)
from kasasu.health.service import assign_touch_models, score_day
from kasasu.models import HealthScore
from kasasu.warehouse.source import AnalyticsSource
from tests.health.golden_health import AS_OF, add_health_base, write_health_events

CONFIG_TOUCH = TouchRule(high_from=25_000, low_from=5_000)


def _refresh(session: Session, events: Path) -> dict[str, int]:
    ids = add_health_base(session)
    config = RefreshConfig(
        "Asia/Tokyo", "JPY", source=AnalyticsSource(events_path=events), touch=CONFIG_TOUCH
    )
    compute_features(session, [AS_OF], config)
    assert score_day(session, AS_OF) == 2
    assign_touch_models(session, AS_OF, config)
    return ids


def _score(session: Session, account_id: int) -> HealthScore:
    [row] = SnapshotRepository(session).scores_for(account_id, AS_OF, AS_OF)
    return row


def test_default_scorecard_by_hand(session: Session, tmp_path: Path) -> None:
    ids = _refresh(session, write_health_events(tmp_path / "e.duckdb"))
    h1 = _score(session, ids["H1"])
    # Points × weight (docs/health.md): days since 1 → 100 × 15; trend 2.0 → 100 × 15;
    # seats 0.2 → 20 × 10; DAU/MAU 0.05 → 0 × 10; features: top of 2 → 100 × 10; NPS 9 →
    # 100 × 15; CSAT 4 → 75 × 5; 2 open tickets → 60 × 5; 1 escalated → 0 × 5; onboarding
    # 1/3 → 33.3 × 5; MRR change 0 → 75 × 5. Sum 6,916.67 over weight 100 → 69.17, yellow.
    assert h1.score == pytest.approx(69.1667, abs=1e-4)
    assert h1.band == "yellow"
    assert sum(m["contribution"] for m in h1.measures) == pytest.approx(h1.score)
    # H2: data only for days since use (15), features used (10) and the tickets (5 + 5):
    # 35 of 100 < half → unknown.
    h2 = _score(session, ids["H2"])
    assert (h2.score, h2.band) == (None, "unknown")
    # Touch models by MRR: H1 ¥30,000 ≥ 25,000 → high; H2 ¥10,000 → low.
    assert (h1.touch_model, h2.touch_model) == ("high", "low")
    assert h1.segment == "default"


def test_a_rerun_replaces_the_day(session: Session, tmp_path: Path) -> None:
    ids = _refresh(session, write_health_events(tmp_path / "e.duckdb"))
    config = RefreshConfig(
        "Asia/Tokyo", "JPY", source=AnalyticsSource(events_path=tmp_path / "e.duckdb")
    )
    compute_features(session, [AS_OF], config)
    score_day(session, AS_OF)
    repo = SnapshotRepository(session)
    assert (repo.count_features(AS_OF), repo.count_scores(AS_OF)) == (2, 2)
    assert _score(session, ids["H1"]).score == pytest.approx(69.1667, abs=1e-4)


def test_scorecards_per_segment_and_versions(session: Session, tmp_path: Path) -> None:
    ids = add_health_base(session)
    pro = parse_scorecard(
        """
name: pro-plan
applies_to: {plan: Pro}
priority: 10
bands: {red_below: 50, green_from: 90}
measures:
  - metric: latest_nps
    weight: 1
    linear: {zero: 0, full: 10}
""",
        "pro.yaml",
    )
    assert save_scorecard(session, pro).version == 1
    assert save_scorecard(session, pro).version == 1  # unchanged: no new version
    changed = pro.model_copy(update={"min_known_weight": 0.6})
    assert save_scorecard(session, changed).version == 2
    config = RefreshConfig(
        "Asia/Tokyo", "JPY", source=AnalyticsSource(events_path=write_health_events(tmp_path / "e"))
    )
    compute_features(session, [AS_OF], config)
    score_day(session, AS_OF)
    h1 = _score(session, ids["H1"])
    assert (h1.score, h1.band, h1.segment) == (90, "green", "pro-plan")  # NPS 9 → 90 points
    assert [c.name for c in list_scorecards(session)] == ["pro-plan", "default"]


HEAD = "name: x\nmeasures:\n  - metric: open_tickets\n    weight: 1\n    thresholds:\n"


def test_cards_for_a_touch_model_match_the_touch_model_mrr_gives(
    session: Session, tmp_path: Path
) -> None:
    ids = add_health_base(session)
    high = parse_scorecard(
        "name: high-touch\napplies_to: {touch_model: high}\npriority: 1\nmeasures:\n"
        "  - {metric: latest_csat, weight: 1, linear: {zero: 1, full: 5}}\n",
        "high.yaml",
    )
    save_scorecard(session, high)
    config = RefreshConfig(
        "Asia/Tokyo", "JPY", source=AnalyticsSource(events_path=write_health_events(tmp_path / "e"))
    )
    compute_features(session, [AS_OF], config)
    # No account has a touch model of its own; by MRR H1 (¥30,000) is high-touch, H2 low.
    score_day(session, AS_OF, touch=CONFIG_TOUCH)
    h1, h2 = _score(session, ids["H1"]), _score(session, ids["H2"])
    assert (h1.segment, h1.score) == ("high-touch", 75)  # CSAT 4 → (4 − 1) ÷ 4
    assert h2.segment == "default"


BAD = {
    "unknown metric": (
        "name: x\nmeasures:\n  - {metric: logins, weight: 1, linear: {zero: 0, full: 1}}\n",
        ("measures", 0, "metric"),
    ),
    "open range not last": (
        HEAD + "      - {points: 0}\n      - {up_to: 1, points: 100}\n",
        ("measures", 0, "thresholds"),
    ),
    "ranges not growing": (
        HEAD
        + "      - {up_to: 3, points: 0}\n      - {up_to: 1, points: 50}\n      - {points: 100}\n",
        ("measures", 0, "thresholds", 1, "up_to"),
    ),
    "negative weight": (
        "name: x\nmeasures:\n  - {metric: latest_nps, weight: -1}\n",
        ("measures", 0, "weight"),
    ),
    "points above 100": (
        HEAD + "      - {points: 120}\n",
        ("measures", 0, "thresholds", 0, "points"),
    ),
    "unknown filter": (
        "name: x\napplies_to: {colour: red}\nmeasures:\n  - {metric: latest_nps, weight: 1}\n",
        ("applies_to", "colour"),
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_scorecards_name_where_and_why(case: str) -> None:
    text, loc = BAD[case]
    with pytest.raises(InvalidInput) as raised:
        parse_scorecard(text, "card.yaml")
    assert loc in [e.loc for e in raised.value.errors]
    assert "card.yaml" in raised.value.message.render("en")


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_scorecard("name: x\nmeasures: [\n", "card.yaml")
    assert "card.yaml:3" in raised.value.message.render("ja")


def test_the_shipped_scorecard_is_valid_and_weighs_100() -> None:
    card = default_definition()
    assert sum(m.weight for m in card.measures) == 100


def test_explanation_in_japanese_and_english(session: Session, tmp_path: Path) -> None:
    ids = _refresh(session, write_health_events(tmp_path / "e.duckdb"))
    ja = account_health(session, ids["H1"], locale="ja")
    en = account_health(session, ids["H1"], locale="en")
    # Every measure of the default card has a value for H1: all the weight has data.
    assert ja.summary[0] == (
        "2026-02-01 のヘルススコアは 69.2（黄）。スコアカード default v1 による"
        "（データのある重みは 100%）。"
    )
    assert en.summary[0] == (
        "Health 69.2 (yellow) on 2026-02-01, by scorecard default v1; 100% of its weight has data."
    )
    assert (en.coverage, en.min_coverage, en.band_title, ja.band_title) == (1, 0.5, "yellow", "黄")
    # The largest costs: DAU/MAU 100 × 10 ÷ 100 = 10.0 points, seats 80 × 10 ÷ 100 = 8.0.
    assert en.summary[2] == "- DAU/MAU: 5% → 0/100 points (costs 10.0 points)"
    assert ja.summary[3] == "- 席の利用率: 20% → 20/100 点（スコアを 8.0 点下げています）"
    assert (en.measures[0].metric, en.measures[0].shown) == ("days_since_last_event", "1 day")
    assert [m.shown for m in ja.measures if m.metric == "seat_utilisation"] == ["20%"]
    assert [m.shown for m in ja.measures if m.metric == "latest_csat"] == ["4"]
    assert en.trend[0].score == pytest.approx(69.1667, abs=1e-4)
