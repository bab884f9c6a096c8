"""Working on one playbook from its page: switch it on or off, see whom it would reach
today (a dry run, with "run now" per account), and the YAML form's live check."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.health.snapshots import latest_refresh_day
from kasasu.playbooks.definitions import set_enabled
from kasasu.playbooks.service import get_playbook, list_playbooks, parse_playbooks
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, keep_fresh, playbook_config, web_context
from kasasu.web.playbook_rows import SOURCE, playbook_row, yaml_problems
from kasasu.web.render import PagesDep, ReportingDep, request_locale
from kasasu.workspace.dry_runs import recall_dry_run

DRY_RUN_SHOWN = 50  # accounts written out; the count covers them all

router = APIRouter(include_in_schema=False)


@router.post("/playbooks/check", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def check(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    text: Annotated[str, Form(max_length=200_000)] = "",
) -> HTMLResponse:
    """The form's live check while typing: the mistakes by line, or what it holds."""
    require(user, Action.DELETE)
    locale = request_locale(request)
    values: dict[str, Any] = {}
    try:
        found = parse_playbooks(text, SOURCE, webhook_hosts=web_context(request).webhook_hosts)
        values["preview"] = [
            playbook_row(p.model_dump(mode="json", exclude_none=True), locale, None) for p in found
        ]
    except InvalidInput as error:
        values |= {"error": error, "problems": yaml_problems(error, locale)}
    rows = in_transaction(request, list_playbooks)
    return pages.render(request, "_playbook_check.html", user=user, rows=rows, **values)


@router.post("/playbooks/{name}/enabled", dependencies=[Depends(check_csrf)])
def switch(
    request: Request, name: str, user: CurrentUser, enabled: Annotated[bool, Form()]
) -> Response:
    require(user, Action.DELETE)
    in_transaction(request, lambda s: set_enabled(s, name, enabled))
    return RedirectResponse(f"/playbooks/{quote(name)}", status_code=303)


@router.get("/playbooks/{name}/dry-run", response_class=HTMLResponse)
def dry_run_page(
    request: Request, name: str, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    """Whom the playbook would reach on the latest refresh day, and with what."""
    locale, config = request_locale(request), playbook_config(request, report)

    def load(session: Session) -> dict[str, Any]:
        day = latest_refresh_day(session) or report.today()
        found = get_playbook(session, name)
        return {
            "playbook": playbook_row(found.definition, locale, found.runs),
            "dry": recall_dry_run(session, name, day, config, locale=locale, shown=DRY_RUN_SHOWN),
        }

    data = in_transaction(request, load)
    keep_fresh(request, data["dry"])
    data["dry"] = data["dry"].value
    can_start = can(user.role, Action.WRITE) and data["playbook"].enabled
    return pages.render(request, "playbook_dry_run.html", user=user, can_start=can_start, **data)
