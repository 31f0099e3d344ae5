"""A plan review is a new version of a signed plan, linked to the version it reviews, and goes
through the same submit, approve and sign steps (store side; the CLI is in
test_plan_review_cli.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.errors import AccessDenied, StoreError
from assistant.plan import TreatmentPlan, load
from assistant.progress.measures import MeasuresFile
from assistant.progress.measures import load as load_measures
from assistant.progress.review import ObjectiveDisposition
from assistant.store import PlanStore, TamperedError
from assistant.store.records import ValidationBlocked
from assistant.store.reviews import ReviewBlocked, reviews_of, start_review

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import FakeValidator, Team  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)

DATA = Path(__file__).parent / "data" / "progress"
AS_OF = dt.date(2026, 11, 30)
SIGNED_ON = dt.date(2026, 10, 5)


def gad_plan() -> TreatmentPlan:
    return load(DATA / "gad_plan.json")


def measures() -> MeasuresFile:
    return load_measures(DATA / "gad_nurse_week8.json", today=AS_OF)


def choices(**changes: tuple[str, str] | tuple[str, str, str]) -> dict[str, ObjectiveDisposition]:
    """A rationale for every objective, each keeping the suggestion unless changed
    (keys use _ for the dot: G1_O3)."""
    suggested = {
        "G1.O1": "deferred",
        "G1.O2": "deferred",
        "G1.O3": "met",
        "G2.O1": "partially_met",
        "G2.O2": "partially_met",
    }
    out = {}
    for k, disp in suggested.items():
        change = changes.get(k.replace(".", "_"), (disp, "As the measures show."))
        out[k] = ObjectiveDisposition(
            objective_id=k,
            disposition=change[0],
            rationale=change[1],
            justification=change[2] if len(change) > 2 else "",
        )
    return out


def signed_solo(store: PlanStore, team: Team) -> int:
    saved = store.create(team.solo, gad_plan())
    store.sign(team.solo, saved.plan_id, signed_on=SIGNED_ON)
    return saved.plan_id


def test_review_is_a_new_version_linked_to_the_signed_one(store: PlanStore, team: Team) -> None:
    pid = signed_solo(store, team)
    started = start_review(
        store, team.solo, pid, measures(),
        choices(
            G2_O1=("revised", "Sleep onset halved; new target from here."),
            G1_O1=("revised", "Practice days to be logged from now on."),
        ),
        as_of=AS_OF,
    )  # fmt: skip
    assert (started.stored.version, started.reviews_version, started.stored.status) == (
        3,
        2,
        "draft",
    )
    doc = store.get(team.solo, pid).plan
    by_id = {o.id: o for _, _, o in doc.objectives()}
    assert by_id["G1.O3"].status == "met"
    assert by_id["G2.O2"].status == "partially_met"
    # the revised objective starts from the latest sleep-onset reading
    assert by_id["G2.O1"].status == "in_progress"
    new_base = by_id["G2.O1"].baseline
    assert new_base is not None and (new_base.value, new_base.date) == (25.0, AS_OF)
    # no relaxation-practice reading since the baseline: the old baseline stays, and it is said
    assert by_id["G1.O1"].baseline == gad_plan().objective("G1.O1").baseline  # type: ignore[union-attr]
    assert [(f.code, f.objective_id) for f in started.findings] == [("RV10", "G1.O1")]
    assert doc.header.last_reviewed == AS_OF and doc.signatures == []
    assert doc.timeline.review_dates == [AS_OF + dt.timedelta(days=90)]
    # the signed version it reviews is unchanged
    old = store.get(team.solo, pid, 2).plan
    old_base = {o.id: o for _, _, o in old.objectives()}["G2.O1"].baseline
    assert old.status == "signed" and old_base is not None and old_base.value == 50
    [record] = reviews_of(store, team.solo, pid)
    assert (record.version, record.reviews_version, record.as_of) == (3, 2, AS_OF)
    assert {d.objective_id: d.disposition for d in record.dispositions}["G2.O1"] == "revised"
    assert "GAD-7: 15 (" in {d.objective_id: d for d in record.dispositions}["G1.O3"].evidence
    history = store.history(team.solo, pid)
    assert history[-1].note.startswith("review of version 2 as of 2026-11-30")
    assert store.verify(team.solo, pid) == []
    # the same signing step makes the review final
    signed = store.sign(team.solo, pid, signed_on=dt.date(2026, 12, 2))
    assert (signed.version, signed.status) == (4, "signed")


def test_a_disposition_against_the_numbers_is_refused_until_justified(
    store: PlanStore, team: Team
) -> None:
    pid = signed_solo(store, team)
    wrong = choices(G1_O3=("not_met", "Still anxious at work."))
    with pytest.raises(ReviewBlocked) as got:
        start_review(store, team.solo, pid, measures(), wrong, as_of=AS_OF)
    assert [f.code for f in got.value.findings] == ["RV06"]
    assert "G1.O3 is marked not met, but the latest reading meets the target" in str(got.value)
    assert store.get(team.solo, pid).version == 2  # nothing written
    justified = choices(
        G1_O3=("not_met", "Still anxious at work.", "Score fell but she avoids shifts.")
    )
    started = start_review(store, team.solo, pid, measures(), justified, as_of=AS_OF)
    assert [(f.code, f.severity) for f in started.findings] == [("RV06", "justified")]


def test_every_objective_needs_a_rationale(store: PlanStore, team: Team) -> None:
    pid = signed_solo(store, team)
    given = choices()
    del given["G2.O2"]  # keeps the suggestion, but nobody said why
    given["G1.O1"] = given["G1.O1"].model_copy(update={"rationale": "  "})
    with pytest.raises(ReviewBlocked) as got:
        start_review(store, team.solo, pid, measures(), given, as_of=AS_OF)
    assert sorted((f.code, f.objective_id) for f in got.value.findings) == [
        ("RV01", "G1.O1"),
        ("RV01", "G2.O2"),
    ]


def test_only_a_signed_plan_is_reviewed_by_its_owner(store: PlanStore, team: Team) -> None:
    draft = store.create(team.solo, gad_plan())
    with pytest.raises(StoreError, match="it is draft; a review starts from the signed plan"):
        start_review(store, team.solo, draft.plan_id, measures(), choices(), as_of=AS_OF)
    pid = signed_solo(store, team)
    with pytest.raises(AccessDenied):
        start_review(store, team.ana, pid, measures(), choices(), as_of=AS_OF)
    start_review(store, team.solo, pid, measures(), choices(), as_of=AS_OF)
    with pytest.raises(StoreError, match="it is draft"):  # one open review at a time
        start_review(store, team.solo, pid, measures(), choices(), as_of=AS_OF)


def test_measures_of_another_client_are_refused(store: PlanStore, team: Team) -> None:
    pid = signed_solo(store, team)
    other = measures().model_copy(update={"record_id": "MRN-00001"})
    with pytest.raises(StoreError, match="measures record_id: .*another client's record"):
        start_review(store, team.solo, pid, other, choices(), as_of=AS_OF)


def test_supervised_review_goes_through_submit_approve_sign_and_the_gate(
    store: PlanStore, team: Team, validator: FakeValidator
) -> None:
    pid = store.create(team.ana, gad_plan()).plan_id
    store.submit(team.ana, pid)
    store.approve(team.supervisor, pid)
    store.sign(team.ana, pid, signed_on=SIGNED_ON)
    store.sign(team.supervisor, pid, signed_on=SIGNED_ON)
    with pytest.raises(AccessDenied):  # the supervisor reads it but the clinician reviews it
        start_review(store, team.supervisor, pid, measures(), choices(), as_of=AS_OF)
    started = start_review(store, team.ana, pid, measures(), choices(), as_of=AS_OF)
    assert started.reviews_version == 5
    with pytest.raises(StoreError, match="needs the supervisor's approval"):
        store.sign(team.ana, pid)
    validator.fail()
    with pytest.raises(ValidationBlocked):
        store.submit(team.ana, pid)
    validator.errors = []
    store.submit(team.ana, pid)
    store.approve(team.supervisor, pid)
    store.sign(team.ana, pid, signed_on=dt.date(2026, 12, 1))
    final = store.sign(team.supervisor, pid, signed_on=dt.date(2026, 12, 1))
    assert final.status == "signed"
    assert [a.action for a in store.audit(team.ana, pid) if a.action != "read"][-5:] == [
        "review", "submit", "approve", "sign", "sign",
    ]  # fmt: skip


def test_a_stored_review_cannot_be_changed(store: PlanStore, team: Team) -> None:
    pid = signed_solo(store, team)
    start_review(store, team.solo, pid, measures(), choices(), as_of=AS_OF)
    with pytest.raises(Exception, match="never changed"), store.engine.begin() as conn:
        conn.execute(text("UPDATE plan_reviews SET dispositions = '[]'"))
    with pytest.raises(Exception, match="never changed"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM plan_reviews"))
    assert len(reviews_of(store, team.solo, pid)) == 1


def test_a_review_changed_behind_the_assistant_is_caught(store: PlanStore, team: Team) -> None:
    pid = signed_solo(store, team)
    start_review(store, team.solo, pid, measures(), choices(), as_of=AS_OF)
    with store.engine.begin() as conn:  # someone with full rights edits the row directly
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER plan_reviews_immutable ON plan_reviews"))
        else:
            conn.execute(text("DROP TRIGGER plan_reviews_no_update"))
        conn.execute(
            text("UPDATE plan_reviews SET dispositions = replace(dispositions, 'met', 'not_met')")
        )
    with pytest.raises(TamperedError, match="review of version 2 differs from what was written"):
        reviews_of(store, team.solo, pid)
    [problem] = store.verify(team.solo, pid)  # plan verify names it too
    assert (problem.where, problem.field) == (f"plan {pid} review of version 2", "review")
