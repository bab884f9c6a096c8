"""Playbook speed, as run by ``make bench``.

Data: the data directory of ``benchmarks/health.py`` (the operational facts of
``benchmarks/metrics.py``, numpy seed 42: 20,000 accounts, 100,000 contract lines, tickets,
NPS/CSAT/CES answers, onboarding milestones; N usage events over the 180 days before
2026-11-01), plus what playbooks address: the 29 CSMs who own the accounts (users, half of
them reading English) and one champion with an email per account. ``kasasu refresh
--backfill`` scores 2026-10-31 and 2026-11-01, so band changes exist; the benchmark day is a
1st of the month, so the monthly scheduled playbooks (tech-touch digest, upsell) fire. The
shipped library (``ensure_default_playbooks``) is installed.

Measures, for 2026-11-01:
  (a) ``plan_day`` for the default library: every trigger, ``when`` condition, cool-down and
      idempotency lookup, and every action rendered for the accounts that fire (the facts
      read from the database, as ``kasasu playbooks run`` does); median of 3 in fresh
      sessions; the runs and actions it plans per playbook are printed;
  (b) the reference in the same run, alternating with (a): reading the day's stored features
      (``kasasu.health.service.features_on``, one of the reads (a) makes); (a)/(b) is the
      figure to compare across machines;
  (c) the actions carried out for real (``run_playbooks``: plan, claim, then each action in
      its own transactions): emails by the file backend (.eml files), webhooks POSTed to a
      local HTTP receiver (stdlib, in a thread) that checks every HMAC signature; counted:
      the .eml files written, the webhooks received, the tasks created. Seconds in all,
      the actions alone (first to last action), and the median time per action by kind.
      Once by default (minutes; KASASU_BENCH_PLAYBOOK_EXECUTIONS=3 for a median of three,
      the database restored from a copy before each). Then the same day again, 3 times:
      nothing fires, nothing is sent (asserted).
Target (issue): (a) <= 5 s on this machine.

``--profile`` also prints cProfile's top functions of one ``plan_day`` and of one playbook's
execution (red-account: a task, an email and a webhook per run).
"""

from __future__ import annotations

import cProfile
import hmac
import os
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import health as health_bench  # the 20,000-account data directory

DAY = health_bench.AS_OF  # 2026-11-01, a first of the month
PREVIOUS = DAY - timedelta(days=1)
EVENTS = int(os.environ.get("KASASU_BENCH_PLAYBOOK_EVENTS", "10000000"))
ROUNDS = 3
# Carrying out the whole day's actions takes minutes: once by default (each action's time is
# still a median over thousands); KASASU_BENCH_PLAYBOOK_EXECUTIONS=3 for the median of three.
EXECUTIONS = int(os.environ.get("KASASU_BENCH_PLAYBOOK_EXECUTIONS", "1"))
KASASU = (sys.executable, "-m", "kasasu")
OWNERS = 29  # accounts.owner_id is 1..29 in the facts
SECRET = "bench-webhook-secret"
TARGET_SECONDS = 5.0


class Receiver(BaseHTTPRequestHandler):
    """A Slack-compatible incoming webhook that checks Kasasu's signature on every POST."""

    received = 0
    bad = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        from kasasu.playbooks.delivery import sign

        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = sign(SECRET, self.headers["X-Kasasu-Timestamp"], body)
        ok = hmac.compare_digest(expected, self.headers["X-Kasasu-Signature"])
        with Receiver.lock:
            Receiver.received += 1
            Receiver.bad += not ok
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # stdlib's name
        pass


