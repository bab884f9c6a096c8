"""The warehouse export's layout (docs/warehouse.md): which tables and columns it holds,
their Parquet types, and where each table's files lie. One definition for the writer
(``kasasu export parquet``) and for the Spark engine that reads the export back.

Every table is a directory under the export's root: ``ROOT/<table>/part-0.parquet``, or, for
a table that grows by day, ``ROOT/<table>/day=YYYY-MM-DD/part-0.parquet`` (Hive
partitioning, as DuckDB, Spark, Trino and BigQuery read it).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from kasasu.db.audit import SECRET
from kasasu.models import Base
from kasasu.warehouse.facts import arrow_type

SCHEMA_FILE = "_schema.json"  # every table's columns and partitioning, written last
PART_FILE = "part-0.parquet"
PARTITION = "day"  # the Hive partition column, in the directory names only
EVENTS_TABLE = "usage_events"  # the event store's table, partitioned by the UTC day of occurrence
EVENTS_DAY_OF = "occurred_at"
# A table with a date column of this name is a daily snapshot (health scores, features,
# churn risks, lifetime values ...): partitioned by it.
SNAPSHOT_DAY = "as_of"
# Secrets are never exported (is_secret): the columns whose name says password, hash, token
# or secret (the audit log's rule, so that what it never writes down the export never copies
# either): password hashes, API and write key hashes, plan link and invitation tokens, the
# SDK's HMAC secret; and those whose name does not say so: a person's own Slack or Teams
# webhook URL for the daily digest (the URL is the credential).
SECRET_COLUMN = SECRET
SECRET_ELSEWHERE: frozenset[tuple[str, str]] = frozenset({("digest_preferences", "target")})


def exported_tables() -> list[sa.Table]:
    """Every table of the operational database, by name: a new model is exported as soon as
    it exists (kasasu.models registers them all)."""
    return sorted(Base.metadata.tables.values(), key=lambda table: table.name)


def is_secret(table: sa.Table, column: sa.Column[Any]) -> bool:
    """Whether a column is left out of the export: the one rule."""
    return bool(SECRET_COLUMN.search(column.name)) or (table.name, column.name) in SECRET_ELSEWHERE


def exported_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The table's columns, in order, but its secrets."""
    return [column for column in table.columns if not is_secret(table, column)]


def day_column(table: sa.Table) -> str | None:
    """The column a table is partitioned by (a daily snapshot's day), or None: one file."""
    column = table.columns.get(SNAPSHOT_DAY)
    if column is None or not isinstance(column.type, sa.Date) or PARTITION in table.columns:
        return None
    return column.name


def table_schema(table: sa.Table) -> pa.Schema:
    """The Parquet schema of an exported table: its columns but the secrets, each nullable
    (the database keeps them filled; a reader need not trust the file for it)."""
    return pa.schema([(column.name, arrow_type(column)) for column in exported_columns(table)])


def table_location(root: str, name: str) -> str:
    """Where a table's files lie under an export root: a local directory or a URL that
    Spark reads (hdfs://, s3a://), so kept as text."""
    return f"{root.rstrip('/')}/{name}"
