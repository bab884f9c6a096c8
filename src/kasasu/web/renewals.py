"""Renewals (更新管理): contracts renewing in the next 30/60/90/180 days, and their outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_owners
from kasasu.domain.choices import CancellationReason, RenewalOutcome
from kasasu.domain.permissions import Action
from kasasu.health.summary import latest_briefs
from kasasu.subscriptions.schemas import RenewalCreate
from kasasu.subscriptions.service import record_renewal, renewals_due
from kasasu.users.service import user_names
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages

WINDOWS = (30, 60, 90, 180)
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class RenewalForm(BaseModel):
    renewal_date: date
    outcome: RenewalOutcome
    reason: CancellationReason | Literal[""] = ""
    comment: str = Field(default="", max_length=20_000)
    within: int = 90
    csrf_token: str = ""


def renewals_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/renewals", response_class=HTMLResponse)
    def renewals(request: Request, user: CurrentUser, within: int = 90) -> HTMLResponse:
        days = within if within in WINDOWS else 90
        today = datetime.now(ZoneInfo(web_context(request).timezone)).date()

        def load(session: Session) -> dict[str, Any]:
            due = renewals_due(session, today, today + timedelta(days=days))
            account_ids = sorted({line.account_id for line, _r in due})
            found = account_owners(session, account_ids)
            return {
                "due": due,
                "accounts": found,
                "health": latest_briefs(session, account_ids),
                "owners": user_names(session, [owner for _name, owner in found.values() if owner]),
            }

        data = in_transaction(request, load)
        total = sum(
            line.amount / _MONTHS.get(line.billing_interval.value, 1) for line, _r in data["due"]
        )
        return pages.render(
            request,
            "renewals.html",
            user=user,
            within=days,
            windows=WINDOWS,
            until=today + timedelta(days=days),
            months=_MONTHS,
            total=total,
            outcomes=list(RenewalOutcome),
            reasons=list(CancellationReason),
            **data,
        )

    @router.post("/renewals/{subscription_id}", dependencies=[Depends(check_csrf)])
    def decide(
        request: Request,
        subscription_id: int,
        user: CurrentUser,
        form: Annotated[RenewalForm, Form()],
    ) -> Response:
        require(user, Action.WRITE)
        data = RenewalCreate(
            subscription_id=subscription_id,
            renewal_date=form.renewal_date,
            outcome=form.outcome,
            reason=form.reason or None,
            comment=form.comment.strip() or None,
            decided_by=user.id,
        )
        in_transaction(request, lambda s: record_renewal(s, data))
        target = f"/renewals?within={form.within}#line-{subscription_id}"
        return RedirectResponse(target, status_code=303)

    return router
