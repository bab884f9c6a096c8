"""The community in the customer portal: home (spaces, recent threads, unanswered
questions), a space, a thread (answers, comments, reactions, accepting an answer,
following, reporting), a new thread, search and what the contact follows. Every page takes
the signed-in contact from ``portal_viewer``; the community is shared by every customer,
and a hidden thread is a 404 like one that does not exist."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.community.config import CommunityGuard, CommunityMail
from kasasu.community.members import follow, set_digest, unfollow
from kasasu.community.posting import (
    Written,
    accept_answer,
    create_post,
    create_reply,
    post_of_reply,
    react,
    report,
)
from kasasu.community.reading import (
    followed,
    get_space,
    get_thread,
    list_posts,
    list_spaces,
    search_posts,
)
from kasasu.community.schemas import PostCreate, ReplyCreate, ReportCreate, Writer
from kasasu.domain.community import REACTIONS, REPORT_REASONS
from kasasu.errors import InvalidInput, KasasuError, http_status
from kasasu.kit.i18n import Message, _
from kasasu.web.auth import check_csrf
from kasasu.web.context import in_transaction, web_context
from kasasu.web.portal_auth import Viewer, portal_config, render_portal
from kasasu.web.render import PagesDep, request_locale

router = APIRouter(include_in_schema=False)
HOME = "/portal/community"
CSRF = [Depends(check_csrf)]


def _writer(request: Request, viewer: Viewer) -> Writer:
    return Writer(viewer.contact_id, viewer.account_id, viewer.name, request_locale(request))


def _mail(request: Request) -> CommunityMail:
    config = portal_config(request)
    return CommunityMail(config.mail, config.base_url)


def _sent(background: BackgroundTasks, written: Written) -> None:
    if written.deliver is not None:  # the mentions' emails, once the write is committed
        background.add_task(written.deliver)


def _render(request: Request, pages: PagesDep, template: str, viewer: Viewer,
            status: int = 200, **values: Any) -> HTMLResponse:  # fmt: skip
    return render_portal(request, pages, template, status, viewer=viewer, reactions=REACTIONS,
                         reasons=REPORT_REASONS, **values)  # fmt: skip


@router.get(HOME, response_class=HTMLResponse)
def home(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    locale = request_locale(request)
    spaces, recent, unanswered = in_transaction(
        request,
        lambda s: (
            list_spaces(s, locale),
            list_posts(s, locale, size=10),
            list_posts(s, locale, unanswered=True, size=5),
        ),
    )
    return _render(request, pages, "portal/community.html", viewer, spaces=spaces,
                   recent=recent, unanswered=unanswered)  # fmt: skip


@router.get(HOME + "/spaces/{space_id}", response_class=HTMLResponse)
def space_page(
    request: Request, space_id: int, viewer: Viewer, pages: PagesDep, page: int = 1
) -> HTMLResponse:
    locale = request_locale(request)
    space, posts, mine = in_transaction(
        request,
        lambda s: (
            get_space(s, space_id, locale),
            list_posts(s, locale, space_id=space_id, page=page),
            followed(s, viewer.contact_id, locale),
        ),
    )
    following = any(f.id == space_id for f in mine.spaces)
    return _render(request, pages, "portal/community_space.html", viewer, space=space,
                   posts=posts, following=following)  # fmt: skip


def _thread_page(request: Request, pages: PagesDep, viewer: Viewer, post_id: int,
                 status: int = 200, **values: Any) -> HTMLResponse:  # fmt: skip
    locale = request_locale(request)
    thread = in_transaction(
        request, lambda s: get_thread(s, post_id, locale, contact_id=viewer.contact_id),
        write=False,
    )  # fmt: skip
    return _render(request, pages, "portal/community_thread.html", viewer, status,
                   thread=thread, **values)  # fmt: skip


@router.get(HOME + "/posts/{post_id}", response_class=HTMLResponse)
def thread_page(request: Request, post_id: int, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    return _thread_page(request, pages, viewer, post_id, done=request.query_params.get("done"))


@router.get(HOME + "/new", response_class=HTMLResponse)
def new_page(request: Request, viewer: Viewer, pages: PagesDep, space: int = 0) -> HTMLResponse:
    locale = request_locale(request)
    spaces = in_transaction(request, lambda s: list_spaces(s, locale))
    return _render(request, pages, "portal/community_new.html", viewer, spaces=spaces,
                   form={"space_id": space, "kind": "question"})  # fmt: skip


@router.post(HOME + "/new", dependencies=CSRF)
def post_new(
    request: Request, viewer: Viewer, pages: PagesDep, background: BackgroundTasks, *,
    space_id: Annotated[int, Form()], title: Annotated[str, Form(max_length=1000)],
    body: Annotated[str, Form(max_length=40_000)], kind: Annotated[str, Form()] = "question",
) -> Response:  # fmt: skip
    writer, now, guard = _writer(request, viewer), datetime.now(UTC), _guard(request)
    form = {"space_id": space_id, "kind": kind, "title": title, "body": body}
    try:
        data = PostCreate.model_validate(form)
        written = in_transaction(
            request,
            lambda s: create_post(s, writer, data, now, guard=guard, mail=_mail(request)),
        )
    except (KasasuError, ValueError) as error:
        locale = request_locale(request)
        spaces = in_transaction(request, lambda s: list_spaces(s, locale), write=False)
        return _render(request, pages, "portal/community_new.html", viewer, _status(error),
                       spaces=spaces, form=form, error=_message(error))  # fmt: skip
    _sent(background, written)
    return RedirectResponse(f"{HOME}/posts/{written.post_id}", status_code=303)


def _guard(request: Request) -> CommunityGuard:
    return web_context(request).community.guard


def _status(error: Exception) -> int:
    return http_status(error, 422) if isinstance(error, KasasuError) else 422


def _message(error: Exception) -> Message:
    if isinstance(error, KasasuError):
        return error.message
    return _("Write a title and a text (at most 300 and 20,000 characters)")


@router.post(HOME + "/posts/{post_id}/replies", dependencies=CSRF)
def post_reply(
    request: Request, post_id: int, viewer: Viewer, pages: PagesDep,
    background: BackgroundTasks, *, body: Annotated[str, Form(max_length=40_000)],
    kind: Annotated[str, Form()] = "comment", parent_id: Annotated[int | None, Form()] = None,
) -> Response:  # fmt: skip
    writer, now, guard = _writer(request, viewer), datetime.now(UTC), _guard(request)
    try:
        data = ReplyCreate.model_validate({"kind": kind, "body": body, "parent_id": parent_id})
        written = in_transaction(
            request,
            lambda s: create_reply(s, writer, post_id, data, now, guard=guard, mail=_mail(request)),
        )
    except (KasasuError, ValueError) as error:
        return _thread_page(request, pages, viewer, post_id, _status(error),
                            error=_message(error), draft=body)  # fmt: skip
    _sent(background, written)
    return RedirectResponse(f"{HOME}/posts/{post_id}#reply-{written.reply_id}", status_code=303)


@router.post(HOME + "/posts/{post_id}/react", dependencies=CSRF)
def post_react(
    request: Request, post_id: int, viewer: Viewer, reaction: Annotated[str, Form()],
    reply_id: Annotated[int | None, Form()] = None,
) -> Response:  # fmt: skip
    if reaction not in REACTIONS:
        raise InvalidInput(_("Choose one of the reactions"))
    writer = _writer(request, viewer)
    in_transaction(request, lambda s: react(s, writer, reaction, post_id=post_id,
                                            reply_id=reply_id))  # fmt: skip
    anchor = f"#reply-{reply_id}" if reply_id else ""
    return RedirectResponse(f"{HOME}/posts/{post_id}{anchor}", status_code=303)


@router.post(HOME + "/replies/{reply_id}/accept", dependencies=CSRF)
def post_accept(request: Request, reply_id: int, viewer: Viewer) -> Response:
    contact = viewer.contact_id

    def work(s: Session) -> int:
        accept_answer(s, reply_id, contact_id=contact)
        return post_of_reply(s, reply_id)

    post_id = in_transaction(request, work)
    return RedirectResponse(f"{HOME}/posts/{post_id}#reply-{reply_id}", status_code=303)


@router.post(HOME + "/posts/{post_id}/report", dependencies=CSRF)
def post_report(
    request: Request, post_id: int, viewer: Viewer, *, reason: Annotated[str, Form()] = "spam",
    note: Annotated[str, Form(max_length=2000)] = "",
    reply_id: Annotated[int | None, Form()] = None,
) -> Response:  # fmt: skip
    writer = _writer(request, viewer)
    data = ReportCreate.model_validate({"reason": reason, "note": note})
    in_transaction(request, lambda s: report(s, writer, data, post_id=post_id, reply_id=reply_id))
    return RedirectResponse(f"{HOME}/posts/{post_id}?done=reported", status_code=303)


@router.post(HOME + "/posts/{post_id}/follow", dependencies=CSRF)
def post_follow(
    request: Request, post_id: int, viewer: Viewer, on: Annotated[str, Form()] = "1"
) -> Response:
    contact = viewer.contact_id
    if on == "1":
        in_transaction(request, lambda s: follow(s, contact, post_id=post_id))
    else:
        in_transaction(request, lambda s: unfollow(s, contact, post_id=post_id))
    return RedirectResponse(f"{HOME}/posts/{post_id}", status_code=303)


@router.post(HOME + "/spaces/{space_id}/follow", dependencies=CSRF)
def post_follow_space(
    request: Request, space_id: int, viewer: Viewer, on: Annotated[str, Form()] = "1"
) -> Response:
    contact = viewer.contact_id
    if on == "1":
        in_transaction(request, lambda s: follow(s, contact, space_id=space_id))
    else:
        in_transaction(request, lambda s: unfollow(s, contact, space_id=space_id))
    return RedirectResponse(f"{HOME}/spaces/{space_id}", status_code=303)


@router.get(HOME + "/search", response_class=HTMLResponse)
def search_page(
    request: Request, viewer: Viewer, pages: PagesDep, q: str = "", page: int = 1
) -> HTMLResponse:
    locale = request_locale(request)
    try:
        results = (
            in_transaction(request, lambda s: search_posts(s, q, locale, page=page))
            if q.strip()
            else None
        )
    except InvalidInput as error:
        return _render(request, pages, "portal/community_search.html", viewer, 422, q=q,
                       results=None, error=error.message)  # fmt: skip
    return _render(request, pages, "portal/community_search.html", viewer, q=q,
                   results=results, page=max(1, page))  # fmt: skip


@router.get(HOME + "/followed", response_class=HTMLResponse)
def followed_page(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    locale = request_locale(request)
    found = in_transaction(request, lambda s: followed(s, viewer.contact_id, locale))
    return _render(request, pages, "portal/community_followed.html", viewer, found=found,
                   done=request.query_params.get("done"))  # fmt: skip


@router.post(HOME + "/digest", dependencies=CSRF)
def post_digest(request: Request, viewer: Viewer, wanted: Annotated[str, Form()] = "0") -> Response:
    writer = _writer(request, viewer)
    in_transaction(request, lambda s: set_digest(s, writer, wanted=wanted == "1"))
    return RedirectResponse(f"{HOME}/followed?done=digest", status_code=303)
