"""The backtest on the golden health base: H3 pays on 2026-01-01 and not 30 days later."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.health.backtest import backtest
from kasasu.health.features import RefreshConfig, compute_features
from kasasu.health.scorecards import parse_scorecard
from tests.health.golden_health import add_health_base

CARD = """
name: by-mrr
measures:
  - metric: mrr
    weight: 1
    thresholds:
      - {up_to: 10000, points: 100}
      - {up_to: 20000, points: 0}
      - {points: 100}
"""


def test_backtest_by_hand(session: Session) -> None:
    add_health_base(session)
    config = RefreshConfig("Asia/Tokyo", "JPY")
    day = date(2026, 1, 1)
    compute_features(session, [day], config)
    report = backtest(
        session,
        config,
        horizon_days=30,
        until=date(2026, 2, 1),
        card=parse_scorecard(CARD, "card.yaml"),
    )
    # On Jan 1: H1 ¥30,000 → 100, H2 ¥10,000 → 100, H3 ¥20,000 → 0 (red). On Jan 31 H3 no
    # longer pays (cancelled Jan 10): the one churner scored below both stayers → AUC 1.0.
    assert (report.days, report.scored, report.churned) == (1, 3, 1)
    assert report.auc == 1.0
    red = next(b for b in report.bands if b.band == "red")
    assert (red.accounts, red.churned, red.churn_rate) == (1, 1, 1.0)
    assert report.red_lift == pytest.approx(3.0)  # 100% in red ÷ 1 in 3 overall


def test_backtest_needs_history_old_enough(session: Session) -> None:
    add_health_base(session)
    config = RefreshConfig("Asia/Tokyo", "JPY")
    compute_features(session, [date(2026, 1, 20)], config)
    with pytest.raises(InvalidInput):
        backtest(session, config, horizon_days=30, until=date(2026, 2, 1))
