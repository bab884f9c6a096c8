"""revocable sessions; API key scopes, expiry and last address

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Security review F13 and the API keys of issue 14: every user has a session generation that
signing out, a password change and deactivation bump (a web session signed in with an older
generation ends); an API key may be limited to scopes, may expire, and records the address it
was last used from.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kasasu.models.base import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("scopes", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_used_from", sa.String(length=45), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("last_used_from")
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
