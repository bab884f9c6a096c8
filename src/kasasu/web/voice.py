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

from kasasu.domain.dates import today_in
from kasasu.errors import InvalidInput
from kasasu.health.snapshots import latest_briefs
from kasasu.segments.service import list_segments
from kasasu.voice.service import comment_terms, search_comments
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages

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


def voice_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/voice/comments", response_class=HTMLResponse)
    def comments(
        request: Request, user: CurrentUser, params: Annotated[CommentsQuery, Query()]
    ) -> HTMLResponse:
        q, search_kind, cursor = params.q, params.search_kind, params.cursor
        zone = web_context(request).timezone
        today = today_in(zone)
        last = params.last or today
        first = params.first or last - timedelta(days=DEFAULT_DAYS - 1)

        def search(session: Session) -> dict[str, Any]:
            if not q.strip():
                return {"hits": None, "problem": None, "health": {}}
            try:
                page = search_comments(
                    session, q, kind=search_kind or None, zone=zone, cursor=cursor, limit=50
                )
            except InvalidInput as error:
                return {"hits": None, "problem": error.message, "health": {}}
            health = latest_briefs(session, sorted({h.account_id for h in page.items}))
            return {"hits": page, "problem": None, "health": health}

        if request.headers.get("hx-request"):
            found = in_transaction(request, search)
            return pages.render(request, "_comment_hits.html", user=user, q=q, **found)

        def load(session: Session) -> dict[str, Any]:
            terms = comment_terms(
                session,
                kind=params.kind,
                first=first,
                last=last,
                zone=zone,
                plan=params.plan or None,
                segment=params.segment or None,
            )
            return {"terms": terms, "segments": list_segments(session), **search(session)}

        data = in_transaction(request, load)
        return pages.render(
            request,
            "voice_comments.html",
            user=user,
            q=q,
            kind=params.kind,
            search_kind=search_kind,
            first=first,
            last=last,
            plan=params.plan,
            segment=params.segment,
            **data,
        )

    return router
