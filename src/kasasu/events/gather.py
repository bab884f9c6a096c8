"""Batches gathered into one append (group commit): what arrives while the event store is
being written waits, and is then written together, in one transaction.

Opening the DuckDB file costs ~10-30 ms of CPU and one append ~5 ms whatever its size
(measured on 2 cores, DuckDB 2.0): written alone, each batch paid both, and the server took
~2,000 events/s. Here the batches that came during one append share the next, and the file
stays open, one connection for the process, while batches keep coming: it is closed once
none came for ``IDLE_SECONDS`` (a thread of the gathering's closes it), so a CLI import or
``kasasu worker`` waiting for the file (they try every 50 ms for LOCK_WAIT_SECONDS) gets it
soon after the traffic stops. Under steady traffic it is closed after ``HOLD_SECONDS`` held
and stays closed ``TURN_SECONDS``, so another process gets its turn then.
Readers of this process (EventStore's queries) open the file while it is held at no cost:
DuckDB gives them the same database (its instance cache). The analytics' read-only ATTACH
cannot share it: they have it closed first (kasasu.kit.held_files).

The caller first in line writes the group (its own batch first, then those queued behind it,
up to ``MAX_GROUP_ROWS`` events) and hands the turn to the first batch left in the queue. Each
caller gets its own count of new events or the error of the write, after the group's
transaction committed (an acknowledged event is in the file); a group that fails is written
again one batch at a time (each all or nothing), so one bad batch fails only its caller; a
busy store (Unavailable) fails the whole group. An id in two batches of a group is stored
once and counted for the earlier. One gathering per event store and process; each append
takes the store's lock as any writer does.
"""

from __future__ import annotations

import atexit
import functools
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic, sleep

import pyarrow as pa

from kasasu.errors import Unavailable
from kasasu.events.repository import LOCK_WAIT_SECONDS, EventStore, HeldWriter
from kasasu.kit.held_files import holding

MAX_GROUP_ROWS = 20_000  # events in one append (one API batch may have 10,000)
IDLE_SECONDS = 0.2  # reopening costs 10-30 ms: kept open across gaps shorter than this
HOLD_SECONDS = 2.0  # 20-30 ms to reopen and TURN_SECONDS lost per hold: ~6% under steady load
TURN_SECONDS = 0.1

log = logging.getLogger("kasasu.events")


@dataclass(eq=False)
class _Batch:
    table: pa.Table
    ready: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # this batch's caller writes the next group
    inserted: int | None = None
    error: BaseException | None = None

    def result(self) -> int:
        if self.error is not None:
            raise self.error
        assert self.inserted is not None
        return self.inserted


