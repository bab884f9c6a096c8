"""one status vocabulary for requests and needs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

A request (a Feedback row) said "done" where its need says "shipped": requests now use the
needs' vocabulary (issue 15, "one definition per concept").
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE feedback SET status = 'shipped' WHERE status = 'done'")


def downgrade() -> None:
    op.execute("UPDATE feedback SET status = 'done' WHERE status = 'shipped'")
