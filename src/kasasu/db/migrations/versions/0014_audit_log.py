"""audit log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

Who changed what, when and from where: ``audit_log`` (one row per changed field) and
``audit_prunes`` (each retention prune, recorded before it deletes). Both are append-only in
the database itself: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). The one
exception is a DELETE of an entry older than the latest recorded prune's date, which is what
``kasasu audit prune --before DATE`` does after recording itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime(timezone=True)

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    # Deleting is refused unless the entry is older than the latest recorded prune's date.
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    WHEN OLD.at >= COALESCE((SELECT max(before) FROM audit_prunes), OLD.at)
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_prunes_no_update BEFORE UPDATE ON audit_prunes
    BEGIN SELECT RAISE(ABORT, 'audit_prunes is append-only'); END""",
    """CREATE TRIGGER audit_prunes_no_delete BEFORE DELETE ON audit_prunes
    BEGIN SELECT RAISE(ABORT, 'audit_prunes is append-only'); END""",
]

POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION kasasu_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log' THEN
            IF OLD.at < (SELECT max(before) FROM audit_prunes) THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION kasasu_audit_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION kasasu_audit_append_only()""",
    """CREATE TRIGGER audit_prunes_append_only BEFORE UPDATE OR DELETE ON audit_prunes
    FOR EACH ROW EXECUTE FUNCTION kasasu_audit_append_only()""",
    """CREATE TRIGGER audit_prunes_no_truncate BEFORE TRUNCATE ON audit_prunes
    FOR EACH STATEMENT EXECUTE FUNCTION kasasu_audit_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("actor_name", sa.String(length=320), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_account_id_id", "audit_log", ["account_id", "id"])
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_table(
        "audit_prunes",
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("before", MOMENT, nullable=False),
        sa.Column("actor_name", sa.String(length=320), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_prunes")),
    )
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION kasasu_audit_append_only() CASCADE")  # and its triggers
    op.drop_table("audit_prunes")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index("ix_audit_log_entity_entity_id", table_name="audit_log")
    op.drop_index("ix_audit_log_account_id_id", table_name="audit_log")
    op.drop_table("audit_log")
