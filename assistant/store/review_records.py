"""The ``plan_reviews`` table (migration 0004) and its check.

A row links a review's first version to the signed version it reviews and keeps the
dispositions and the hash of the measures file. Its own hash covers all of that and is written
in the audit entry that stored the review, so the audit log's hash chain seals it; ``verify``
recomputes it (``plan verify`` and every read of the reviews call it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from assistant.errors import StoreError
from assistant.store import integrity
from assistant.store.models import AuditEntry, Base, utcnow


class PlanReview(Base):
    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", name="fk_plan_reviews_plan"))
    version: Mapped[int] = mapped_column(Integer)  # the review's first version
    reviews_version: Mapped[int] = mapped_column(Integer)  # the signed version it reviews
    as_of: Mapped[dt.date] = mapped_column(Date)
    dispositions: Mapped[str] = mapped_column(Text)
    measures_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_plan_reviews_user"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _refuse_change(mapper: Mapper[object], connection: object, target: object) -> None:
    raise StoreError("a plan review is never changed once written; start a new review instead")


event.listen(PlanReview, "before_update", _refuse_change)
event.listen(PlanReview, "before_delete", _refuse_change)


def record_hash(
    plan_id: int,
    version: int,
    reviews_version: int,
    as_of: dt.date,
    dispositions: str,
    measures_hash: str,
) -> str:
    return integrity.sha256(
        integrity.canonical(
            {
                "plan_id": plan_id,
                "version": version,
                "reviews_version": reviews_version,
                "as_of": as_of.isoformat(),
                "dispositions": dispositions,
                "measures_hash": measures_hash,
            }
        )
    )


def verify(s: Session, plan_id: int) -> list[integrity.Problem]:
    """Every review of ``plan_id`` whose row no longer matches the hash its audit entry holds."""
    sealed = {
        e.version: e.detail
        for e in s.scalars(
            select(AuditEntry).where(AuditEntry.plan_id == plan_id, AuditEntry.action == "review")
        )
    }
    out = []
    for r in s.scalars(select(PlanReview).where(PlanReview.plan_id == plan_id)):
        again = record_hash(
            r.plan_id, r.version, r.reviews_version, r.as_of, r.dispositions, r.measures_hash
        )
        if again != r.record_hash or f"sha256 {again}" not in sealed.get(r.version, ""):
            where = f"plan {plan_id} review of version {r.reviews_version}"
            out.append(
                integrity.Problem(
                    where, "review", f"{where} differs from what was written", plan_id
                )
            )
    return out
