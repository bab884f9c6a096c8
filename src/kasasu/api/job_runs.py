"""``/jobs``: the job history, for admins: each scheduled job's latest runs, then the recent
runs (which process ran each, how long, its result and error), as Settings shows it."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.jobruns.schemas import JobHistory
from kasasu.jobruns.service import MAX_RUNS, job_history

JobName = Annotated[str, Query(pattern=r"^[a-z0-9-]{1,100}$", examples=["daily-refresh"])]


def job_runs_router() -> APIRouter:
    router = api_router(prefix="/jobs", tags=["jobs"])

    @router.get(
        "",
        response_model=JobHistory,
        dependencies=[Depends(require(Action.ADMIN))],
        summary="The scheduled jobs' history: each job's latest runs, then the recent runs",
        description=(
            "Every run of the daily refresh, the reminders, the connectors' drop folder and "
            "feeds and the warehouse export, by whichever process ran it (`kasasu worker`, "
            "or `kasasu serve` with its embedded scheduler): when, how long, `ok`, `failed` "
            "(with its error; a failed refresh is tried again, `attempt` 2 and more) or "
            "`skipped` because another process held the job's lock or had done the day "
            "(`held_by`). `jobs` gives each job's latest run and its latest run that was not "
            "skipped; `runs` the latest `limit` runs, of the job `name` when given. Runs are "
            "kept KASASU_REFRESH__HISTORY_DAYS days."
        ),
    )
    def jobs(
        request: Request,
        name: JobName | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_RUNS)] = 50,
    ) -> JobHistory:
        return in_transaction(request, lambda s: job_history(s, name=name, limit=limit))

    return router
