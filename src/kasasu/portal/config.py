"""What the portal needs from the edges (settings), handed over as plain values."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kasasu.errors import Throttled
from kasasu.kit.i18n import _
from kasasu.kit.mail import MailConfig
from kasasu.kit.ratelimit import SlidingWindow

SESSION_COOKIE = "kasasu_portal"  # apart from the staff's kasasu_session


@dataclass(frozen=True)
class Branding:
    """The installation's look: the portal's name, its logo (a path Kasasu serves) and its
    primary colour (#rrggbb)."""

    name: str = "Customer portal"
    logo_url: str | None = None
    color: str = "#1f5fbf"


@dataclass(frozen=True)
class PortalLimits:
    per_email: int = 5  # sign-in link requests for one email ...
    per_address: int = 20  # ... or from one client address ...
    window_seconds: int = 3600  # ... within this many seconds
    # Help-centre votes and comments to the team from one client address in that window:
    # they need no sign-in, so a script could otherwise flood the team's comments.
    feedback_per_address: int = 30
    # Help-centre searches one address (or signed-in contact) adds to the "searched, not
    # found" report in their window; past it they are answered, not recorded.
    searches_per_address: int = 30
    searches_window_seconds: int = 3600


class PortalGuard:
    """Throttles of the sign-in link requests, shared by every request of a process
    (see kasasu.kit.ratelimit)."""

    def __init__(
        self, limits: PortalLimits = PortalLimits(), clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.emails = SlidingWindow(limits.per_email, limits.window_seconds, clock=clock)
        self.addresses = SlidingWindow(limits.per_address, limits.window_seconds, clock=clock)
        self.feedback = SlidingWindow(
            limits.feedback_per_address, limits.window_seconds, clock=clock
        )
        self.searches = SlidingWindow(
            limits.searches_per_address, limits.searches_window_seconds, clock=clock
        )

    def records_search(self, reader: str) -> bool:
        """Whether a help-centre search of ``reader`` (an address, or a contact) is kept
        for the report: not past its limit, so a script cannot fill the table."""
        return self.searches.hit(reader) == 0

    def count_feedback(self, address: str) -> None:
        """Count a help-centre vote or comment from ``address``; past the limit, Throttled
        with the seconds to wait (the pages' and the portal API's one check)."""
        wait = self.feedback.hit(address)
        if wait:
            raise Throttled(
                _("Too many requests from your address. Try again in {seconds} seconds.",
                  seconds=wait),
                wait,
            )  # fmt: skip


@dataclass(frozen=True)
class PortalConfig:
    base_url: str  # where the emailed links point: {base_url}/portal/sign-in/{token}
    mail: MailConfig
    branding: Branding = Branding()
    link_minutes: int = 15
    session_hours: int = 24 * 14
    secure_cookie: bool = True  # False only in dev mode (http://127.0.0.1)
    guard: PortalGuard = field(default_factory=PortalGuard)