class Gathering:
    """The queue of one event store's batches in this process."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._queue: list[_Batch] = []
        self._writing = False
        # Used by the caller whose turn it is, only.
        self._writer: HeldWriter | None = None
        self._closed_at = float("-inf")  # when the writer was closed for another's turn
        self._last_write = float("-inf")
        self._closer: threading.Thread | None = None  # closes the writer once idle
        self._asked = False  # close() waits: the writer closes after the group being written

    def append(self, table: pa.Table) -> int:
        """Store ``table``'s new events (gathered with others); returns how many it added."""
        mine = _Batch(table)
        with self._lock:
            self._queue.append(mine)
            lead = not self._writing
            self._writing = True
        if not lead:
            mine.ready.wait()
            if not mine.lead:
                return mine.result()
        try:
            with self._lock:  # this batch is first in the queue
                group = self._take()
            self._write(group)
        finally:
            self._hand_over()
        return mine.result()

    def _take(self) -> list[_Batch]:
        rows, size = 0, 0
        for batch in self._queue:
            if size and rows + batch.table.num_rows > MAX_GROUP_ROWS:
                break
            rows, size = rows + batch.table.num_rows, size + 1
        group = self._queue[:size]
        del self._queue[:size]
        return group

    def _hand_over(self) -> None:
        try:
            with self._lock:
                asked, self._asked = self._asked, False
            writer = self._writer
            if writer is not None and (asked or monotonic() - writer.opened >= HOLD_SECONDS):
                self._close(turn=True)
        finally:
            with self._lock:
                self._last_write = monotonic()
            self._pass_turn()

    def _pass_turn(self) -> None:
        with self._lock:
            if self._queue:
                self._queue[0].lead = True
                self._queue[0].ready.set()
                return
            self._writing = False
            if self._writer is not None and self._closer is None:
                self._closer = threading.Thread(
                    target=self._close_when_idle, name="kasasu-events-closer", daemon=True
                )
                self._closer.start()

    def _close_when_idle(self) -> None:
        """The closer thread: takes the turn once no batch came for IDLE_SECONDS, closes."""
        while True:
            with self._lock:
                if self._writer is None:
                    self._closer = None
                    return
                wait = self._last_write + IDLE_SECONDS - monotonic()
                if not self._writing and wait <= 0:
                    self._writing = True  # batches that come meanwhile queue
                    self._closer = None
                    break
            sleep(max(wait, 0.01))
        try:
            self._close()
        finally:
            self._pass_turn()

    def close(self, seconds: float = LOCK_WAIT_SECONDS) -> None:
        """Close the file now, or after the group being written (then it stays closed
        TURN_SECONDS); gives up after ``seconds`` (what was acknowledged is committed
        either way). For the analytics' ATTACH (kasasu.kit.held_files) and at exit."""
        deadline = monotonic() + seconds
        while True:
            with self._lock:
                if self._writer is None:
                    return
                if not self._writing:
                    self._writing = True
                    break
                self._asked = True
            if monotonic() >= deadline:
                return
            sleep(0.005)
        try:
            self._close()
        finally:
            self._pass_turn()

    def _open(self) -> HeldWriter:
        if self._writer is None:
            wait = self._closed_at + TURN_SECONDS - monotonic()
            if wait > 0:
                sleep(wait)
            self._writer = self._store.writer()
        return self._writer

    def _close(self, *, turn: bool = False) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            writer.close()
        except Exception:  # what was committed is in the file's log: the next open replays it
            log.exception("closing the event store %s failed", writer.path)
        if turn:
            self._closed_at = monotonic()

    def _write(self, group: list[_Batch]) -> None:
        try:
            try:
                counts = self._open().append_parts([b.table for b in group])
            except Unavailable:  # the store is busy: as busy for each batch alone
                raise
            except Exception:  # each batch again alone: its caller gets its own error
                self._close()
                if len(group) == 1:
                    raise
                for batch in group:
                    self._write_alone(batch)
            else:
                for batch, count in zip(group, counts, strict=True):
                    batch.inserted = count
        except BaseException as error:  # every caller gets the error; none waits forever
            for batch in group:
                if batch.inserted is None and batch.error is None:
                    batch.error = error
            if not isinstance(error, Exception):
                self._close()
                raise
        finally:
            for batch in group:
                batch.ready.set()

    def _write_alone(self, batch: _Batch) -> None:
        try:
            batch.inserted = self._open().append_parts([batch.table])[0]
        except Exception as error:  # noqa: BLE001 - its caller raises it
            self._close()
            batch.error = error


_gatherings: dict[Path, Gathering] = {}
_gatherings_guard = threading.Lock()


@functools.lru_cache(maxsize=64)
def _resolved(path: Path) -> Path:
    return path.resolve()  # a system call per part of the path: once per path, not per batch


def gathering(path: Path) -> Gathering:
    """This process's gathering for the event store at ``path``."""
    key = _resolved(path)
    with _gatherings_guard:
        found = _gatherings.get(key)
        if found is None:
            if not _gatherings:
                atexit.register(close_all)
            found = _gatherings[key] = Gathering(EventStore(path))
            holding(key, found.close)  # the analytics attach the file: closed for them
        return found


def close_all() -> None:
    """Close every event store this process holds open (at exit, or after a test)."""
    with _gatherings_guard:
        found = list(_gatherings.values())
    for one in found:
        one.close()
