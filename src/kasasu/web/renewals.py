"""Renewals (更新管理): every contract term ending in a window, filtered, sorted and paged,
with totals over all of them; an outcome recorded here changes the contract as it happened."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kasasu.domain.choices import CancellationReason, RenewalOutcome
from kasasu.domain.money import parse_amount
from kasasu.domain.permissions import Action
from kasasu.renewals.schemas import RenewalQuery, RenewalSort
from kasasu.renewals.service import renewal_board
from kasasu.subscriptions.renewals import record_renewal
from kasasu.subscriptions.schemas import RenewalCreate
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep, ReportingDep

WINDOWS = (30, 60, 90, 180)


class RenewalPageQuery(BaseModel):
    """The page's query string: a window (or a date range), filters, sort and page."""

    within: int = 90
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")
    mine: bool = False
    owner_id: str = Field(default="", max_length=12)  # "" from the "All" choice
    band: Literal["red", "yellow", "green", ""] = ""
    product: str = Field(default="", max_length=100)
    plan: str = Field(default="", max_length=100)
    decided: Literal["yes", "no", ""] = ""
    monthly: bool = False
    sort: RenewalSort = "renewal_date"
    page: int = Field(default=1, ge=1, le=100_000)

    @property
    def owner(self) -> int | None:
        return int(self.owner_id) if self.owner_id.isdigit() else None

    def query(self, today: date, user_id: int) -> RenewalQuery:
        days = self.within if self.within in WINDOWS else 90
        return RenewalQuery(
            first=self.start or today,
            last=self.end or today + timedelta(days=days),
            owner_id=user_id if self.mine else self.owner,
            band=self.band or None,
            product=self.product or None,
            plan=self.plan or None,
            decided={"yes": True, "no": False}.get(self.decided),
            include_monthly=self.monthly,
            sort=self.sort,
            page=self.page,
        )


class RenewalForm(BaseModel):
    renewal_date: date
    outcome: RenewalOutcome
    reason: CancellationReason | Literal[""] = ""
    comment: str = Field(default="", max_length=20_000)
    amount: str = Field(default="", max_length=50)  # the new price, as people write it
    currency: str = Field(default="JPY", max_length=3)
    seats: int | None = Field(default=None, ge=0)
    back: str = Field(default="/renewals", max_length=2_000)
    csrf_token: str = ""


router = APIRouter(include_in_schema=False)


@router.get("/renewals", response_class=HTMLResponse)
def renewals(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    filters: Annotated[RenewalPageQuery, Query()],
) -> HTMLResponse:
    today = report.today()
    query = filters.query(today, user.id)
    board, users = in_transaction(
        request, lambda s: (renewal_board(s, query, report.currency, today), list_users(s))
    )
    here = filters.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    return pages.render(
        request,
        "renewals.html",
        user=user,
        board=board,
        users=users,
        filters=filters,
        windows=WINDOWS,
        here="/renewals?" + urlencode(here),
        link=lambda **change: "/renewals?" + urlencode(_changed(here, change)),
        outcomes=list(RenewalOutcome),
        reasons=list(CancellationReason),
    )


@router.post("/renewals/{subscription_id}", dependencies=[Depends(check_csrf)])
def decide(
    request: Request,
    subscription_id: int,
    user: CurrentUser,
    form: Annotated[RenewalForm, Form()],
) -> Response:
    require(user, Action.WRITE)
    amount = parse_amount(form.amount, form.currency).amount if form.amount.strip() else None
    data = RenewalCreate(
        subscription_id=subscription_id,
        renewal_date=form.renewal_date,
        outcome=form.outcome,
        reason=form.reason or None,
        comment=form.comment.strip() or None,
        amount=amount,
        seats=form.seats,
        decided_by=user.id,
    )
    in_transaction(request, lambda s: record_renewal(s, data))
    back = form.back if form.back.startswith("/renewals") else "/renewals"
    return RedirectResponse(f"{back}#line-{subscription_id}", status_code=303)


def _changed(here: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The current query string with some parameters changed (a new filter: page 1)."""
    merged = {**here, "page": 1, **change}
    dropped = ("", None)
    return {
        k: v
        for k, v in merged.items()
        if v not in dropped and v is not False and not (k == "page" and v == 1)
    }
