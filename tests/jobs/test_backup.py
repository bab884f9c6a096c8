"""``kasasu backup`` / ``kasasu restore`` on a demo company, SQLite and PostgreSQL: the KPIs,
the accounts and the usage events of the restored installation are those of the backed-up
one; a tampered file, another schema and a target that holds data are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kasasu.events.service import count_events
from tests.conftest import new_postgres_database
from tests.support.cli import data_env, invoke_kasasu

DEMO = ("demo", "--accounts", "20", "--months", "6", "--seed", "3", "--as-of", "2026/11/15")
KPIS = ("metrics", "mrr", "logo_churn_rate", "nrr", "active_accounts", "--from", "2026-06",
        "--to", "2026-10", "--format", "json")  # fmt: skip


def _ok(env: dict[str, str], *args: str) -> str:
    done = invoke_kasasu(env, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _state(env: dict[str, str]) -> tuple[object, int]:
    """The KPIs as JSON, and the usage events stored."""
    events = count_events(Path(env["KASASU_EVENTS_PATH"]))
    return json.loads(_ok(env, *KPIS)), events


def _round_trip(tmp_path: Path, first: dict[str, str], second: dict[str, str]) -> None:
    _ok(first, "init")
    _ok(first, *DEMO)
    before = _state(first)
    assert before[1] > 1000  # six months of 20 accounts' usage
    assert '"mrr"' in json.dumps(before[0])
    saved = _ok(first, "backup", str(tmp_path / "backup"))
    assert "usage events" in saved

    _ok(second, "init")
    assert invoke_kasasu(second, "restore", str(tmp_path / "backup")).returncode == 0
    assert _state(second) == before
    # A second restore over the data now there is refused without --force.
    again = invoke_kasasu(second, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0
    assert "already holds data" in again.stderr
    assert invoke_kasasu(second, "restore", str(tmp_path / "backup"), "--force").returncode == 0
    assert _state(second) == before


def test_sqlite_round_trip_keeps_every_figure(tmp_path: Path) -> None:
    first = data_env(tmp_path / "a", KASASU_LOCALE="en")
    second = data_env(tmp_path / "b", KASASU_LOCALE="en")
    _round_trip(tmp_path, first, second)


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_round_trip_keeps_every_figure(tmp_path: Path) -> None:
    with new_postgres_database() as one, new_postgres_database() as two:
        first = data_env(tmp_path / "a", KASASU_LOCALE="en", KASASU_DATABASE_URL=one)
        second = data_env(tmp_path / "b", KASASU_LOCALE="en", KASASU_DATABASE_URL=two)
        _round_trip(tmp_path, first, second)


def test_a_tampered_or_foreign_backup_is_refused(tmp_path: Path) -> None:
    first = data_env(tmp_path / "a", KASASU_LOCALE="en")
    _ok(first, "init")
    _ok(first, "backup", str(tmp_path / "backup"))
    assert invoke_kasasu(first, "backup", str(tmp_path / "backup")).returncode != 0  # not empty

    second = data_env(tmp_path / "b", KASASU_LOCALE="en")
    _ok(second, "init")
    manifest = tmp_path / "backup" / "manifest.json"
    text = manifest.read_text()
    written = json.loads(text)
    manifest.write_text(json.dumps({**written, "schema_revision": "0001"}))
    older = invoke_kasasu(second, "restore", str(tmp_path / "backup"))
    assert "schema 0001" in older.stderr
    assert "kasasu db upgrade" in older.stderr
    manifest.write_text(text)

    with (tmp_path / "backup" / "kasasu.db").open("ab") as db:
        db.write(b"\0")
    tampered = invoke_kasasu(second, "restore", str(tmp_path / "backup"))
    assert tampered.returncode != 0
    assert "differs from the backup's checksum" in tampered.stderr

    pg = data_env(tmp_path / "c", KASASU_LOCALE="en",
                  KASASU_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1/none")  # fmt: skip
    (tmp_path / "backup" / "kasasu.db").write_bytes(b"")
    assert "is missing or differs" in invoke_kasasu(pg, "restore", str(tmp_path / "backup")).stderr
