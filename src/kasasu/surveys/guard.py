"""Throttles of the public survey channels (security review F8): requests per client address
to the widget and to the hosted page, and personal-link emails per recipient. Counted in
this process (see :mod:`kasasu.kit.ratelimit`); the composition root makes one guard."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kasasu.errors import Throttled
from kasasu.kit.i18n import _
from kasasu.kit.ratelimit import SlidingWindow


@dataclass(frozen=True)
class SurveyLimits:
    widget_per_address: int = 30  # widget requests (question and answer) per address ...
    widget_window_seconds: int = 60  # ... within this many seconds
    page_per_address: int = 10  # hosted-page requests for a personal link per address ...
    page_window_seconds: int = 900  # ... within this many seconds
    links_per_email: int = 3  # personal-link emails to one address ...
    links_window_seconds: int = 86_400  # ... within this many seconds (beyond: none, silently)


class SurveyGuard:
    def __init__(
        self,
        limits: SurveyLimits = SurveyLimits(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.widget = SlidingWindow(
            limits.widget_per_address, limits.widget_window_seconds, clock=clock
        )
        self.page = SlidingWindow(limits.page_per_address, limits.page_window_seconds, clock=clock)
        self.links = SlidingWindow(limits.links_per_email, limits.links_window_seconds, clock=clock)

    def check_widget(self, address: str) -> None:
        _throttle(self.widget, address)

    def check_page(self, address: str) -> None:
        _throttle(self.page, address)


def _throttle(window: SlidingWindow, address: str) -> None:
    wait = window.hit(address)
    if wait:
        raise Throttled(
            _("Too many requests from your address. Try again in {seconds} seconds.", seconds=wait),
            wait,
        )
