"""What the community needs from the edges: its spam and flood limits, shared by every
request of a process (kasasu.kit.ratelimit). Its emails go as the portal's do (its mail
settings and base URL)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kasasu.errors import InvalidInput, Throttled
from kasasu.kit.i18n import _
from kasasu.kit.mail import MailConfig
from kasasu.kit.ratelimit import SlidingWindow


@dataclass(frozen=True)
class CommunityLimits:
    per_minute: int = 5  # threads and replies one contact may write in a minute ...
    per_hour: int = 30  # ... and in an hour
    links: int = 5  # links one post or reply may hold


class CommunityGuard:
    """The flood limits per contact (in this process's memory; see kasasu.kit.ratelimit)."""

    def __init__(
        self,
        limits: CommunityLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or CommunityLimits()
        self.minute = SlidingWindow(self.limits.per_minute, 60, clock=clock)
        self.hour = SlidingWindow(self.limits.per_hour, 3600, clock=clock)

    def check(self, contact_id: int, links: int) -> None:
        """Refuse a write with too many links (InvalidInput) or past the contact's limits
        (Throttled, with the seconds to wait); else count it."""
        if links > self.limits.links:
            raise InvalidInput(
                _(
                    "A post may hold at most {n} links; this one has {found}",
                    n=self.limits.links,
                    found=links,
                )
            )
        key = str(contact_id)
        wait = max(self.minute.wait(key), self.hour.wait(key))
        if wait:
            raise Throttled(
                _("You are posting too fast: wait {seconds} seconds and try again", seconds=wait),
                wait,
            )
        self.minute.add(key)
        self.hour.add(key)


@dataclass(frozen=True)
class CommunityConfig:
    guard: CommunityGuard = field(default_factory=CommunityGuard)


@dataclass(frozen=True)
class CommunityMail:
    """How mentions and digests are emailed: the portal's mail settings, and the base URL
    of the links in them ({base_url}/portal/community/posts/ID)."""

    mail: MailConfig
    base_url: str
