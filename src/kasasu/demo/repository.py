"""Every query of the demo: is the database empty, which ids are free, and bulk inserts.

Rows arrive with their ids already assigned (in a deterministic order), so they go in with
plain Core ``INSERT`` executemany in batches, which is fast on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from kasasu.models import Account, User
from kasasu.models.base import Base

BATCH_ROWS = 5_000


def count_accounts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Account)) or 0)


def next_id(session: Session, model: type[Base]) -> int:
    """The first id after every stored row, so the demo never collides with existing rows."""
    column = model.__table__.c.id
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def user_ids_by_email(session: Session, emails: Sequence[str]) -> dict[str, int]:
    rows = session.execute(select(User.email, User.id).where(User.email.in_(emails)))
    return dict(rows.all())


def insert_rows(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert ``rows`` in batches; ``progress`` gets the number of rows of each batch."""
    connection = session.connection()
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start : start + BATCH_ROWS]
        connection.execute(insert(model), list(batch))
        if progress is not None:
            progress(len(batch))


def sync_id_sequences(session: Session, models: Sequence[type[Base]]) -> None:
    """PostgreSQL: move each id sequence past the ids the demo set explicitly."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - table names are constants
                f"(SELECT coalesce(max(id), 1) FROM {name}))"
            )
        )
