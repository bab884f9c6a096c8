"""The CS leader's dashboard: the KPIs of the last twelve whole months (revenue, retention,
churn, NPS, cohorts), the renewals ahead, and health with who turned red.

The KPIs change with the data a refresh brings in, and computing them costs about a
second on the demo company (`make bench`, "dashboard, first (cold)"): they are stored under
the key of what they were computed from (the latest refresh day, the month, the currency,
the fiscal year) and shared by every process until that key changes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy.orm import Session

from kasasu.cache.service import cached_payload, store_payload
from kasasu.domain.periods import add_months
from kasasu.domain.reporting import Reporting
from kasasu.health.snapshots import HealthOverview, health_overview, latest_refresh_day
from kasasu.metrics.schemas import MetricQuery, MetricValue, MissingRates
from kasasu.metrics.service import compute_metrics, missing_rates
from kasasu.prediction.value import latest_values, summarise
from kasasu.renewals.schemas import RenewalQuery
from kasasu.renewals.service import renewal_board
from kasasu.warehouse.facts import FACT_TABLES
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.memo import Recalled, keep, recall

MONTHS = 12
KPIS = (
    "mrr_movements",
    "nrr",
    "grr",
    "logo_churn_rate",
    "gross_mrr_churn_rate",
    "nps",
    "cohort_logo_retention",
)
RENEWAL_DAYS = 90
CACHE_NAME = "dashboard"
_VALUES = TypeAdapter(list[MetricValue])


class WaterfallMonth(BaseModel):
    """One month's MRR movements (minor units; contraction and churn negative)."""

    period: str
    new: float
    reactivation: float
    expansion: float
    contraction: float
    churn: float
    end: float


class CohortRow(BaseModel):
    period: str = Field(description="The cohort's first month")
    accounts: float
    shares: list[float | None] = Field(description="Share still paying k months later")


class RenewalsAhead(BaseModel):
    """Renewals in the next ``days`` with no outcome yet, in the reporting currency."""

    days: int
    total: int = Field(description="Contract lines")
    accounts: int
    mrr: int
    missing_rates: dict[str, int] = Field(description="MRR without a rate, per currency")


class LifetimeTotals(BaseModel):
    as_of: date
    currency: str
    accounts: int
    value: int
    value_at_risk: int
    purchase_value: int = 0


class Dashboard(BaseModel):
    as_of: date | None = Field(description="The latest refresh day the KPIs were computed on")
    currency: str
    kpis: dict[str, list[MetricValue]] = Field(description="Per KPI, one value per month")
    latest: dict[str, MetricValue] = Field(description="Per KPI, its last month's value")
    waterfall: list[WaterfallMonth]
    cohorts: list[CohortRow]
    renewals: RenewalsAhead
    health: HealthOverview
    lifetime: LifetimeTotals | None = Field(
        default=None, description="Lifetime value and value at risk of the paying accounts"
    )
    missing_rates: MissingRates | None = Field(
        description="What the KPIs left out for want of an exchange rate"
    )
    computed: bool = Field(
        default=False, exclude=True, description="The KPIs were computed, not stored: keep them"
    )
    key: str = Field(default="", exclude=True, description="What the KPIs were computed from")


def dashboard(session: Session, reporting: Reporting, source: AnalyticsSource) -> Dashboard:
    """Everything the dashboard shows; the KPIs from the store when they are current."""
    today = reporting.today()
    refreshed = latest_refresh_day(session)
    last = add_months(today.replace(day=1), -1)  # the last whole month
    key = kpi_key(refreshed, last, reporting)
    stored = cached_payload(session, CACHE_NAME, key)
    if stored is not None:
        values = _VALUES.validate_python(stored)
    else:
        query = MetricQuery.reported(reporting, KPIS, add_months(last, -(MONTHS - 1)), last)
        values = compute_metrics(session, query, source)
    by_metric: dict[str, list[MetricValue]] = defaultdict(list)
    for value in values:
        by_metric[value.metric].append(value)
    return Dashboard(
        as_of=refreshed,
        currency=reporting.currency,
        kpis=by_metric,
        latest={name: kpi[-1] for name, kpi in by_metric.items() if kpi},
        waterfall=_waterfall(by_metric.get("mrr_movements", [])),
        cohorts=_cohorts(by_metric.get("cohort_logo_retention", [])),
        renewals=_renewals(session, today, reporting.currency),
        health=health_overview(session),
        lifetime=_lifetime(session),
        missing_rates=missing_rates(values, reporting.currency),
        computed=stored is None,
        key=key,
    )


