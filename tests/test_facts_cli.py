"""``python -m assistant facts``: the case facts of an intake on the command line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli import _register, app
from tests.conftest import INTAKES

runner = CliRunner()
_register()


def test_facts_text_lists_each_fact_with_its_words() -> None:
    res = runner.invoke(app, ["facts", str(INTAKES / "aud_with_anxiety.json")])
    assert res.exit_code == 0, res.output
    assert "15 fact(s)" in res.output
    assert "Alcohol: current use (withdrawal: current signs)" in res.output
    assert 'risk.notes "mild morning tremor"' in res.output
    assert "Ruled out: withdrawal seizures" in res.output


def test_facts_json_is_the_case_facts_model() -> None:
    res = runner.invoke(
        app, ["facts", str(INTAKES / "opioid_iop_drug_court.json"), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == "case-facts/1"
    assert data["legal"]["deadline"] == "2027-03-01"
    assert data["level_of_care"]["days_per_week"] == 3


def test_facts_of_a_refused_intake_name_the_field_and_exit_2() -> None:
    res = runner.invoke(app, ["facts", str(INTAKES / "invalid" / "score_out_of_range.json")])
    assert res.exit_code == 2
    assert "assessments[0].score" in res.output
