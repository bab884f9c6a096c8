"""The renewal forecast (更新予測): the MRR up for renewal in a window (the next quarter by
default) and what is expected to renew, by month, quarter, CSM and segment; a CSM's call on
a renewal is set here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kasasu.domain.choices import ForecastStatus
from kasasu.domain.permissions import Action, can
from kasasu.renewals.forecast import next_quarter, set_call
from kasasu.renewals.schemas import ForecastCallCreate
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, keep_fresh
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.forecast import recall_forecast

router = APIRouter(include_in_schema=False)


class ForecastPageQuery(BaseModel):
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")
    page: int = Field(default=1, ge=1, le=100_000)


class CallForm(BaseModel):
    subscription_id: int
    renewal_date: date
    status: ForecastStatus | Literal[""] = ""
    comment: str = Field(default="", max_length=2_000)
    back: str = Field(default="/renewals/forecast", max_length=2_000)
    csrf_token: str = ""


@router.get("/renewals/forecast", response_class=HTMLResponse)
def forecast(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    window: Annotated[ForecastPageQuery, Query()],
) -> HTMLResponse:
    today = report.today()
    default_first, default_last = next_quarter(today)
    first, last = window.start or default_first, window.end or default_last
    recalled = in_transaction(
        request,
        lambda s: recall_forecast(s, (first, last), report.currency, today, page=window.page),
    )
    keep_fresh(request, recalled)
    found = recalled.value
    here = {"from": first.isoformat(), "to": last.isoformat()}
    return pages.render(
        request,
        "forecast.html",
        user=user,
        forecast=found,
        statuses=list(ForecastStatus),
        can_call=can(user.role, Action.WRITE),
        here="/renewals/forecast?" + urlencode(here),
        page_link=lambda n: "/renewals/forecast?" + urlencode({**here, "page": n}),
    )


@router.post("/renewals/forecast/call", dependencies=[Depends(check_csrf)])
def call(request: Request, user: CurrentUser, form: Annotated[CallForm, Form()]) -> Response:
    require(user, Action.WRITE)
    data = ForecastCallCreate(
        subscription_id=form.subscription_id,
        renewal_date=form.renewal_date,
        status=form.status or None,
        comment=form.comment.strip() or None,
    )
    in_transaction(request, lambda s: set_call(s, data, user.id))
    back = form.back if form.back.startswith("/renewals/forecast") else "/renewals/forecast"
    return RedirectResponse(f"{back}#line-{form.subscription_id}", status_code=303)
