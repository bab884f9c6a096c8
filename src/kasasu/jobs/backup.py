"""``kasasu backup DIR`` / ``kasasu restore DIR``: a consistent copy of what a Kasasu holds —
the operational database, the event store and the settings its figures depend on — with a
manifest of checksums and row counts, and its restore into an empty installation of the
same version.

The database is copied while it is in use: SQLite through its online backup API (a
consistent snapshot, page by page), PostgreSQL through ``pg_dump`` (one transaction). The
event store is copied table by table inside DuckDB while the copy holds the store's write
lock. A restore checks every file's checksum first, refuses a backup of another schema
revision (restore with the version that made it, then ``kasasu db upgrade``), another
database kind or a non-empty target, and checks the row counts after.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, inspect, make_url, select, table
from sqlalchemy.engine import URL

from kasasu import __version__
from kasasu.db import create_db_engine
from kasasu.db.migrate import current_revision, head_revision
from kasasu.errors import InvalidInput
from kasasu.events.copies import copy_store, replace_store
from kasasu.jobs.backup_manifest import FORMAT, FileEntry, Manifest
from kasasu.kit.i18n import _

DATABASE = {"sqlite": "kasasu.db", "postgresql": "kasasu.pgdump"}
EVENTS = "events.duckdb"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Installation:
    """Where a Kasasu keeps its data, and the settings its figures depend on."""

    database_url: str
    events_path: Path
    settings: dict[str, str]


def backup(source: Installation, directory: Path) -> Manifest:
    """Copy ``source`` into ``directory`` (new or empty) and write its manifest last, so a
    directory without one is an unfinished backup."""
    if directory.exists() and any(directory.iterdir()):
        raise InvalidInput(_("{path} is not empty: back up into a new folder", path=str(directory)))
    directory.mkdir(parents=True, exist_ok=True)
    url = make_url(source.database_url)
    kind = _kind(url)
    engine = create_db_engine(source.database_url)
    try:
        revision = current_revision(engine)
        if kind == "sqlite":
            _sqlite_copy(_sqlite_path(url), directory / DATABASE[kind])
        else:
            _pg_dump(url, directory / DATABASE[kind])
        counts = _counts(engine)
    finally:
        engine.dispose()
    events = copy_store(source.events_path, directory / EVENTS)
    manifest = Manifest(
        format=FORMAT,
        kasasu_version=__version__,
        schema_revision=revision or "",
        database=kind,
        created_at=datetime.now(UTC),
        settings=source.settings,
        rows=counts,
        events=events,
        files={name: _entry(directory / name) for name in (DATABASE[kind], EVENTS)},
    )
    (directory / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    return manifest


def restore(target: Installation, directory: Path, *, force: bool = False) -> list[str]:
    """Restore the backup in ``directory`` into ``target``; returns the settings that differ
    from the backup's (the figures would be computed otherwise)."""
    manifest = read_manifest(directory)
    url = make_url(target.database_url)
    kind = _kind(url)
    if manifest.database != kind:
        raise InvalidInput(
            _("This backup is of a {kind} database; KASASU_DATABASE_URL is {target}",
              kind=manifest.database, target=kind)
        )  # fmt: skip
    head = head_revision(target.database_url)
    if manifest.schema_revision != head:
        raise InvalidInput(
            _("This backup was made by Kasasu {version} (schema {revision}); this one has "
              "schema {head}. Restore it with the version that made it, then run kasasu db "
              "upgrade", version=manifest.kasasu_version, revision=manifest.schema_revision,
              head=head or "—")
        )  # fmt: skip
    engine = create_db_engine(target.database_url)
    try:
        if not force and _holds_data(engine):
            raise InvalidInput(
                _("The database at KASASU_DATABASE_URL already holds data: restore into an "
                  "empty one, or add --force to replace it")
            )  # fmt: skip
        if kind == "sqlite":
            engine.dispose()
            _sqlite_copy(directory / DATABASE[kind], _sqlite_path(url))
        else:
            _pg_restore(url, directory / DATABASE[kind])
        counts = _counts(engine)
    finally:
        engine.dispose()
    replace_store(target.events_path, directory / EVENTS, force=force)
    if counts != manifest.rows:
        wrong = sorted(t for t in manifest.rows.keys() | counts.keys()
                       if manifest.rows.get(t) != counts.get(t))  # fmt: skip
        raise InvalidInput(
            _("The restored database does not hold the backup's rows: {tables}",
              tables=", ".join(wrong))
        )  # fmt: skip
    return sorted(k for k, v in manifest.settings.items() if target.settings.get(k) != v)


def read_manifest(directory: Path) -> Manifest:
    """The backup's manifest, every file checked against its checksum."""
    path = directory / MANIFEST
    if not path.is_file():
        raise InvalidInput(
            _("{path} has no {manifest}: not a Kasasu backup, or an unfinished one",
              path=str(directory), manifest=MANIFEST)
        )  # fmt: skip
    try:
        manifest = Manifest.model_validate(json.loads(path.read_text("utf-8")))
    except ValueError as exc:
        raise InvalidInput(_("{path} cannot be read: {error}", path=str(path),
                             error=str(exc).splitlines()[0])) from exc  # fmt: skip
    if manifest.format != FORMAT:
        raise InvalidInput(_("This backup's format {format} is not one this Kasasu reads",
                             format=manifest.format))  # fmt: skip
    for name, entry in manifest.files.items():
        file = directory / name
        if not file.is_file() or _entry(file) != entry:
            raise InvalidInput(
                _("{file} is missing or differs from the backup's checksum", file=str(file))
            )
    return manifest


def _kind(url: URL) -> str:
    kind = url.get_backend_name()
    if kind not in DATABASE:
        raise InvalidInput(_("Only SQLite and PostgreSQL databases can be backed up"))
    return kind


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise InvalidInput(_("An in-memory SQLite database cannot be backed up"))
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others read and write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _libpq(url: URL) -> str:
    """The URL as pg_dump takes it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InvalidInput(
            _("{tool} is not installed: install PostgreSQL's client tools (e.g. apt install "
              "postgresql-client), or back up with your own tooling", tool=name)
        )  # fmt: skip
    return found


def _pg_dump(url: URL, target: Path) -> None:
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={target}", _libpq(url)])  # fmt: skip


def _pg_restore(url: URL, source: Path) -> None:
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--exit-on-error", f"--dbname={_libpq(url)}", str(source)])  # fmt: skip


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise InvalidInput(_("{tool} failed: {error}", tool=tool,
                             error=done.stderr.strip()[-500:]))  # fmt: skip


def _counts(engine: Engine) -> dict[str, int]:
    """Rows of every table (the restore checks them)."""
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {n: int(connection.scalar(select(func.count()).select_from(table(n))) or 0)
                for n in names}  # fmt: skip


# A fresh `kasasu init` fills a few tables itself (the schema's revision, the search index's
# configuration): an installation holds data once it has accounts or users.
_DATA_TABLES = ("accounts", "users")


def _holds_data(engine: Engine) -> bool:
    counts = _counts(engine)
    return any(counts.get(name) for name in _DATA_TABLES)


def _entry(path: Path) -> FileEntry:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return FileEntry(sha256=digest.hexdigest(), bytes=path.stat().st_size)
