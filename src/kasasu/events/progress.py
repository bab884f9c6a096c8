"""Progress of one long statement, reported to a callback from a side thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]


@contextmanager
def polling(percent_done: Callable[[], float], progress: Progress | None) -> Iterator[None]:
    """Report the running statement's progress (0-100) from a side thread."""
    if progress is None:
        yield
        return
    report = progress
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            percent = percent_done()
            if percent >= 0:
                report(int(percent), 100)

    thread = threading.Thread(target=poll, name="kasasu-import-progress", daemon=True)
    report(0, 100)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
    report(100, 100)
