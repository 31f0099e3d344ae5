"""Users, plans, plan versions, review comments and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("credentials", sa.String(80), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column(
            "supervisor_id",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_users_supervisor"),
            nullable=True,
        ),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("role IN ('clinician', 'supervisor')", name="ck_users_role"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "owner_id", sa.Integer, sa.ForeignKey("users.id", name="fk_plans_owner"), nullable=False
        ),
        sa.Column("client_ref", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_plans_owner_id", "plans", ["owner_id"])
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("plans.id", name="fk_plan_versions_plan"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column(
            "saved_by",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_plan_versions_user"),
            nullable=False,
        ),
        sa.Column("saved_at", TS, nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.UniqueConstraint("plan_id", "version", name="uq_plan_versions_plan_version"),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("plans.id", name="fk_review_comments_plan"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("item_path", sa.String(120), nullable=False),
        sa.Column("item_id", sa.String(80), nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column(
            "author_id",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_review_comments_user"),
            nullable=False,
        ),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_review_comments_plan_id", "review_comments", ["plan_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_audit_log_user"),
            nullable=True,
        ),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("plan_id", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
    )
    op.create_index("ix_audit_log_plan_id", "audit_log", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_plan_id", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_review_comments_plan_id", table_name="review_comments")
    op.drop_table("review_comments")
    op.drop_table("plan_versions")
    op.drop_index("ix_plans_owner_id", table_name="plans")
    op.drop_table("plans")
    op.drop_table("users")
