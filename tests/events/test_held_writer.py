"""The event store's writer is kept open for the process while batches keep coming (one open
for many batches) and let go once none came for a moment, at exit, or when the analytics ask;
an acknowledged batch is committed before its answer, whatever happens to the process after."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from kasasu.events import gather, repository
from kasasu.events.service import append_events, count_events, ingest_batch
from kasasu.kit.held_files import let_go
from tests.support.events import same_events


def _rows(*ids: str) -> pa.Table:
    n = len(ids)
    return pa.table(
        {"event_id": list(ids), "account_external_id": ["ACC-1"] * n, "user_id": ["u-7"] * n,
         "event_name": ["login"] * n, "occurred_at": [datetime(2026, 12, 4, tzinfo=UTC)] * n,
         "value": [None] * n, "properties": ["{}"] * n}
    )  # fmt: skip


def _held(db: Path) -> bool:
    found = gather.gathering(db)
    with found._lock:
        return found._writer is not None


# A child process: the CLI, `kasasu worker` or an import writing the same file.
_APPEND = """
import sys, time
from datetime import UTC, datetime
import pyarrow as pa
from kasasu.events.service import append_events
began = time.monotonic()
rows = pa.table({"event_id": [sys.argv[2]], "account_external_id": ["ACC-1"],
    "user_id": ["u-9"], "event_name": ["login"],
    "occurred_at": [datetime(2026, 12, 4, tzinfo=UTC)], "value": [None], "properties": ["{}"]})
print(append_events(__import__("pathlib").Path(sys.argv[1]), rows), time.monotonic() - began)
"""


def _append_elsewhere(db: Path, event_id: str) -> tuple[int, float]:
    done = subprocess.run(
        [sys.executable, "-c", _APPEND, str(db), event_id],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    inserted, seconds = done.stdout.split()
    return int(inserted), float(seconds)


def test_batches_one_after_another_share_one_open_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "events.duckdb"
    opened: list[float] = []
    real = repository.EventStore.writer

    def writer(store: repository.EventStore) -> repository.HeldWriter:
        opened.append(time.monotonic())
        return real(store)

    monkeypatch.setattr(repository.EventStore, "writer", writer)
    for n in range(20):
        assert ingest_batch(db, same_events(f"e{n}", "shared")).inserted == (2 if n == 0 else 1)
    assert len(opened) == 1
    # Readers of the process use the held file (DuckDB's same database) and see every batch.
    assert _held(db)
    assert count_events(db) == 21


def test_concurrent_writers_of_one_process_are_both_committed_when_answered(
    tmp_path: Path,
) -> None:
    db = tmp_path / "events.duckdb"
    answered: dict[str, int] = {}

    def gathered() -> None:
        for n in range(30):
            answered[f"g{n}"] = ingest_batch(db, same_events(f"g{n}", "both")).inserted

    def direct() -> None:  # a demo or an upload in the same server: its own connection
        for n in range(30):
            answered[f"d{n}"] = append_events(db, _rows(f"d{n}", "both"))

    threads = [threading.Thread(target=gathered), threading.Thread(target=direct)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(answered.values()) == 61  # "both" stored once, counted for one writer
    # Committed, not merely in this process's memory: another process reads them all.
    gather.gathering(db).close()
    reader = (
        "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True)"
        ".execute('SELECT count(*), count(DISTINCT event_id) FROM usage_events').fetchall())"
    )
    done = subprocess.run(
        [sys.executable, "-c", reader, str(db)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[(61, 61)]"


def test_a_process_that_dies_holding_the_file_lost_no_acknowledged_event(
    tmp_path: Path,
) -> None:
    db = tmp_path / "events.duckdb"
    # The child ingests, is answered, and dies at once (no close, no exit handler).
    code = (
        "import os, sys\nfrom datetime import UTC, datetime\nfrom pathlib import Path\n"
        "from kasasu.events.schemas import EventIn\n"
        "from kasasu.events.service import ingest_batch\n"
        "at = datetime(2026, 12, 4, tzinfo=UTC)\n"
        "for n in range(5):\n"
        "    batch = [EventIn(event_id=f'e{n}-{k}', account_id='A', event='x', timestamp=at)"
        " for k in range(10)]\n"
        "    assert ingest_batch(Path(sys.argv[1]), batch).inserted == 10\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=60)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM usage_events").fetchall() == [(50,)]


def test_another_process_writes_soon_after_the_batches_stop(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    ingest_batch(db, same_events("a"))
    assert _held(db)
    inserted, seconds = _append_elsewhere(db, "cli-1")
    assert inserted == 1
    # Let go IDLE_SECONDS after the last batch; the child tries every 50 ms.
    assert seconds < repository.LOCK_WAIT_SECONDS / 2
    assert count_events(db) == 2


def test_another_process_gets_its_turn_under_steady_batches(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    stop = threading.Event()
    sent: list[int] = []

    def steady() -> None:
        n = 0
        while not stop.is_set():
            sent.append(ingest_batch(db, same_events(f"s{n}")).inserted)
            n += 1

    sender = threading.Thread(target=steady)
    sender.start()
    try:
        time.sleep(0.3)
        inserted, seconds = _append_elsewhere(db, "cli-2")
    finally:
        stop.set()
        sender.join(30)
    assert inserted == 1
    assert seconds < repository.LOCK_WAIT_SECONDS  # a HOLD_SECONDS hold, then its turn
    assert count_events(db) == len(sent) + 1 == sum(sent) + 1


def test_let_go_and_close_all_close_the_file_now(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    ingest_batch(db, same_events("a"))
    assert _held(db)
    let_go(db)  # what the analytics ask before they attach the file read-only
    assert not _held(db)
    with duckdb.connect(":memory:") as analytics:
        analytics.execute(f"ATTACH '{db}' AS events (READ_ONLY)")
        assert analytics.execute("SELECT count(*) FROM events.usage_events").fetchall() == [(1,)]
    ingest_batch(db, same_events("b"))
    assert _held(db)
    gather.close_all()  # at exit
    assert not _held(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM usage_events").fetchall() == [(2,)]
