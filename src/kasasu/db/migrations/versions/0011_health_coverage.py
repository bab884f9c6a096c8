"""health score coverage

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Every health score stores the share of its scorecard's weight that had data. Scores stored
before this revision get it from the measures they already keep (weight of the measures
with points ÷ all the weight).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from kasasu.models.base import JSONType

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CHUNK = 1000


def upgrade() -> None:
    with op.batch_alter_table("health_scores") as batch:
        batch.add_column(sa.Column("coverage", sa.Float(), nullable=True))
    scores = sa.table(
        "health_scores",
        sa.column("id", sa.BigInteger()),
        sa.column("measures", JSONType),
        sa.column("coverage", sa.Float()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(scores.c.id, scores.c.measures)).all()
    values = [{"row_id": row_id, "coverage": _coverage(measures)} for row_id, measures in rows]
    update = (
        scores.update()
        .where(scores.c.id == sa.bindparam("row_id"))
        .values(coverage=sa.bindparam("coverage"))
    )
    for start in range(0, len(values), CHUNK):
        bind.execute(update, values[start : start + CHUNK])


def _coverage(measures: list[dict[str, Any]] | None) -> float | None:
    weights = [(float(m["weight"]), m.get("points") is not None) for m in measures or []]
    total = sum(w for w, _has in weights)
    return sum(w for w, has in weights if has) / total if total else None


def downgrade() -> None:
    with op.batch_alter_table("health_scores") as batch:
        batch.drop_column("coverage")