def add_people(url: str) -> None:
    """The accounts' owners (users 1..29, odd ones reading English) and one champion with an
    email per account: whom the emails go to."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["users", "contacts", "accounts"])
    users, contacts, accounts = (meta.tables[n] for n in ("users", "contacts", "accounts"))
    with engine.begin() as connection:
        connection.execute(
            sa.insert(users),
            [
                {
                    "id": n,
                    "email": f"csm{n}@example.com",
                    "name": f"CSM {n}",
                    "role": "csm",
                    "locale": "en" if n % 2 else "ja",
                    "is_active": True,
                }
                for n in range(1, OWNERS + 1)
            ],
        )
        ids = list(connection.scalars(sa.select(accounts.c.id).order_by(accounts.c.id)))
        connection.execute(
            sa.insert(contacts),
            [
                {
                    "external_id": f"CON-{a:06d}",
                    "account_id": a,
                    "name": f"Champion {a}",
                    "email": f"champion{a}@customer{a}.example",
                    "role": "champion",
                }
                for a in ids
            ],
        )
    engine.dispose()


def refresh(env: dict[str, str]) -> float:
    """``kasasu refresh`` for the day before and the day (a backfill sends nothing)."""
    started = time.perf_counter()
    subprocess.run(
        [*KASASU, "refresh", "--backfill", "--from", PREVIOUS.isoformat(), "--to", str(DAY)],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the database runs in WAL mode)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def timed_plan(engine: Any, config: Any) -> tuple[float, Any]:
    from kasasu.db import session_factory
    from kasasu.playbooks.planning import plan_day

    with session_factory(engine)() as session:
        started = time.perf_counter()
        plan = plan_day(session, DAY, config)
        seconds = time.perf_counter() - started
        session.rollback()
    return seconds, plan


def timed_reference(engine: Any) -> tuple[float, int]:
    from kasasu.db import session_factory
    from kasasu.health.service import features_on

    with session_factory(engine)() as session:
        started = time.perf_counter()
        rows = features_on(session, DAY)
        seconds = time.perf_counter() - started
        session.rollback()
    return seconds, len(rows)


def describe_plan(plan: Any) -> dict[str, Counter[str]]:
    """Per playbook: runs, and its actions by kind ("skipped": an action with no recipient)."""
    found: dict[str, Counter[str]] = {}
    for p in plan.planned:
        counts = found.setdefault(p.playbook, Counter())
        counts["runs"] += 1
        for step in p.steps:
            counts[step.kind if step.payload is not None else "skipped"] += 1
    return found


def count_rows(engine: Any, table: str) -> int:
    import sqlalchemy as sa

    with engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table))))


def action_kinds(engine: Any) -> dict[int, str]:
    import sqlalchemy as sa

    actions = sa.table("playbook_actions", sa.column("id"), sa.column("kind"))
    with engine.connect() as connection:
        return {
            row[0]: row[1] for row in connection.execute(sa.select(actions.c.id, actions.c.kind))
        }


def execute_day(url: str, setup: Any, outbox: Path) -> dict[str, Any]:
    """``run_playbooks`` for real on the day (the database as refreshed): what it did, its
    time, and each action's time (between one action's end and the next one's, by kind)."""
    from kasasu.db import create_db_engine
    from kasasu.jobs.playbooks import run_playbooks

    shutil.rmtree(outbox, ignore_errors=True)
    Receiver.received = Receiver.bad = 0
    engine = create_db_engine(url)
    tasks_before = count_rows(engine, "tasks")
    finished: list[tuple[int, float]] = []
    started = time.perf_counter()
    outcome = run_playbooks(
        engine,
        DAY,
        setup,
        on_action=lambda i, _status, _total: finished.append((i, time.perf_counter())),
    )
    seconds = time.perf_counter() - started
    assert Receiver.bad == 0, "a webhook arrived with a wrong signature"
    kinds = action_kinds(engine)
    per_kind: dict[str, list[float]] = {}
    for (_before, t0), (action_id, t1) in pairwise(finished):
        per_kind.setdefault(kinds[action_id], []).append(t1 - t0)
    result = {
        "seconds": seconds,
        # From the first action's end to the last one's, scaled to all actions: the actions
        # alone, without planning and claiming.
        "acting": (finished[-1][1] - finished[0][1]) * len(finished) / (len(finished) - 1),
        "fired": outcome.fired,
        "done": outcome.done,
        "failed": outcome.failed,
        "per_kind": {k: (len(v), statistics.median(v)) for k, v in sorted(per_kind.items())},
        "emails": len(list(outbox.glob("*.eml"))) if outbox.exists() else 0,
        "webhooks": Receiver.received,
        "tasks": count_rows(engine, "tasks") - tasks_before,
    }
    engine.dispose()
    return result


def execute_again(url: str, setup: Any) -> tuple[float, int]:
    """The same day once more: nothing fires, nothing is sent."""
    from kasasu.db import create_db_engine
    from kasasu.jobs.playbooks import run_playbooks

    engine = create_db_engine(url)
    received = Receiver.received
    started = time.perf_counter()
    outcome = run_playbooks(engine, DAY, setup)
    seconds = time.perf_counter() - started
    engine.dispose()
    assert outcome.fired == 0, "the second run fired again"
    assert outcome.done == 0, "the second run carried out actions again"
    assert Receiver.received == received, "the second run posted a webhook again"
    return seconds, outcome.skipped


def build(tmp: Path) -> str:
    """The refreshed data directory; its database URL."""
    events = tmp / "events.duckdb"
    started = time.perf_counter()
    health_bench.write_events(events, EVENTS)
    env = health_bench.data_dir(events, tmp / "data")
    add_people(env["KASASU_DATABASE_URL"])
    made = time.perf_counter() - started
    refreshed = refresh(env)
    print(
        f"data: 20,000 accounts, {EVENTS:,} events, built in {made:.1f} s; "
        f"kasasu refresh {PREVIOUS} and {DAY} in {refreshed:.1f} s",
        flush=True,
    )
    return env["KASASU_DATABASE_URL"]


