"""The warehouse export on a small company whose rows are known (tests/health/golden_health),
on SQLite and PostgreSQL: every table, days as partitions, types, secrets, atomic re-runs."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.domain.choices import Role
from kasasu.errors import InvalidInput
from kasasu.export.service import export_parquet
from kasasu.models import ApiKey, Base, FeatureSnapshot, User
from tests.analytics.golden_voice import utc
from tests.health.golden_health import add_health_base, write_health_events

# Broader than the export's own rule (kasasu.db.audit.SECRET), so that a secret named
# another way fails here rather than leaks.
SECRET_LOOKING = re.compile(r"password|passw|secret|token|hash|credential|private", re.IGNORECASE)


def _company(session: Session, tmp_path: Path) -> tuple[dict[str, int], Path]:
    ids = add_health_base(session)
    session.add_all(
        [
            FeatureSnapshot(account_id=ids["H1"], as_of=date(2026, 1, 31), features={"a": 1}),
            FeatureSnapshot(account_id=ids["H1"], as_of=date(2026, 2, 1), features={"a": 2}),
            FeatureSnapshot(account_id=ids["H2"], as_of=date(2026, 2, 1), features={}),
            User(email="cs@example.jp", name="佐藤", role=Role.CSM, password_hash="$argon2id$x"),
            ApiKey(name="bi", prefix="ksk_abc", key_hash="f" * 64, role=Role.VIEWER),
        ]
    )
    session.flush()
    return ids, write_health_events(tmp_path / "events.duckdb")


def _days(root: Path, table: str) -> dict[str, int]:
    """Rows per ``day=`` partition of a table."""
    return {
        part.name.removeprefix("day="): pq.read_table(part / "part-0.parquet").num_rows
        for part in sorted((root / table).iterdir())
    }


def test_every_table_is_exported_with_days_types_and_no_secret(
    session: Session, tmp_path: Path
) -> None:
    ids, events = _company(session, tmp_path)
    out = tmp_path / "export"
    result = export_parquet(session, events, out)

    expected = {*Base.metadata.tables, "usage_events"}  # from the metadata: new tables too
    assert {t.name for t in result.tables} == expected
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        *expected,
        "_schema.json",
    }
    # Events by the UTC day they occurred (golden_health.EVENTS): e5 Nov 10; e4 Dec 20;
    # e2, e3 Jan 20; e1 Jan 31 10:00 and e6 Jan 31 15:00 UTC (Feb 1 in Tokyo, Jan 31 in UTC).
    assert _days(out, "usage_events") == {
        "2025-11-10": 1,
        "2025-12-20": 1,
        "2026-01-20": 2,
        "2026-01-31": 2,
    }
    # The daily snapshot by its as_of: H1 on Jan 31; H1 and H2 on Feb 1.
    assert _days(out, "feature_snapshots") == {"2026-01-31": 1, "2026-02-01": 2}
    snapshot = pq.read_table(out / "feature_snapshots" / "day=2026-01-31" / "part-0.parquet")
    assert snapshot.column("as_of").to_pylist() == [date(2026, 1, 31)]
    assert snapshot.column("features").to_pylist() == ['{"a": 1}']  # JSON text

    lines = pq.read_table(out / "subscriptions").sort_by("external_id")
    assert lines.schema.field("amount").type == pa.int64()  # minor units, as stored
    assert lines.column("amount").to_pylist() == [30_000, 10_000, 20_000]  # HS1, HS2, HS3
    assert lines.column("currency").to_pylist() == ["JPY"] * 3
    tickets = pq.read_table(out / "tickets").sort_by("external_id")
    assert tickets.schema.field("opened_at").type == pa.timestamp("us", tz="UTC")
    assert tickets.column("opened_at")[0].as_py() == utc(2026, 1, 10)  # HT0
    assert tickets.column("escalated").to_pylist() == [True, False, False, False]

    exported = {
        name: pq.read_schema(next((out / name).rglob("*.parquet"))).names
        for name in expected
        if next((out / name).rglob("*.parquet"), None)
    }
    assert "password_hash" not in exported["users"]
    assert "key_hash" not in exported["api_keys"]
    # A digest's own Slack/Teams webhook URL is its credential, though its name says "target".
    assert "target" not in exported["digest_preferences"]
    assert "channel" in exported["digest_preferences"]
    assert "email" in exported["users"]
    assert [
        f"{table}.{column}"
        for table, names in exported.items()
        for column in names
        if SECRET_LOOKING.search(column)
    ] == []
    # Every row, as DuckDB reads the export back.
    for table in ("accounts", "subscriptions", "tickets", "users", "feature_snapshots"):
        rows = sa.select(sa.func.count()).select_from(Base.metadata.tables[table])
        stored = session.execute(rows).scalar_one()
        read = duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{out}/{table}/**/*.parquet', "
            "hive_partitioning = true)"
        ).fetchall()
        assert read == [(stored,)], table
    assert ids["H1"] in pq.read_table(out / "accounts").column("id").to_pylist()


def test_a_rerun_replaces_and_since_rewrites_only_the_later_days(
    session: Session, tmp_path: Path
) -> None:
    ids, events = _company(session, tmp_path)
    out = tmp_path / "export"
    export_parquet(session, events, out)
    first = (out / "accounts" / "part-0.parquet").read_bytes()
    export_parquet(session, events, out)  # the same data: the same files
    assert (out / "accounts" / "part-0.parquet").read_bytes() == first
    jan31 = out / "feature_snapshots" / "day=2026-01-31" / "part-0.parquet"
    kept = jan31.stat().st_mtime_ns

    # Feb 1 is gone, Feb 2 comes; Jan 31 is before --since and stays as it was.
    session.execute(sa.delete(FeatureSnapshot).where(FeatureSnapshot.as_of == date(2026, 2, 1)))
    session.add(FeatureSnapshot(account_id=ids["H2"], as_of=date(2026, 2, 2), features={}))
    session.flush()
    written = export_parquet(
        session, events, out, tables=["feature_snapshots"], since=date(2026, 2, 1)
    )
    assert [(t.name, t.rows, t.days) for t in written.tables] == [("feature_snapshots", 1, 1)]
    assert _days(out, "feature_snapshots") == {"2026-01-31": 1, "2026-02-02": 1}
    assert jan31.stat().st_mtime_ns == kept
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_a_failed_export_leaves_the_table_as_it_was(session: Session, tmp_path: Path) -> None:
    _ids, events = _company(session, tmp_path)
    out = tmp_path / "export"
    export_parquet(session, events, out, tables=["usage_events"])
    before = _days(out, "usage_events")

    def stop(table: str, done: int, _total: int) -> None:
        if done:  # after the first batch of two events was written aside
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        export_parquet(session, events, out, tables=["usage_events"], progress=stop, batch_rows=2)
    assert _days(out, "usage_events") == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_an_unknown_table_is_refused_and_nothing_written(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        export_parquet(session, tmp_path / "none.duckdb", tmp_path / "out", tables=["acounts"])
    assert "acounts" in refused.value.message.render("en")
    assert "accounts" in refused.value.message.render("en")  # the names there are
    assert not (tmp_path / "out").exists()
