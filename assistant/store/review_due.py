"""When each signed plan is due for review, from the payer profile and the plan itself.

The payer profile (``assistant/validation/profiles/*.yaml``) gives ``review_interval_days``
and, per treatment setting, ``review_interval_days_by_setting`` (partial hospitalization is
reviewed every 30 days). A plan's own shorter interval, or an earlier review date in its
timeline, wins. The interval counts from the day the plan took its last signature.
``due_reviews`` lists the plans a signed-in clinician owns, and a supervisor reviews, that are
due soon or overdue; the inbox calls it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant import plandates
from assistant.intake import Intake
from assistant.plan import TreatmentPlan, loads
from assistant.store.base import protect, stored_intake
from assistant.store.gate import profile_for
from assistant.store.models import Plan, PlanVersion, User

__all__ = ["DueReview", "SignedPlan", "due_date", "due_reviews", "interval_days", "latest_signed"]

State = Literal["overdue", "due", "in_review", "scheduled"]
WINDOW_DAYS = 14  # "due" this many days ahead


def interval_days(plan: TreatmentPlan, intake: Intake | None = None) -> int:
    """Days between reviews: the payer profile's figure for the plan's setting, or the
    plan's own interval when shorter."""
    from assistant.validation.profiles import load

    profile = load(profile_for(plan, intake))
    setting = plan.header.setting or (intake.setting if intake is not None else None) or ""
    by_setting = profile.param("review_interval_days_by_setting", {}) or {}
    key = setting.strip().lower().replace(" ", "_").replace("-", "_")
    days = int(by_setting.get(key, profile.param("review_interval_days", 90)))
    own = plan.header.review_interval_days
    return min(days, own) if own else days


def due_date(plan: TreatmentPlan, intake: Intake | None = None) -> dt.date:
    """The next review date of a signed plan."""
    start = plandates.start(plan)
    by_interval = start + dt.timedelta(days=interval_days(plan, intake))
    planned = [d for d in plan.timeline.review_dates if d > start]
    return min([by_interval, *planned])


@dataclass(frozen=True)
class SignedPlan:
    """A plan's latest signed version, the intake it was drafted from and its owner."""

    version: int
    plan: TreatmentPlan
    intake: Intake | None
    owner: str


def latest_signed(s: Session, row: Plan) -> SignedPlan | None:
    """The latest signed version of ``row`` (its client's identifiers registered for
    redaction in logs), or None when the plan was never signed."""
    pv = s.scalar(
        select(PlanVersion)
        .where(PlanVersion.plan_id == row.id, PlanVersion.status == "signed")
        .order_by(PlanVersion.version.desc())
        .limit(1)
    )
    if pv is None:
        return None
    plan = loads(pv.document)
    protect(plan)
    owner = s.get(User, row.owner_id)
    return SignedPlan(pv.version, plan, stored_intake(row), owner.username if owner else "?")


@dataclass(frozen=True)
class DueReview:
    plan_id: int
    owner: str
    client_name: str
    signed_version: int
    due: dt.date
    days_left: int  # negative when overdue
    state: State
    interval_days: int


def due_reviews(
    store: object,
    actor: object,
    *,
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
    include_all: bool = False,
) -> list[DueReview]:
    """Signed plans ``actor`` owns or supervises, by due date: overdue, due within
    ``window_days``, and those whose review is already open (``in_review``); with
    ``include_all`` also those scheduled later. Plans never signed are not listed."""
    accounts = store.accounts  # type: ignore[attr-defined]
    engine = store.engine  # type: ignore[attr-defined]
    me = accounts.require(actor)
    out: list[DueReview] = []
    with Session(engine) as s:
        rows = s.scalars(
            select(Plan)
            .where(or_(Plan.owner_id == me.id, Plan.supervisor_id == me.id))
            .order_by(Plan.id)
        )
        for row in rows:
            signed = latest_signed(s, row)
            if signed is None:
                continue
            plan, intake = signed.plan, signed.intake
            when = due_date(plan, intake)
            left = (when - as_of).days
            state: State
            if row.status != "signed":
                state = "in_review"
            elif left < 0:
                state = "overdue"
            elif left <= window_days:
                state = "due"
            else:
                state = "scheduled"
            if state == "scheduled" and not include_all:
                continue
            out.append(
                DueReview(
                    row.id,
                    signed.owner,
                    plan.header.client_name,
                    signed.version,
                    when,
                    left,
                    state,
                    interval_days(plan, intake),
                )
            )
    return sorted(out, key=lambda d: (d.due, d.plan_id))
