"""contacts have a language

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-05

A customer's contacts do not all read the same language (a Japanese company's overseas
office): the portal, its sign-in mail, survey invitations and event mail follow the
contact's own language, else their account's, else the installation's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(
            sa.Column(
                "locale",
                sa.Enum("ja", "en", name="language", native_enum=False, length=32),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("locale")
