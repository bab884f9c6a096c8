"""CSM workload per touch model: accounts, MRR and open and overdue tasks per owner."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.choices import TouchModel
from kasasu.domain.permissions import Action
from kasasu.health.workload import TOUCH_COLUMNS, csm_workload
from kasasu.web.auth import CurrentUser, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages


def workload_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/workload", response_class=HTMLResponse)
    def workload_page(request: Request, user: CurrentUser) -> HTMLResponse:
        require(user, Action.WRITE)  # CSMs, leaders and admins
        today = datetime.now(ZoneInfo(web_context(request).timezone)).date()
        workload = in_transaction(request, lambda s: csm_workload(s, today))
        return pages.render(
            request,
            "workload.html",
            user=user,
            workload=workload,
            # (code, the touch model to label; None for "none")
            columns=[(c, TouchModel(c) if c != "none" else None) for c in TOUCH_COLUMNS],
            today=today,
        )

    return router
