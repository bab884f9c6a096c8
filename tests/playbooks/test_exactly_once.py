"""Exactly once on PostgreSQL: two `kasasu playbooks run` processes at the same time, and a
run killed in the middle and run again, still give one email and one task per account."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.models import Task
from tests.playbooks.conftest import SECRET, Mailbox
from tests.playbooks.runner import HELLO, prepare
from tests.playbooks.world import DAY

pytestmark = pytest.mark.slow  # playbook runners in their own processes

EXTRA = 20  # accounts like P2 besides P1–P3: 23 paying, 22 with an owner to email
SUMMARY = re.compile(r"(\d+) runs fired.*actions (\d+) done, (\d+) failed")


def _command(url: str, port: int, data_dir: Path, **env: str) -> tuple[list[str], dict[str, str]]:
    environment = {
        **os.environ,
        "KASASU_DATABASE_URL": url,
        "KASASU_DATA_DIR": str(data_dir),
        "KASASU_LOCALE": "en",
        "KASASU_MAIL__BACKEND": "smtp",
        "KASASU_MAIL__HOST": "127.0.0.1",
        "KASASU_MAIL__PORT": str(port),
        "KASASU_PLAYBOOKS__WEBHOOK_SECRET": SECRET,
        **env,
    }
    argv = [sys.executable, "-m", "kasasu", "playbooks", "run", "--as-of", DAY.isoformat()]
    return argv, environment


def _tasks_per_account(url: str) -> dict[int, int]:
    engine = create_db_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            counts: dict[int, int] = {}
            for task in session.scalars(select(Task)):
                assert task.account_id is not None
                counts[task.account_id] = counts.get(task.account_id, 0) + 1
            return counts
    finally:
        engine.dispose()


def _prepare(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    try:
        return prepare(engine, HELLO, n_extra=EXTRA)
    finally:
        engine.dispose()


def _one_each(mailbox: Mailbox, url: str, ids: dict[str, int]) -> None:
    assert len(mailbox.messages) == 22
    assert len({m["Message-ID"] for m in mailbox.messages}) == 22
    assert sorted(m["Subject"] for m in mailbox.messages) == sorted(
        ["こんにちは P1 株式会社", "Hello P2 株式会社"] + [f"Hello X{i} Inc." for i in range(EXTRA)]
    )
    tasks = _tasks_per_account(url)
    assert tasks == {ids[n]: 1 for n in ids if n != "P4"}


def test_two_runners_at_once(postgres_url: str, smtp: tuple[Mailbox, int], tmp_path: Path) -> None:
    mailbox, port = smtp
    mailbox.delay = 0.05  # ~1 s of sending, so the second runner starts while the first works
    ids = _prepare(postgres_url)
    argv, env = _command(postgres_url, port, tmp_path)
    runners = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=120)[0] for r in runners]
    assert [r.returncode for r in runners] == [0, 0]
    totals = [SUMMARY.search(out.replace("\n", " ")) for out in outputs]
    assert all(totals), outputs
    fired = sum(int(m.group(1)) for m in totals if m)
    done = sum(int(m.group(2)) for m in totals if m)
    assert (fired, done) == (23, 45)  # 23 tasks + 22 emails, each done by one runner only
    _one_each(mailbox, postgres_url, ids)


def test_killed_in_the_middle_and_run_again(
    postgres_url: str, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    mailbox.hold_at = 5  # the sixth email hangs in the SMTP conversation …
    ids = _prepare(postgres_url)
    argv, env = _command(postgres_url, port, tmp_path)
    runner = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    assert mailbox.holding.wait(120), "the runner never reached the sixth email"
    runner.kill()  # … and the runner dies there, its email marked started, never finished
    runner.wait(30)
    mailbox.released.set()
    assert len(mailbox.messages) == 5
    # Run again; an email a dead run started is taken back at once here (default: 30 min).
    argv, env = _command(postgres_url, port, tmp_path, KASASU_PLAYBOOKS__RECLAIM_AFTER_MINUTES="0")
    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    _one_each(mailbox, postgres_url, ids)
    rerun = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "0 runs fired" in rerun.stdout
    _one_each(mailbox, postgres_url, ids)
