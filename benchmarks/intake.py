"""Segment calls through a served Kasasu, as ``make bench`` runs it (issue 19: ≥ 20,000
events/s through ``/v1/batch`` on 2 cores, as the native batch API).

A fresh data directory with one source; ``kasasu serve`` in a child process. A ``group``
call ties 8 users to one account, then, after 5 batches that warm the route up, for 15 s, 4
senders on 127.0.0.1 (threads, each its own httpx client, one batch in flight) post batches
of 500 ``track`` calls (Segment's batch limit is 500 KB: these are about 100 KB) to
``POST /v1/batch``, each call its own messageId; then, as the reference in the same run and
server, the same number of events a request to the native ``POST /api/v1/events``. Prints
events per second of each, their ratio and the requests' latency, and checks that every
event sent was stored once.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import duckdb
import httpx

from serving import Load, kasasu_output, latency, rate, served

LOAD = Load(batch=500, senders=4, seconds=15.0, warm=5)
USERS = 8
TARGET = 20_000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-intake-") as tmp:
        data = Path(tmp)
        env = {**os.environ, "KASASU_DATA_DIR": str(data), "KASASU_LOCALE": "en",
               "KASASU_REFRESH__SCHEDULED": "false", "KASASU_DEV_MODE": "true"}  # fmt: skip
        kasasu_output(env, "init")
        key = kasasu_output(env, "sources", "create", "bench").split()[-1]
        made = kasasu_output(env, "apikey", "create", "--name", "bench", "--role", "admin")
        api_key = made.split()[-1]

        def segment_batch(n: int) -> dict[str, object]:
            calls = [{"type": "track", "messageId": uuid.uuid4().hex, "userId": f"u-{n % USERS}",
                      "event": "report_exported", "properties": {"rows": 10},
                      "timestamp": "2026-12-04T01:00:00Z"} for _ in range(LOAD.batch)]  # fmt: skip
            return {"writeKey": key, "batch": calls}

        def api_batch(n: int) -> list[dict[str, object]]:
            return [{"event_id": uuid.uuid4().hex, "account_id": "BENCH", "user_id": f"u-{n}",
                     "event": "report_exported", "timestamp": "2026-12-04T01:00:00Z",
                     "properties": {"rows": 10}} for _ in range(LOAD.batch)]  # fmt: skip

        with served(env) as (base, _server):
            groups = [{"type": "group", "userId": f"u-{n}", "groupId": "BENCH",
                       "traits": {"name": "Bench"}} for n in range(USERS)]  # fmt: skip
            made_group = httpx.post(f"{base}/v1/batch", json={"writeKey": key, "batch": groups})
            assert made_group.status_code == 200, made_group.text
            segment, seg_took = rate(base, "/v1/batch", segment_batch, {}, LOAD)
            reference, ref_took = rate(base, "/api/v1/events", api_batch,
                                       {"Authorization": f"Bearer {api_key}"}, LOAD)  # fmt: skip
        with duckdb.connect(str(data / "events.duckdb"), read_only=True) as con:
            [(stored,)] = con.execute("SELECT count(*) FROM usage_events").fetchall()
        sent = (len(seg_took) + len(ref_took) + 2 * LOAD.warm) * LOAD.batch
        assert stored == sent, f"{sent:,} events sent, {stored:,} stored"
    verdict = "MET" if segment >= TARGET else "MISSED"
    print(f"Segment /v1/batch: {segment:,.0f} events/s ({verdict}, target ≥ {TARGET:,}); "
          f"{latency(seg_took)}")  # fmt: skip
    print(f"ingestion API (reference): {reference:,.0f} events/s; ratio "
          f"{segment / reference:.2f}; {latency(ref_took)}")  # fmt: skip
    print(f"{LOAD.senders} senders, {LOAD.batch} events a request; {stored:,} stored, each once")


if __name__ == "__main__":
    main()
