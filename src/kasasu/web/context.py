"""What the pages need from the composition root, handed over as plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from kasasu.db import transaction
from kasasu.db.audit import Origin, acting, request_id
from kasasu.surveys.config import SurveyConfig

T = TypeVar("T")


@dataclass(frozen=True)
class WebContext:
    sessions: sessionmaker[Session]
    events_path: Path
    timezone: str
    currency: str
    locale: str
    fiscal_year_start: int = 4
    gross_margin: float = 1.0  # for the simple LTV
    # MRR from which an account without its own touch model is high- / low-touch.
    touch_high_mrr: int = 300_000
    touch_low_mrr: int = 50_000
    surveys: SurveyConfig | None = None  # links, mail and widget origins of survey campaigns


def web_context(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.kasasu_web
    return ctx


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one transaction that commits before the page is rendered."""
    write = request.method not in READ_METHODS
    with acting(origin(request)), transaction(web_context(request).sessions, write=write) as s:
        return work(s)


def origin(request: Request) -> Origin:
    """Who the audit log records for this request: the signed-in user (set when the page
    asked for them) or a visitor (signing in, survey answers), and from where."""
    client = request.client.host if request.client else None
    rid = request_id(request.headers.get("x-request-id"))
    user = getattr(request.state, "user", None)
    if user is None:
        return Origin("web", "visitor", None, "visitor", client, rid)
    return Origin("web", "user", user.id, user.email, client, rid)
