"""Replay a scorecard over the stored feature history and compare it with what happened."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kasasu.analytics import revenue
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.sources import Sources
from kasasu.domain.backtest import Observation, by_band, lift, roc_auc
from kasasu.errors import InvalidInput
from kasasu.health.features import RefreshConfig
from kasasu.health.repository import ScorecardRepository, SnapshotRepository
from kasasu.health.schemas import (
    BacktestBand,
    BacktestCard,
    BacktestReport,
    ScorecardDefinition,
)
from kasasu.health.scorecards import active_scorecards
from kasasu.health.service import score_features
from kasasu.kit.i18n import _
from kasasu.metrics.service import currency_scales
from kasasu.warehouse import backends


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
    D by ``card`` (default: the active scorecards, each account by the first that matches
    it), and whether it churned: paying on D, not paying on D + horizon. Account-days with
    not enough data keep their own band row and stay out of the AUC and the red lift."""
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
    numbers = {} if card else ScorecardRepository(session).versions_by_id([v for v, _c in cards])
    by_id = {a["id"]: a for a in repo.account_facts()}
    paying = paying_on(session, config, [d + timedelta(days=horizon_days) for d in days])
    observations: dict[int, list[Observation]] = {version: [] for version, _card in cards}
    for day in days:
        later = paying[day + timedelta(days=horizon_days)]
        for version, account_ids, table in score_features(
            cards, by_id, repo.features_on(day), config.touch
        ):
            observations[version].extend(
                Observation(table.score_of(i), table.band(i), account_id not in later)
                for i, account_id in enumerate(account_ids)
            )
    named = [(c.name, numbers[v][1] if v in numbers else None, observations[v]) for v, c in cards]
    return _report(named, days, horizon_days)


def paying_on(session: Session, config: RefreshConfig, days: list[date]) -> dict[date, set[int]]:
    """The accounts paying on each of ``days``: who had not churned by then."""
    scales = currency_scales(session, config.currency, min(days))
    out: dict[date, set[int]] = defaultdict(set)
    # The facts only: who paid on each day needs no usage events.
    facts_only = replace(config.source, events_path=None)
    with backends.analytics_backend(session, facts_only) as backend:
        src = Sources.from_backend(backend)
        rows = evaluate(revenue.paying_on(src, days, config.currency, scales)).to_pylist()
    for row in rows:
        out[row["at"]].add(row["account_id"])
    return out


def _auc(observations: list[Observation]) -> float | None:
    scored = [(o.score, o.churned) for o in observations if o.score is not None]
    return roc_auc([s for s, _c in scored], [c for _s, c in scored])


def _report(
    cards: list[tuple[str, int | None, list[Observation]]], days: list[date], horizon: int
) -> BacktestReport:
    """Scores of every card pooled (one AUC, one row per band), and each card on its own."""
    observations = [o for _name, _version, part in cards for o in part]
    scored = [o for o in observations if o.score is not None]
    return BacktestReport(
        scorecards=[name if v is None else f"{name} v{v}" for name, v, _part in cards],
        cards=[
            BacktestCard(
                name=name,
                version=version,
                observations=len(part),
                scored=sum(o.score is not None for o in part),
                churned=sum(o.churned for o in part if o.score is not None),
                auc=_auc(part),
            )
            for name, version, part in cards
        ],
        horizon_days=horizon,
        first_day=days[0],
        last_day=days[-1],
        days=len(days),
        observations=len(observations),
        scored=len(scored),
        churned=sum(o.churned for o in scored),
        auc=_auc(observations),
        bands=[
            BacktestBand(
                band=b.band.value, accounts=b.accounts, churned=b.churned, churn_rate=b.churn_rate
            )
            for b in by_band(observations)
        ],
        red_lift=lift(observations),
    )
