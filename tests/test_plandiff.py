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
