"""The customer's success plan on the account page (objectives and goals, added and moved
on), the links that share it, and the read-only page a link opens for the customer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kasasu.domain.choices import GoalStatus
from kasasu.domain.permissions import Action
from kasasu.kit.i18n import LOCALES
from kasasu.onboarding.success import (
    LINK_DAYS,
    add_goal,
    delete_goal,
    open_link,
    revoke_link,
    share_plan,
    update_goal,
)
from kasasu.onboarding.success_schemas import GoalCreate, GoalUpdate
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep

router = APIRouter(include_in_schema=False)
CARD = "#success-plan"


@router.post("/accounts/{account_id}/goals", dependencies=[Depends(check_csrf)])
def new_goal(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    objective: Annotated[str, Form(max_length=500)],
    title: Annotated[str, Form(max_length=500)],
    target_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    require(user, Action.WRITE)
    data = GoalCreate.model_validate(
        {"objective": objective, "title": title, "target_date": target_date or None}
    )
    in_transaction(request, lambda s: add_goal(s, account_id, data))
    return RedirectResponse(f"/accounts/{account_id}{CARD}", status_code=303)


@router.post("/goals/{goal_id}/status", dependencies=[Depends(check_csrf)])
def goal_status(
    request: Request, goal_id: int, user: CurrentUser, status: Annotated[GoalStatus, Form()]
) -> Response:
    require(user, Action.WRITE)
    goal = in_transaction(request, lambda s: update_goal(s, goal_id, GoalUpdate(status=status)))
    return RedirectResponse(f"/accounts/{goal.account_id}{CARD}", status_code=303)


@router.post("/goals/{goal_id}/delete", dependencies=[Depends(check_csrf)])
def remove_goal(request: Request, goal_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    account_id = in_transaction(request, lambda s: delete_goal(s, goal_id))
    return RedirectResponse(f"/accounts/{account_id}{CARD}", status_code=303)


@router.post("/accounts/{account_id}/plan-links", response_class=HTMLResponse,
             dependencies=[Depends(check_csrf)])  # fmt: skip
def new_link(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    pages: PagesDep,
    locale: Annotated[str, Form(max_length=8)] = "ja",
    days: Annotated[int, Form()] = LINK_DAYS[1],
) -> Response:
    """Make a link and show it once (only its hash is kept)."""
    require(user, Action.WRITE)
    language = locale if locale in LOCALES else "ja"
    lasting = days if days in LINK_DAYS else LINK_DAYS[1]
    now = datetime.now(UTC)
    link, token = in_transaction(
        request,
        lambda s: share_plan(s, account_id, locale=language, days=lasting, by=user.id, now=now),
    )
    url = str(request.url_for("shared_plan", token=token))
    return pages.render(request, "plan_link.html", user=user, link=link, url=url)


@router.post("/plan-links/{link_id}/revoke", dependencies=[Depends(check_csrf)])
def end_link(request: Request, link_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    now = datetime.now(UTC)
    account_id = in_transaction(request, lambda s: revoke_link(s, link_id, now))
    return RedirectResponse(f"/accounts/{account_id}{CARD}", status_code=303)


@router.get("/p/{token}", response_class=HTMLResponse, name="shared_plan")
def shared_plan(request: Request, token: str, pages: PagesDep) -> HTMLResponse:
    """The customer's read-only page, in the language the link was made for; an unknown,
    expired or revoked link is one 404 page (which of them is not said)."""
    now = datetime.now(UTC)
    shared = in_transaction(request, lambda s: open_link(s, token[:100], now))
    if shared is None:
        return pages.render(request, "shared_plan.html", 404, shared=None, user=None)
    return pages.render(
        request, "shared_plan.html", shared=shared, user=None, page_locale=shared.locale
    )
