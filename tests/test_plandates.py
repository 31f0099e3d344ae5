"""Dates count from the signing day: review dates and objective due dates move with it, and
exports show the calendar date beside "within N weeks" and the supervisor who signed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assistant import plandates
from assistant.export import render
from assistant.plan import Signature, Timeframe, TreatmentPlan
from assistant.store import PlanStore

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import Team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


def _signed(plan: TreatmentPlan, on: dt.date) -> TreatmentPlan:
    sigs = [
        Signature(role="clinician", name="Ana Pires", credentials="LPC-A", signed_on=on),
        Signature(role="supervisor", name="Sam Reyes", credentials="PhD", signed_on=on),
    ]
    return plan.model_copy(update={"status": "signed", "signatures": sigs})


def test_review_and_due_dates_move_to_the_signing_day() -> None:
    plan = example_plan()
    created = plan.header.created
    g = plan.goals[0]
    o = g.objectives[0].model_copy(
        update={"timeframe": Timeframe(by_date=created + dt.timedelta(weeks=6))}
    )
    plan = plan.model_copy(
        update={"goals": [g.model_copy(update={"objectives": [o, *g.objectives[1:]]})]}
    )
    signing = created + dt.timedelta(days=30)
    moved = plandates.count_from_signing(plan, signing)
    assert moved.timeline.review_dates == [
        d + dt.timedelta(days=30) for d in plan.timeline.review_dates
    ]
    assert moved.goals[0].objectives[0].timeframe.by_date == signing + dt.timedelta(weeks=6)
    assert plandates.count_from_signing(plan, created) is plan  # signed the same day


def test_timeframe_text_gives_the_calendar_date() -> None:
    plan = example_plan()
    o = plan.goals[0].objectives[0]  # within 8 weeks
    assert plandates.timeframe_text(o, dt.date(2026, 10, 1)) == "within 8 weeks (by 2026-11-26)"
    assert plandates.timeframe_text(o, None) == "within 8 weeks"


def test_exports_count_from_signing_and_name_the_supervisor_who_signed() -> None:
    on = dt.date(2026, 10, 1)
    plan = _signed(example_plan(), on)
    md = render(plan, "md").decode()
    assert "within 8 weeks (by 2026-11-26)" in md
    assert "Sam Reyes, PhD" in md.split("## Diagnoses")[0]
    assert "2026-10-01" in md.split("## Diagnoses")[0]  # the signing date in the header
    bundle = json.loads(render(plan, "fhir"))
    dues = [
        t["dueDate"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Goal"
        for t in e["resource"].get("target", [])
        if "dueDate" in t
    ]
    assert "2026-11-26" in dues


def test_the_store_moves_the_dates_when_the_last_signature_goes_on(
    store: PlanStore, team: Team
) -> None:
    plan = example_plan()
    saved = store.create(team.ana, plan)
    store.submit(team.ana, saved.plan_id)
    store.approve(team.supervisor, saved.plan_id)
    later = plan.header.created + dt.timedelta(days=21)
    half = store.sign(team.ana, saved.plan_id, signed_on=later)
    shifted = [d + dt.timedelta(days=21) for d in plan.timeline.review_dates]
    assert half.plan.timeline.review_dates == shifted
    done = store.sign(team.supervisor, saved.plan_id, signed_on=later + dt.timedelta(days=7))
    assert done.status == "signed"
    assert done.plan.timeline.review_dates == [d + dt.timedelta(days=7) for d in shifted]
    assert plandates.signed_on(done.plan) == later + dt.timedelta(days=7)
