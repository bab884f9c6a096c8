"""The events report in the workspace: each event over (registered, attended, attendance
rate, no-shows), and attendees' accounts against the others of their segment over the 12
months from a cohort month (kasasu.webinars.report)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.periods import parse_month
from kasasu.errors import InvalidInput
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, keep_fresh, web_context
from kasasu.web.forms import page_number
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.webinars.report import default_cohort
from kasasu.workspace.webinars import recalled_report

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/webinars/report", response_class=HTMLResponse)
def report_page(
    request: Request, user: CurrentUser, pages: PagesDep, reporting: ReportingDep
) -> HTMLResponse:
    asked = request.query_params.get("cohort", "")[:20]
    number, now = page_number(request.query_params.get("page")), datetime.now(UTC)
    try:
        cohort = parse_month(asked) if asked else default_cohort(reporting)
    except InvalidInput as error:
        return pages.render(request, "error.html", 422, message=error.message, status=422)
    source = web_context(request).analytics
    found, compared = in_transaction(
        request,
        lambda s: recalled_report(
            s, reporting, now, cohort=cohort, offset=(number - 1) * PAGE, limit=PAGE, source=source
        ),
    )
    keep_fresh(request, compared)
    return pages.render(request, "webinar_report.html", user=user, report=found,
                        cohort=f"{cohort:%Y-%m}", number=number, size=PAGE)  # fmt: skip
