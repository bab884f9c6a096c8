"""Onboarding in the workspace: the board of every live account's plan (with a timeline of
the portfolio), and the account page's forms to start a plan and tick or reopen a step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.permissions import Action
from kasasu.kit.types import is_row_id
from kasasu.onboarding.board import onboarding_board
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import reopen_step, start_onboarding, tick_step
from kasasu.onboarding.templates import list_templates
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.forms import page_number
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.web.timeline_chart import portfolio_bars

BOARD_PAGE = 50
# The board's "status" filter: plans with a step open, completed ones, or both.
FINISHED = {"open": False, "done": True, "all": None}

router = APIRouter(include_in_schema=False)


@router.get("/onboarding", response_class=HTMLResponse)
def onboarding_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    asked = dict(request.query_params)
    status = asked.get("status", "open")
    status = status if status in FINISHED else "open"
    owner = asked.get("owner_id", "")
    number = page_number(asked.get("page"))

    def load(session: Session) -> dict[str, Any]:
        templates = [(t.name, t.definition["title"]) for t in list_templates(session)]
        chosen = asked.get("template")
        chosen = chosen if chosen in dict(templates) else None
        board = onboarding_board(
            session,
            report.today(),
            finished=FINISHED[status],
            owner_id=int(owner) if is_row_id(owner) else None,
            template=chosen,
            limit=BOARD_PAGE,
            offset=(number - 1) * BOARD_PAGE,
        )
        people = {u.id: u.name for u in list_users(session)}
        return {
            "board": board,
            "templates": templates,
            "titles": dict(templates),
            "people": people,
            "chosen": chosen,
        }

    loaded = in_transaction(request, load)
    return pages.render(
        request,
        "onboarding.html",
        user=user,
        **loaded,
        state=status,
        owner=owner,
        number=number,
        size=BOARD_PAGE,
        query=asked,
        bars=portfolio_bars(loaded["board"]),
    )


@router.post("/accounts/{account_id}/onboarding", dependencies=[Depends(check_csrf)])
def start_plan(
    request: Request,
    account_id: int,
    user: CurrentUser,
    report: ReportingDep,
    template: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    require(user, Action.WRITE)
    data = OnboardingStart(template=template or None)
    in_transaction(
        request,
        lambda s: start_onboarding(
            s, account_id, data, by=user.id, locale=report.locale, today=report.today()
        ),
    )
    return RedirectResponse(f"/accounts/{account_id}#onboarding", status_code=303)


@router.post("/onboarding/steps/{step_id}/done", dependencies=[Depends(check_csrf)])
def tick(request: Request, step_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    at = datetime.now(UTC)
    step = in_transaction(request, lambda s: tick_step(s, step_id, by=user.id, at=at))
    return RedirectResponse(f"/accounts/{step.account_id}#onboarding", status_code=303)


@router.post("/onboarding/steps/{step_id}/reopen", dependencies=[Depends(check_csrf)])
def reopen(request: Request, step_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    step = in_transaction(request, lambda s: reopen_step(s, step_id))
    return RedirectResponse(f"/accounts/{step.account_id}#onboarding", status_code=303)
