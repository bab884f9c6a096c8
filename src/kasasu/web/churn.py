"""Churn reasons (解約理由分析): churned logos and MRR by reason for a period, as a Pareto
table, the same per theme of the cancellation comments, down to the comments themselves."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.domain.choices import CancellationReason
from kasasu.domain.periods import Grain, add_months, parse_month, periods
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics
from kasasu.subscriptions.service import subscriptions
from kasasu.voice.service import churn_reasons
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages

COMMENTS = 200


def churn_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/churn", response_class=HTMLResponse)
    def churn(
        request: Request, user: CurrentUser, period: str | None = None, by: Grain = Grain.QUARTER
    ) -> HTMLResponse:
        ctx = web_context(request)
        today = datetime.now(ZoneInfo(ctx.timezone)).date()
        month = parse_month(period) if period else add_months(today.replace(day=1), -1)
        [span] = periods(month, month, by, ctx.fiscal_year_start)
        query = MetricQuery(
            names=("churn_by_reason", "churned_logos_by_reason"),
            first_month=month,
            last_month=month,
            grain=by,
            fiscal_year_start=ctx.fiscal_year_start,
            currency=ctx.currency,
            zone=ctx.timezone,
        )

        def load(session: Session) -> dict[str, Any]:
            values = {v.metric: v for v in compute_metrics(session, query)}
            cancelled = subscriptions.list_page(
                session,
                {
                    "status": "cancelled",
                    "cancelled_on_from": span.start,
                    "cancelled_on_to": add_days_before(span.end),
                },
                sort="-end_date",
                limit=COMMENTS,
            ).items
            voice = churn_reasons(
                session,
                month,
                month,
                ctx.timezone,
                ctx.currency,
                grain=by,
                fiscal_year_start=ctx.fiscal_year_start,
            )
            return {
                "themes": voice.themes,
                "mrr": values["churn_by_reason"],
                "logos": values["churned_logos_by_reason"],
                "cancelled": cancelled,
                "names": account_names(session, [c.account_id for c in cancelled]),
            }

        data = in_transaction(request, load)
        return pages.render(
            request,
            "churn.html",
            user=user,
            span=span,
            by=by,
            month=f"{month:%Y-%m}",
            reasons={r.value: r for r in CancellationReason},
            pareto=_pareto(data["mrr"].breakdown or {}, data["logos"].breakdown or {}),
            **data,
        )

    return router


def add_days_before(day: date) -> date:
    """The last day inside a period that ends (exclusive) on ``day``."""
    return day - timedelta(days=1)


def _pareto(mrr: dict[str, Any], logos: dict[str, Any]) -> list[dict[str, Any]]:
    """Reasons by churned MRR, largest first, with the running share of the total."""
    total = sum(v or 0 for v in mrr.values()) or 0
    rows, running = [], 0.0
    for reason, amount in sorted(mrr.items(), key=lambda kv: -(kv[1] or 0)):
        running += amount or 0
        rows.append(
            {
                "reason": reason,
                "mrr": amount or 0,
                "logos": logos.get(reason) or 0,
                "share": (amount or 0) / total if total else None,
                "cumulative": running / total if total else None,
            }
        )
    return rows
