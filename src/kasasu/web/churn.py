"""Churn reasons (解約理由分析): churned logos and MRR by reason for a period, as a Pareto
table, the same per theme of the cancellation comments, down to the comments themselves; and
the card of the latest churn risk model; and the customers' lifetime value."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.choices import CancellationReason
from kasasu.domain.periods import Grain, parse_month
from kasasu.prediction.service import latest_model
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, keep_fresh
from kasasu.web.render import PagesDep, ReportingDep, request_locale
from kasasu.workspace.churn import first_month, recall_churn_report
from kasasu.workspace.value import recall_lifetime_values

router = APIRouter(include_in_schema=False)
REASONS = {r.value: r for r in CancellationReason}


@router.get("/churn", response_class=HTMLResponse)
def churn(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    period: str | None = None,
    by: Grain = Grain.QUARTER,
) -> HTMLResponse:
    month = parse_month(period) if period else first_month(report.today())
    found = in_transaction(request, lambda s: recall_churn_report(s, month, by, report))
    keep_fresh(request, found)
    churned = found.value
    return pages.render(
        request,
        "churn.html",
        user=user,
        report=churned,
        by=by,
        month=f"{month:%Y-%m}",
        reasons=REASONS,
    )


@router.get("/lifetime-value", response_class=HTMLResponse)
def lifetime_value(request: Request, *, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    locale = request_locale(request)
    found = in_transaction(request, lambda s: recall_lifetime_values(s, locale))
    keep_fresh(request, found)
    return pages.render(request, "lifetime_value.html", user=user, values=found.value)


@router.get("/churn/model", response_class=HTMLResponse)
def churn_model(request: Request, *, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    card = in_transaction(request, latest_model)
    return pages.render(request, "churn_model.html", user=user, card=card)
