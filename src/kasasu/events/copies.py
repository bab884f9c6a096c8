"""The event store copied whole: into a backup, and from a backup back into place."""

from __future__ import annotations

import shutil
from pathlib import Path

from kasasu.errors import InvalidInput
from kasasu.events.repository import EventStore
from kasasu.events.table import TABLE
from kasasu.kit.i18n import _


def copy_store(events_path: Path, target: Path) -> int:
    """A consistent copy of the store in a new DuckDB file, made inside DuckDB while the copy
    holds the file, so no writer adds to it meanwhile. Returns the events copied."""
    store = EventStore(events_path)
    quoted = str(target).replace("'", "''")
    with store.held() as con:
        source = con.execute("SELECT current_database()").fetchall()[0][0]
        con.execute(f"ATTACH '{quoted}' AS backup_copy")
        con.execute(f'COPY FROM DATABASE "{source}" TO backup_copy')
        con.execute("DETACH backup_copy")
        return int(con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0])  # noqa: S608 - constant


def replace_store(events_path: Path, source: Path, *, force: bool = False) -> None:
    """Put a backup's copy in place of the store; one that holds events is replaced only
    with ``force``."""
    store = EventStore(events_path)
    if store.count() and not force:
        raise InvalidInput(
            _("The event store {path} already holds events: restore into an empty one, or "
              "add --force to replace it", path=str(store.path))
        )  # fmt: skip
    # Counting opened the store: had another process been writing, it would have said so.
    staged = store.path.with_name(store.path.name + ".restoring")
    store.path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, staged)
    store.path.with_name(store.path.name + ".wal").unlink(missing_ok=True)
    staged.replace(store.path)
