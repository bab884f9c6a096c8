"""What the API needs from the composition root, handed over as plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from kasasu.community.config import CommunityConfig
from kasasu.connectors.schemas import StripeConfig
from kasasu.db import transaction
from kasasu.db.audit import Origin, acting, request_id
from kasasu.db.engine import Transactions
from kasasu.domain.reporting import Reporting
from kasasu.kit.ratelimit import SlidingWindow
from kasasu.kit.recent import Recent
from kasasu.playbooks.planning import PlaybookConfig
from kasasu.portal.config import PortalConfig
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.guard import SurveyGuard
from kasasu.users.schemas import ApiKeyRead
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.memo import Recalled, keep

T = TypeVar("T")

# How long an API key found valid is believed without asking the database again (issue 21):
# a key revoked, its user deactivated, or its expiry moved earlier in the database stops
# working within this many seconds in every server process. A key past its own expiry
# stops at once (checked on every request).
KEY_RECHECK_SECONDS = 5.0


@dataclass(frozen=True)
class ApiContext:
    sessions: sessionmaker[Session]
    events_path: Path
    reporting: Reporting  # the deployment's zone, currency, language and fiscal year
    playbooks: PlaybookConfig | None = None  # for previews: links, Slack URL
    surveys: SurveyConfig | None = None  # links, mail and widget origins of survey campaigns
    # Throttles of the public survey channels, shared by every request (and the pages).
    survey_guard: SurveyGuard = field(default_factory=SurveyGuard)
    # Event batches the SDK may send per client address and window (KASASU_LIMITS__SDK_*).
    sdk_limit: SlidingWindow = field(default_factory=lambda: SlidingWindow(600, 60))
    # SDK identities checked in the last 10 s, not asked of the database again (an
    # environment disabled, an origin removed or an account deleted counts within 10 s).
    sdk_checked: Recent[tuple[str, ...], tuple[int, int]] = field(
        default_factory=lambda: Recent(10.0)
    )
    # API keys found valid lately, by the key's SHA-256 (never the key itself).
    api_keys: Recent[str, ApiKeyRead] = field(default_factory=lambda: Recent(KEY_RECHECK_SECONDS))
    stripe: StripeConfig | None = None  # the webhook's signing secret; None: refused
    # The customer portal's mail, base URL and throttles, for the portal API (None: its
    # mentions are not emailed and its help-centre feedback is not throttled).
    portal: PortalConfig | None = None
    # The community's flood and link limits per contact: create_app hands the pages the
    # same object, so a contact writing through both is counted once.
    community: CommunityConfig = field(default_factory=CommunityConfig)

    @property
    def analytics(self) -> AnalyticsSource:
        """The server's analytics: a DuckDB copy of the facts with the event store."""
        return AnalyticsSource(events_path=self.events_path)


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.kasasu
    return ctx


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def client_address(request: Request) -> str:
    """The address the request came from, as the server sees it (the proxy's behind one)."""
    return request.client.host if request.client else ""


def reporting(request: Request) -> Reporting:
    """How figures are reported: the deployment's zone, currency, language, fiscal year."""
    return context(request).reporting


def in_transaction(
    request: Request, work: Callable[[Session], T], *, write: bool | None = None
) -> T:
    """Run ``work`` in one transaction that commits before the response is built; it
    writes for any method but GET, HEAD and OPTIONS unless ``write`` says otherwise."""
    if write is None:
        write = request.method not in READ_METHODS
    with acting(origin(request)), transaction(context(request).sessions, write=write) as session:
        return work(session)


def transactions(request: Request) -> Transactions:
    """``in_transaction`` for this request, for a service that opens its transactions."""

    def run(work: Callable[[Session], T], *, write: bool) -> T:
        return in_transaction(request, work, write=write)

    return run


def origin(request: Request) -> Origin:
    """Who the audit log records for this request: its API key (set by the key's
    dependency) or a visitor (the public survey and widget routes), and from where."""
    client = request.client.host if request.client else None
    # The id the request-id middleware gave this request (the client's own when it sent one).
    rid = request_id(
        getattr(request.state, "request_id", None) or request.headers.get("x-request-id")
    )
    key = getattr(request.state, "api_key", None)
    if key is None:
        return Origin("api", "visitor", None, "visitor", client, rid)
    return Origin("api", "api_key", key.id, key.name, client, rid)


def keep_fresh(request: Request, *found: Recalled[Any]) -> None:
    """Store, in a short write transaction, the read models this request computed
    (workspace.memo), so the next requests read them."""
    fresh = [f for f in found if f.fresh]
    if fresh:
        in_transaction(request, lambda s: keep(s, *fresh), write=True)
