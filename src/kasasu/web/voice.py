"""Comments explorer (コメント分析): key terms of detractors against promoters, themes, and
search over comments with each account's latest health (htmx replaces the hits as the reader
types)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.health.snapshots import latest_briefs
from kasasu.segments.service import list_segments
from kasasu.voice.service import search_comments
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, keep_fresh
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.listening import recall_comment_terms

DEFAULT_DAYS = 365
SearchKind = Literal["", "nps", "csat", "ces", "cancellation"]


class CommentsQuery(BaseModel):
    q: str = Field(default="", max_length=200)
    kind: Literal["nps", "csat"] = "nps"
    search_kind: SearchKind = ""
    first: date | None = None
    last: date | None = None
    plan: str = Field(default="", max_length=100)
    segment: str = Field(default="", max_length=100)
    cursor: str | None = Field(default=None, max_length=500)


router = APIRouter(include_in_schema=False)


@router.get("/voice/comments", response_class=HTMLResponse)
def comments(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    params: Annotated[CommentsQuery, Query()],
) -> HTMLResponse:
    if request.headers.get("hx-request"):
        found = in_transaction(request, lambda s: _search(s, params, report.zone))
        return pages.render(request, "_comment_hits.html", user=user, q=params.q, **found)
    last = params.last or report.today()
    first = params.first or last - timedelta(days=DEFAULT_DAYS - 1)
    data = in_transaction(request, lambda s: _explorer(s, params, first, last, report.zone))
    found = data.pop("recalled")
    keep_fresh(request, found)
    return pages.render(
        request,
        "voice_comments.html",
        user=user,
        q=params.q,
        kind=params.kind,
        search_kind=params.search_kind,
        first=first,
        last=last,
        plan=params.plan,
        segment=params.segment,
        **data,
    )


def _search(session: Session, params: CommentsQuery, zone: str) -> dict[str, Any]:
    """The comments matching the search box, with each account's latest health; a query the
    search refuses is shown as the problem, not as an error page."""
    if not params.q.strip():
        return {"hits": None, "problem": None, "health": {}}
    try:
        page = search_comments(
            session,
            params.q,
            kind=params.search_kind or None,
            zone=zone,
            cursor=params.cursor,
            limit=50,
        )
    except InvalidInput as error:
        return {"hits": None, "problem": error.message, "health": {}}
    health = latest_briefs(session, sorted({h.account_id for h in page.items}))
    return {"hits": page, "problem": None, "health": health}


def _explorer(
    session: Session, params: CommentsQuery, first: date, last: date, zone: str
) -> dict[str, Any]:
    """The whole page: key terms over the window, the segments to filter by, and the search."""
    terms = recall_comment_terms(
        session,
        kind=params.kind,
        first=first,
        last=last,
        zone=zone,
        plan=params.plan or None,
        segment=params.segment or None,
    )
    return {
        "terms": terms.value,
        "recalled": terms,
        "segments": list_segments(session),
        **_search(session, params, zone),
    }
