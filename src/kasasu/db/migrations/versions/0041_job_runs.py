"""the job history

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06

Every run of a scheduled job (the daily refresh, the reminders, the connectors' drop folder
and feeds) by whichever process ran it, a `kasasu worker` or `kasasu serve`: when, how long,
ok, failed (with its error) or skipped because another process held the job's lock. The
daily refresh prunes the runs older than KASASU_REFRESH__HISTORY_DAYS.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("started_at", MOMENT, nullable=False),
        sa.Column("finished_at", MOMENT, nullable=False),
        sa.Column(
            "result",
            sa.Enum("ok", "failed", "skipped", name="jobresult", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("held_by", sa.String(length=200), nullable=True),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_name", "job_runs", ["name", "started_at"], unique=False)
    op.create_index(op.f("ix_job_runs_started_at"), "job_runs", ["started_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_job_runs_started_at"), table_name="job_runs")
    op.drop_index("ix_job_runs_name", table_name="job_runs")
    op.drop_table("job_runs")
