"""What was found for a key in the last few seconds, kept in one process's memory (a short
cache for answers that may go stale for that long, such as an identity checked a moment
ago). Memory is bounded by ``max_keys``: expired keys go first, then the oldest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.seconds, self._clock, self._max_keys = seconds, clock, max_keys
        self._found: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` less than ``seconds`` ago, else None."""
        with self._lock:
            found = self._found.get(key)
            if found is None:
                return None
            if found[0] <= self._clock():
                del self._found[key]
                return None
            return found[1]

    def put(self, key: K, value: V) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            now = self._clock()
            if key not in self._found and len(self._found) >= self._max_keys:
                for old in [k for k, (until, _v) in self._found.items() if until <= now]:
                    del self._found[old]
                while len(self._found) >= self._max_keys:
                    del self._found[next(iter(self._found))]  # the oldest key
            self._found.pop(key, None)
            self._found[key] = (now + self.seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()
