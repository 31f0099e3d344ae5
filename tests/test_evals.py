"""Draft-quality evals: floors for the offline drafter, and scorers that notice bad drafts.

The floor run drafts all of ``evals/cases/`` offline without the local index (the index
adds a minute and is covered by the retrieval eval itself).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant import intake as intake_mod
from assistant.drafting import DraftResult, draft
from assistant.knowledge import load_cached
from assistant.plan import TreatmentPlan
from assistant.validation import validate
from evals import report, run, scoring

CASES = Path(run.__file__).parent / "cases"


@pytest.fixture(scope="module")
def offline_run() -> dict[str, Any]:
    return run.evaluate("offline", use_retriever=False, retrieval_eval=False, name="floors")


# The offline drafter's levels, measured on all cases (the 28 first cases and the 25 aimed at
# one case-faithful drafting rule) when the case-faithfulness scores were added, 2026-11-30,
# while the facts stage, the drafter's use of it and the consistency (CF) rules were still
# landing. Several earlier floors (error-free share, numbers with no source, objectives
# missing a part) were set on the first 28 cases alone and are now what the whole set
# reaches; issue 11's targets are higher (evals/README.md). Raise a floor when the drafter
# improves; never lower one to make a change pass.
FLOORS = [
    ("error_free_share", ">=", 1.0),
    ("failed_drafts", "<=", 0),
    ("unsupported_numbers", "<=", 0),
    ("baseline_fidelity", ">=", 1.0),
    ("coverage_share", ">=", 1.0),
    ("coverage_diagnoses", ">=", 1.0),
    ("coverage_safety_section", ">=", 1.0),
    ("coverage_not_assessed_surfaced", ">=", 1.0),
    ("smart_complete_share", ">=", 0.80),  # issue 11 goal
    ("smart_complete_count", ">=", 205),
    ("smart_incomplete_share", "<=", 0.0),
    ("strengths_used_share", ">=", 1.0),
    ("client_words_used_share", ">=", 1.0),
    ("template_similarity", "<=", 0.725),  # cited targets read alike (0.720 on 2026-11-30)
    ("linter_accuracy", ">=", 0.95),
    # case faithfulness (evals/case_scoring.py)
    ("figures_used_share", ">=", 1.0),
    ("measures_used_share", ">=", 1.0),
    ("baselines_used_share", ">=", 1.0),
    ("objective_placeholder_share", "<=", 0.15),  # issue 11 goal
    ("consistency_errors_per_plan", "<=", 0.0),
    ("fact_recall", ">=", 0.99),
    ("fact_precision", ">=", 0.99),
    ("required_hit_share", ">=", 1.0),
    ("forbidden_violations", "<=", 0),
    ("cases_with_violations", "<=", 0),
    ("contradictions_refused_share", ">=", 1.0),
]

# Cases whose offline draft still has a validator error. Issue 11 is done when this is
# empty: every case drafts with 0 errors. A case may leave the set, never join it.
DRAFTS_WITH_ERRORS: frozenset[str] = frozenset()


@pytest.mark.parametrize(("key", "op", "floor"), FLOORS, ids=[f[0] for f in FLOORS])
def test_offline_drafter_stays_above_its_floors(
    offline_run: dict[str, Any], key: str, op: str, floor: float
) -> None:
    value = offline_run["summary"][key]
    assert value is not None, f"{key} was not measured"
    worst = [
        p["case"] for p in offline_run["plans"] if "validator" in p and not p["validator"]["ok"]
    ]
    if op == ">=":
        assert value >= floor, f"{key} fell to {value} (floor {floor}); plans with errors: {worst}"
    else:
        assert value <= floor, f"{key} rose to {value} (ceiling {floor})"


def test_every_case_drafts_offline_with_no_validator_errors(offline_run: dict[str, Any]) -> None:
    errors = {
        p["case"]: p["validator"]["by_rule"] if "validator" in p else p["error"]
        for p in offline_run["plans"]
        if "validator" not in p or not p["validator"]["ok"]
    }
    new = {case: found for case, found in errors.items() if case not in DRAFTS_WITH_ERRORS}
    assert not new, f"these cases now draft with validator errors: {new}"


def test_every_case_is_drafted_and_scored(offline_run: dict[str, Any]) -> None:
    names = {p["case"] for p in offline_run["plans"]}
    assert names == {p.stem for p in CASES.glob("*.json")}
    assert offline_run["summary"]["objectives"] >= len(names) * 2
    # same-presentation pairs exist in the case set, so plan-to-plan similarity is measured
    assert offline_run["summary"]["between_plan_similarity"] is not None


# ---------------------------------------------------------------- scorers catch bad drafts


def _draft(case: str) -> tuple[intake_mod.Intake, DraftResult]:
    it = intake_mod.load(CASES / f"{case}.json")
    return it, draft(it)


def _rescore(plan: TreatmentPlan, it: intake_mod.Intake) -> dict[str, Any]:
    rep = validate(plan, it)
    kb = load_cached()
    return {
        "smart": scoring.score_smart(plan, rep),
        "faith": scoring.score_faithfulness(plan, it, kb),
        "coverage": scoring.score_coverage(plan, it),
        "individual": scoring.score_individualisation(plan, it, scoring.template_texts(kb)),
    }


def _scored_objective(plan: TreatmentPlan) -> Any:
    return next(
        o for _, _, o in plan.objectives() if o.instrument and o.baseline and o.baseline.value
    )


def test_an_invented_number_is_counted_as_unsupported() -> None:
    it, res = _draft("gad_teacher_evenings")
    plan = res.plan.model_copy(deep=True)
    o = _scored_objective(plan)
    o.text = o.text.rstrip(".") + ", with 37 practice tasks."
    faith = _rescore(plan, it)["faith"]
    assert faith["unsupported_numbers"] == 1
    assert faith["unsupported"][0]["number"] == "37"


def test_a_baseline_that_is_not_the_intake_score_breaks_fidelity() -> None:
    it, res = _draft("gad_teacher_evenings")
    before = _rescore(res.plan, it)["faith"]
    assert before["scored_objectives"] >= 1
    assert before["baseline_faithful"] == before["scored_objectives"]
    plan = res.plan.model_copy(deep=True)
    o = _scored_objective(plan)
    intake_score = o.baseline.value
    o.baseline = o.baseline.model_copy(update={"value": intake_score - 1, "text": "x"})
    after = _rescore(plan, it)["faith"]
    assert after["baseline_faithful"] == before["baseline_faithful"] - 1
    assert after["baseline_mismatches"][0]["intake"] == scoring._fmt(intake_score)


@pytest.mark.parametrize(
    ("case", "damage", "check"),
    [
        ("mdd_insomnia_si", "drop_safety", "safety_section"),
        ("ptsd_risk_not_assessed", "say_denies", "not_assessed_surfaced"),
        ("social_anxiety_mdd", "drop_second_diagnosis_goals", "diagnoses"),
    ],
)
def test_coverage_notices_missing_safety_denials_and_unaddressed_diagnoses(
    case: str, damage: str, check: str
) -> None:
    it, res = _draft(case)
    assert _rescore(res.plan, it)["coverage"]["checks"][check] is True
    plan = res.plan.model_copy(deep=True)
    if damage == "drop_safety":
        plan.safety = None
    elif damage == "say_denies":
        assert plan.safety is not None
        plan.safety = plan.safety.model_copy(
            update={"summary": plan.safety.summary + " Client denies suicidal ideation."}
        )
    else:
        code = it.diagnoses[1].code
        pids = {p.id for p in plan.problems if code in p.diagnosis_codes}
        plan.goals = [g for g in plan.goals if not set(g.problem_ids) & pids]
    cov = _rescore(plan, it)["coverage"]
    assert cov["checks"][check] is False and cov["ok"] is False


@pytest.mark.parametrize(
    ("text", "baseline", "state"),
    [
        ("Reduce GAD-7 from 15 to below 10 within 8 weeks.", 15, "complete"),
        ("Reduce GAD-7 from [baseline: ask client] to below 10 within 8 weeks.", None, "placeholder"),
        ("Reduce GAD-7 to below 10 within 8 weeks.", 15, "incomplete"),
        ("Feel less anxious.", 15, "incomplete"),
    ],
)  # fmt: skip
def test_smart_completeness_tells_complete_placeholder_and_missing_apart(
    text: str, baseline: float | None, state: str
) -> None:
    it, res = _draft("gad_teacher_evenings")
    plan = res.plan.model_copy(deep=True)
    path, _, o = next(x for x in plan.objectives() if x[2].instrument == "GAD-7")
    o.text = text
    o.timeframe = o.timeframe.model_copy(update={"weeks": 8, "by_session": None, "by_date": None})
    shown = "[baseline: ask client]" if baseline is None else "15"
    o.baseline = o.baseline.model_copy(update={"value": baseline, "text": shown})  # type: ignore[union-attr]
    o.target = o.target.model_copy(update={"value": 10, "text": "10"})  # type: ignore[union-attr]
    got, _ = scoring._objective_state(path, o, validate(plan, it))
    assert got == state


def test_a_copied_template_goal_scores_as_a_copy() -> None:
    it, res = _draft("panic_commuter")
    kb = load_cached()
    templates = scoring.template_texts(kb)
    own = _rescore(res.plan, it)["individual"]["template_similarity_max"]
    plan = res.plan.model_copy(deep=True)
    plan.goals[0].statement = kb.presentations["panic"].goals[0].text
    copied = scoring.score_individualisation(plan, it, templates)["template_similarity_max"]
    assert copied == pytest.approx(1.0)
    assert own <= copied


def test_plans_for_the_same_presentation_are_compared_with_each_other() -> None:
    a = _draft("ocd_checking")[1].plan
    b = _draft("ocd_postpartum_intrusive")[1].plan
    c = _draft("panic_commuter")[1].plan
    sims = scoring.between_plan_similarity({"a": a, "b": b, "c": c})
    assert sims["c"] is None
    assert sims["a"] == sims["b"] and 0 < (sims["a"] or 0) < 1
    assert scoring.between_plan_similarity({"a": a, "a2": a})["a"] == 1.0


# ---------------------------------------------------------------- model figures


def test_a_model_drafter_run_reports_tokens_cost_and_repairs() -> None:
    from assistant.config import Settings
    from assistant.drafting.llm import LLMDrafter
    from tests.fake_llm import fake_llm

    with fake_llm(["good"]) as fake:
        settings = Settings(
            llm_base_url=fake.base_url, llm_api_key="test-key", llm_model="fake-model",
            llm_timeout_s=10.0, llm_max_retries=0, llm_cost_per_1k_input=0.5,
        )  # fmt: skip
        result = run.evaluate(
            LLMDrafter.from_settings(settings),
            cases=[CASES / "gad_teacher_evenings.json"],
            use_retriever=False,
            retrieval_eval=False,
            name="fake-model",
        )
    s = result["summary"]
    assert result["run"]["drafter"] == "llm" and result["run"]["model"] == "fake-model"
    assert s["input_tokens"] == 1200 and s["output_tokens"] == 300
    assert s["cost_usd"] == pytest.approx(0.6)
    assert s["fell_back"] == 0 and s["repair_rounds_mean"] == 0


# ---------------------------------------------------------------- report and compare


def test_report_files_and_a_comparison_that_says_which_run_is_worse(
    offline_run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = report.write(offline_run, tmp_path / "a")
    assert (folder / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert re.search(
        r"\| plans with no validator errors \| \d+\.\d% \|", (folder / "report.md").read_text()
    )
    worse = json.loads((folder / "run.json").read_text())
    worse["run"]["name"] = "worse"
    worse["summary"]["error_free_share"] = 0.5
    worse["summary"]["unsupported_numbers"] = 3
    rows = {r[0].strip(): r for r in report.compare(offline_run, worse)}
    drop = f"{100 * (0.5 - offline_run['summary']['error_free_share']):+.1f} pts"
    assert rows["plans with no validator errors"][3:] == [drop, "worse"]
    assert rows["numbers with no source (must be 0)"][4] == "worse"
    (tmp_path / "b.json").write_text(json.dumps(worse))
    out = tmp_path / "cmp"
    assert run.main(["compare", str(folder), str(tmp_path / "b.json"), "--out", str(out)]) == 0
    assert "worse" in capsys.readouterr().out
    assert (out / "compare.png").exists() and "| worse |" in (out / "compare.md").read_text()


# ---------------------------------------------------------------- case faithfulness
# (the scorers' own tests are in test_evals_faithful.py)


def test_the_report_shows_case_faithfulness_per_case(offline_run: dict[str, Any]) -> None:
    md = report.markdown(offline_run)
    assert "## Case faithfulness" in md
    assert "| mdd_retired_teacher | no_work_goals |" in md
    assert "fact recall (labelled cases)" in report.terminal(offline_run)
