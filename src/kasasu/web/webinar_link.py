"""The personal event link of an invitation or reminder email (/e/{link}): the event in the
reader's language, and a form to register or to give the place up (a form, so that a mail
scanner opening the link registers nobody). No sign-in: the signed link is the proof."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from kasasu.errors import Conflict
from kasasu.kit.markdown import render_markdown
from kasasu.kit.types import local_text
from kasasu.web.auth import check_csrf
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import PagesDep, request_locale
from kasasu.webinars.service import cancel_by_link, open_link, register_by_link

router = APIRouter(include_in_schema=False)
ACTIONS = ("register", "cancel")


def _secret(request: Request) -> str | None:
    config = web_context(request).reminders  # the same secret key signs every emailed link
    return None if config is None else config.secret


@router.get("/e/{link}", response_class=HTMLResponse)
def event_link(request: Request, link: str, pages: PagesDep) -> HTMLResponse:
    return _page(request, pages, link[:300])


@router.post("/e/{link}", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def answer(
    request: Request, link: str, pages: PagesDep, action: Annotated[str, Form(max_length=10)] = ""
) -> HTMLResponse:
    secret, now, path = _secret(request), datetime.now(UTC), web_context(request).events_path
    if secret is None or action not in ACTIONS:
        return _page(request, pages, link[:300])
    act = register_by_link if action == "register" else cancel_by_link
    try:
        in_transaction(request, lambda s: act(s, secret, link[:300], now, path))
    except Conflict as error:
        return _page(
            request, pages, link[:300], problem=error.message.render(request_locale(request))
        )
    return _page(request, pages, link[:300], done=action)


def _page(
    request: Request, pages: PagesDep, link: str, *, problem: str = "", done: str = ""
) -> HTMLResponse:
    """404 for a forged link (nothing said of why); the event and the place otherwise."""
    secret, now, locale = _secret(request), datetime.now(UTC), request_locale(request)
    opened = None
    if secret is not None:
        opened = in_transaction(request, lambda s: open_link(s, secret, link), write=False)
    if opened is None:
        return pages.render(request, "event_link.html", 404, webinar=None, user=None)
    webinar, place = opened
    return pages.render(
        request, "event_link.html", 409 if problem else 200, webinar=webinar, place=place,
        title=local_text(webinar.title, locale),
        html=render_markdown(local_text(webinar.description, locale)),
        over=webinar.ends_at <= now, problem=problem, done=done, user=None,
    )  # fmt: skip
