"""Usage event ingestion speed, as run by ``make bench``.

Measures, in one run and on one generated 1,000,000-event Parquet file:
  (a) DuckDB's own bulk insert of the file into a plain table (the yardstick),
  (b) Kasasu's file import of the same file into a fresh event store,
  (c) the batch API: 10,000-event JSON batches POSTed over HTTP to a real uvicorn server
      (a separate process) whose store already holds the 1M events of (b).
(a) and (b) run three times, alternating; the median is reported. Targets (issue):
file import >= 0.5x DuckDB's bulk insert; batch API >= 20,000 events/s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from serving import free_port

FILE_EVENTS = 1_000_000
API_EVENTS = 200_000
BATCH = 10_000
ROUNDS = 3
EVENT_NAMES = np.array(
    [
        "login",
        "view_dashboard",
        "export_report",
        "invite_user",
        "create_project",
        "comment",
        "search",
        "upload_file",
        "api_call",
        "share_link",
        "change_settings",
        "logout",
    ]
)
START = datetime(2025, 1, 1, tzinfo=UTC)


def events_table(n: int, seed: int, first_id: int) -> pa.Table:
    """``n`` deterministic events: 2,000 accounts, 20 users each, one year of timestamps."""
    rng = np.random.default_rng(seed)
    accounts = rng.integers(0, 2_000, n)
    users = rng.integers(0, 20, n)
    micros = int(START.timestamp() * 1_000_000) + rng.integers(0, 365 * 86_400 * 10**6, n)
    values = np.where(rng.random(n) < 0.3, np.round(rng.random(n) * 100, 2), np.nan)
    return pa.table(
        {
            "event_id": [f"evt-{i:010d}" for i in range(first_id, first_id + n)],
            "account_id": [f"ACME-{a:05d}" for a in accounts],
            "user_id": [f"u{a}-{u}" for a, u in zip(accounts, users, strict=True)],
            "event": EVENT_NAMES[rng.integers(0, len(EVENT_NAMES), n)],
            "timestamp": pa.array(micros, pa.timestamp("us", tz="UTC")),
            "value": pa.array(values, from_pandas=True),
            "properties": [f'{{"plan":"p{a % 3}","source":"web"}}' for a in accounts],
        }
    )


def api_batches(n: int, first_id: int) -> list[bytes]:
    rows = events_table(n, seed=11, first_id=first_id).to_pylist()
    for row in rows:
        row["timestamp"] = row["timestamp"].isoformat()
        row["properties"] = json.loads(row["properties"])
        if row["value"] is None:
            del row["value"]
    return [json.dumps(rows[i : i + BATCH]).encode() for i in range(0, n, BATCH)]


def timed(work: object) -> float:
    assert callable(work)
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def duckdb_bulk_insert(parquet: Path, db: Path) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{parquet}')")
    finally:
        con.close()


def kasasu_file_import(parquet: Path, db: Path) -> None:
    from kasasu.events.service import ingest_file

    result = ingest_file(db, parquet, "UTC")
    assert result.inserted == FILE_EVENTS, result


def remove_db(db: Path) -> None:
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)


@contextmanager
def api_server(workdir: Path, events_db: Path) -> Iterator[tuple[str, str]]:
    """A real uvicorn server in a child process; yields (base URL, API key)."""
    port = free_port()
    key_file = workdir / "key.txt"
    args = [sys.executable, __file__, "--serve", str(port), str(workdir), str(events_db)]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not key_file.exists() or not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(server.stderr.read().decode() if server.stderr else "")
            time.sleep(0.1)
        yield base, key_file.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def serve(port: int, workdir: Path, events_db: Path) -> None:
    """The child process: a migrated SQLite database, an import key, the API on uvicorn."""
    import uvicorn

    from kasasu.api import create_api
    from kasasu.api.context import ApiContext
    from kasasu.db import create_db_engine, session_factory
    from kasasu.db.migrate import upgrade
    from kasasu.domain.choices import Role
    from kasasu.domain.reporting import Reporting
    from kasasu.users.schemas import ApiKeyCreate
    from kasasu.users.service import create_api_key

    url = f"sqlite:///{workdir / 'kasasu.db'}"
    upgrade(url)
    sessions = session_factory(create_db_engine(url))
    with sessions() as session:
        key = create_api_key(session, ApiKeyCreate(name="bench", role=Role.ADMIN)).key
        session.commit()
    ctx = ApiContext(sessions, events_db, Reporting(zone="UTC", locale="en"))
    (workdir / "key.txt").write_text(key)
    uvicorn.run(create_api(ctx), host="127.0.0.1", port=port, log_level="warning")


def post_batches(base: str, key: str, batches: list[bytes]) -> float:
    # The standard library's client: `make bench` needs only the runtime dependencies.
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(body: bytes) -> dict[str, int]:
        request = urllib.request.Request(f"{base}/events", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            result: dict[str, int] = json.loads(response.read())
        return result

    post(b"[]")
    start = time.perf_counter()
    for body in batches:
        assert post(body)["inserted"] == BATCH
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-") as tmp:
        work = Path(tmp)
        parquet = work / "events.parquet"
        pq.write_table(events_table(FILE_EVENTS, seed=7, first_id=0), parquet)
        print(f"{FILE_EVENTS:,} events in {parquet.stat().st_size / 1e6:.1f} MB of Parquet")
        bulk, kasasu = [], []
        for _round in range(ROUNDS):
            remove_db(work / "bulk.duckdb")
            bulk.append(timed(lambda: duckdb_bulk_insert(parquet, work / "bulk.duckdb")))
            remove_db(work / "events.duckdb")
            kasasu.append(timed(lambda: kasasu_file_import(parquet, work / "events.duckdb")))
        bulk_rate = FILE_EVENTS / statistics.median(bulk)
        file_rate = FILE_EVENTS / statistics.median(kasasu)
        batches = api_batches(API_EVENTS, first_id=FILE_EVENTS)
        with api_server(work, work / "events.duckdb") as (base, key):
            api_rate = API_EVENTS / post_batches(base, key, batches)
        report(bulk, kasasu, bulk_rate, file_rate, api_rate)


def report(
    bulk: list[float], kasasu: list[float], bulk_rate: float, file_rate: float, api_rate: float
) -> None:
    def secs(xs: list[float]) -> str:
        return ", ".join(f"{x:.2f}" for x in xs)

    file_ok = file_rate >= 0.5 * bulk_rate
    api_ok = api_rate >= 20_000
    print(f"machine: {os.cpu_count()} cores, duckdb {duckdb.__version__}")
    print(f"(a) DuckDB bulk insert   {bulk_rate:>12,.0f} events/s  (s: {secs(bulk)})")
    print(f"(b) Kasasu file import   {file_rate:>12,.0f} events/s  (s: {secs(kasasu)})")
    print(f"(c) batch API over HTTP  {api_rate:>12,.0f} events/s  ({API_EVENTS:,} in {BATCH:,}s)")
    print(f"file import / bulk insert = {file_rate / bulk_rate:.2f}x  (target >= 0.5x)")
    print(f"batch API / bulk insert   = {api_rate / bulk_rate:.2f}x")
    print(f"targets: file import {'MET' if file_ok else 'MISSED'}; ", end="")
    print(f"batch API >= 20,000 events/s {'MET' if api_ok else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", nargs=3, metavar=("PORT", "WORKDIR", "EVENTS_DB"))
    options = parser.parse_args()
    if options.serve:
        serve(int(options.serve[0]), Path(options.serve[1]), Path(options.serve[2]))
    else:
        main()
