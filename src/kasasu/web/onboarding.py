"""Onboarding in the workspace: the board of every live account's plan (with a timeline of
the portfolio), and the account page's forms to start a plan and tick or reopen a step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.kit.types import is_row_id
from kasasu.kit.yaml_lines import line_of, node_tree
from kasasu.onboarding.schemas import FINISHED, OnboardingStart
from kasasu.onboarding.service import reopen_step, start_onboarding, tick_step
from kasasu.onboarding.templates import get_template, list_templates, parse_template, save_template
from kasasu.users.schemas import UserRead
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, keep_fresh
from kasasu.web.forms import page_number
from kasasu.web.meetings import router as meetings_router
from kasasu.web.playbook_rows import Problem
from kasasu.web.render import Pages, PagesDep, ReportingDep, request_locale
from kasasu.web.timeline_chart import portfolio_bars
from kasasu.workspace.onboarding import recall_onboarding_board

BOARD_PAGE = 50
SOURCE = "template.yaml"

router = APIRouter(include_in_schema=False)
router.include_router(meetings_router)  # the plan's meetings, and the invitees' reply page


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
        board = recall_onboarding_board(
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
    keep_fresh(request, loaded["board"])
    board = loaded["board"] = loaded["board"].value
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
        bars=portfolio_bars(board),
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


@router.get("/onboarding/templates", response_class=HTMLResponse)
def templates_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return _templates(request, pages, user, text="")


@router.get("/onboarding/templates/{name}", response_class=HTMLResponse)
def template_page(request: Request, name: str, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    shown = in_transaction(request, lambda s: get_template(s, name))
    text = yaml.safe_dump(shown.definition, allow_unicode=True, sort_keys=False)
    return _templates(request, pages, user, text=text, shown=shown)


@router.post(
    "/onboarding/templates", response_class=HTMLResponse, dependencies=[Depends(check_csrf)]
)
def store_template(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    text: Annotated[str, Form(max_length=100_000)],
    action: Annotated[str, Form()] = "preview",
) -> Response:
    """Check the YAML: show its stages and steps, or save it as the template's next version."""
    require(user, Action.DELETE)  # leaders and admins configure onboarding
    try:
        definition = parse_template(text, SOURCE)
    except InvalidInput as error:
        problems = _problems(error, text, request_locale(request))
        return _templates(request, pages, user, 422, text=text, error=error, problems=problems)
    if action == "save":
        saved = in_transaction(request, lambda s: save_template(s, definition))
        return RedirectResponse(f"/onboarding/templates/{saved.name}", status_code=303)
    return _templates(request, pages, user, text=text, preview=definition)


def _templates(
    request: Request, pages: Pages, user: UserRead, status: int = 200, **values: Any
) -> HTMLResponse:
    found = in_transaction(request, list_templates)
    return pages.render(
        request,
        "onboarding_templates.html",
        status,
        user=user,
        templates=found,
        can_edit=can(user.role, Action.DELETE),
        **values,
    )


def _problems(error: InvalidInput, text: str, locale: str) -> list[Problem]:
    """Each mistake with its line in the pasted YAML (when the path reaches one)."""
    tree = node_tree(text)
    return [
        Problem(
            line_of(tree, e.loc) if e.loc else None,
            ".".join(str(p) for p in e.loc) or "—",
            e.message.render(locale),
        )
        for e in error.errors
    ]
