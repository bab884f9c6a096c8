"""Many clients posting small and large batches to ``POST /api/v1/events`` at once, as
``make bench`` runs it (issue 21: at 32 clients, 10-event batches ≥ 5,000 events/s and
1,000-event batches ≥ 20,000 events/s on 2 cores).

A fresh data directory and an admin API key; ``kasasu serve`` in a child process. For each
batch size, after 5 batches that warm the route up, for ``--seconds`` s, ``--clients``
senders on 127.0.0.1 (threads, each its own httpx client, one batch in flight) post batches,
each event its own id. Prints events per second and the requests' latency per size, and
checks that every event sent was stored once. The server's CPU time per 1,000 events is printed
too: on a machine shared with other work it varies less than the rate.

``--in-process``: the same senders call ``ingest_batch`` in this process (no HTTP), to tell
the event store's share from the request's.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from serving import Load, kasasu_output, latency, rate, served

TARGETS = {10: 5_000, 1_000: 20_000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--sizes", default="10,1000", help="events a batch, comma-separated")
    parser.add_argument("--in-process", action="store_true", help="ingest_batch, no HTTP")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    if options.in_process:
        in_process(sizes, options.clients, options.seconds)
        return
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-clients-") as tmp:
        data = Path(tmp)
        env = {**os.environ, "KASASU_DATA_DIR": str(data), "KASASU_LOCALE": "en",
               "KASASU_REFRESH__SCHEDULED": "false", "KASASU_DEV_MODE": "true"}  # fmt: skip
        kasasu_output(env, "init")
        made = kasasu_output(env, "apikey", "create", "--name", "bench", "--role", "admin")
        headers = {"Authorization": f"Bearer {made.split()[-1]}"}
        results: list[tuple[int, float, list[float], float]] = []
        sent = 0
        with served(env) as (base, server):
            for size in sizes:

                def batch(n: int, size: int = size) -> list[dict[str, object]]:
                    return [{"event_id": uuid.uuid4().hex, "account_id": "BENCH",
                             "user_id": f"u-{n}", "event": "report_exported",
                             "timestamp": "2026-12-04T01:00:00Z", "properties": {"rows": 10}}
                            for _ in range(size)]  # fmt: skip

                load = Load(batch=size, senders=options.clients, seconds=options.seconds, warm=5)
                cpu = _cpu_seconds(server.pid)
                events, took = rate(base, "/api/v1/events", batch, headers, load)
                cpu = _cpu_seconds(server.pid) - cpu
                results.append((size, events, took, cpu * 1000 / (len(took) * size) * 1000))
                sent += (len(took) + load.warm) * size
        with duckdb.connect(str(data / "events.duckdb"), read_only=True) as con:
            [(stored,)] = con.execute("SELECT count(*) FROM usage_events").fetchall()
        assert stored == sent, f"{sent:,} events sent, {stored:,} stored"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    for size, events, took, cpu in results:
        target = TARGETS.get(size)
        verdict = "" if target is None else (" MET" if events >= target else " MISSED")
        aim = "" if target is None else f", target ≥ {target:,}"
        print(f"{size:,}-event batches, {options.clients} clients: {events:,.0f} events/s"
              f"{verdict}{aim}; {latency(took)}; server CPU {cpu:.0f} ms/1,000 events")  # fmt: skip
    print(f"{stored:,} events stored, each once")


def in_process(sizes: list[int], clients: int, seconds: float) -> None:
    from kasasu.events.schemas import EventIn
    from kasasu.events.service import count_events, ingest_batch

    at = datetime(2026, 12, 4, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-clients-") as tmp:
        db, sent = Path(tmp) / "events.duckdb", 0
        for size in sizes:
            done: list[int] = []
            started = time.perf_counter()

            def sender(size: int = size, started: float = started, done: list[int] = done) -> None:
                while time.perf_counter() - started < seconds:
                    batch = [EventIn(event_id=uuid.uuid4().hex, account_id="BENCH",
                                     user_id="u-1", event="report_exported", timestamp=at,
                                     properties={"rows": 10}) for _ in range(size)]  # fmt: skip
                    done.append(ingest_batch(db, batch).inserted)

            threads = [threading.Thread(target=sender) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rate_ = sum(done) / (time.perf_counter() - started)
            sent += len(done) * size
            print(f"in process, {size:,}-event batches, {clients} threads: {rate_:,.0f} events/s")
        assert count_events(db) == sent
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds the process used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
