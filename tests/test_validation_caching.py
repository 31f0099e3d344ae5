"""The validator reads each sentence once and reuses what it read; the findings still follow
each plan's own fields. A sentence seen before in a plan whose fields agreed with it must
still be flagged in a plan whose fields say otherwise, and the other way round."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import intake as intake_mod
from assistant import plan as plan_mod
from assistant.plan import Target
from assistant.validation import validate

DATA = Path(__file__).parent / "data"


def _fresh() -> tuple[plan_mod.TreatmentPlan, intake_mod.Intake]:
    """A new plan and intake object each time, as a plan read back from the store is."""
    return (
        plan_mod.load(DATA / "plans" / "example_gad.json"),
        intake_mod.load(DATA / "intakes" / "example_gad.json"),
    )


def _ms04_paths(plan: plan_mod.TreatmentPlan, intake: intake_mod.Intake) -> list[str]:
    return [f.path for f in validate(plan, intake).findings if f.rule == "MS04"]


def _target_8(plan: plan_mod.TreatmentPlan) -> None:
    o = plan.goals[0].objectives[0]  # "... from 17 (severe) to under 10 (moderate) within 8 weeks"
    o.target = Target(value=8, text="below 8", comparator="<")


def _twelve_weeks(plan: plan_mod.TreatmentPlan) -> None:
    plan.goals[0].objectives[0].timeframe.weeks = 12


@pytest.mark.parametrize("change", [_target_8, _twelve_weeks], ids=["target", "timeframe"])
def test_same_sentence_is_judged_against_each_plans_own_fields(change: object) -> None:
    agreeing, intake = _fresh()
    assert _ms04_paths(agreeing, intake) == []

    disagreeing, intake = _fresh()
    change(disagreeing)  # type: ignore[operator]
    assert _ms04_paths(disagreeing, intake) == ["goals[0].objectives[0].text"]

    again, intake = _fresh()  # the sentence was read twice already; the fields agree again
    assert _ms04_paths(again, intake) == []


def test_findings_do_not_depend_on_what_was_validated_before() -> None:
    """Validating plans in a different order gives every plan the same findings."""
    plans = []
    for change in (None, _target_8, _twelve_weeks):
        plan, intake = _fresh()
        if change is not None:
            change(plan)
        plans.append((plan, intake))

    def lines(order: list[int]) -> dict[int, list[str]]:
        return {i: [f.line() for f in validate(*plans[i]).findings] for i in order}

    assert lines([0, 1, 2]) == lines([2, 1, 0])
