"""Defects a clinical supervisor found reading drafts of the shared intakes, one class each:
a problem written out twice, a goal anchored to an unrelated impact, a declined option that
threw away the whole goal, a referral for a medicine the client already takes, two targets on
one score over the same weeks, a work criterion for a person out of work, and overdose risk
in the notes with the risk level "none identified"."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from assistant import intake as intake_mod
from assistant.drafting import draft
from assistant.plan import Safety, TreatmentPlan
from assistant.validation import lint_objective
from tests.conftest import INTAKES


@cache
def _plan(name: str) -> TreatmentPlan:
    result = draft(intake_mod.load(INTAKES / name))
    assert result.report.ok, [f"{f.rule} {f.path}" for f in result.report.errors]
    return result.plan


def _safety(plan: TreatmentPlan) -> Safety:
    assert plan.safety is not None
    return plan.safety


def _edited(tmp_path: Path, name: str, change: dict[str, object]) -> TreatmentPlan:
    data = json.loads((INTAKES / name).read_text())
    for dotted, value in change.items():
        *head, last = dotted.split(".")
        node = data
        for key in head:
            node = node[key]
        node[last] = value
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return draft(intake_mod.load(path)).plan


def test_each_presenting_problem_is_written_out_once() -> None:
    plan = _plan("aud_with_anxiety.json")
    worry = [p.id for p in plan.problems if "Long-standing worry" in p.statement]
    assert len(worry) == 1, [p.statement for p in plan.problems]
    alcohol = next(p for p in plan.problems if "F10.20" in p.diagnosis_codes)
    assert "avoids delegating at work" not in alcohol.functional_impact


def test_a_later_goal_is_not_anchored_to_an_impact_it_is_not_about() -> None:
    plan = _plan("aud_with_anxiety.json")
    support = next(g for g in plan.goals if "recovery community" in g.statement)
    assert "delegating" not in support.statement


def test_a_declined_option_in_brackets_keeps_the_goal_with_the_other_option() -> None:
    plan = _plan("aud_with_anxiety.json")
    first = plan.goals[0].statement
    assert "the difficulties the client describes ease" not in first
    assert "low-risk limit" in first and "abstinence" not in first


def test_withdrawal_action_reads_as_a_sentence() -> None:
    actions = " ".join(_safety(_plan("aud_with_anxiety.json")).actions)
    assert "the intake records current withdrawal signs for alcohol" in actions
    assert "signs is recorded" not in actions


def test_client_abstinent_on_buprenorphine_gets_her_prescriber_not_a_new_referral() -> None:
    plan = _plan("opioid_iop_drug_court.json")
    techniques = [i.technique for i in plan.interventions]
    assert not any("refer to or link with an MOUD prescriber" in t for t in techniques)
    assert not any(i.modality == "Medical referral" for i in plan.interventions)
    coordination = [i for i in plan.interventions if "prescriber of buprenorphine" in i.technique]
    assert len(coordination) == 1
    overdose = next(o for _, _, o in plan.objectives() if "overdose-response plan" in o.text)
    assert overdose.id in coordination[0].objective_ids
    assert "overdose education and naloxone access" in coordination[0].technique
    assert not any("withdrawal assessment" in o.text for _, _, o in plan.objectives())
    assert any("coordinate with that prescriber" in a for a in _safety(plan).actions)


def test_client_still_drinking_with_withdrawal_signs_is_referred_first() -> None:
    plan = _plan("aud_with_anxiety.json")
    assert any(i.modality == "Medical referral" for i in plan.interventions)


def test_one_score_gets_one_target_over_the_same_weeks() -> None:
    plan = _plan("opioid_iop_drug_court.json")
    windows = [(o.instrument, o.timeframe.weeks) for _, _, o in plan.objectives() if o.instrument]
    assert len(windows) == len(set(windows)), windows
    assert ("PHQ-9", 8) in windows


def test_person_out_of_work_gets_no_missed_work_day_criterion() -> None:
    criteria = " ".join(_plan("opioid_iop_drug_court.json").timeline.discharge_criteria)
    assert "missed work" not in criteria


def test_overdose_risk_in_the_notes_is_rated_not_none_identified(tmp_path: Path) -> None:
    plan = _plan("opioid_iop_drug_court.json")
    assert _safety(plan).risk_level == "to_be_rated"
    assert _safety(plan).summary.startswith("Overdose risk recorded")
    quiet = _edited(
        tmp_path,
        "opioid_iop_drug_court.json",
        {"risk.notes": "No overdoses reported. Carries a naloxone kit."},
    )
    assert _safety(quiet).risk_level == "none_identified"


def test_screening_baseline_does_not_repeat_its_own_words() -> None:
    plan = _plan("mdd_recurrent_si.json")
    screen = next(o for _, _, o in plan.objectives() if "C-SSRS" in o.text)
    assert screen.baseline is not None
    text = screen.baseline.text or ""
    assert "passive suicidal ideation" in text
    assert "suicidal ideation passive" not in text


CASES = Path(__file__).resolve().parents[1] / "evals" / "cases"


def _case(name: str) -> TreatmentPlan:
    return draft(intake_mod.load(CASES / name)).plan


def _missing(text: str) -> list[str]:
    lint = lint_objective(text)
    return [
        p for p in ("metric", "baseline", "target", "timeframe", "measurement") if not lint.has(p)
    ]


def test_safety_screening_and_means_steps_are_stated_measurably() -> None:
    plan = _case("mdd_safety_plan_already_written.json")
    screen = next(o for _, _, o in plan.objectives() if "C-SSRS" in o.text)
    means = next(o for _, _, o in plan.objectives() if "lethal means" in o.text)
    assert _missing(screen.text) == [], screen.text
    assert "0 sessions screened" in screen.text and "target: every session" in screen.text
    assert _missing(means.text) == [], means.text
    assert "1 step recorded at intake" in means.text


def test_practice_the_therapy_teaches_starts_from_zero_not_a_placeholder() -> None:
    plan = _case("mdd_insomnia_si.json")
    records = next(o for _, _, o in plan.objectives() if "thought records" in o.text)
    assert records.baseline is not None and records.baseline.value == 0
    assert "[" not in records.text and "not yet taught" in records.text


def test_purging_has_one_target_none() -> None:
    plan = _case("bulimia_purging.json")
    purging = next(o for _, _, o in plan.objectives() if (o.metric or "").startswith("purging"))
    assert purging.target is not None and purging.target.value == 0
    assert "[target" not in purging.text


def test_overdose_plan_builds_on_the_naloxone_already_in_place() -> None:
    plan = _plan("opioid_iop_drug_court.json")
    overdose = next(o for _, _, o in plan.objectives() if "overdose-response plan" in o.text)
    assert "none recorded at intake" not in overdose.text
    assert "already in place at intake (naloxone kit at home" in overdose.text
    assert _missing(overdose.text) == [], overdose.text


def test_abstinent_client_is_not_told_to_assess_withdrawal_before_cutting_down() -> None:
    plan = _case("alcohol_abstinent_after_detox.json")
    actions = " ".join(_safety(plan).actions)
    assert "the client is now abstinent" in actions
    assert "before any change in use" not in actions
