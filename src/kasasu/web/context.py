"""What the pages need from the composition root, handed over as plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from kasasu.db import transaction
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
    # Internal hosts and networks webhooks may reach (KASASU_PLAYBOOKS__WEBHOOK_HOSTS).
    webhook_hosts: frozenset[str] = frozenset()


def web_context(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.kasasu_web
    return ctx


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one transaction that commits before the page is rendered."""
    write = request.method not in READ_METHODS
    with transaction(web_context(request).sessions, write=write) as session:
        return work(session)
