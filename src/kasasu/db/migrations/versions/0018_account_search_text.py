"""accounts.search_text: what a kana- and romaji-aware search looks in

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

仙台 is found from せんだい, センダイ, ｾﾝﾀﾞｲ or sendai (kasasu.domain.search); existing accounts
get their search text here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kasasu.domain.search import search_text

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_BATCH = 2_000


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=True))
    accounts = sa.table(
        "accounts",
        sa.column("id", sa.BigInteger),
        sa.column("name", sa.String),
        sa.column("name_kana", sa.String),
        sa.column("external_id", sa.String),
        sa.column("domain", sa.String),
        sa.column("search_text", sa.Text),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            accounts.c.id,
            accounts.c.name,
            accounts.c.name_kana,
            accounts.c.external_id,
            accounts.c.domain,
        )
    ).all()
    update = (
        sa.update(accounts)
        .where(accounts.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("text"))
    )
    for start in range(0, len(rows), _BATCH):
        batch_rows = rows[start : start + _BATCH]
        connection.execute(
            update,
            [
                {"row_id": r.id, "text": search_text(r.name, r.name_kana, r.external_id, r.domain)}
                for r in batch_rows
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("search_text")
