"""Step 1 of the daily refresh (DESIGN.md §3): every paying account's features on a day,
stored as that day's snapshot, and the refresh's configuration.

A re-run for a date replaces that date's snapshot and never duplicates it. The orchestration
(``kasasu.jobs.refresh``) runs each step in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.features import MEASURABLE, Feature, account_features
from kasasu.analytics.features_facts import guide_measures
from kasasu.analytics.sources import Sources
from kasasu.domain.choices import TouchModel
from kasasu.domain.guides import guide_measure
from kasasu.health.repository import SnapshotRepository
from kasasu.health.schemas import CUSTOM_PREFIX
from kasasu.metrics.service import currency_scales
from kasasu.warehouse import backends
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource

Tick = Callable[[date], None]
# Per account: (account id, feature → value); what a day's feature snapshot holds.
Features = list[tuple[int, dict[str, Any]]]
Accounts = dict[int, dict[str, Any]]


@dataclass(frozen=True)
class TouchRule:
    """MRR (reporting currency, minor units) from which an account is high- or low-touch."""

    high_from: int
    low_from: int

    def assign(self, mrr: float | None) -> TouchModel:
        value = mrr or 0
        if value >= self.high_from:
            return TouchModel.HIGH
        return TouchModel.LOW if value >= self.low_from else TouchModel.TECH


@dataclass(frozen=True)
class RefreshConfig:
    zone: str
    currency: str
    source: AnalyticsSource = FACTS_ONLY
    touch: TouchRule = TouchRule(high_from=300_000, low_from=50_000)
    gross_margin: float = 1.0  # of the lifetime values
    purchase_events: tuple[str, ...] = ("purchase",)  # usage events whose value is revenue


def measurable_features() -> tuple[Feature, ...]:
    """The features a scorecard can measure, with their titles and definitions."""
    return MEASURABLE


def read_accounts(session: Session) -> Accounts:
    """The account fields scorecards and touch models look at, by account id."""
    return {a["id"]: a for a in SnapshotRepository(session).account_facts()}


def compute_features(
    session: Session,
    days: Sequence[date],
    config: RefreshConfig,
    tick: Tick | None = None,
    *,
    accounts: Accounts | None = None,
) -> dict[date, Features]:
    """Step 1–2: every paying account's features on each day, stored as that day's snapshot.

    The facts are copied (or read in place) once for all ``days``. Returns what was stored,
    so the next steps of the same run need not read it back.
    """
    scales = currency_scales(session, config.currency, min(days) - timedelta(days=90))
    customs = _custom_fields(accounts or read_accounts(session))
    written: dict[date, Features] = {}
    with backends.analytics_backend(session, config.source, guides=True) as backend:
        events = backends.usage_events(backend, config.source.engine)
        src = Sources.from_backend(backend, events)
        for day in days:
            expr = account_features(src, day, config.zone, config.currency, scales)
            rows = evaluate(expr).to_pylist()
            guides = _guide_values(src, day, config.zone)
            snapshot = [
                {
                    "account_id": r["account_id"],
                    "as_of": day,
                    "features": _features(r)
                    | customs.get(r["account_id"], {})
                    | guides.get(r["account_id"], {}),
                }
                for r in rows
            ]
            SnapshotRepository(session).replace_features(day, snapshot)
            written[day] = [(row["account_id"], row["features"]) for row in snapshot]
            if tick:
                tick(day)
    return written


def _features(row: dict[str, Any]) -> dict[str, float | None]:
    return {k: v for k, v in row.items() if k != "account_id"}


def _guide_values(src: Sources, day: date, zone: str) -> dict[int, dict[str, float]]:
    """``guide.KEY`` per account: 1 completed, 0 shown and not completed (only the guides
    that reached the account, so a snapshot grows with what was shown, not with every guide)."""
    expr = guide_measures(src, day, zone)
    out: dict[int, dict[str, float]] = {}
    if expr is None:
        return out
    for r in evaluate(expr).to_pylist():
        out.setdefault(r["account_id"], {})[guide_measure(r["key"])] = float(r["completed"])
    return out


def _custom_fields(accounts: Accounts) -> dict[int, dict[str, float]]:
    """Numeric custom fields as ``custom.NAME`` features (text fields cannot be scored)."""
    out: dict[int, dict[str, float]] = {}
    for a in accounts.values():
        numbers = {
            f"{CUSTOM_PREFIX}{k}": float(v)
            for k, v in (a["custom_fields"] or {}).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        if numbers:
            out[a["id"]] = numbers
    return out
