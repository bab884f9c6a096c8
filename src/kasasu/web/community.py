"""The community for the team: threads (hidden ones too) with search, spaces, a thread with
the moderation tools (pin, lock, move, hide, delete, accept, official answers, make a
need), the reports' queue and the analytics. Community managers are users whose role may
write; deleting and managing spaces needs the delete right (kasasu.community.moderation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.community.moderation import (
    MODERATE,
    REMOVE,
    create_space,
    delete_post,
    delete_reply,
    delete_space,
    hide_reply,
    list_reports,
    make_need,
    moderate,
    resolve_report,
)
from kasasu.community.posting import accept_answer, post_of_reply, staff_reply
from kasasu.community.reading import get_thread, list_posts, list_spaces, search_posts
from kasasu.community.schemas import Moderation, ReplyCreate, SpaceCreate
from kasasu.community.stats import community_stats
from kasasu.domain.community import REACTIONS
from kasasu.domain.permissions import can
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep, request_locale

router = APIRouter(include_in_schema=False)
CSRF = [Depends(check_csrf)]
ANALYTICS_DAYS = (7, 30, 90, 365)


def _thread_url(post_id: int, anchor: str = "") -> str:
    return f"/community/posts/{post_id}{anchor}"


@router.get("/community", response_class=HTMLResponse)
def community_page(
    request: Request, user: CurrentUser, pages: PagesDep, *, q: str = "", page: int = 1,
    space: int = 0, unanswered: str = "",
) -> HTMLResponse:  # fmt: skip
    locale = request_locale(request)
    chosen = space or None
    spaces, posts, hits = in_transaction(
        request,
        lambda s: (
            list_spaces(s, locale, staff=True),
            list_posts(s, locale, space_id=chosen, unanswered=bool(unanswered), page=page,
                       staff=True),
            search_posts(s, q, locale, staff=True) if q.strip() else None,
        ),
    )  # fmt: skip
    return pages.render(
        request, "community.html", user=user, spaces=spaces, posts=posts, hits=hits, q=q,
        chosen=chosen, unanswered=bool(unanswered), can_manage=can(user.role, REMOVE),
    )  # fmt: skip


@router.post("/community/spaces", dependencies=CSRF)
def post_space(
    request: Request, user: CurrentUser, *, slug: Annotated[str, Form()],
    name_ja: Annotated[str, Form()], name_en: Annotated[str, Form()],
    description_ja: Annotated[str, Form()] = "", description_en: Annotated[str, Form()] = "",
    position: Annotated[int, Form(ge=0, le=10_000)] = 0,
) -> Response:  # fmt: skip
    require(user, REMOVE)
    body = SpaceCreate.model_validate(
        {"slug": slug, "name_ja": name_ja, "name_en": name_en, "position": position,
         "description_ja": description_ja, "description_en": description_en}
    )  # fmt: skip
    in_transaction(request, lambda s: create_space(s, body))
    return RedirectResponse("/community", status_code=303)


@router.post("/community/spaces/{space_id}/delete", dependencies=CSRF)
def post_delete_space(request: Request, space_id: int, user: CurrentUser) -> Response:
    require(user, REMOVE)
    in_transaction(request, lambda s: delete_space(s, space_id))
    return RedirectResponse("/community", status_code=303)


@router.get("/community/posts/{post_id}", response_class=HTMLResponse)
def thread_page(request: Request, post_id: int, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    locale = request_locale(request)
    thread, spaces = in_transaction(
        request,
        lambda s: (get_thread(s, post_id, locale, staff=True), list_spaces(s, locale, staff=True)),
    )
    return pages.render(
        request, "community_thread.html", user=user, thread=thread, spaces=spaces,
        reactions=REACTIONS, can_moderate=can(user.role, MODERATE),
        can_delete=can(user.role, REMOVE), done=request.query_params.get("done"),
    )  # fmt: skip


@router.post("/community/posts/{post_id}/moderate", dependencies=CSRF)
def post_moderate(
    request: Request, post_id: int, user: CurrentUser, *, action: Annotated[str, Form()],
    space_id: Annotated[int | None, Form()] = None,
) -> Response:  # fmt: skip
    """One button each: pin/unpin, lock/unlock, hide/show, move (to ``space_id``)."""
    require(user, MODERATE)
    changes = {
        "pin": Moderation(pinned=True), "unpin": Moderation(pinned=False),
        "lock": Moderation(locked=True), "unlock": Moderation(locked=False),
        "hide": Moderation(hidden=True), "show": Moderation(hidden=False),
        "move": Moderation(space_id=space_id),
    }  # fmt: skip
    change = changes.get(action, Moderation())
    now = datetime.now(UTC)
    in_transaction(request, lambda s: moderate(s, post_id, change, now, user.id))
    return RedirectResponse(_thread_url(post_id, f"?done={action}"), status_code=303)


@router.post("/community/posts/{post_id}/delete", dependencies=CSRF)
def post_delete(request: Request, post_id: int, user: CurrentUser) -> Response:
    require(user, REMOVE)
    in_transaction(request, lambda s: delete_post(s, post_id))
    return RedirectResponse("/community", status_code=303)


@router.post("/community/posts/{post_id}/reply", dependencies=CSRF)
def post_reply(
    request: Request, post_id: int, user: CurrentUser, *,
    body: Annotated[str, Form(max_length=40_000)], kind: Annotated[str, Form()] = "answer",
) -> Response:  # fmt: skip
    require(user, MODERATE)
    data = ReplyCreate.model_validate({"kind": kind, "body": body})
    now = datetime.now(UTC)
    done = in_transaction(request, lambda s: staff_reply(s, user.id, post_id, data, now))
    return RedirectResponse(_thread_url(post_id, f"#reply-{done.reply_id}"), status_code=303)


@router.post("/community/posts/{post_id}/need", dependencies=CSRF)
def post_need(request: Request, post_id: int, user: CurrentUser) -> Response:
    """One click: the post becomes a request of its company under a new need."""
    require(user, MODERATE)
    made = in_transaction(request, lambda s: make_need(s, post_id))
    return RedirectResponse(f"/needs/{made.need_id}", status_code=303)


@router.post("/community/replies/{reply_id}/{action}", dependencies=CSRF)
def post_reply_action(request: Request, reply_id: int, action: str, user: CurrentUser) -> Response:
    """accept (or take back), hide, show, delete a reply."""
    require(user, REMOVE if action == "delete" else MODERATE)
    now = datetime.now(UTC)

    def work(s: Session) -> int:
        if action == "accept":
            accept_answer(s, reply_id, manager=True)
            return post_of_reply(s, reply_id)
        if action in ("hide", "show"):
            return hide_reply(s, reply_id, now, user.id, hidden=action == "hide")
        if action == "delete":
            return delete_reply(s, reply_id)
        return post_of_reply(s, reply_id)

    post_id = in_transaction(request, work)
    return RedirectResponse(_thread_url(post_id, f"?done={action}"), status_code=303)


@router.get("/community/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, user: CurrentUser, pages: PagesDep, page: int = 1, show: str = "open"
) -> HTMLResponse:
    rows, total, count = in_transaction(
        request, lambda s: list_reports(s, open_only=show != "all", page=page)
    )
    return pages.render(request, "community_reports.html", user=user, rows=rows, total=total,
                        pages_count=count, page=max(1, page), show=show,
                        can_moderate=can(user.role, MODERATE))  # fmt: skip


@router.post("/community/reports/{report_id}", dependencies=CSRF)
def post_report(
    request: Request, report_id: int, user: CurrentUser, hide: Annotated[str, Form()] = "0"
) -> Response:
    require(user, MODERATE)
    now = datetime.now(UTC)
    in_transaction(
        request,
        lambda s: resolve_report(s, report_id, hide=hide == "1", now=now, user_id=user.id),
    )
    return RedirectResponse("/community/reports", status_code=303)


@router.get("/community/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request, user: CurrentUser, pages: PagesDep, days: int = 30
) -> HTMLResponse:
    days = days if days in ANALYTICS_DAYS else 30
    end = datetime.now(UTC)
    locale = request_locale(request)
    stats = in_transaction(
        request, lambda s: community_stats(s, end - timedelta(days=days), end, locale)
    )
    return pages.render(request, "community_analytics.html", user=user, stats=stats, days=days,
                        choices=ANALYTICS_DAYS)  # fmt: skip
