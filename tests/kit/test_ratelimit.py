"""The in-process sliding-window limiter, on a clock the test moves by hand."""

from __future__ import annotations

from kasasu.kit.ratelimit import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_holds_within_the_window_and_frees_one_slot_at_a_time() -> None:
    clock = Clock()
    window = SlidingWindow(3, 60, clock=clock)
    assert [window.hit("a") for _ in range(3)] == [0, 0, 0]
    assert window.wait("a") == 60  # the first of the three leaves the window in 60 s
    assert window.hit("a") == 60  # refused, and not counted
    assert window.wait("b") == 0  # another key is not affected
    clock.now += 20
    window.add("a")  # counted even when over: failures are recorded as they happen
    clock.now += 20.5
    assert window.wait("a") == 20  # 19.5 s left, rounded up
    clock.now += 19.5
    assert window.wait("a") == 0
    assert [window.hit("a"), window.hit("a")] == [0, 0]
    assert window.wait("a") == 20  # the hits of t=1000 are gone; the one of t=1020 decides


def test_clear_forgets_a_key() -> None:
    window = SlidingWindow(1, 900, clock=Clock())
    window.add("x")
    assert window.wait("x") == 900
    window.clear("x")
    assert window.wait("x") == 0


def test_memory_is_bounded_by_the_number_of_keys() -> None:
    clock = Clock()
    window = SlidingWindow(1, 60, clock=clock, max_keys=100)
    for n in range(1000):
        window.add(f"k{n}")
    assert window.size() <= 100
    assert window.wait("k999") == 60  # the newest are kept
    clock.now += 61
    window.add("fresh")
    assert window.size() == 1  # expired keys are dropped
