"""CSM workload per touch model: accounts, MRR and open and overdue tasks per owner."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.choices import TouchModel
from kasasu.domain.permissions import Action
from kasasu.web.auth import CurrentUser, require
from kasasu.web.context import in_transaction, keep_fresh
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.accounts import NO_TOUCH_MODEL
from kasasu.workspace.workload import TOUCH_COLUMNS, recall_workload

router = APIRouter(include_in_schema=False)
# (code, the touch model to label; None for "none")
COLUMNS = [(c, TouchModel(c) if c != NO_TOUCH_MODEL else None) for c in TOUCH_COLUMNS]


@router.get("/workload", response_class=HTMLResponse)
def workload_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    require(user, Action.WRITE)  # CSMs, leaders and admins
    today = report.today()
    found = in_transaction(request, lambda s: recall_workload(s, today))
    keep_fresh(request, found)
    workload = found.value
    return pages.render(
        request, "workload.html", user=user, workload=workload, columns=COLUMNS, today=today
    )
