"""Churn reasons (解約理由分析) of one period: churned logos and MRR by reason as a Pareto
table, the same per theme of the cancellation comments, down to the cancelled contracts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.analytics.kpis_voice import REASONS
from kasasu.domain.periods import Grain, Period, add_months, closing_day, periods
from kasasu.domain.reporting import Reporting
from kasasu.metrics.pareto import ParetoRow, churn_pareto
from kasasu.models import Account, ExchangeRate, Subscription
from kasasu.subscriptions.schemas import SubscriptionRead
from kasasu.subscriptions.service import subscriptions
from kasasu.voice.schemas import ThemeRow
from kasasu.voice.service import churn_reasons
from kasasu.workspace.memo import Recalled, keep, recall

COMMENTS = 200  # the cancelled contracts listed, latest first; the figures cover them all


class CancelledLine(SubscriptionRead):
    account_name: str | None


class ChurnReport(BaseModel):
    period: Period
    currency: str
    mrr: float | None = Field(description="Churned MRR of the period (minor units)")
    logos: float | None = Field(description="Churned accounts of the period")
    pareto: list[ParetoRow]
    themes: list[ThemeRow]
    cancelled: list[CancelledLine] = Field(description=f"The latest {COMMENTS}")


def churn_report(session: Session, month: date, grain: Grain, reporting: Reporting) -> ChurnReport:
    """The period of ``grain`` that holds ``month``."""
    [span] = periods(month, month, grain, reporting.fiscal_year_start)
    # The churned accounts behind the churn-by-reason KPIs give both KPIs and the themes
    # from one copy of the facts (their sums are the KPIs: tests/metrics/test_on_demo.py).
    voice = churn_reasons(session, month, month, reporting, grain=grain)
    reasons = {r.reason: r for r in voice.reasons}
    in_span = {
        "status": "cancelled",
        "cancelled_on_from": span.start,
        "cancelled_on_to": closing_day(span.end),
    }
    cancelled = subscriptions.list_page(session, in_span, sort="-end_date", limit=COMMENTS).items
    names = account_names(session, [c.account_id for c in cancelled])
    return ChurnReport(
        period=span,
        currency=reporting.currency,
        mrr=voice.mrr,
        logos=voice.accounts,
        pareto=churn_pareto(
            {r: reasons[r].mrr if r in reasons else 0 for r in REASONS},
            {r: reasons[r].accounts if r in reasons else 0 for r in REASONS},
        ),
        themes=voice.themes,
        cancelled=[
            CancelledLine(**c.model_dump(), account_name=names.get(c.account_id)) for c in cancelled
        ],
    )


# What the churn report reads: contract lines (and their cancellations), account names,
# and exchange rates (MRR in the reporting currency).
CHURN_TABLES = (Subscription, Account, ExchangeRate)


def recall_churn_report(
    session: Session, month: date, grain: Grain, reporting: Reporting
) -> Recalled[ChurnReport]:
    """The churn report, kept until a contract, an account or a rate changes."""
    return recall(
        session,
        "churn",
        {"month": month, "grain": grain.value, "reporting": reporting},
        tables=CHURN_TABLES,
        compute=lambda: churn_report(session, month, grain, reporting),
        kind=ChurnReport,
    )


def first_month(today: date) -> date:
    """The month the churn page opens on: the last whole one."""
    return add_months(today.replace(day=1), -1)


def warm_churn(session: Session, reporting: Reporting) -> int:
    """Compute and keep the churn page as it first opens (last month's quarter)."""
    found = recall_churn_report(session, first_month(reporting.today()), Grain.QUARTER, reporting)
    keep(session, found)
    return int(found.fresh)
