"""Playbooks: the list (trigger in words, actions, runs), one playbook's definition and
latest runs, the execution log with filters, and for leaders and admins a form that checks
pasted YAML (mistakes named by line and field), previews it and saves it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.kit.types import local_text
from kasasu.playbooks.schemas import PlaybookDefinition
from kasasu.playbooks.service import (
    ensure_default_playbooks,
    get_playbook,
    list_playbooks,
    parse_playbooks,
    playbook_log,
    save_playbook,
)
from kasasu.users.schemas import UserRead
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.playbook_rows import (
    SOURCE,
    STATUSES,
    definition_yaml,
    playbook_row,
    status_labels,
    yaml_problems,
)
from kasasu.web.render import Pages, request_locale

RUNS_SHOWN = 50
LOG_SHOWN = 100


def playbooks_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def list_page(
        request: Request, user: UserRead, status: int = 200, **values: Any
    ) -> HTMLResponse:
        locale = request_locale(request)
        found = in_transaction(request, list_playbooks)
        rows = [
            playbook_row(
                p.definition, locale, p.runs, p.problem.model_dump() if p.problem else None
            )
            for p in found
        ]
        return pages.render(
            request, "playbooks.html", status, user=user, rows=rows, **_editing(user), **values
        )

    @router.get("/playbooks", response_class=HTMLResponse)
    def playbooks_page(request: Request, user: CurrentUser, edit: str = "") -> HTMLResponse:
        """The list; ``edit`` puts that playbook's YAML in the form."""
        text = ""
        if edit and can(user.role, Action.DELETE):
            found = in_transaction(request, lambda s: get_playbook(s, edit))
            text = definition_yaml(found.definition)
        return list_page(request, user, text=text)

    @router.post("/playbooks", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
    def store_playbooks(
        request: Request,
        user: CurrentUser,
        text: Annotated[str, Form(max_length=200_000)] = "",
        action: Annotated[str, Form()] = "preview",
    ) -> Response:
        """Check the pasted YAML; show what it holds, or save every playbook in it."""
        require(user, Action.DELETE)  # leaders and admins configure playbooks
        locale = request_locale(request)
        try:
            hosts = web_context(request).webhook_hosts
            found = parse_playbooks(text, SOURCE, webhook_hosts=hosts)
        except InvalidInput as error:
            problems = yaml_problems(error, locale)
            return list_page(request, user, 422, text=text, error=error, problems=problems)
        if action == "save":
            in_transaction(request, lambda s: _save_all(s, found))
            target = f"/playbooks/{found[0].name}" if len(found) == 1 else "/playbooks"
            return RedirectResponse(target, status_code=303)
        preview = [
            playbook_row(p.model_dump(mode="json", exclude_none=True), locale, None) for p in found
        ]
        return list_page(request, user, text=text, preview=preview)

    @router.post("/playbooks/library", dependencies=[Depends(check_csrf)])
    def install_library(request: Request, user: CurrentUser) -> Response:
        require(user, Action.DELETE)
        in_transaction(request, ensure_default_playbooks)
        return RedirectResponse("/playbooks", status_code=303)

    @router.get("/playbooks/log", response_class=HTMLResponse)
    def log_page(
        request: Request, user: CurrentUser, playbook: str = "", status: str = ""
    ) -> HTMLResponse:
        locale = request_locale(request)
        chosen = {"playbook": playbook or None, "status": status if status in STATUSES else None}
        data = in_transaction(request, lambda s: _log(s, locale, chosen))
        return pages.render(
            request,
            "playbook_log.html",
            user=user,
            chosen=chosen,
            statuses=STATUSES,
            labels=status_labels(locale),
            **data,
        )

    @router.get("/playbooks/{name}", response_class=HTMLResponse)
    def playbook_page(request: Request, name: str, user: CurrentUser) -> HTMLResponse:
        locale = request_locale(request)
        data = in_transaction(request, lambda s: _playbook(s, name, locale))
        return pages.render(
            request,
            "playbook.html",
            user=user,
            labels=status_labels(locale),
            **_editing(user),
            **data,
        )

    return router


def _editing(user: UserRead) -> dict[str, bool]:
    return {"can_edit": can(user.role, Action.DELETE)}


def _save_all(session: Session, found: list[PlaybookDefinition]) -> None:
    for playbook in found:
        save_playbook(session, playbook)


def _log(session: Session, locale: str, chosen: dict[str, str | None]) -> dict[str, Any]:
    """The latest runs (filtered), and every playbook for the filter."""
    found = list_playbooks(session)
    return {
        "runs": playbook_log(
            session,
            locale,
            limit=LOG_SHOWN,
            playbook=chosen["playbook"],
            status=chosen["status"],
        ),
        "playbooks": [(p.name, local_text(p.definition.get("title"), locale)) for p in found],
        "shown": LOG_SHOWN,
    }


def _playbook(session: Session, name: str, locale: str) -> dict[str, Any]:
    """The playbook as a row and as YAML, and its latest runs."""
    found = get_playbook(session, name)
    return {
        "playbook": playbook_row(found.definition, locale, found.runs),
        "text": definition_yaml(found.definition),
        "runs": playbook_log(session, locale, limit=RUNS_SHOWN, playbook=name),
        "shown": RUNS_SHOWN,
    }
