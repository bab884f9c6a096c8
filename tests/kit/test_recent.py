"""A value kept for a few seconds: then gone; memory bounded, the oldest keys dropped first."""

from __future__ import annotations

from kasasu.kit.recent import Recent


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_for_its_seconds_only() -> None:
    clock = Clock()
    recent: Recent[str, int] = Recent(10, clock=clock)
    recent.put("a", 1)
    clock.now += 9.9
    assert recent.get("a") == 1
    clock.now += 0.1
    assert recent.get("a") is None
    assert recent.get("never") is None


def test_the_oldest_keys_make_room() -> None:
    clock = Clock()
    recent: Recent[str, int] = Recent(10, clock=clock, max_keys=2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("a", 3)  # put again: now the newest
    recent.put("c", 4)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (3, None, 4)


def test_no_seconds_keeps_nothing() -> None:
    recent: Recent[str, int] = Recent(0)
    recent.put("a", 1)
    assert recent.get("a") is None
