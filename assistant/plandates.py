"""A plan's dates count from the day it is signed.

Review dates and objective due dates are drafted from the intake date; a plan signed weeks
later would already be overdue. :func:`count_from_signing` moves them by the days between
the plan date and the signing date (the store calls it when the last needed signature is
added); :func:`due` and :func:`timeframe_text` give an objective's calendar date beside its
"within N weeks" for the app and the exports.
"""

from __future__ import annotations

import datetime as dt

from assistant.plan import Objective, TreatmentPlan

STAFF = ("clinician", "supervisor")


def signed_on(plan: TreatmentPlan) -> dt.date | None:
    """The day the plan took its latest staff signature (None before the first)."""
    days = [s.signed_on for s in plan.signatures if s.role in STAFF]
    return max(days) if days else None


def start(plan: TreatmentPlan) -> dt.date:
    """The day the plan's weeks count from: its signing day, else the plan date."""
    return signed_on(plan) or plan.header.created


def due(o: Objective, start: dt.date) -> dt.date | None:
    tf = o.timeframe
    if tf.by_date is not None:
        return tf.by_date
    if tf.weeks is not None:
        return start + dt.timedelta(weeks=tf.weeks)
    return None


def timeframe_text(o: Objective, start: dt.date | None) -> str:
    """'within 8 weeks (by 2026-11-24)'; the date only when there is a start to count from."""
    said = o.timeframe.text()
    when = due(o, start) if start is not None else None
    if when is None or o.timeframe.by_date is not None:
        return said
    return f"{said} (by {when.isoformat()})"


def count_from_signing(plan: TreatmentPlan, when: dt.date) -> TreatmentPlan:
    """``plan`` (before a new staff signature goes on) with its review dates and objective
    due dates moved so they count from ``when`` rather than from where they count now (the
    plan date, or an earlier signature). Signed the same day: unchanged."""
    shift = when - start(plan)
    if shift.days <= 0:
        return plan
    tl = plan.timeline
    timeline = tl.model_copy(update={"review_dates": [d + shift for d in tl.review_dates]})
    goals = []
    for g in plan.goals:
        objectives = []
        for o in g.objectives:
            if o.timeframe.by_date is not None:
                tf = o.timeframe.model_copy(update={"by_date": o.timeframe.by_date + shift})
                o = o.model_copy(update={"timeframe": tf})
            objectives.append(o)
        goals.append(g.model_copy(update={"objectives": objectives}))
    return plan.model_copy(update={"timeline": timeline, "goals": goals})
