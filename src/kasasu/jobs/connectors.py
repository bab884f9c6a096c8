"""Connector runs, each in its own transaction and kept in the sync status: a profile's file
(dropped in a folder, fetched from a URL or given on the command line) and a Stripe backfill.

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

from kasasu.connectors.fetch import fetch_export, shown
from kasasu.connectors.runs import last_fingerprint, record_run
from kasasu.connectors.schemas import Feed, SyncError, SyncSummary, error
from kasasu.connectors.stripe_export import backfill
from kasasu.db import session_factory, transaction
from kasasu.db.audit import through
from kasasu.errors import InvalidInput, NotFound
from kasasu.imports.profiles import import_with_profile, profile_named, profiles
from kasasu.imports.readers import SUFFIXES
from kasasu.imports.schemas import ImportOptions, Progress

log = logging.getLogger("kasasu.connectors")
STRIPE_BACKFILL = "stripe-export"


@dataclass(frozen=True)
class DropConfig:
    directory: Path
    options: ImportOptions  # the zone, currency and own profiles every file is read with


def sync_file(engine: Engine, profile: str, path: Path, options: ImportOptions) -> SyncSummary:
    """Import ``path`` with ``profile`` and record the run (the refused one too)."""
    return _sync(engine, profile, path.read_bytes(), path.name, options, detail=path.name)


def sync_url(engine: Engine, feed: Feed, options: ImportOptions) -> SyncSummary:
    """Fetch ``feed`` and import it with its profile, unless its content is the one imported
    last time (then the run applies no rows); a fetch that fails is recorded too."""
    sessions, started, detail = session_factory(engine), datetime.now(UTC), shown(feed.url)
    profile_named(feed.profile, options.profiles_file)  # named before anything is fetched
    try:
        fetched = fetch_export(feed.url, feed.headers, feed.allowed)
    except InvalidInput as refused:
        with transaction(sessions, write=True) as session:
            record_run(session, feed.profile, started, rows=0, errors=_refusal(refused),
                       detail=detail)  # fmt: skip
        raise
    with transaction(sessions) as session:
        same = last_fingerprint(session, feed.profile, detail) == fetched.fingerprint
    if same and not options.dry_run:
        with transaction(sessions, write=True) as session:
            record_run(session, feed.profile, started, rows=0, errors=[], detail=detail,
                       fingerprint=fetched.fingerprint)  # fmt: skip
        return SyncSummary(connector=feed.profile, rows=0, errors=[], unchanged=True)
    return _sync(engine, feed.profile, fetched.content, fetched.filename, options,
                 detail=detail, fingerprint=fetched.fingerprint)  # fmt: skip


def _sync(
    engine: Engine,
    profile: str,
    data: bytes,
    filename: str,
    options: ImportOptions,
    *,
    detail: str,
    fingerprint: str | None = None,
) -> SyncSummary:
    sessions, started = session_factory(engine), datetime.now(UTC)
    try:
        with transaction(sessions, write=True) as session:
            result = import_with_profile(session, profile, data, filename, options)
            errors = [error(f"row {e.row} {e.column}".strip(), e.reason) for e in result.skipped]
            rows = result.created + result.updated + result.unchanged
            if not options.dry_run:
                record_run(session, profile, started, rows=rows, errors=errors, detail=detail,
                           fingerprint=fingerprint)  # fmt: skip
    except InvalidInput as refused:
        errors = _refusal(refused)
        with transaction(sessions, write=True) as session:
            record_run(session, profile, started, rows=0, errors=errors, detail=detail)
        raise
    return SyncSummary(connector=profile, rows=rows, errors=errors)


def sync_feeds(engine: Engine, feeds: list[Feed], options: ImportOptions) -> list[SyncSummary]:
    """Every configured feed once; one that fails is recorded and the others still run."""
    done = []
    for feed in feeds:
        try:
            done.append(sync_url(engine, feed, options))
        except (InvalidInput, NotFound):
            log.warning("connector feed failed: %s (see kasasu sync status)", shown(feed.url))
    return done


def _refusal(refused: InvalidInput) -> list[SyncError]:
    found = [
        error(" ".join(str(p) for p in ("row", *e.loc) if p != ""), e.message)
        for e in refused.errors
    ]
    return found or [error("file", refused.message)]


def sync_drop(engine: Engine, config: DropConfig) -> list[SyncSummary]:
    """Every file waiting in ``<directory>/<profile>/``, oldest name first."""
    done = []
    known = profiles(config.options.profiles_file)
    config.directory.mkdir(parents=True, exist_ok=True)
    for name in known:  # shows where each profile's files go
        (config.directory / name).mkdir(exist_ok=True)
    folders = sorted(p for p in config.directory.iterdir() if p.is_dir() and p.name in known)
    for folder in folders:
        for path in sorted(f for f in folder.iterdir() if f.suffix.lower() in SUFFIXES):
            try:
                done.append(sync_file(engine, folder.name, path, config.options))
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
