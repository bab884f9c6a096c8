"""Home (ホーム): the signed-in person's day; a leader's team by CSM, or one CSM's day."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.choices import Role
from kasasu.kit.types import is_row_id
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, keep_fresh
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.home import recall_home

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    """A CSM starts on their own day; others on the team's. ``?owner_id=N`` shows one
    person's day and ``?owner_id=`` (empty) the team's."""
    default = str(user.id) if user.role is Role.CSM else ""
    chosen = request.query_params.get("owner_id", default)
    owner_id = int(chosen) if is_row_id(chosen) else None
    found, users = in_transaction(
        request, lambda s: (recall_home(s, report, owner_id), list_users(s))
    )
    keep_fresh(request, found)
    return pages.render(request, "home.html", user=user, day=found.value, users=users)
