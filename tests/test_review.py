"""Review: accept / edit / reject items, the supervisor's view, comments and counts."""

from __future__ import annotations

import pytest

from assistant import review
from assistant.errors import StoreError
from assistant.store import PlanStore, ReviewNote
from assistant.validation.report import Finding

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import Team, example_plan, suggested_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


def test_edit_keeps_the_suggestion_and_shows_a_diff() -> None:
    plan = suggested_plan()
    before = plan.goals[0].objectives[0].text
    out = review.edit(plan, "obj-1-1", before.replace("8 weeks", "10 weeks"), by="ana")
    o = out.goals[0].objectives[0]
    assert o.provenance.authorship == "edited"
    assert o.provenance.suggested_text == before
    assert "10 weeks" in o.text
    view = {v.item_id: v for v in review.view(out)}["obj-1-1"]
    assert view.suggestion == before and view.current == o.text
    assert "-" + before in view.diff and "+" + o.text in view.diff
    assert view.provenance == "knowledge gad.core v2 / obj-1-1"
    assert plan.goals[0].objectives[0].text == before, "the input plan is not changed"


def test_second_edit_still_diffs_against_the_original_suggestion() -> None:
    plan = suggested_plan()
    original = plan.problems[0].statement
    once = review.edit(plan, "prob-1", "first wording")
    twice = review.edit(once, "prob-1", "second wording")
    assert twice.problems[0].provenance.suggested_text == original


@pytest.mark.parametrize(
    ("action", "authorship"),
    [("accept", "accepted"), ("reject", "rejected")],
)
@pytest.mark.parametrize("ref", ["prob-1", "goal-1", "obj-1-2", "int-1", "interventions[0]"])
def test_accept_and_reject_every_kind_of_item(action: str, authorship: str, ref: str) -> None:
    plan = suggested_plan()
    out = getattr(review, action)(plan, ref)
    _, _, item = review.find_item(out, ref)
    assert item.provenance.authorship == authorship
    assert item.provenance.suggested_text is not None


def test_written_items_cannot_be_accepted_or_rejected() -> None:
    plan = example_plan()  # written by the clinician
    with pytest.raises(StoreError, match="written by the clinician"):
        review.accept(plan, "obj-1-1")
    with pytest.raises(StoreError, match="written by the clinician"):
        review.reject(plan, "obj-1-1")
    edited = review.edit(plan, "obj-1-1", "new words")
    assert edited.goals[0].objectives[0].provenance.authorship == "written"


def test_unknown_item_and_empty_edit_are_refused() -> None:
    plan = suggested_plan()
    with pytest.raises(StoreError, match="no item 'obj-9'"):
        review.accept(plan, "obj-9")
    with pytest.raises(StoreError, match="empty"):
        review.edit(plan, "obj-1-1", "   ")


def test_counts_for_eval_scripts() -> None:
    plan = suggested_plan()
    plan = review.accept(plan, "prob-1")
    plan = review.accept(plan, "goal-1")
    plan = review.edit(plan, "obj-1-1", "Client will reduce GAD-7 below 10 within 10 weeks.")
    plan = review.reject(plan, "int-2")
    c = review.counts(plan)
    total = len(list(plan.items()))
    assert (c.accepted, c.edited, c.rejected, c.written) == (2, 1, 1, 0)
    assert c.pending == total - 4
    assert c.as_dict()["rejected"] == 1


def test_rejected_items_leave_the_active_plan_and_their_links() -> None:
    plan = review.reject(suggested_plan(), "obj-1-1")
    act = review.active(plan)
    assert "obj-1-1" not in [o.id for _, _, o in act.objectives()]
    assert all("obj-1-1" not in iv.objective_ids for iv in act.interventions)


def test_findings_go_to_the_most_specific_item() -> None:
    plan = suggested_plan()
    findings = [
        Finding(
            "BL01", "baseline.missing", "error", "goals[0].objectives[1].baseline", "no baseline"
        ),
        Finding("GO01", "goal.vague", "warning", "goals[0].statement", "vague goal"),
        Finding("PL01", "plan.x", "warning", "timeline", "not an item"),
    ]
    views = {v.path: v for v in review.view(plan, findings)}
    assert [f.rule for f in views["goals[0].objectives[1]"].findings] == ["BL01"]
    assert [f.rule for f in views["goals[0]"].findings] == ["GO01"]
    assert all(f.rule != "PL01" for v in views.values() for f in v.findings)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (ReviewNote("obj-1-1", "too_vague", "x"), "unknown reason"),
        (ReviewNote("obj-9-9", "other", "x"), "no item"),
        (ReviewNote("obj-1-1", "other", "  "), "needs some words"),
    ],
)
def test_bad_comments_are_refused_and_nothing_changes(
    store: PlanStore, team: Team, note: ReviewNote, message: str
) -> None:
    pid = store.submit(team.ana, store.create(team.ana, example_plan()).plan_id).plan_id
    with pytest.raises(StoreError, match=message):
        store.return_plan(team.supervisor, pid, [note])
    assert store.get(team.ana, pid).status == "submitted"


def test_return_needs_at_least_one_comment(store: PlanStore, team: Team) -> None:
    pid = store.submit(team.ana, store.create(team.ana, example_plan()).plan_id).plan_id
    with pytest.raises(StoreError, match="at least one comment"):
        store.return_plan(team.supervisor, pid, [])


def test_clinician_sees_comments_on_the_next_version(store: PlanStore, team: Team) -> None:
    saved = store.create(team.ana, suggested_plan())
    submitted = store.submit(team.ana, saved.plan_id)
    store.return_plan(
        team.supervisor,
        saved.plan_id,
        [
            ReviewNote("obj-1-1", "vague_objective", "name the questionnaire and the cut-off"),
            ReviewNote("", "safety", "add a reassessment schedule"),
        ],
    )
    got = store.get(team.ana, saved.plan_id)
    comments = store.comments(team.ana, saved.plan_id)
    assert got.status == "returned"
    assert [(c.item_id, c.item_path, c.reason, c.author, c.version) for c in comments] == [
        ("obj-1-1", "goals[0].objectives[0]", "vague_objective", "sam", submitted.version),
        (None, "plan", "safety", "sam", submitted.version),
    ]
    edited = review.edit(got.plan, "obj-1-1", "Client will bring GAD-7 below 10 within 8 weeks.")
    again = store.save(team.ana, saved.plan_id, edited, expected_version=got.version)
    assert again.status == "returned"
    assert len(store.comments(team.ana, saved.plan_id)) == 2, (
        "comments stay visible until resubmitted"
    )
    resubmitted = store.submit(team.ana, saved.plan_id)
    approved = store.approve(team.supervisor, saved.plan_id)
    assert (resubmitted.status, approved.status) == ("submitted", "approved")
    stored = store.get(team.supervisor, saved.plan_id).plan
    assert stored.goals[0].objectives[0].provenance.authorship == "edited"


def test_real_validator_takes_a_supervisees_plan_to_signed(
    db_url: str, team: Team, store: PlanStore
) -> None:
    from assistant.store import PlanStore as Real

    real = Real(store.engine)  # the default: assistant.validation.validate
    pid = real.create(team.ana, example_plan("example_mdd")).plan_id
    real.submit(team.ana, pid)
    real.approve(team.supervisor, pid)
    assert real.sign(team.ana, pid).status == "approved"
    done = real.sign(team.supervisor, pid)
    assert done.status == "signed"
    assert {s.role for s in done.plan.signatures} == {"clinician", "supervisor"}
