"""The job history in Settings (admins): the recent runs of the scheduled jobs, all of them or
one job's, with where each ran, how long it took, its result and its error."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.permissions import Action
from kasasu.jobruns.schemas import JOB_TITLES
from kasasu.jobruns.service import job_history
from kasasu.web.auth import CurrentUser, require
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep

RUNS = 200  # the page lists this many of the newest runs

router = APIRouter(include_in_schema=False)


@router.get("/settings/jobs", response_class=HTMLResponse)
def job_history_page(
    request: Request, user: CurrentUser, pages: PagesDep, name: str | None = None
) -> HTMLResponse:
    require(user, Action.ADMIN)
    history = in_transaction(request, lambda s: job_history(s, name=name or None, limit=RUNS))
    return pages.render(
        request,
        "settings_jobs.html",
        user=user,
        history=history,
        name=name or "",
        job_titles=JOB_TITLES,
    )
