"""An objective's parts are the objective: the sentence follows them, a written sentence is
read back into them, and items can be added, removed and moved."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant import planedit, planops
from assistant.errors import StoreError
from assistant.plan import Objective, Target, Timeframe
from assistant.validation import lint_objective, validate
from assistant.validation.rules_agreement import contradictions
from tests.store_fixtures import EXAMPLE_PLANS, example_plan, suggested_plan


def _obj(plan, ref: str) -> Objective:  # type: ignore[no-untyped-def]
    for _, _, o in plan.objectives():
        if o.id == ref:
            return o
    raise KeyError(ref)


def _ms(plan, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.path for f in validate(plan).findings if f.rule == code]


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_rendered_sentence_states_every_part_and_agrees(path) -> None:  # type: ignore[no-untyped-def]
    plan = example_plan(path.stem)
    for _, _, o in plan.objectives():
        text = planops.render_sentence(o)
        assert contradictions(o.model_copy(update={"text": text})) == []
        parsed = lint_objective(text)
        assert parsed.has("timeframe"), text
        if o.measurement:
            assert o.measurement.rstrip(".") in text
        for m in (o.baseline, o.target):
            if m is not None:
                assert m.text in text


def test_target_phrase_adds_the_comparator_only_when_the_text_lacks_one() -> None:
    assert planops.target_phrase(Target(value=8, text="8", comparator="<")) == "below 8"
    assert planops.target_phrase(Target(value=5, text="5", comparator=">=")) == "at least 5"
    said = Target(value=2, text="2 or fewer per week", comparator="<=")
    assert planops.target_phrase(said) == "2 or fewer per week"


def test_changing_the_target_field_changes_the_sentence_and_ms04_stays_quiet() -> None:
    plan = example_plan()
    new = planops.set_parts(plan, "obj-1-1", target="8", by="jwhitlow")
    o = _obj(new, "obj-1-1")
    assert o.target is not None and o.target.value == 8
    assert "under 8" in o.text and "10" not in o.text
    assert "(moderate)" not in o.text  # the old band label went with the old figure
    assert o.provenance.author == "jwhitlow"
    assert _ms(new, "MS04") == [] and _ms(new, "MS03") == []


def test_timeframe_and_baseline_date_and_source_are_parts_too() -> None:
    plan = example_plan()
    new = planops.set_parts(
        plan,
        "obj-1-1",
        weeks=12,
        baseline_date=dt.date(2026, 9, 1),
        baseline_source="GAD-7 at the first session",
    )
    o = _obj(new, "obj-1-1")
    assert o.timeframe == Timeframe(weeks=12)
    assert "within 12 weeks" in o.text and "8 weeks" not in o.text
    assert o.baseline is not None
    assert (o.baseline.date, o.baseline.source) == (
        dt.date(2026, 9, 1),
        "GAD-7 at the first session",
    )
    by_session = planops.set_parts(plan, "obj-1-1", by_session=10)
    assert "by session 10" in _obj(by_session, "obj-1-1").text


def test_a_sentence_that_cannot_take_the_new_figure_is_rendered_from_the_parts() -> None:
    plan = example_plan()
    # two figures "0" in the sentence: which one is the baseline cannot be told
    o = _obj(plan, "obj-1-3")
    odd = o.model_copy(update={"text": "Fill in 3 records a week from 0 and 0 doubts in 6 weeks."})
    assert odd.baseline is not None
    changed = odd.model_copy(
        update={"baseline": odd.baseline.model_copy(update={"value": 1.0, "text": "1"})}
    )
    new = planops.follow_parts(odd, changed)
    assert new == planops.render_sentence(changed)
    assert "from 1 to at least 3 per week" in new


def test_unchanged_parts_leave_the_plan_as_it_was() -> None:
    plan = example_plan()
    o = _obj(plan, "obj-1-1")
    assert o.target is not None
    assert planops.set_parts(plan, "obj-1-1", target=o.target.text) is plan


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"baseline": "  "}, "baseline"), ({"target": ""}, "target")],
)
def test_empty_figure_is_refused_naming_the_part(kwargs, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match=words):
        planops.set_parts(example_plan(), "obj-1-1", **kwargs)


def test_written_sentence_is_read_back_into_the_parts() -> None:
    got = planops.parse_sentence(
        "Reduce GAD-7 from 16 to below 8 within 10 weeks, as measured by the GAD-7 each session."
    )
    assert (got.baseline, got.target, got.comparator, got.weeks) == ("16", "below 8", "<", 10)
    assert got.measurement == "the GAD-7 each session"
    assert got.missing == ()


def test_using_a_written_sentence_updates_the_parts_so_they_agree() -> None:
    plan = example_plan()
    text = (
        "Client will bring the GAD-7 down from 17 to below 8 within 12 weeks, scored at the "
        "start of every session."
    )
    new = planops.use_sentence(plan, "obj-1-1", text, by="jwhitlow")
    o = _obj(new, "obj-1-1")
    assert o.text == text
    assert o.target is not None and o.target.value == 8 and o.target.comparator == "<"
    assert o.timeframe.weeks == 12
    assert _ms(new, "MS04") == []


def test_a_mismatch_left_by_hand_is_still_refused() -> None:
    plan = example_plan()
    o = _obj(plan, "obj-1-1")
    assert o.target is not None
    bad = o.model_copy(update={"target": o.target.model_copy(update={"value": 8.0, "text": "8"})})
    from assistant import review

    path, _, _ = review.find_item(plan, "obj-1-1")
    assert _ms(review._replace(plan, path, bad), "MS04") == ["goals[0].objectives[0].text"]


def test_add_and_remove_an_objective_with_its_links() -> None:
    plan = suggested_plan()
    added = planedit.add_objective(
        plan,
        "goal-1",
        "Reduce panic attacks from 4 to 1 or fewer per week within 6 weeks, as "
        "recorded in a panic diary.",
        by="jwhitlow",
    )
    o = added.goals[0].objectives[-1]
    assert o.provenance.authorship == "written"
    assert o.baseline is not None and o.baseline.value == 4
    assert o.target is not None and o.target.value == 1
    assert o.timeframe.weeks == 6
    assert planedit.label(added, o.id) == f"Goal 1, objective {len(added.goals[0].objectives)}"
    gone = planedit.remove(plan, "obj-1-1")
    assert "obj-1-1" not in {i.id for _, _, i in gone.items()}
    assert all("obj-1-1" not in iv.objective_ids for iv in gone.interventions)


def test_remove_a_problem_unlinks_goals_and_move_reorders() -> None:
    plan = planedit.add_problem(example_plan(), "Avoids driving since the accident.")
    assert plan.problems[-1].id == "prob-2"
    plan = planedit.add_goal(plan, "Drive to work again.", ["prob-2"])
    assert planedit.remove(plan, "prob-2").goals[-1].problem_ids == []
    moved = planedit.move(plan, "obj-1-2", -1)
    assert [o.id for o in moved.goals[0].objectives][:2] == ["obj-1-2", "obj-1-1"]
    assert planedit.move(moved, "obj-1-2", -1) == moved  # already first
    ivs = planedit.move(plan, "int-1", 2)
    assert [i.id for i in ivs.interventions][:3] == ["int-2", "int-3", "int-1"]


def test_adding_empty_text_is_refused() -> None:
    with pytest.raises(StoreError, match="New objective under Goal 1: write the text"):
        planedit.add_objective(example_plan(), "goal-1", "   ")
    with pytest.raises(StoreError, match="choose at least one objective"):
        planedit.add_intervention(example_plan(), "Exposure", "CBT", [])


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("goals[0].objectives[1].baseline.value", "Goal 1, objective 2: baseline"),
        ("goals[0].objectives[0].text", "Goal 1, objective 1: sentence"),
        ("interventions[2].frequency", "Intervention 3: frequency"),
        ("problems[0]", "Problem 1"),
        ("timeline.review_dates", "Timeline: review dates"),
    ],
)
def test_finding_paths_read_as_words(path: str, words: str) -> None:
    assert planedit.where(example_plan(), path) == words
