"""What the validator reads from an intake is remembered per intake content, so a plan
re-checked while it is edited does not re-read it. A changed intake must still be read
afresh: a stale reading would hide or invent findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant import intake as intake_mod
from assistant import plan as plan_mod
from assistant.validation import validate

DATA = Path(__file__).parent / "data"


def _docs() -> tuple[dict[str, Any], dict[str, Any]]:
    plan_doc = json.loads((DATA / "plans" / "example_gad.json").read_text())
    intake_doc = json.loads((DATA / "intakes" / "example_gad.json").read_text())
    return plan_doc, intake_doc


def _check(plan_doc: dict[str, Any], intake_doc: dict[str, Any]) -> set[tuple[str, str]]:
    plan = plan_mod.loads(json.dumps(plan_doc))
    report = validate(plan, intake_mod.parse(intake_doc))
    return {(f.rule, f.path) for f in report.findings}


def test_an_intake_score_taken_away_is_missed_afresh() -> None:
    plan_doc, intake_doc = _docs()
    plan_doc["goals"][0]["objectives"][0]["provenance"] = {"source": "model", "model": "test"}
    where = ("NI03", "goals[0].objectives[0].baseline")
    assert where not in _check(plan_doc, intake_doc)
    intake_doc["assessments"] = []  # the plan still starts from a GAD-7 of 17
    assert where in _check(plan_doc, intake_doc)


def test_a_strength_added_to_the_intake_is_looked_for_afresh() -> None:
    plan_doc, intake_doc = _docs()
    assert ("ID02", "strengths") not in _check(plan_doc, intake_doc)
    intake_doc["strengths"].append("meets work deadlines")  # the plan's words: work deadlines
    assert ("ID02", "strengths") not in _check(plan_doc, intake_doc)
    intake_doc["strengths"].append("plays the cello in a community orchestra")
    assert ("ID02", "strengths") in _check(plan_doc, intake_doc)


def test_a_figure_new_to_the_intake_text_is_traced_afresh() -> None:
    plan_doc, intake_doc = _docs()
    plan_doc["problems"][0]["provenance"] = {"source": "model", "model": "test-model"}
    plan_doc["problems"][0]["statement"] += " Missed 613 hours of work."
    assert ("NI01", "problems[0].statement") in _check(plan_doc, intake_doc)
    intake_doc["notes"] = (intake_doc.get("notes") or "") + " Missed 613 hours of work this year."
    assert ("NI01", "problems[0].statement") not in _check(plan_doc, intake_doc)
