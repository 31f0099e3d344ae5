"""Tamper evidence and accountable administration.

Plan versions get content hashes; audit entries a hash chain (``audit_head`` holds its
newest hash); triggers make the database itself refuse UPDATE and DELETE on versions and
audit entries. Users get an admin right and sign-in throttling; plans keep the supervisor
who reviews them. Existing rows are hashed and chained in id order, and the first account
(lowest id) becomes the administrator.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
PROTECTED = ("plan_versions", "audit_log")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tpa_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted once written', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql
"""


def _triggers_up(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in PROTECTED:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tpa_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tpa_refuse_change()"
            )
        return
    if dialect == "sqlite":
        for table in PROTECTED:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed or deleted "
                    "once written'); END"
                )


def _triggers_down(dialect: str) -> None:
    if dialect == "postgresql":
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tpa_refuse_change()")
    elif dialect == "sqlite":
        for table in PROTECTED:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")


def _backfill() -> None:
    """Hash existing versions and chain existing audit entries (before the triggers exist)."""
    from assistant.store import integrity

    bind = op.get_bind()
    md = sa.MetaData()
    plans = sa.Table("plans", md, autoload_with=bind)
    versions = sa.Table("plan_versions", md, autoload_with=bind)
    audit = sa.Table("audit_log", md, autoload_with=bind)
    users = sa.Table("users", md, autoload_with=bind)

    owners = {r.id: r.supervisor_id for r in bind.execute(sa.select(users))}
    intakes = {}
    for p in bind.execute(sa.select(plans)):
        intakes[p.id] = p.intake
        bind.execute(
            plans.update().where(plans.c.id == p.id).values(supervisor_id=owners.get(p.owner_id))
        )
    first = bind.execute(sa.select(sa.func.min(users.c.id))).scalar()
    if first is not None:
        bind.execute(users.update().where(users.c.id == first).values(is_admin=True))

    for v in bind.execute(sa.select(versions).order_by(versions.c.id)).all():
        doc_hash = integrity.json_hash(v.document)
        intake_hash = integrity.json_hash(intakes.get(v.plan_id))
        pv = integrity.PlanVersion(
            plan_id=v.plan_id,
            version=v.version,
            status=v.status,
            saved_by=v.saved_by,
            saved_at=v.saved_at,
            note=v.note,
            document_hash=doc_hash,
            intake_hash=intake_hash,
        )
        bind.execute(
            versions.update()
            .where(versions.c.id == v.id)
            .values(
                document_hash=doc_hash,
                intake_hash=intake_hash,
                content_hash=integrity.version_hash(pv),
            )
        )
    prev = integrity.GENESIS
    count = 0
    for a in bind.execute(sa.select(audit).order_by(audit.c.id)).all():
        entry = integrity.AuditEntry(
            at=a.at,
            user_id=a.user_id,
            username=a.username,
            action=a.action,
            plan_id=a.plan_id,
            version=a.version,
            detail=a.detail,
            prev_hash=prev,
        )
        h = integrity.entry_hash(entry)
        bind.execute(audit.update().where(audit.c.id == a.id).values(prev_hash=prev, entry_hash=h))
        prev, count = h, count + 1
    bind.execute(sa.text("DELETE FROM audit_head"))
    bind.execute(
        sa.text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, :seq, :h)"),
        {"seq": count, "h": prev},
    )


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("lockouts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", TS, nullable=True))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(
            sa.Column(
                "supervisor_id",
                sa.Integer,
                sa.ForeignKey("users.id", name="fk_plans_supervisor"),
                nullable=True,
            )
        )
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("document_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("intake_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("content_hash", sa.String(64), nullable=True))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(64), nullable=True))
    op.create_index("ix_audit_log_entry_hash", "audit_log", ["entry_hash"])
    op.create_index("ix_audit_log_prev_hash", "audit_log", ["prev_hash"])
    op.create_index("ix_plans_supervisor_id", "plans", ["supervisor_id"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    _backfill()
    _triggers_up(op.get_bind().dialect.name)


def downgrade() -> None:
    _triggers_down(op.get_bind().dialect.name)
    op.drop_table("audit_head")
    op.drop_index("ix_plans_supervisor_id", table_name="plans")
    op.drop_index("ix_audit_log_prev_hash", table_name="audit_log")
    op.drop_index("ix_audit_log_entry_hash", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("content_hash")
        batch.drop_column("intake_hash")
        batch.drop_column("document_hash")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("supervisor_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("lockouts")
        batch.drop_column("failed_logins")
        batch.drop_column("is_admin")
