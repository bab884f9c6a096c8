"""The public help centre (/help): readable without signing in, as a help centre is. A
contact signed in to the customer portal is recognised by the portal's own cookie, so their
readings count as their account's usage and their vote is theirs; anyone else votes once
per browser (a random id kept in the session)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.events.schemas import EventIn
from kasasu.knowledge.reading import (
    comment,
    help_centre,
    my_vote,
    read_article,
    record_view,
    search_help,
    store_view_events,
    vote,
)
from kasasu.knowledge.schemas import Reader, ReaderArticle
from kasasu.portal.config import SESSION_COOKIE
from kasasu.portal.signin import viewer_of
from kasasu.web.auth import check_csrf
from kasasu.web.context import client_address, in_transaction, web_context
from kasasu.web.render import PagesDep, request_locale

router = APIRouter(include_in_schema=False)
SESSION_VISITOR = "help_visitor"


def reader_of(request: Request, *, remember: bool = False) -> Reader:
    """Who reads: the portal's signed-in contact, else this browser (given an id of its
    own when ``remember``: the first vote)."""
    token = request.cookies.get(SESSION_COOKIE)
    now = datetime.now(UTC)
    viewer = (
        in_transaction(request, lambda s: viewer_of(s, token, now), write=False) if token else None
    )
    visitor = request.session.get(SESSION_VISITOR)
    if visitor is None and remember:
        visitor = request.session[SESSION_VISITOR] = secrets.token_urlsafe(24)
    return Reader(
        contact_id=viewer.contact_id if viewer else None,
        visitor=str(visitor) if visitor else None,
    )


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request, pages: PagesDep) -> HTMLResponse:
    locale = request_locale(request)
    categories = in_transaction(request, lambda s: help_centre(s, locale))
    return pages.render(request, "help.html", categories=categories, q="", results=None)


@router.get("/help/search", response_class=HTMLResponse)
def search_page(request: Request, pages: PagesDep, q: str = "") -> HTMLResponse:
    locale = request_locale(request)
    reader = reader_of(request)
    now = datetime.now(UTC)
    portal = web_context(request).portal  # the server always has one; a page test may not
    who = f"contact:{reader.contact_id}" if reader.contact_id else client_address(request)
    kept = portal is None or portal.guard.records_search(who)
    try:
        results = in_transaction(
            request,
            lambda s: search_help(s, q, locale, reader, now, record=kept),
            write=True,
        )
    except InvalidInput as error:
        return pages.render(request, "help.html", 422, categories=[], q=q, results=None,
                            error=error)  # fmt: skip
    return pages.render(request, "help.html", categories=[], q=q, results=results)


@router.get("/help/articles/{slug}", response_class=HTMLResponse)
def article_page(
    request: Request, slug: str, pages: PagesDep, background: BackgroundTasks
) -> HTMLResponse:
    locale = request_locale(request)
    reader = reader_of(request)
    now = datetime.now(UTC)

    def work(s: Session) -> tuple[ReaderArticle, EventIn | None, bool | None]:
        article = read_article(s, slug, locale)
        event = record_view(s, article.id, reader, locale, now)
        return article, event, my_vote(s, slug, reader)

    article, event, voted = in_transaction(request, work, write=True)
    if event is not None:  # the account's usage, once the view is committed
        background.add_task(store_view_events, web_context(request).events_path, [event])
    thanks = request.query_params.get("thanks")
    return pages.render(request, "help_article.html", article=article, voted=voted, thanks=thanks)


@router.post("/help/articles/{slug}/vote", dependencies=[Depends(check_csrf)])
def post_vote(
    request: Request, slug: str, helpful: Annotated[str, Form(pattern="^(yes|no)$")]
) -> Response:
    _count_feedback(request)
    reader = reader_of(request, remember=True)
    now = datetime.now(UTC)
    in_transaction(request, lambda s: vote(s, slug, reader, now, helpful=helpful == "yes"))
    return RedirectResponse(f"/help/articles/{slug}?thanks=vote#helpful", status_code=303)


@router.post("/help/articles/{slug}/comment", dependencies=[Depends(check_csrf)])
def post_comment(
    request: Request, slug: str, body: Annotated[str, Form(max_length=4000)]
) -> Response:
    _count_feedback(request)
    reader = reader_of(request)
    locale = request_locale(request)
    in_transaction(request, lambda s: comment(s, slug, body, reader, locale))
    return RedirectResponse(f"/help/articles/{slug}?thanks=comment#comment", status_code=303)


def _count_feedback(request: Request) -> None:
    """Votes and comments need no sign-in: a client address gets so many an hour (the 429
    page with Retry-After past them)."""
    portal = web_context(request).portal  # the server always has one; a page test may not
    if portal is not None:
        portal.guard.count_feedback(client_address(request))
