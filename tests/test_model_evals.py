"""The model path measured beside the offline drafter: evals columns and the side-by-side report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.drafting.llm_tasks import TaskDrafter
from evals import model_scores, report, run
from tests.fake_llm_tasks import fake_task_llm

CASES = Path(run.__file__).resolve().parent / "cases"
PICK = [CASES / "gad_teacher_evenings.json", CASES / "ptsd_veteran_partner_violence.json"]


def _evaluate(drafter: Any, name: str) -> dict[str, Any]:
    return run.evaluate(drafter, cases=PICK, use_retriever=False, retrieval_eval=False, name=name)


@pytest.fixture(scope="module")
def runs() -> list[dict[str, Any]]:
    offline = _evaluate("offline", "offline")
    with fake_task_llm({"problems": ["invented_number"] * 2}) as fake:
        settings = Settings(llm_base_url=fake.base_url, llm_model="fake-model")  # type: ignore[call-arg]
        model = _evaluate(TaskDrafter.from_settings(settings), "local")
    return [offline, model]


def test_the_model_run_reports_requests_kept_edits_and_why_the_rest_went(
    runs: list[dict[str, Any]],
) -> None:
    offline, model = (r["summary"] for r in runs)
    assert offline["model_calls_per_plan"] == 0 and offline["model_edits_kept_share"] is None
    assert model["model_calls_per_plan"] >= 3  # a task with nothing to do is not sent
    assert 0 < model["max_request_tokens"] <= 1500
    assert 0 < model["model_edits_kept_share"] < 1
    assert model["discarded_by_reason"]["adds a figure"] >= 1
    # the model reworded items, so fewer stay in template wording than offline
    assert model["template_items_share"] < offline["template_items_share"]
    assert offline["plan_fact_recall"] is not None  # the PTSD case has labelled facts
    assert model["client_copy_grade"] > 0 and model["tokens_per_draft"] > 0
    requests = runs[1]["plans"][0]["model_path"]["requests"]  # tokens per call, per plan
    assert {r["task"] for r in requests} >= {"goals", "problems"}
    assert all(0 < r["input_tokens"] <= 1500 for r in requests)


def test_side_by_side_says_plainly_where_the_model_does_not_beat_offline(
    runs: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for i, r in enumerate([*runs, {**runs[1], "run": {**runs[1]["run"], "name": "endpoint"}}]):
        path = tmp_path / f"{i}.json"
        path.write_text(json.dumps(r, default=str))
        paths.append(str(path))
    out = tmp_path / "cmp"
    assert run.main(["compare", *paths, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "model edits kept after the checks" in printed
    assert "local does not beat offline on:" in printed
    assert re.search(r"local beats offline on: [^\n]*items still in template wording", printed)
    assert "plans with no validator errors" in printed.split("local does not beat offline on:")[1]
    assert "Why model edits were discarded:" in printed and "adds a figure" in printed
    md = (out / "compare.md").read_text()
    assert "| score | offline | local | endpoint |" in md


def test_a_discard_reason_is_put_in_its_category() -> None:
    assert model_scores.reason("model edit to goal G2 discarded: adds figure(s) 17") == (
        "adds a figure"
    )
    assert model_scores.reason(
        "proposed fact 2 (ruled_out): the quote is not in notes word for word; dropped"
    ) == ("fact quote not in the intake")
    assert report.METRICS[-1][0] == "client_copy_grade"
