"""Comparing two versions of a plan: each item added, removed or changed, named in words."""

from __future__ import annotations

from assistant import plandiff, planedit, planops
from tests.store_fixtures import example_plan


def test_changes_are_named_in_words_with_before_and_after() -> None:
    before = example_plan()
    after = planops.set_parts(before, "obj-1-1", target="8")
    after = planedit.remove(after, "int-2")
    after = planedit.add_problem(after, "Avoids driving.")
    found = {(c.where, c.what) for c in plandiff.compare(before, after)}
    assert ("Goal 1, objective 1", "changed") in found
    assert ("Intervention 2", "removed") in found
    assert ("Problem 2", "added") in found
    changed = next(c for c in plandiff.compare(before, after) if c.what == "changed")
    assert "target below 10" in changed.before and "target 8" in changed.after


def test_the_same_plan_has_no_changes() -> None:
    assert plandiff.compare(example_plan(), example_plan()) == []


def test_an_objective_status_set_by_a_plan_review_is_a_change() -> None:
    before = example_plan()
    goal = before.goals[0]
    met = goal.objectives[0].model_copy(update={"status": "met"})
    after = before.model_copy(
        update={"goals": [goal.model_copy(update={"objectives": [met, *goal.objectives[1:]]})]}
    )
    [change] = plandiff.compare(before, after)
    assert change.where == "Goal 1, objective 1"
    assert "status" not in change.before and change.after.endswith("; status met)")
