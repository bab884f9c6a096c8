"""Kasasu at scale, as run by ``make bench-scale`` (issue 21 §2; not part of ``make bench``).

Sizes (``KASASU_SCALE_SIZES``, comma-separated; ``small,large`` by default; and
``KASASU_SCALE_SPARK=0`` leaves Spark out):
  tiny   2,000 accounts,    10,000 contract lines,   1M usage events over 365 days
  small  20,000 accounts,  100,000 contract lines,  10M usage events over 365 days
  large  200,000 accounts, 1,000,000 contract lines, 100M usage events over 365 days
The facts are those of ``benchmarks/metrics.py`` at that size (tickets and survey answers in
proportion to the accounts), the events those of ``benchmarks/health.py`` (skewed by
account) over a year before 2026-11-01; both deterministic.

Measures per size, each in its own process, its wall time and peak memory (the resident
memory of the process and of its children, Spark's JVM included, sampled every 0.2 s, and
at least the rusage peak of the process):
  - the daily refresh (``kasasu refresh --as-of 2026-11-01``) on a SQLite data directory
    holding the facts, on DuckDB (embedded, the event store file) and on Spark ``local[2]``
    from the same events as Parquet;
  - every KPI for 24 months (``metrics.kpis``: the service's path, facts in DuckDB);
  - the account list (``/accounts``) and account pages, p95 over 60 requests each, on a
    real ``kasasu serve`` of that data directory after its refresh (peak: the server's).
Then the growth between consecutive sizes: each measure's time ratio against the ratio of
the sizes (10×): more than that is printed as WORSE THAN LINEAR (machines are noisy, so it
does not fail the run), and the seconds per million events and per 10k accounts.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT.parent))

import health  # noqa: E402  (the benchmarks' folder is on the path only from here)
import metrics  # noqa: E402


@dataclass(frozen=True)
class Scale:
    name: str
    accounts: int
    lines: int
    events: int


SCALES = {
    s.name: s
    for s in (
        Scale("tiny", 2_000, 10_000, 1_000_000),
        Scale("small", 20_000, 100_000, 10_000_000),
        Scale("large", 200_000, 1_000_000, 100_000_000),
    )
}
CHOSEN = [SCALES[n] for n in os.environ.get("KASASU_SCALE_SIZES", "small,large").split(",")]
# KASASU_SCALE_SPARK=0: DuckDB only (Spark's refresh is by far the longest measure).
WITH_SPARK = os.environ.get("KASASU_SCALE_SPARK", "1") != "0"
DAYS = 365
# Spark local mode runs everything in the driver's JVM, 1 GB of heap by default: the daily
# refresh of 20,000 accounts ran out of it (java.lang.OutOfMemoryError, caching the KPIs'
# shared results). PySpark reads spark-submit's arguments from this variable when it starts
# the JVM; the product's session builder has no setting for it.
SPARK_SUBMIT_ARGS = "--driver-memory 6g pyspark-shell"
AS_OF = health.AS_OF
SAMPLE_SECONDS = 0.2
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
EMAIL, PASSWORD = "bench@example.com", "bench-password"  # as web.py's _sign_in reads them


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and of every process below it, now."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(below)
        tree |= below
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except OSError:
            continue
    return total


class Peak:
    """The highest resident memory of a process tree, sampled in a thread until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid, self.bytes = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.bytes = max(self.bytes, _tree_rss(self.pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.bytes / 2**20


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    out: str


def run(command: list[str], env: dict[str, str]) -> Measure:
    """``command`` in a child process: its wall time, peak memory and standard output."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=err)
        peak = Peak(proc.pid)
        assert proc.stdout is not None
        out = proc.stdout.read()  # not communicate(), which would reap the child before wait4
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        sampled = peak.stop()
        if status != 0:
            err.seek(0)
            raise RuntimeError(f"{command} failed ({status}):\n{err.read().decode()[-3000:]}")
    return Measure(seconds, max(sampled, usage.ru_maxrss / 1024), out.decode())


def kpis_child(accounts: int, lines: int) -> None:
    """Every KPI for 24 months on the facts of that size (what metrics.py's (a) measures)."""
    import ibis

    from kasasu.analytics.catalog import all_metrics
    from kasasu.domain.periods import Grain, periods

    con = ibis.duckdb.connect()
    for name, table in metrics.facts(metrics.Size.of(accounts, lines)).items():
        con.create_table(name, table)
    span = periods(metrics.FIRST_MONTH, metrics.LAST_MONTH, Grain.MONTH)
    every = all_metrics()
    started = time.perf_counter()
    metrics.kpis(con, span, every)
    took = time.perf_counter() - started
    print(json.dumps({"seconds": took, "kpis": len(every), "months": len(span)}))


def _kasasu(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "kasasu", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip


def pages(env: dict[str, str], log: Path) -> dict[str, Measure]:
    """p95 of the account list and of account pages on a served data directory."""
    import httpx

    import web  # its sign-in and request timing (60 requests after a warm-up)
    from serving import served

    assert (web.EMAIL, web.PASSWORD) == (EMAIL, PASSWORD)
    measured: dict[str, Measure] = {}
    with served(env, log=log, start_seconds=300) as (base, server):
        peak = Peak(server.pid)
        with httpx.Client(base_url=base, timeout=300) as client:
            web._sign_in(client)
            listing = client.get("/accounts?mine=0").text
            ids = re.findall(r'href="/accounts/(\d+)"', listing)[:20]
            assert ids, "the account list shows no account"
            for name, paths in (
                ("account list", ["/accounts?mine=0"]),
                ("account page", [f"/accounts/{i}" for i in ids]),
            ):
                times, _largest = web._times(client, paths)
                ordered = sorted(times)
                p95 = ordered[int(len(ordered) * 0.95)]
                measured[name] = Measure(p95 / 1000, 0.0, "")
        mb = peak.stop()
    for measure in measured.values():
        measure.peak_mb = mb
    return measured


def prepare_child(name: str, tmp: Path) -> None:
    """The event store, its Parquet copy and the data directory of a size, in ``tmp``;
    prints the environment that points ``kasasu`` at them. In a child process: a process
    forked from one holding the facts would report their memory as its own peak (Linux
    keeps the high-water mark of the memory an ``exec`` replaces)."""
    from tests.engines import events_to_parquet

    scale = SCALES[name]
    events, parquet = tmp / "events.duckdb", tmp / "events.parquet"
    started = time.perf_counter()
    # In time order, as events are appended: the account page's 90 days read only theirs.
    health.write_events(
        events, scale.events, accounts=scale.accounts, days=DAYS, in_time_order=True
    )
    events_to_parquet(events, parquet)
    made = time.perf_counter() - started
    started = time.perf_counter()
    env = health.data_dir(events, tmp / "data", metrics.Size.of(scale.accounts, scale.lines))
    loaded = time.perf_counter() - started
    print(
        f"{scale.name}: {scale.accounts:,} accounts, {scale.lines:,} lines, {scale.events:,} "
        f"events (written with their Parquet copy in {made:.0f} s; data directory in "
        f"{loaded:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    print(json.dumps({k: env[k] for k in env if k.startswith("KASASU_")}))


def measure(scale: Scale, tmp: Path, out: dict[str, Measure]) -> None:
    """Each measure of ``scale`` into ``out`` as it is taken (a run stopped keeps them)."""
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare", scale.name, str(tmp)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    parquet = tmp / "events.parquet"
    env = {**os.environ, **json.loads(prepared.stdout.strip().splitlines()[-1])}
    env = {**env, "KASASU_DEV_MODE": "true", "KASASU_REFRESH__SCHEDULED": "false"}
    kasasu = [sys.executable, "-m", "kasasu"]
    refresh = [*kasasu, "refresh", "--as-of", AS_OF.isoformat()]
    spark = {
        **env,
        "KASASU_ANALYTICS_ENGINE": "spark",
        "KASASU_ANALYTICS_EVENTS": str(parquet),
        "PYSPARK_SUBMIT_ARGS": SPARK_SUBMIT_ARGS,
    }

    def step(name: str, measured: Measure) -> None:
        out[name] = measured
        _print(name, measured)

    # Steps 1-4 alone (features from the events, models, scores), then the whole daily
    # refresh, which also computes the pages ahead (every KPI at each grain, the funnel...).
    step("refresh 1-4, DuckDB", run([*refresh, "--no-pages"], env))
    step("all KPIs, 24 months", _kpis(scale))
    _kasasu(env, "user", "create", "--email", EMAIL, "--name", "Bench", "--role", "admin",
            "--password", PASSWORD)  # fmt: skip
    for name, page in pages(env, tmp / "serve.log").items():
        step(name + " p95", page)
    step("refresh, DuckDB", run(refresh, env))
    # Spark last: the slowest, and the figures above are printed should it not finish.
    if not WITH_SPARK:
        return
    step("refresh 1-4, Spark", run([*refresh, "--no-pages"], spark))
    step("refresh, Spark", run(refresh, spark))


def _kpis(scale: Scale) -> Measure:
    child = run(
        [sys.executable, __file__, "--kpis", str(scale.accounts), str(scale.lines)],
        dict(os.environ),
    )
    child.seconds = json.loads(child.out.strip().splitlines()[-1])["seconds"]
    return child


def _print(name: str, m: Measure) -> None:
    took = f"{m.seconds * 1000:8.0f} ms" if "p95" in name else f"{m.seconds:8.1f} s "
    print(f"  {name:<26} {took}   peak {m.peak_mb:8,.0f} MB", flush=True)


def growth(results: dict[Scale, dict[str, Measure]]) -> None:
    for scale, measured in results.items():
        print(f"{scale.name}: seconds per million events / per 10k accounts")
        for name, m in measured.items():
            print(
                f"  {name:<26} {m.seconds / (scale.events / 1e6):8.3f} s/M events   "
                f"{m.seconds / (scale.accounts / 1e4):8.3f} s/10k accounts"
            )
    ordered = list(results)
    for small, large in itertools.pairwise(ordered):
        size = large.accounts / small.accounts
        print(f"growth {small.name} -> {large.name} (sizes x{size:.0f}):")
        for name, m in results[large].items():
            if name not in results[small]:
                continue
            before = results[small][name]
            ratio, memory = m.seconds / before.seconds, m.peak_mb / before.peak_mb
            verdict = "WORSE THAN LINEAR" if ratio > size else "no worse than linear"
            print(f"  {name:<26} time x{ratio:6.2f}, peak x{memory:5.2f}: {verdict}")


def main() -> None:
    results: dict[Scale, dict[str, Measure]] = {}
    for scale in CHOSEN:
        with tempfile.TemporaryDirectory(prefix=f"kasasu-bench-scale-{scale.name}-") as tmp:
            results[scale] = {}
            try:
                measure(scale, Path(tmp), results[scale])
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                print(f"{scale.name}: stopped: {exc}", flush=True)
    growth(results)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--kpis":
        kpis_child(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "--prepare":
        prepare_child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
