"""Batches that arrive while the event store is being written are written together, in one
append: each event once (also an id two of them share), each caller told how many of its
own were new, and a batch that fails fails only its caller."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from kasasu.errors import InvalidInput
from kasasu.events import gather, repository
from kasasu.events.schemas import BATCH_SCHEMA
from kasasu.events.service import count_events, ingest_batch, list_events
from tests.support.events import same_events


class Appends:
    """What the store was asked to append (batches per append); the first append waits
    until ``release``, so the batches sent meanwhile queue behind it."""

    def __init__(self) -> None:
        self.groups: list[int] = []
        self.release = threading.Event()
        self.writing = threading.Event()

    def spy(self, real: Callable[..., list[int]]) -> Callable[..., list[int]]:
        def append_parts(writer: repository.HeldWriter, tables: Sequence[pa.Table]) -> list[int]:
            self.groups.append(len(tables))
            if len(self.groups) == 1:
                self.writing.set()
                assert self.release.wait(10)
            return real(writer, tables)

        return append_parts


@pytest.fixture
def appends(monkeypatch: pytest.MonkeyPatch) -> Iterator[Appends]:
    found = Appends()
    monkeypatch.setattr(
        repository.HeldWriter, "append_parts", found.spy(repository.HeldWriter.append_parts)
    )
    yield found
    found.release.set()


def _send(results: dict[str, object], name: str, work: Callable[[], object]) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = work()
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            results[name] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _queued(db: Path, count: int) -> None:
    gathering = gather.gathering(db)
    for _ in range(200):
        with gathering._lock:
            if len(gathering._queue) == count:
                return
        time.sleep(0.01)
    raise AssertionError(f"{count} batches never queued")


def test_concurrent_batches_sharing_ids_store_each_event_once(
    tmp_path: Path, appends: Appends
) -> None:
    db = tmp_path / "events.duckdb"
    results: dict[str, object] = {}
    first = _send(results, "first", lambda: ingest_batch(db, same_events("a", "b")))
    assert appends.writing.wait(10)  # the first append is under way; the next two wait
    second = _send(results, "second", lambda: ingest_batch(db, same_events("b", "c", "d")))
    _queued(db, 1)
    third = _send(results, "third", lambda: ingest_batch(db, same_events("c", "d", "e", "e")))
    _queued(db, 2)
    appends.release.set()
    for thread in (first, second, third):
        thread.join(10)
    assert appends.groups == [1, 2]  # the two that waited went in one append
    counts = {name: (r.received, r.inserted) for name, r in results.items()}  # type: ignore[attr-defined]
    assert counts["first"] == (2, 2)
    assert counts["second"] == (3, 2)  # b was stored by the first
    assert counts["third"] == (4, 1)  # c and d by the second, queued before it; e once
    assert sorted(r["event_id"] for r in list_events(db).to_pylist()) == ["a", "b", "c", "d", "e"]
    # The file is let go once no batch came for a moment: another process may open it.
    _let_go_when_idle(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM usage_events").fetchall() == [(5,)]


def _let_go_when_idle(db: Path) -> None:
    gathering = gather.gathering(db)
    for _ in range(int(5 / 0.01)):
        with gathering._lock:
            if gathering._writer is None:
                return
        time.sleep(0.01)
    raise AssertionError("the event store was never let go")


def test_a_batch_that_fails_fails_only_its_caller(tmp_path: Path, appends: Appends) -> None:
    db = tmp_path / "events.duckdb"
    broken = pa.table(  # properties that are not JSON: refused by the store
        {"event_id": ["x1"], "account_external_id": ["ACC-1"], "user_id": ["u-42"],
         "event_name": ["report_created"], "occurred_at": [datetime(2026, 12, 4, tzinfo=UTC)],
         "value": [None], "properties": ["{not json"]},
        schema=BATCH_SCHEMA,
    )  # fmt: skip
    results: dict[str, object] = {}
    first = _send(results, "first", lambda: ingest_batch(db, same_events("a")))
    assert appends.writing.wait(10)
    threads = [
        _send(results, "broken", lambda: gather.gathering(db).append(broken)),
        _send(results, "good", lambda: ingest_batch(db, same_events("g1", "g2"))),
    ]
    _queued(db, 2)
    appends.release.set()
    for thread in (first, *threads):
        thread.join(10)
    # The group of two failed as a whole (nothing of it written), then each went alone.
    assert appends.groups == [1, 2, 1, 1]
    assert isinstance(results["broken"], InvalidInput)
    assert (results["good"].received, results["good"].inserted) == (2, 2)  # type: ignore[attr-defined]
    assert count_events(db) == 3


def test_many_concurrent_senders_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    results: dict[str, object] = {}
    threads = [
        _send(results, str(n), lambda n=n: ingest_batch(db, same_events(f"e{n}", f"e{n + 1}")))  # type: ignore[misc]
        for n in range(40)
    ]
    for thread in threads:
        thread.join(30)
    assert all(not isinstance(r, Exception) for r in results.values()), results
    assert sum(r.inserted for r in results.values()) == 41  # type: ignore[attr-defined]
    assert count_events(db) == 41


def _table(*ids: str | None) -> pa.Table:
    n = len(ids)
    return pa.table(
        {"event_id": list(ids), "account_external_id": ["ACC-1"] * n, "user_id": ["u-42"] * n,
         "event_name": ["login"] * n, "occurred_at": [datetime(2026, 12, 4, tzinfo=UTC)] * n,
         "value": [None] * n, "properties": ["{}"] * n},
        schema=BATCH_SCHEMA,
    )  # fmt: skip


def test_one_append_of_several_batches_counts_each_batch_s_new_events(tmp_path: Path) -> None:
    store = repository.EventStore(tmp_path / "events.duckdb")
    # Ids repeated within a batch and across batches: each stored once, for the first.
    assert store.append_parts([_table("a", "b"), _table("b", "c", "c"), _table("a", "d")]) == [
        2,
        1,
        1,
    ]
    # Without ids (derived from the other fields, as the API's): the same rule.
    assert store.append_parts([_table("a", "x"), _table(None, None), _table(None)]) == [1, 1, 0]
    assert store.count() == 6
