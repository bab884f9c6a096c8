"""The listening pages' read models, kept between requests (workspace.memo): loyal
customers, survey results, the needs board and the key terms of the comments compute over
every account or comment, so each is computed once per state of the tables it reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.advocacy.schemas import LoyalList
from kasasu.advocacy.service import loyal_customers
from kasasu.domain.choices import NeedStatus
from kasasu.domain.dates import today_in
from kasasu.domain.periods import Grain
from kasasu.domain.reporting import Reporting
from kasasu.metrics.schemas import MetricQuery
from kasasu.models import (
    Account,
    ExchangeRate,
    Feedback,
    HealthScore,
    Need,
    Segment,
    SegmentMember,
    Subscription,
    SurveyCampaign,
    SurveyResponse,
)
from kasasu.needs.schemas import NeedBoard
from kasasu.needs.service import need_board
from kasasu.surveys.trends import SurveyResults, survey_results, trailing_query
from kasasu.voice.schemas import TermComparison
from kasasu.voice.service import comment_terms
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.memo import Recalled, keep, recall

# Health scores change with every refresh, which is also when segments gain and lose
# members: watching them covers segment membership (whose leaves edit no id or date).
RESULT_PERIODS = {Grain.MONTH: 12, Grain.QUARTER: 8, Grain.FISCAL_YEAR: 3}  # shown per grain
LOYAL_TABLES = (Subscription, SurveyResponse, HealthScore, Account, ExchangeRate)
RESULTS_TABLES = (SurveyResponse, Account, Segment, SegmentMember, HealthScore)
NEEDS_TABLES = (Need, Feedback, HealthScore, Account)
TERMS_TABLES = (SurveyResponse, SurveyCampaign, Account, Segment, SegmentMember, HealthScore)


def recall_loyal(
    session: Session, month: date, query: MetricQuery, source: AnalyticsSource
) -> Recalled[LoyalList]:
    return recall(
        session,
        "loyal",
        {"month": month, "query": query},
        tables=LOYAL_TABLES,
        compute=lambda: loyal_customers(session, month, query, source=source),
        kind=LoyalList,
    )


def recall_survey_results(
    session: Session,
    query: MetricQuery,
    *,
    plan: str | None,
    segment: str | None,
    source: AnalyticsSource,
) -> Recalled[SurveyResults]:
    return recall(
        session,
        "survey-results",
        {"query": query, "plan": plan, "segment": segment},
        tables=RESULTS_TABLES,
        compute=lambda: survey_results(session, query, plan=plan, segment=segment, source=source),
        kind=SurveyResults,
    )


def recall_need_board(
    session: Session, statuses: list[NeedStatus], currency: str
) -> Recalled[NeedBoard]:
    return recall(
        session,
        "needs",
        {"statuses": sorted(statuses), "currency": currency},
        tables=NEEDS_TABLES,
        compute=lambda: need_board(session, statuses, currency),
        kind=NeedBoard,
    )


def recall_comment_terms(
    session: Session,
    *,
    kind: str,
    zone: str,
    first: date | None = None,
    last: date | None = None,
    plan: str | None = None,
    segment: str | None = None,
    campaign: str | None = None,
) -> Recalled[TermComparison]:
    """The key terms of the comments (their Japanese tokenising is most of the work); an
    open ``last`` means up to today, so today is part of what it is kept for."""
    params = {"kind": kind, "first": first, "last": last, "zone": zone, "plan": plan}
    params |= {"segment": segment, "campaign": campaign, "today": today_in(zone)}
    return recall(
        session,
        "comment-terms",
        params,
        tables=TERMS_TABLES,
        compute=lambda: comment_terms(
            session, kind=kind, first=first, last=last, zone=zone, plan=plan, segment=segment,
            campaign=campaign,
        ),
        kind=TermComparison,
    )  # fmt: skip


def loyal_query(reporting: Reporting, month: date) -> MetricQuery:
    return MetricQuery.reported(reporting, ("loyal_customers",), month)


def results_query(reporting: Reporting, by: Grain, month: date) -> MetricQuery:
    """The last periods of ``by`` up to ``month``."""
    return trailing_query(month, by, RESULT_PERIODS[by], reporting)


def warm_listening(session: Session, reporting: Reporting, source: AnalyticsSource) -> int:
    """Compute and keep the listening pages as they first open (this month, by month, every
    status); how many were computed."""
    month = reporting.today().replace(day=1)
    found: list[Recalled[Any]] = [
        recall_loyal(session, month, loyal_query(reporting, month), source),
        recall_survey_results(
            session, results_query(reporting, Grain.MONTH, month),
            plan=None, segment=None, source=source,
        ),
        recall_need_board(session, [], reporting.currency),
    ]  # fmt: skip
    keep(session, *found)
    return sum(r.fresh for r in found)
