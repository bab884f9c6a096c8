"""What the pages need from the composition root, handed over as plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from kasasu.community.config import CommunityConfig
from kasasu.db import transaction
from kasasu.db.audit import Origin, acting, request_id
from kasasu.domain.reporting import Reporting
from kasasu.onboarding.config import ReminderConfig
from kasasu.playbooks.planning import PlaybookConfig
from kasasu.portal.config import PortalConfig
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.guard import SurveyGuard
from kasasu.users.schemas import SsoPolicy
from kasasu.users.signin import SignInGuard
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.memo import Recalled, keep

T = TypeVar("T")


@dataclass(frozen=True)
class SsoConfig:
    """Single sign-on with an OpenID Connect provider: the client and who may sign in."""

    policy: SsoPolicy
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    redirect_url: str | None = None  # None: this server's callback as the browser reached it


@dataclass(frozen=True)
class WebContext:
    sessions: sessionmaker[Session]
    events_path: Path
    reporting: Reporting  # the deployment's; pages report in the reader's language
    # MRR from which an account without its own touch model is high- / low-touch.
    touch_high_mrr: int = 300_000
    touch_low_mrr: int = 50_000
    surveys: SurveyConfig | None = None  # links, mail and widget origins of survey campaigns
    # Sign-in throttles and the bound on password checks, shared by every request.
    sign_in: SignInGuard = field(default_factory=SignInGuard)
    survey_guard: SurveyGuard = field(default_factory=SurveyGuard)  # the hosted page's
    password_sign_in: bool = True  # False: the sign-in page offers single sign-on only
    sso: SsoConfig | None = None
    # Where an uploaded file waits between its preview and its import (Settings.uploads_dir);
    # by default next to the event store, in the data directory.
    uploads_dir: Path | None = None

    @property
    def staging_dir(self) -> Path:
        return self.uploads_dir or self.events_path.parent / "uploads"

    # Internal hosts and networks webhooks may reach (KASASU_PLAYBOOKS__WEBHOOK_HOSTS).
    webhook_hosts: frozenset[str] = frozenset()
    # How playbooks started from a page plan their actions (None: from the reporting).
    playbooks: PlaybookConfig | None = None
    # The customer's onboarding mail: its reply links are checked with its secret (None: the
    # reply page answers nothing).
    reminders: ReminderConfig | None = None
    # The customer portal: branding, sign-in links and their throttles (None: no portal).
    portal: PortalConfig | None = None
    # The community's flood and link limits per contact, shared by every request.
    community: CommunityConfig = field(default_factory=CommunityConfig)

    @property
    def analytics(self) -> AnalyticsSource:
        """The server's analytics: a DuckDB copy of the facts with the event store."""
        return AnalyticsSource(events_path=self.events_path)


def web_context(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.kasasu_web
    return ctx


def playbook_config(request: Request, report: Reporting) -> PlaybookConfig:
    """How a page plans playbook actions: the server's settings, else the reporting's."""
    return web_context(request).playbooks or PlaybookConfig(
        report.zone, report.currency, report.locale, str(request.base_url).rstrip("/")
    )


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def client_address(request: Request) -> str:
    """The address the request came from, as the server sees it (the proxy's behind one)."""
    return request.client.host if request.client else ""


def in_transaction(
    request: Request, work: Callable[[Session], T], *, write: bool | None = None
) -> T:
    """Run ``work`` in one transaction that commits before the page is rendered; it writes
    for any method but GET, HEAD and OPTIONS unless ``write`` says otherwise."""
    if write is None:
        write = request.method not in READ_METHODS
    with acting(origin(request)), transaction(web_context(request).sessions, write=write) as s:
        return work(s)


def origin(request: Request) -> Origin:
    """Who the audit log records for this request: the signed-in user (set when the page
    asked for them) or a visitor (signing in, survey answers), and from where."""
    client = request.client.host if request.client else None
    # The id the request-id middleware gave this request (the client's own when it sent one).
    rid = request_id(
        getattr(request.state, "request_id", None) or request.headers.get("x-request-id")
    )
    user = getattr(request.state, "user", None)
    if user is None:
        return Origin("web", "visitor", None, "visitor", client, rid)
    return Origin("web", "user", user.id, user.email, client, rid)


def keep_fresh(request: Request, *found: Recalled[Any]) -> None:
    """Store, in a short write transaction, the read models this request computed
    (workspace.memo), so the next requests read them."""
    fresh = [f for f in found if f.fresh]
    if fresh:
        in_transaction(request, lambda s: keep(s, *fresh), write=True)
