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


def test_forgetting_the_intakes_empties_every_table_and_changes_no_finding() -> None:
    from assistant.validation import context, forget_intakes, rules_evidence, rules_figures

    plan_doc, intake_doc = _docs()
    plan_doc["goals"][0]["objectives"][0]["provenance"] = {"source": "model", "model": "test"}
    before = _check(plan_doc, intake_doc)
    tables = (context._INTAKE_NUMBERS, rules_figures._BY_INTAKE, rules_evidence._CLIENT_WORDS)
    assert all(tables), "a check left one of the intake tables empty"
    forget_intakes()
    assert not any(tables), "forget_intakes left an intake table filled"
    assert _check(plan_doc, intake_doc) == before
