"""Connector runs, each in its own transaction and kept in the sync status: a profile's file
(dropped in a folder or given on the command line) and a Stripe backfill.

A file is all or nothing, as every import: a bad one writes nothing, its errors (row and
column) go to the sync status and it moves to ``failed/``; a good one moves to ``done/``.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from kasasu.connectors.runs import record_run
from kasasu.connectors.schemas import SyncError, SyncSummary, error
from kasasu.connectors.stripe_export import backfill
from kasasu.db import session_factory, transaction
from kasasu.db.audit import through
from kasasu.errors import InvalidInput
from kasasu.imports.profiles import import_with_profile, profiles
from kasasu.imports.readers import SUFFIXES
from kasasu.imports.schemas import ImportOptions, Progress

log = logging.getLogger("kasasu.connectors")
STRIPE_BACKFILL = "stripe-export"


@dataclass(frozen=True)
class DropConfig:
    directory: Path
    zone: str
    currency: str


def sync_file(engine: Engine, profile: str, path: Path, options: ImportOptions) -> SyncSummary:
    """Import ``path`` with ``profile`` and record the run (the refused one too)."""
    sessions, started = session_factory(engine), datetime.now(UTC)
    try:
        with transaction(sessions, write=True) as session:
            result = import_with_profile(session, profile, path, path.name, options)
            errors = [error(f"row {e.row} {e.column}".strip(), e.reason) for e in result.skipped]
            rows = result.created + result.updated + result.unchanged
            if not options.dry_run:
                record_run(session, profile, started, rows=rows, errors=errors, detail=path.name)
    except InvalidInput as refused:
        errors = _refusal(refused)
        with transaction(sessions, write=True) as session:
            record_run(session, profile, started, rows=0, errors=errors, detail=path.name)
        raise
    return SyncSummary(connector=profile, rows=rows, errors=errors)


def _refusal(refused: InvalidInput) -> list[SyncError]:
    found = [
        error(" ".join(str(p) for p in ("row", *e.loc) if p != ""), e.message)
        for e in refused.errors
    ]
    return found or [error("file", refused.message)]


def sync_drop(engine: Engine, config: DropConfig) -> list[SyncSummary]:
    """Every file waiting in ``<directory>/<profile>/``, oldest name first."""
    done = []
    known = profiles()
    config.directory.mkdir(parents=True, exist_ok=True)
    for name in known:  # shows where each profile's files go
        (config.directory / name).mkdir(exist_ok=True)
    folders = sorted(p for p in config.directory.iterdir() if p.is_dir() and p.name in known)
    for folder in folders:
        for path in sorted(f for f in folder.iterdir() if f.suffix.lower() in SUFFIXES):
            options = ImportOptions(zone=config.zone, currency=config.currency)
            try:
                done.append(sync_file(engine, folder.name, path, options))
                _move(path, "done")
            except InvalidInput:
                log.warning("connector file refused: %s (see kasasu sync status)", path)
                _move(path, "failed")
    return done


def _move(path: Path, to: str) -> None:
    target = path.parent / to
    target.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    shutil.move(path, target / f"{stamp}-{path.name}")


def sync_stripe_export(
    engine: Engine, directory: Path, zone: str, currency: str, progress: Progress | None = None
) -> SyncSummary:
    """The Stripe Dashboard's exports in ``directory``, applied and recorded."""
    sessions, started = session_factory(engine), datetime.now(UTC)
    with transaction(sessions, write=True) as session, through("stripe"):
        rows, errors = backfill(session, directory, zone, currency, progress)
        record_run(session, STRIPE_BACKFILL, started, rows=rows, errors=errors,
                   detail=str(directory))  # fmt: skip
    return SyncSummary(connector=STRIPE_BACKFILL, rows=rows, errors=errors)
