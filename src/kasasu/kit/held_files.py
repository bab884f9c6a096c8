"""Files a part of this process keeps open between uses (the event store's writer,
kasasu.events.gather), and how another part asks for one to be let go first.

DuckDB refuses to attach a file read-only to one database while another database of the same
process has it open (the analytics' copy, kasasu.warehouse.backends, beside the event store's
writer), so the analytics ask the holder to close it before they attach it. The holder is
registered here because the analytics sit below it in the layers (DESIGN.md §3).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

_holders: dict[Path, Callable[[], None]] = {}
_guard = threading.Lock()


def holding(path: Path, let_go: Callable[[], None]) -> None:
    """Record that ``let_go`` closes this process's connection to ``path``."""
    with _guard:
        _holders[path.resolve()] = let_go


def let_go(path: Path) -> None:
    """Close what this process holds open of ``path``, if anything (it may be opened again
    by the holder's next use: the attacher then waits for it, as for any writer)."""
    with _guard:
        found = _holders.get(path.resolve())
    if found is not None:
        found()
