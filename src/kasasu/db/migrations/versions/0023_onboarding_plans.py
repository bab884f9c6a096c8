"""onboarding plans: templates in versions, the plan each account walks, and its steps

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04

A template (kasasu.onboarding) lays out stages and steps; starting it on an account makes an
onboarding row and its milestones, each with its side (CS team or customer), an optional
completion event and the task it became.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "onboarding_templates",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("applies_to", JSON, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("id", ID, nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_onboarding_templates_name")),
    )
    op.create_table(
        "onboarding_template_versions",
        sa.Column("template_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        _fk("onboarding_template_versions", "template_id", "onboarding_templates", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_template_versions")),
        sa.UniqueConstraint(
            "template_id",
            "version",
            name=op.f("uq_onboarding_template_versions_template_id_version"),
        ),
    )
    op.create_table(
        "onboardings",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("template_version_id", ID, nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("first_value_at", MOMENT, nullable=True),
        sa.Column("assigned_by", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        *_stamps(),
        _fk("onboardings", "account_id", "accounts", "CASCADE"),
        _fk("onboardings", "template_version_id", "onboarding_template_versions", "RESTRICT"),
        _fk("onboardings", "assigned_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboardings")),
        sa.UniqueConstraint("account_id", name=op.f("uq_onboardings_account_id")),
    )
    op.create_index(
        op.f("ix_onboardings_template_version_id"), "onboardings", ["template_version_id"]
    )
    with op.batch_alter_table("milestones") as batch:
        batch.add_column(sa.Column("onboarding_id", ID, nullable=True))
        batch.add_column(sa.Column("step_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("stage", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column("side", sa.String(length=32), server_default="cs", nullable=False)
        )
        batch.add_column(sa.Column("completion_event", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("task_id", ID, nullable=True))
        batch.add_column(sa.Column("done_by", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_milestones_onboarding_id_onboardings"),
            "onboardings",
            ["onboarding_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            op.f("fk_milestones_task_id_tasks"), "tasks", ["task_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            op.f("fk_milestones_done_by_users"), "users", ["done_by"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_milestones_onboarding_id"), ["onboarding_id"])


def downgrade() -> None:
    with op.batch_alter_table("milestones") as batch:
        batch.drop_index(op.f("ix_milestones_onboarding_id"))
        batch.drop_constraint(op.f("fk_milestones_done_by_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_milestones_task_id_tasks"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_milestones_onboarding_id_onboardings"), type_="foreignkey")
        for column in (
            "done_by",
            "task_id",
            "completion_event",
            "side",
            "stage",
            "step_key",
            "onboarding_id",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_onboardings_template_version_id"), table_name="onboardings")
    op.drop_table("onboardings")
    op.drop_table("onboarding_template_versions")
    op.drop_table("onboarding_templates")
