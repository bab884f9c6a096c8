"""SDK events through a served Kasasu, as ``make bench`` runs it (issue 17: ≥ 5,000
events/s on 2 cores), and the size of the script (≤ 20 KB gzipped).

A fresh data directory with one account, one SDK environment and an admin API key;
``kasasu serve`` in a child process; one httpx client on 127.0.0.1 posts batches of 100
events for 15 s to ``POST /api/v1/sdk/events`` (signed identity, an allowed Origin, each
event its own id) and, as the reference measured in the same run, the same batches to the
authenticated ingestion route ``POST /api/v1/events``. Prints events per second of each and
their ratio.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from serving import served

SCRIPT = Path(__file__).resolve().parents[1] / "src" / "kasasu" / "web" / "static" / "sdk"
ORIGIN = "https://app.example.jp"
BATCH, SECONDS = 100, 15.0
TARGET = 5_000


def _kasasu(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kasasu", *args], env=env, check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    return done.stdout


def _prepare(data: Path) -> tuple[dict[str, str], str, str, str]:
    env = {
        **os.environ,
        "KASASU_DATA_DIR": str(data),
        "KASASU_LOCALE": "en",
        "KASASU_REFRESH__SCHEDULED": "false",
        "KASASU_DEV_MODE": "true",
        "KASASU_LIMITS__SDK_PER_ADDRESS": "1000000",  # the bench is one address
    }
    _kasasu(env, "init")
    rows = data / "accounts.csv"
    rows.write_text("external_id,name\nACC-1,Bench\n", encoding="utf-8")
    _kasasu(env, "import", "accounts", str(rows))
    made = _kasasu(env, "sdk", "create", "bench", "--origin", ORIGIN)
    key = re.search(r"(pk_\S+)", made)
    secret = re.search(r"shown once\): ([0-9a-f]{64})", made)
    assert key is not None, made
    assert secret is not None, made
    api_key = _kasasu(env, "apikey", "create", "--name", "bench", "--role", "admin").split()[-1]
    return env, key[1], secret[1], api_key


def _rate(client: httpx.Client, path: str, body: object, headers: dict[str, str]) -> float:
    sent, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        response = client.post(path, json=body(), headers=headers)  # type: ignore[operator]
        assert response.status_code in (200, 201, 202), response.text
        sent += BATCH
    return sent / (time.perf_counter() - started)


def main() -> None:
    size = len(gzip.compress((SCRIPT / "kasasu.js").read_bytes()))
    print(f"SDK script: {size:,} bytes gzipped (target ≤ 20,000)")
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-sdk-") as tmp:
        env, key, secret, api_key = _prepare(Path(tmp))
        signature = hmac.new(secret.encode(), b"ACC-1:u-1", hashlib.sha256).hexdigest()

        def sdk_batch() -> dict[str, object]:
            events = [{"id": uuid.uuid4().hex, "name": "page_viewed",
                       "at": "2026-12-04T01:00:00Z"} for _ in range(BATCH)]  # fmt: skip
            return {"environment": key, "account": "ACC-1", "user": "u-1",
                    "signature": signature, "events": events}  # fmt: skip

        def api_batch() -> list[dict[str, object]]:
            return [{"event_id": uuid.uuid4().hex, "account_id": "ACC-1", "user_id": "u-1",
                     "event": "page_viewed", "timestamp": "2026-12-04T01:00:00Z"}
                    for _ in range(BATCH)]  # fmt: skip

        with served(env) as (base, _server), httpx.Client(base_url=base, timeout=60) as client:
            sdk = _rate(client, "/api/v1/sdk/events", sdk_batch, {"Origin": ORIGIN})
            reference = _rate(client, "/api/v1/events", api_batch,
                              {"Authorization": f"Bearer {api_key}"})  # fmt: skip
    verdict = "MET" if sdk >= TARGET else "MISSED"
    print(f"SDK events: {sdk:,.0f} events/s ({verdict}, target ≥ {TARGET:,})")
    print(f"ingestion API (reference): {reference:,.0f} events/s; ratio {sdk / reference:.2f}")


if __name__ == "__main__":
    main()
