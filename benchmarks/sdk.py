"""SDK events through a served Kasasu, as ``make bench`` runs it (issue 17: ≥ 5,000
events/s on 2 cores), and the size of the script (≤ 20 KB gzipped).

A fresh data directory with one account, one SDK environment and an admin API key;
``kasasu serve`` in a child process. After 20 batches that warm the route up, for 15 s, 8
senders on 127.0.0.1, each a user of its own with one request in flight as a browser's
script has (its own httpx client), post batches of 50 events (the script's BATCH) to
``POST /api/v1/sdk/events`` (signed identity, an allowed Origin, each event its own id);
then, as the reference measured in the same run, the same to the authenticated ingestion
route ``POST /api/v1/events``. Prints events per second of each, their ratio and the
batches' latency, and checks that every event sent was stored once.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import os
import re
import tempfile
import uuid
from pathlib import Path

import duckdb

from serving import Load, kasasu_output, latency, rate, served

SCRIPT = Path(__file__).resolve().parents[1] / "src" / "kasasu" / "web" / "static" / "sdk"
ORIGIN = "https://app.example.jp"
BATCH, SECONDS = 50, 15.0  # BATCH: as kasasu.js sends
SENDERS = 8  # browsers sending at once, one batch in flight each
WARM = 20  # batches sent to a route before it is timed
TARGET = 5_000


def _prepare(data: Path) -> tuple[dict[str, str], str, str, str]:
    env = {
        **os.environ,
        "KASASU_DATA_DIR": str(data),
        "KASASU_LOCALE": "en",
        "KASASU_REFRESH__SCHEDULED": "false",
        "KASASU_DEV_MODE": "true",
        "KASASU_LIMITS__SDK_PER_ADDRESS": "1000000",  # the bench is one address
    }
    kasasu_output(env, "init")
    rows = data / "accounts.csv"
    rows.write_text("external_id,name\nACC-1,Bench\n", encoding="utf-8")
    kasasu_output(env, "import", "accounts", str(rows))
    made = kasasu_output(env, "sdk", "create", "bench", "--origin", ORIGIN)
    key = re.search(r"(pk_\S+)", made)
    secret = re.search(r"shown once\): ([0-9a-f]{64})", made)
    assert key is not None, made
    assert secret is not None, made
    made_key = kasasu_output(env, "apikey", "create", "--name", "bench", "--role", "admin")
    api_key = made_key.split()[-1]
    return env, key[1], secret[1], api_key


def main() -> None:
    size = len(gzip.compress((SCRIPT / "kasasu.js").read_bytes()))
    print(f"SDK script: {size:,} bytes gzipped (target ≤ 20,000)")
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-sdk-") as tmp:
        env, key, secret, api_key = _prepare(Path(tmp))
        # Each sender a user of its own, signed as the product's server signs them.
        signatures = [
            hmac.new(secret.encode(), f"ACC-1:u-{n}".encode(), hashlib.sha256).hexdigest()
            for n in range(SENDERS)
        ]

        def sdk_batch(n: int) -> dict[str, object]:
            events = [{"id": uuid.uuid4().hex, "name": "page_viewed",
                       "at": "2026-12-04T01:00:00Z"} for _ in range(BATCH)]  # fmt: skip
            return {"environment": key, "account": "ACC-1", "user": f"u-{n}",
                    "signature": signatures[n], "events": events}  # fmt: skip

        def api_batch(n: int) -> list[dict[str, object]]:
            return [{"event_id": uuid.uuid4().hex, "account_id": "ACC-1", "user_id": f"u-{n}",
                     "event": "page_viewed", "timestamp": "2026-12-04T01:00:00Z"}
                    for _ in range(BATCH)]  # fmt: skip

        with served(env) as (base, _server):
            load = Load(batch=BATCH, senders=SENDERS, seconds=SECONDS, warm=WARM)
            sdk, sdk_took = rate(base, "/api/v1/sdk/events", sdk_batch, {"Origin": ORIGIN}, load)
            reference, ref_took = rate(base, "/api/v1/events", api_batch,
                                       {"Authorization": f"Bearer {api_key}"}, load)  # fmt: skip
        with duckdb.connect(str(Path(tmp) / "events.duckdb"), read_only=True) as con:
            [(stored,)] = con.execute("SELECT count(*) FROM usage_events").fetchall()
        sent = (len(sdk_took) + len(ref_took) + 2 * WARM) * BATCH
        assert stored == sent, f"{sent:,} events sent, {stored:,} stored"
    verdict = "MET" if sdk >= TARGET else "MISSED"
    print(f"SDK events: {sdk:,.0f} events/s ({verdict}, target ≥ {TARGET:,}); {latency(sdk_took)}")
    print(f"ingestion API (reference): {reference:,.0f} events/s; ratio {sdk / reference:.2f}; "
          f"{latency(ref_took)}")  # fmt: skip
    print(f"{SENDERS} senders, {BATCH} events a batch; {stored:,} events stored, each once")


if __name__ == "__main__":
    main()
