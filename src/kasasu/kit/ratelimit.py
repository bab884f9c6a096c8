"""A small in-process rate limiter: at most ``limit`` events per key in any ``window`` seconds
(a sliding window of timestamps on a monotonic clock).

Counts live in the memory of one server process: ``kasasu serve`` runs one, so the limits
hold for the whole instance; several processes or replicas behind a load balancer each count
their own (a client may then get up to ``limit`` × processes). A restart forgets them.
Memory is bounded by ``max_keys``: expired keys are dropped first, then the oldest keys.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a limit of at least 1 event in a positive window")
        self.limit, self.window, self._clock, self._max_keys = limit, window, clock, max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> int:
        """Whole seconds before one more event of ``key`` is allowed (0: allowed now)."""
        with self._lock:
            return self._wait(key, self._clock())

    def add(self, key: str) -> None:
        """Count an event of ``key`` now, allowed or not (a failed sign-in, say)."""
        with self._lock:
            self._add(key, self._clock())

    def hit(self, key: str) -> int:
        """Count an event if it is allowed and return 0; else count nothing and return the
        seconds to wait."""
        with self._lock:
            now = self._clock()
            wait = self._wait(key, now)
            if wait == 0:
                self._add(key, now)
            return wait

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def size(self) -> int:
        """How many keys are held (for tests and monitoring)."""
        with self._lock:
            return len(self._events)

    def _wait(self, key: str, now: float) -> int:
        events = self._events.get(key)
        if not events:
            return 0
        self._expire(events, now)
        if len(events) < self.limit:
            return 0
        return max(1, math.ceil(events[-self.limit] + self.window - now))

    def _add(self, key: str, now: float) -> None:
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self._max_keys:
                self._make_room(now)
            events = self._events[key] = deque()
        self._expire(events, now)
        events.append(now)
        while len(events) > self.limit:  # older ones never decide again
            events.popleft()

    def _expire(self, events: deque[float], now: float) -> None:
        while events and events[0] <= now - self.window:
            events.popleft()

    def _make_room(self, now: float) -> None:
        for key in [k for k, e in self._events.items() if not e or e[-1] <= now - self.window]:
            del self._events[key]
        while len(self._events) >= self._max_keys:
            del self._events[next(iter(self._events))]  # the longest-held key
