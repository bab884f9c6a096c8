"""Time to generate the default demo company, as run by ``make bench``.

The issue's target: 2,000 accounts over 24 months with a few million usage events in under
3 minutes. Runs `kasasu init` and `kasasu demo --seed 1` as a user would, in a temporary data
directory, and prints the wall time, the rows and events written, and the peak memory.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import sqlalchemy as sa

TARGET_SECONDS = 180
AS_OF = "2026/11/23"


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "kasasu", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-demo-") as tmp:
        data = Path(tmp)
        env = {
            **os.environ,
            "KASASU_DATA_DIR": str(data),
            "KASASU_LOCALE": "en",
            "KASASU_DATABASE_URL": f"sqlite:///{data}/kasasu.db",
            "KASASU_EVENTS_PATH": str(data / "events.duckdb"),
        }
        _run(env, "init")
        started = time.perf_counter()
        _run(env, "demo", "--seed", "1", "--as-of", AS_OF)
        seconds = time.perf_counter() - started
        engine = sa.create_engine(f"sqlite:///{data}/kasasu.db")
        with engine.connect() as con:
            accounts = con.execute(sa.text("select count(*) from accounts")).scalar_one()
            subscriptions = con.execute(sa.text("select count(*) from subscriptions")).scalar_one()
        engine.dispose()
        with duckdb.connect(str(data / "events.duckdb"), read_only=True) as con:
            row = con.execute("select count(*) from usage_events").fetchone()
            events = row[0] if row else 0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"demo (seed 1, as of {AS_OF}): {accounts:,} accounts, {subscriptions:,} contracts, "
        f"{events:,} usage events"
    )
    print(
        f"time {seconds:.1f} s, peak memory {peak_mb:,.0f} MB, "
        f"target < {TARGET_SECONDS} s: {'MET' if seconds < TARGET_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
