"""What the portal needs from the edges (settings), handed over as plain values."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class PortalConfig:
    base_url: str  # where the emailed links point: {base_url}/portal/sign-in/{token}
    mail: MailConfig
    branding: Branding = Branding()
    link_minutes: int = 15
    session_hours: int = 24 * 14
    secure_cookie: bool = True  # False only in dev mode (http://127.0.0.1)
    guard: PortalGuard = field(default_factory=PortalGuard)
