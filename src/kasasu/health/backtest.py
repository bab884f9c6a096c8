"""Replay a scorecard over the stored feature history and compare it with what happened."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kasasu.analytics import revenue
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.sources import Sources
from kasasu.domain.backtest import Observation, by_band, lift, roc_auc
from kasasu.errors import InvalidInput
from kasasu.health.repository import SnapshotRepository
from kasasu.health.schemas import BacktestBand, BacktestReport, ScorecardDefinition
from kasasu.health.scorecards import active_scorecards
from kasasu.health.service import RefreshConfig, score_features
from kasasu.kit.i18n import _
from kasasu.metrics import repository as facts
from kasasu.metrics.service import currency_scales


def backtest(
    session: Session,
    config: RefreshConfig,
    *,
    horizon_days: int,
    until: date,
    first: date | None = None,
    last: date | None = None,
    card: ScorecardDefinition | None = None,
) -> BacktestReport:
    """For each stored feature day D (with D + horizon ≤ ``until``): every account's score on
    D by ``card`` (default: the active scorecards), and whether it churned: paying on D, not
    paying on D + horizon."""
    repo = SnapshotRepository(session)
    latest = until - timedelta(days=horizon_days)
    days = repo.feature_dates(first, min(last, latest) if last else latest)
    if not days:
        raise InvalidInput(
            _(
                "No feature history from which {horizon} days have passed; build it with "
                "'kasasu refresh --backfill --from DATE --to DATE'",
                horizon=horizon_days,
            )
        )
    cards = [(0, card.to_domain())] if card else active_scorecards(session)
    by_id = {a["id"]: a for a in repo.account_facts()}
    paying = _paying(session, config, [d + timedelta(days=horizon_days) for d in days])
    observations: list[Observation] = []
    for day in days:
        later = paying[day + timedelta(days=horizon_days)]
        for _version, account_ids, table in score_features(
            cards, by_id, repo.features_on(day), config.touch
        ):
            observations.extend(
                Observation(table.score_of(i), table.band(i), account_id not in later)
                for i, account_id in enumerate(account_ids)
            )
    return _report(observations, days, horizon_days, [c.name for _v, c in cards])


def _paying(session: Session, config: RefreshConfig, days: list[date]) -> dict[date, set[int]]:
    scales = currency_scales(session, config.currency, min(days))
    out: dict[date, set[int]] = defaultdict(set)
    with facts.analytics_backend(session, config.engine, url=config.url) as backend:
        src = Sources.from_backend(backend)
        rows = evaluate(revenue.paying_on(src, days, config.currency, scales)).to_pylist()
    for row in rows:
        out[row["at"]].add(row["account_id"])
    return out


def _report(
    observations: list[Observation], days: list[date], horizon: int, cards: list[str]
) -> BacktestReport:
    scored = [o for o in observations if o.score is not None]
    auc = roc_auc([o.score for o in scored if o.score is not None], [o.churned for o in scored])
    return BacktestReport(
        scorecards=cards,
        horizon_days=horizon,
        first_day=days[0],
        last_day=days[-1],
        days=len(days),
        observations=len(observations),
        scored=len(scored),
        churned=sum(o.churned for o in scored),
        auc=auc,
        bands=[
            BacktestBand(
                band=b.band.value, accounts=b.accounts, churned=b.churned, churn_rate=b.churn_rate
            )
            for b in by_band(observations)
        ],
        red_lift=lift(observations),
    )
