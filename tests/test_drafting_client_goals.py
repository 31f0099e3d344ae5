"""A goal the client named gets an objective when nothing else measures it and the intake
says the client does not do it now; otherwise it stays in the goal statement only."""

from __future__ import annotations

import json
from typing import Any

from assistant import intake as intake_mod
from assistant.drafting import draft
from assistant.plan import Objective, TreatmentPlan
from assistant.text import figures
from assistant.validation import lint_objective
from tests.conftest import INTAKES


def _doc(name: str = "ptsd_assault.json") -> dict[str, Any]:
    return json.loads((INTAKES / name).read_text(encoding="utf-8"))


def _plan(doc: dict[str, Any]) -> TreatmentPlan:
    result = draft(intake_mod.parse(doc))
    assert result.report.ok, [f.message for f in result.report.errors]
    return result.plan


def _goal_objectives(plan: TreatmentPlan) -> list[Objective]:
    return [
        o
        for _, _, o in plan.objectives()
        if o.baseline is not None and o.baseline.source.startswith("not done at intake:")
    ]


def test_the_clients_goal_to_drive_after_dark_becomes_an_objective_quoting_the_intake() -> None:
    plan = _plan(_doc())
    (o,) = _goal_objectives(plan)
    assert '"drive to work after dark on my own"' in o.text
    assert o.metric == 'doing "drive to work after dark on my own" again'
    assert o.baseline is not None and o.baseline.value == 0
    assert "avoidance of parking garages and driving after dark" in o.baseline.source
    assert o.direction == "achieve" and o.timeframe.weeks is not None
    # provenance names the goal and the words it came from
    assert o.provenance.source == "intake"
    assert "client_goals[0]" in o.provenance.note
    assert "presenting_problems[0].symptoms[2]" in o.provenance.note
    # a whole objective to a supervisor's linter, and no figure beyond its weeks and 0
    lint = lint_objective(o.text)
    assert lint.kind == "objective" and not lint.missing, lint
    assert figures(o.text) == {0.0, float(o.timeframe.weeks)}
    # worked on in the plan's therapy, like the goal's other objectives
    assert any(o.id in iv.objective_ids for iv in plan.interventions)


def test_a_goal_the_intake_never_says_is_not_done_now_gets_no_objective() -> None:
    doc = _doc()
    problem = doc["presenting_problems"][0]
    # the intake no longer says the client avoids driving after dark
    problem["symptoms"] = [s for s in problem["symptoms"] if "driving" not in s]
    problem["summary"] = problem["summary"].replace("avoidance of garages and evening outings", "")
    assert _goal_objectives(_plan(doc)) == []


def test_a_goal_another_objective_already_measures_gets_no_second_one() -> None:
    doc = _doc()
    doc["client_goals"] = ["sleep without nightmares"]
    doc["presenting_problems"][0]["functional_impact"].append("stopped sleeping in the bedroom")
    plan = _plan(doc)
    assert _goal_objectives(plan) == []
    assert any("nightmares" in (o.metric or "") for _, _, o in plan.objectives())


def test_a_stopped_activity_in_the_functional_impact_is_found() -> None:
    doc = _doc()
    doc["client_goals"] = ["go back to choir"]
    doc["presenting_problems"][0]["functional_impact"].append("stopped going to choir on Sundays")
    (o,) = _goal_objectives(_plan(doc))
    assert '"go back to choir"' in o.text
    assert "stopped going to choir on Sundays" in o.baseline.source  # type: ignore[union-attr]
