"""The audit log is append-only in the database itself (SQLite and PostgreSQL triggers);
``kasasu audit prune --before DATE`` is the one way entries go, and it records itself."""

from __future__ import annotations

import getpass
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from kasasu.audit.service import prune_before
from kasasu.models import AuditEntry
from tests.support.cli import kasasu

OLD = datetime(2026, 1, 10, tzinfo=UTC)
NEW = datetime(2026, 11, 20, tzinfo=UTC)


def _entry(at: datetime, name: str = "Acme") -> AuditEntry:
    return AuditEntry(
        at=at,
        actor_kind="user",
        actor_name="admin@example.com",
        origin="web",
        action="insert",
        entity="accounts",
        entity_id=1,
        account_id=1,
        field="name",
        after=name,
    )


def _refused(connection: Connection, statement: str) -> None:
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), connection.begin_nested():
        connection.execute(sa.text(statement))


def test_update_and_delete_are_refused(connection: Connection, session: Session) -> None:
    session.add_all([_entry(OLD), _entry(NEW)])
    session.flush()
    _refused(connection, "UPDATE audit_log SET after = 'Evil'")
    _refused(connection, "DELETE FROM audit_log")
    _refused(connection, "DELETE FROM audit_log WHERE at < '2030-01-01'")
    if connection.dialect.name == "postgresql":
        _refused(connection, "TRUNCATE audit_log")
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 2


def test_prune_deletes_only_before_its_day_and_records_itself(
    connection: Connection, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        s.add_all([_entry(OLD), _entry(OLD, "Beta"), _entry(NEW)])
        s.commit()
    with sessions() as s:
        result = prune_before(s, date(2026, 6, 1), "Asia/Tokyo", "ops")
        s.commit()
    assert result.entries == 2
    left = connection.execute(sa.text("SELECT after FROM audit_log")).scalars().all()
    assert left == ["Acme"]  # the November entry
    prunes = connection.execute(sa.text("SELECT actor_name, entries FROM audit_prunes")).all()
    assert [tuple(p) for p in prunes] == [("ops", 2)]
    # What the prune allowed is done; the rest stays protected, and so does the prune.
    _refused(connection, "DELETE FROM audit_log")
    _refused(connection, "UPDATE audit_prunes SET entries = 0")
    _refused(connection, "DELETE FROM audit_prunes")


def test_cli_writes_are_recorded_as_cli_and_prune_is_a_command(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    made = kasasu(data, "apikey", "create", "--name", "ci", "--role", "viewer")
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(data / "kasasu.db") as db:
        rows = db.execute(
            "SELECT origin, actor_kind, actor_name, entity, field, before, after FROM audit_log "
            "WHERE field IN ('name', 'key_hash') ORDER BY id"
        ).fetchall()
    who = ("cli", "cli", getpass.getuser())
    # The key's hash is a secret: the log says it changed, never what it is.
    assert rows == [
        (*who, "api_keys", "name", None, "ci"),
        (*who, "api_keys", "key_hash", None, "changed"),
    ]
    pruned = kasasu(data, "audit", "prune", "--before", "2000-01-01", "--yes")
    assert pruned.returncode == 0, pruned.stderr
    assert "0 audit log entries before 2000-01-01 deleted" in pruned.stdout
