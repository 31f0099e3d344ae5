"""Database tables: users, plans, immutable plan versions, review comments and the audit log.

A plan row holds what changes (status, current version); every saved state of the plan
document lives in ``plan_versions`` and is never updated or deleted. The schema is
created and upgraded only by the Alembic migrations in ``assistant/migrations``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

from assistant.errors import StoreError


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('clinician', 'supervisor')", name="ck_users_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    credentials: Mapped[str | None] = mapped_column(String(80), nullable=True)
    role: Mapped[str] = mapped_column(String(20))  # clinician | supervisor
    password_hash: Mapped[str] = mapped_column(String(255))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_users_supervisor"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the right to create accounts and change roles, supervisors and admin rights
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # sign-in throttling: failures since the last success or lock, locks in a row, lock end
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    supervisor: Mapped[User | None] = relationship(remote_side=[id])


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_plans_owner"))
    client_ref: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    # the intake the plan was drafted from (treatment-intake/1 JSON), kept so the
    # validator can check the plan's figures against it at submit, approve and sign
    intake: Mapped[str | None] = mapped_column(Text, nullable=True)
    # who reviews this plan: the owner's supervisor while it is open, kept once it is
    # signed (a later supervisor does not inherit signed plans)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_plans_supervisor"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])


class PlanVersion(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version", name="uq_plan_versions_plan_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", name="fk_plan_versions_plan"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_plan_versions_user"))
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")
    # SHA-256 of the canonical document, of the intake kept with the plan, and of the row
    document_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    intake_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ReviewComment(Base):
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", name="fk_review_comments_plan"))
    version: Mapped[int] = mapped_column(Integer)  # the version the supervisor reviewed
    item_path: Mapped[str] = mapped_column(String(120), default="")
    item_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    reason: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_review_comments_user"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_audit_log_user"), nullable=True
    )
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    entry_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class AuditHead(Base):
    """One row: the newest audit entry's hash (and a counter); updating it is the chain's lock."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


def _refuse_change(mapper: Mapper[object], connection: object, target: object) -> None:
    raise StoreError(
        f"{type(target).__name__} rows are never changed once written; save a new version instead"
    )


for _cls in (PlanVersion, AuditEntry):
    event.listen(_cls, "before_update", _refuse_change)
    event.listen(_cls, "before_delete", _refuse_change)
