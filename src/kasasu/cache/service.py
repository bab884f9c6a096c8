"""Get a stored read model, or compute it and store it for every process."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.cache.repository import CachedResultRepository
from kasasu.models.base import Base


def cached_payload(session: Session, name: str, key: str) -> Any | None:
    """The payload stored for ``name`` if it was computed for ``key``, else None."""
    return CachedResultRepository(session).get_payload(name, key)


def store_payload(session: Session, name: str, key: str, payload: Any) -> None:
    """Keep ``payload`` (JSON) as ``name``'s for ``key``, replacing an older key's."""
    CachedResultRepository(session).put(name, key, payload, datetime.now(UTC))


def data_version(session: Session, models: Sequence[type[Base]]) -> str:
    """A short fingerprint of the tables ``models``: it changes when a row is added to any
    of them, or edited or removed in one the audit log records (every table but those the
    refresh rewrites, whose rewrite adds rows), so a read model keyed by it is not stale."""
    seen = repr(CachedResultRepository(session).versions(models))
    return hashlib.sha256(seen.encode()).hexdigest()[:32]
