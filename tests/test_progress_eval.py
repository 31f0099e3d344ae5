"""Floors for the progress eval (``python -m evals.progress_eval``).

The levels when this test was written (2026-11-30) were 1.0 for every label and finding over 16
cases. Raise a floor when the engine improves; never lower one to make a change pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import progress_eval

FLOOR = 0.95


@pytest.fixture(scope="module")
def result():
    return progress_eval.evaluate()


def test_there_are_enough_labelled_cases(result) -> None:
    assert result["cases"] >= 12
    assert set(result["status"]) == {"met", "improving", "no_change", "worsening", "no_data"}
    assert {"improved", "no_reliable_change", "deteriorated", "unknown"} <= set(
        result["reliable_change"]
    )


def test_status_and_reliable_change_accuracy_floors(result) -> None:
    for label, v in {**result["status"], **result["reliable_change"]}.items():
        assert v["accuracy"] >= FLOOR, (label, result["misses"])


def test_every_finding_code_is_labelled_and_meets_its_floor(result) -> None:
    for code in (
        "copy_forward",
        "no_objective_cited",
        "narrative_contradicts_measures",
        "objective_untouched",
        "intervention_not_in_plan",
        "risk_note",
        "risk_item_positive",
        "reliable_deterioration",
        "measure_cannot_show_change",
    ):
        v = result["flags"][code]
        assert v["recall"] >= FLOOR and v["precision"] >= FLOOR, (code, result["misses"])


def test_the_eval_notices_a_wrong_label(tmp_path: Path) -> None:
    case = progress_eval.CASES / "01_gad_week8_shared.json"
    text = case.read_text(encoding="utf-8").replace('"G1.O3": "met"', '"G1.O3": "improving"')
    wrong = tmp_path / case.name
    wrong.write_text(text, encoding="utf-8")
    result = progress_eval.evaluate([wrong])
    assert result["status"]["improving"]["accuracy"] < 1
    assert any("G1.O3: expected improving, got met" in m for m in result["misses"])
