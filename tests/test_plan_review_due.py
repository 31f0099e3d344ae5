"""Review due dates from the payer profile, and the list of plans due and overdue that the
inbox shows (the signed-in clinician's, and a supervisor's clinicians')."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.plan import TreatmentPlan, load
from assistant.progress.measures import load as load_measures
from assistant.progress.report import assess
from assistant.progress.review import ObjectiveDisposition, prefill
from assistant.store import PlanStore
from assistant.store.review_due import due_date, due_reviews, interval_days
from assistant.store.reviews import start_review

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import Team  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)

DATA = Path(__file__).parent / "data" / "progress"
SIGNED_ON = dt.date(2026, 10, 5)


def plan(**header: object) -> TreatmentPlan:
    p = load(DATA / "gad_plan.json")
    timeline = p.timeline.model_copy(update={"review_dates": []})
    return p.model_copy(update={"header": p.header.model_copy(update=header), "timeline": timeline})


def test_interval_comes_from_the_profile_by_setting_and_the_plan_may_be_stricter() -> None:
    assert interval_days(plan(review_interval_days=None)) == 90
    assert interval_days(plan(review_interval_days=None, setting="partial_hospitalization")) == 30
    assert interval_days(plan(review_interval_days=None, setting="Partial hospitalization")) == 30
    assert interval_days(plan(review_interval_days=60)) == 60
    assert interval_days(plan(review_interval_days=120)) == 90  # the payer's limit holds
    assert interval_days(plan(review_interval_days=None, payer="Medicare")) == 90


def test_due_date_counts_from_signing_and_an_earlier_planned_review_wins() -> None:
    from assistant.plan import Signature

    signed = plan(review_interval_days=None).model_copy(
        update={
            "signatures": [Signature(role="clinician", name="D. Okafor", signed_on=SIGNED_ON)],
            "status": "signed",
        }
    )
    assert due_date(signed) == SIGNED_ON + dt.timedelta(days=90)
    early = signed.model_copy(
        update={
            "timeline": signed.timeline.model_copy(update={"review_dates": [dt.date(2026, 12, 1)]})
        }
    )
    assert due_date(early) == dt.date(2026, 12, 1)


def _signed(store: PlanStore, team: Team, owner: str, **header: object) -> int:
    me = getattr(team, owner)
    pid = store.create(me, plan(**header)).plan_id
    if owner == "solo":
        store.sign(me, pid, signed_on=SIGNED_ON)
    else:
        store.submit(me, pid)
        store.approve(team.supervisor, pid)
        store.sign(me, pid, signed_on=SIGNED_ON)
        store.sign(team.supervisor, pid, signed_on=SIGNED_ON)
    return pid


def test_due_and_overdue_for_the_clinician_and_their_supervisor(
    store: PlanStore, team: Team
) -> None:
    php = _signed(store, team, "ana", setting="partial_hospitalization", review_interval_days=None)
    outpatient = _signed(store, team, "ben", review_interval_days=None)
    store.create(team.ana, plan())  # never signed: nothing to review yet
    as_of = dt.date(2026, 11, 10)  # 36 days after signing
    mine = due_reviews(store, team.ana, as_of=as_of)
    assert [(d.plan_id, d.state, d.due, d.days_left) for d in mine] == [
        (php, "overdue", dt.date(2026, 11, 4), -6)
    ]
    theirs = due_reviews(store, team.supervisor, as_of=as_of)
    assert [(d.plan_id, d.owner, d.state) for d in theirs] == [(php, "ana", "overdue")]
    later = due_reviews(store, team.supervisor, as_of=as_of, include_all=True)
    assert [(d.plan_id, d.state, d.interval_days) for d in later] == [
        (php, "overdue", 30),
        (outpatient, "scheduled", 90),
    ]
    soon = due_reviews(store, team.supervisor, as_of=dt.date(2026, 12, 24))
    assert [(d.plan_id, d.state, d.days_left) for d in soon] == [
        (php, "overdue", -50),
        (outpatient, "due", 10),
    ]
    assert due_reviews(store, team.other_sup, as_of=as_of, include_all=True) == []


def test_an_open_review_shows_as_in_review(store: PlanStore, team: Team) -> None:
    pid = _signed(store, team, "solo")
    as_of = dt.date(2026, 11, 30)
    measures = load_measures(DATA / "gad_nurse_week8.json", today=as_of)
    report = assess(store.get(team.solo, pid).plan, measures, as_of=as_of)
    given = {
        d.objective_id: ObjectiveDisposition(
            objective_id=d.objective_id, disposition=d.disposition, rationale="As measured."
        )
        for d in prefill(report)
    }
    start_review(store, team.solo, pid, measures, given, as_of=as_of)
    [row] = due_reviews(store, team.solo, as_of=as_of)
    assert (row.plan_id, row.state, row.signed_version) == (pid, "in_review", 2)