def measure_plan(url: str, config: Any, profile: bool) -> float:
    """(a) and (b), alternating; returns (b)'s median."""
    from kasasu.db import create_db_engine, session_factory, transaction
    from kasasu.playbooks.definitions import ensure_default_playbooks

    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        ensure_default_playbooks(session)
    plans, refs, plan, paying = [], [], None, 0
    for _round in range(ROUNDS):
        ref_s, paying = timed_reference(engine)
        plan_s, plan = timed_plan(engine, config)
        refs.append(ref_s)
        plans.append(plan_s)
    assert plan is not None
    plan_med, ref_med = statistics.median(plans), statistics.median(refs)
    total: Counter[str] = Counter()
    print(f"(a) plan_day {DAY} for {paying:,} paying accounts:")
    for name, counts in sorted(describe_plan(plan).items()):
        total.update(counts)
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(counts.items()) if k != "runs")
        print(f"    {name:<22} {counts['runs']:>6,} runs: {kinds}")
    actions = sum(n for k, n in total.items() if k not in ("runs", "skipped"))
    print(
        f"    total {total['runs']:,} runs, {actions:,} actions ({total['skipped']:,} without a "
        f"recipient); {plan.skipped:,} firings skipped (done before or cooling down)"
    )
    met = "met" if plan_med <= TARGET_SECONDS else "MISSED"
    print(
        f"    {plan_med:.2f} s ({', '.join(f'{t:.2f}' for t in plans)}); "
        f"target <= {TARGET_SECONDS:.0f} s: {met}"
    )
    print(
        f"(b) reference, features_on {DAY} ({paying:,} rows): {ref_med:.3f} s "
        f"({', '.join(f'{t:.3f}' for t in refs)}); (a)/(b) = x{plan_med / ref_med:.1f}",
        flush=True,
    )
    if profile:
        from kasasu.playbooks.planning import plan_day

        profiler = cProfile.Profile()
        with session_factory(engine)() as session:
            profiler.runcall(plan_day, session, DAY, config)
        print("profile of one plan_day:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    engine.dispose()
    return ref_med


def measure_execution(url: str, setup: Any, tmp: Path, ref_med: float, profile: bool) -> None:
    """(c): the day's actions for real, then the same day again."""
    database = Path(url.removeprefix("sqlite:///"))
    copy_db(database, tmp / "refreshed.db")
    if profile:  # one playbook's actions (all three kinds), then the database as it was
        from kasasu.db import create_db_engine
        from kasasu.jobs.playbooks import run_playbooks

        engine = create_db_engine(url)
        profiler = cProfile.Profile()
        profiler.runcall(run_playbooks, engine, DAY, setup, only=("red-account",))
        engine.dispose()
        print("profile of run_playbooks for red-account only:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        copy_db(tmp / "refreshed.db", database)
    runs = []
    for _round in range(EXECUTIONS):
        copy_db(tmp / "refreshed.db", database)
        r = execute_day(url, setup, tmp / "outbox")
        runs.append(r)
        per_kind = ", ".join(
            f"{k} {m * 1000:.1f} ms (n={n:,})" for k, (n, m) in r["per_kind"].items()
        )
        print(
            f"    run: {r['fired']:,} runs, {r['done']:,} actions done, {r['failed']:,} failed "
            f"({r['tasks']:,} tasks, {r['emails']:,} .eml files, {r['webhooks']:,} webhooks "
            f"received) in {r['seconds']:.1f} s, the actions alone {r['acting']:.1f} s; "
            f"median per action: {per_kind}",
            flush=True,
        )
    again = [execute_again(url, setup) for _round in range(ROUNDS)]
    again_med = statistics.median(s for s, _skipped in again)
    seconds = statistics.median(r["seconds"] for r in runs)
    acting = statistics.median(r["acting"] for r in runs)
    n = runs[0]["done"] + runs[0]["failed"]
    print(
        f"(c) run_playbooks {DAY}: {n:,} actions in {seconds:.1f} s = {n / seconds:,.0f} "
        f"actions/s (the actions alone: {acting:.1f} s = {n / acting:,.0f} actions/s); "
        f"again (0 fired, {again[0][1]:,} skipped): {again_med:.2f} s "
        f"({', '.join(f'{s:.2f}' for s, _k in again)}) = x{again_med / ref_med:.1f} (b)"
    )


def main(profile: bool) -> None:
    from kasasu.jobs.playbooks import PlaybookSetup
    from kasasu.playbooks.delivery import Delivery, MailConfig
    from kasasu.playbooks.planning import PlaybookConfig

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = PlaybookConfig(
        zone=health_bench.ZONE,
        currency="JPY",
        locale="ja",
        base_url="http://127.0.0.1:8000",
        slack_url=f"http://127.0.0.1:{server.server_address[1]}/slack",
    )
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-playbooks-") as tmp_name:
        tmp = Path(tmp_name)
        url = build(tmp)
        ref_med = measure_plan(url, config, profile)
        mail = MailConfig(
            backend="file",
            host="127.0.0.1",
            port=25,
            sender="kasasu@example.com",
            outbox=tmp / "outbox",
        )
        setup = PlaybookSetup(
            config=config,
            delivery=Delivery(mail=mail, webhook_secret=SECRET),
            reclaim_after=timedelta(minutes=30),
            max_attempts=3,
        )
        measure_execution(url, setup, tmp, ref_med, profile)
    server.shutdown()


if __name__ == "__main__":
    main(profile="--profile" in sys.argv[1:])
