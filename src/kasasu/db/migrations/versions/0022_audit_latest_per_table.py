"""audit_log (entity, id): the latest entry about a table in one index lookup

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04

A read model kept between requests is current while no table it reads got an entry
(kasasu.cache.service.data_version).
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity_id", table_name="audit_log")