def keep_dashboard(session: Session, board: Dashboard) -> None:
    """Store the KPIs of a dashboard that computed them, for every process to reuse."""
    values = [v for kpi in board.kpis.values() for v in kpi]
    store_payload(session, CACHE_NAME, board.key, _VALUES.dump_python(values, mode="json"))


def kpi_key(refreshed: date | None, last: date, reporting: Reporting) -> str:
    """What stored KPIs were computed from: the refresh day, the last month, the reporting."""
    day = refreshed.isoformat() if refreshed else "never"
    r = reporting
    return f"{day}|{last:%Y-%m}|{r.currency}|{r.zone}|{r.fiscal_year_start}|{r.gross_margin}"


def _renewals(session: Session, today: date, currency: str) -> RenewalsAhead:
    """Every term renewal in the window with no outcome yet, and their MRR in the reporting
    currency at today's rates (a currency without a rate is reported apart)."""
    query = RenewalQuery(
        first=today, last=today + timedelta(days=RENEWAL_DAYS), decided=False, size=1
    )
    board = renewal_board(session, query, currency, today)
    return RenewalsAhead(
        days=RENEWAL_DAYS,
        total=board.total,
        accounts=board.accounts,
        mrr=board.mrr,
        missing_rates=board.missing_rates,
    )


def _lifetime(session: Session) -> LifetimeTotals | None:
    found = latest_values(session)
    if found is None:
        return None
    fit, values = found
    total = summarise(fit, values, [], "").total
    return LifetimeTotals(
        as_of=fit.as_of,
        currency=fit.currency,
        accounts=total.accounts,
        value=total.value,
        value_at_risk=total.value_at_risk,
        purchase_value=total.purchase_value,
    )


def _cohorts(values: list[MetricValue]) -> list[CohortRow]:
    """Per start month: accounts and the share still paying k months later (m0, m1, …)."""
    return [
        CohortRow(
            period=v.period,
            accounts=v.denominator,
            shares=[share for key, share in (v.breakdown or {}).items() if key.startswith("m")],
        )
        for v in values
        if v.denominator
    ]


def _waterfall(movements: list[MetricValue]) -> list[WaterfallMonth]:
    """Per month: the movements as bars (for the chart); money in minor units."""
    rows = []
    for v in movements:
        b = v.breakdown or {}
        rows.append(
            WaterfallMonth(
                period=v.period,
                new=b.get("new") or 0,
                reactivation=b.get("reactivation") or 0,
                expansion=b.get("expansion") or 0,
                contraction=-(b.get("contraction") or 0),
                churn=-(b.get("churn") or 0),
                end=b.get("end") or 0,
            )
        )
    return rows


# The whole dashboard (its KPIs from their store when current, the health overview, the
# renewals ahead) is kept until a fact table changes: the scores are among them.
def recall_dashboard(
    session: Session, reporting: Reporting, source: AnalyticsSource
) -> Recalled[Dashboard]:
    params = {"reporting": reporting, "today": reporting.today()}
    return recall(
        session,
        "dashboard-page",
        params,
        tables=FACT_TABLES,
        compute=lambda: dashboard(session, reporting, source),
        kind=Dashboard,
    )


def keep_board(session: Session, found: Recalled[Dashboard]) -> None:
    """Keep what the request computed: the KPIs (for the KPI store) and the page."""
    if found.fresh and found.value.computed:
        keep_dashboard(session, found.value)
    keep(session, found)
