"""Whether the event store can be used, for the readiness probe (``GET /readyz``).

The probe reads the file's header rather than opening it in DuckDB: within one process
DuckDB refuses a second configuration of an open file (a read-only connection beside the
writers' read-write ones), and the analytics' read-only ``ATTACH`` fails while any other
connection has it open, so a probe's connection, however short, could fail an ingestion or a
refresh running at that moment. The header says what DuckDB itself would say first (a file
that is not a DuckDB database, an empty one); the file and its folder (DuckDB writes its
write-ahead log beside it) must be writable. A store not made yet is ready when its folder can
be made.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("kasasu.readiness")

# DuckDB's main header: an 8-byte checksum, then these magic bytes.
MAGIC, MAGIC_AT = b"DUCK", 8


def store_ready(path: Path) -> bool:
    if not path.exists():
        return _can_make(path.parent)
    try:
        with path.open("rb") as file:
            file.seek(MAGIC_AT)
            magic = file.read(len(MAGIC))
    except OSError as error:
        log.warning("readiness: the event store %s cannot be read (%s)", path, error)
        return False
    if magic != MAGIC:
        log.warning("readiness: the event store %s is not a DuckDB database", path)
        return False
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)):
        log.warning("readiness: the event store %s or its folder is not writable", path)
        return False
    return True


def _can_make(folder: Path) -> bool:
    """Whether ``folder`` exists and is writable, or its nearest existing parent is."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            writable = candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
            if not writable:
                log.warning("readiness: the event store's folder %s cannot be made", folder)
            return writable
    return False
