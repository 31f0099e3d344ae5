"""Drafting reads the case facts: what a supervisor checks first is in the plan.

Each test changes one fact of a shared intake (through its ``context`` block, or by
building the facts directly) and reads the draft the way a supervisor would.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from assistant import intake as intake_mod
from assistant.drafting import draft
from assistant.export import render
from assistant.facts import extract
from assistant.facts.model import BaselineFact, Evidence, PreferenceFact, RuledOutFact
from assistant.intake import Intake
from assistant.plan import TreatmentPlan
from tests.conftest import INTAKES

EVAL_CASES = sorted((Path(__file__).resolve().parents[1] / "evals" / "cases").glob("*.json"))


def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INTAKES / name).read_text(encoding="utf-8"))
    return data


def _intake(name: str, **context: Any) -> Intake:
    data = copy.deepcopy(_data(name))
    if context:
        data["context"] = {**(data.get("context") or {}), **context}
    return intake_mod.parse(data)


def _objective_texts(plan: TreatmentPlan) -> list[str]:
    return [o.text for _, _, o in plan.objectives()]


def _all_text(plan: TreatmentPlan) -> str:
    return "\n".join(t for p, t in plan.texts() if not p.startswith("problems"))


def _errors(result: Any) -> list[str]:
    return [f"{f.rule} {f.path}: {f.message}" for f in result.report.errors]


# ---------------------------------------------------------------- figures


def test_secondary_score_is_monitored_with_its_baseline_and_cadence() -> None:
    data = _data("gad_nurse.json")
    data["assessments"] = [*data["assessments"], {"instrument": "ISI", "score": 17}]
    it = intake_mod.parse(data)
    plan = draft(it).plan
    monitored = {m.instrument: m for m in plan.monitored_measures}
    assert "ISI" in monitored and monitored["ISI"].baseline == 17
    assert "2 weeks" in monitored["ISI"].cadence  # the registry's repeat interval
    md = render(plan, "md").decode()
    assert "## Measures monitored" in md and "| ISI | 17" in md


def test_every_current_baseline_is_an_objective_baseline() -> None:
    data = _data("gad_nurse.json")
    data["baselines"] = [
        *data.get("baselines", []),
        {"measure": "naps", "value": 4, "unit": "per week", "source": "sleep diary"},
        {"measure": "hours gardening", "value": "1-2", "unit": "per week", "source": "diary"},
    ]
    it = intake_mod.parse(data)
    result = draft(it)
    plan = result.plan
    figures = {(o.baseline.value, o.baseline.high) for _, _, o in plan.objectives() if o.baseline}
    for b in it.baselines:
        lo, hi = b.bounds()
        assert (lo, hi if hi != lo else None) in figures, b.measure
    # the composed objective states the figure, its unit and its source, and waits on a target
    garden = next(o for _, _, o in plan.objectives() if o.metric == "hours gardening")
    assert "1-2 per week" in garden.text and "diary" in garden.text
    assert garden.target is not None and garden.target.is_placeholder
    assert not _errors(result)


def test_a_figure_from_before_detox_is_history_not_a_baseline() -> None:
    it = _intake("aud_with_anxiety.json")
    facts = extract(it)
    facts.baselines = [
        BaselineFact(
            id="baseline:9",
            measure="standard drinks",
            value="70-80",
            low=70,
            high=80,
            unit="per week in the 30 days before detox",
            current=False,
            evidence=[Evidence(path="baselines[9]")],
        )
    ]
    plan = draft(it, facts=facts).plan
    assert not any(o.baseline and o.baseline.value == 70 for _, _, o in plan.objectives())
    assert plan.case_facts is facts


# ---------------------------------------------------------------- substances


def test_abstinent_client_gets_maintenance_and_a_medical_step_first() -> None:
    it = _intake(
        "aud_with_anxiety.json",
        substance_status=[
            {
                "substance": "alcohol",
                "status": "abstinent",
                "since": "2026-09-01",
                "withdrawal": "history",
            }
        ],
    )
    result = draft(it)
    plan = result.plan
    texts = _objective_texts(plan)
    assert not any(re.search(r"(cut|reduce)\w*\b[^.;]*\bdrinks?\b", t, re.I) for t in texts)
    assert not any("or fewer standard drinks" in t for t in texts)
    assert any("abstinent since 2026-09-01" in t and "relapse" in t for t in texts)
    drinking_goal = next(g for g in plan.goals if g.problem_ids == [plan.problems[0].id])
    assert "medical" in drinking_goal.objectives[0].text  # medical evaluation first
    assert plan.safety is not None and any(
        "Medical follow-up" in a and "now abstinent" in a for a in plan.safety.actions
    )
    assert not _errors(result)


def test_current_withdrawal_signs_put_a_withdrawal_assessment_first() -> None:
    it = _intake(
        "aud_with_anxiety.json",
        substance_status=[
            {"substance": "alcohol", "status": "current_use", "withdrawal": "current_signs"}
        ],
    )
    plan = draft(it).plan
    first = plan.goals[0].objectives[0]
    assert "withdrawal assessment" in first.text and first.timeframe.by_session == 1
    assert any(
        i.modality == "Medical referral" and first.id in i.objective_ids for i in plan.interventions
    )


# ---------------------------------------------------------------- circumstances


def test_partial_hospitalization_sets_a_programme_dose_not_weekly_sessions() -> None:
    data = _data("gad_nurse.json")
    data["setting"] = "partial_hospitalization"
    result = draft(intake_mod.parse(data))
    tl = result.plan.timeline
    assert tl.session_frequency is not None and tl.session_frequency.startswith("5 days a week")
    assert tl.estimated_weeks is not None and tl.estimated_weeks <= 12
    assert tl.estimated_sessions_max == 5 * tl.estimated_weeks  # one total, not every course summed
    assert not any(
        re.search(r"\bweekly\b", i.frequency or "")
        for i in result.plan.interventions
        if i.provenance.source == "knowledge"
        and "programme" not in (i.frequency or "")
        and i.modality not in ("Care coordination", "Medical referral")
    )
    assert any("step down" in s.lower() for s in result.plan.sequencing)
    assert not _errors(result)


def test_mandate_deadline_bounds_the_timeline_and_release_scope_is_written() -> None:
    it = _intake(
        "aud_with_anxiety.json",
        legal={
            "mandated": True,
            "referred_by": "county court",
            "deadline": "2027-01-15",
            "release_scope": "attendance and a completion letter only",
        },
    )
    result = draft(it)
    plan = result.plan
    deadline = dt.date(2027, 1, 15)
    start = plan.header.created
    assert plan.timeline.estimated_weeks is not None
    assert start + dt.timedelta(weeks=plan.timeline.estimated_weeks) <= deadline
    assert plan.timeline.review_dates and max(plan.timeline.review_dates) <= deadline
    for _, _, o in plan.objectives():
        if o.timeframe.weeks:
            assert start + dt.timedelta(weeks=o.timeframe.weeks) <= deadline, o.id
    assert any(
        "county court" in s and "attendance and a completion letter only" in s
        for s in plan.sequencing
    )
    assert not _errors(result)


def test_retired_client_gets_no_work_goals_and_a_student_gets_school() -> None:
    work = re.compile(
        r"\b(missed work|work days?|post-shift|at work|to work|workplace|colleagues)\b", re.I
    )
    base = _data("mdd_recurrent_si.json")
    data = copy.deepcopy(base)
    data["context"] = {"occupation": "retired"}
    data["baselines"] = [b for b in data["baselines"] if "work" not in b["measure"]]
    data["client_goals"] = ["enjoy my garden again"]
    plan = draft(intake_mod.parse(data)).plan
    for path, text in plan.texts():
        if path.startswith(("goals", "timeline")):
            assert not work.search(re.sub(r"\"[^\"]*\"", "", text)), (path, text)
    data["context"] = {"occupation": "student at the community college"}
    plan = draft(intake_mod.parse(data)).plan
    assert not any(work.search(t) for t in _objective_texts(plan))


def test_minor_gets_caregiver_role_and_confidentiality_written_in() -> None:
    data = _data("mdd_recurrent_si.json")
    data["client"] = {**data["client"], "date_of_birth": "2011-03-04"}
    data["context"] = {
        "caregivers": "Her father consents and joins the last 10 minutes; risk is shared with him."
    }
    plan = draft(intake_mod.parse(data)).plan
    note = next(s for s in plan.sequencing if s.startswith("Caregiver role and confidentiality"))
    assert "Her father consents" in note


def test_medication_in_the_intake_leads_to_prescriber_coordination() -> None:
    plan = draft(_intake("gad_nurse.json")).plan
    facts = plan.case_facts
    assert facts is not None
    if not facts.medications:  # the intake names none: nothing to coordinate
        assert not any(i.modality == "Care coordination" for i in plan.interventions)
        return
    assert any("prescriber" in i.technique for i in plan.interventions)


# ---------------------------------------------------------------- preferences and templates


def test_a_refusal_drops_the_element_and_raises_the_question() -> None:
    path = next(p for p in _eval_cases() if p.name == "bulimia_purging.json")
    it = intake_mod.load(path)
    facts = extract(it)
    facts.preferences.append(
        PreferenceFact(id="preference:99", kind="refusal", text="no weigh-ins", target="weigh-ins")
    )
    result = draft(it, facts=facts)
    plan = result.plan
    weighing = re.compile(r"weigh[- ]?ins?\b|weighing|weighed", re.I)
    assert not any(weighing.search(t) for t in _objective_texts(plan))
    assert not any(weighing.search(i.technique) for i in plan.interventions)
    assert any("weigh" in w and "preference" in w and "?" in w for w in plan.draft.warnings)


def test_a_ruled_out_behaviour_gets_no_objective() -> None:
    path = next(p for p in _eval_cases() if p.name == "bulimia_purging.json")
    it = intake_mod.load(path)
    facts = extract(it)
    facts.ruled_out.append(RuledOutFact(id="ruled_out:99", concept="purging"))
    facts.baselines = [b for b in facts.baselines if not re.search(r"purg|vomit|laxat", b.measure)]
    plan = draft(it, facts=facts).plan
    assert not any(re.search(r"purg|vomit|compensatory", t, re.I) for t in _objective_texts(plan))


def test_one_trauma_focused_therapy_with_the_other_named_as_the_alternative() -> None:
    plan = draft(intake_mod.load(INTAKES / "ptsd_assault.json")).plan
    names = {
        n
        for i in plan.interventions
        for n in ("Cognitive Processing Therapy", "Prolonged Exposure", "Eye Movement")
        if n in i.technique.split(":")[0]
    }
    assert len(names) == 1
    alt = [s for s in plan.sequencing if s.startswith("One trauma-focused therapy")]
    assert alt and "Alternative:" in alt[0] and "choose it if" in alt[0]


def test_safety_steps_already_taken_are_kept_not_redone() -> None:
    it = _intake(
        "mdd_recurrent_si.json",
        safety_steps_taken=["safety plan written at intake", "firearm removed from the home"],
    )
    result = draft(it)
    plan = result.plan
    text = _all_text(plan)
    assert not re.search(r"\bWrite (a|the)\b[^.]{0,40}safety plan", text)
    assert plan.safety is not None
    assert any("safety plan already written" in a.lower() for a in plan.safety.actions)
    assert any("firearm removed from the home" in a for a in plan.safety.actions)
    assert not _errors(result)


def test_impaired_driving_is_risk_to_others_with_an_objective() -> None:
    it = _intake("aud_with_anxiety.json", risk_to_others=["drives home after drinking at weekends"])
    result = draft(it)
    plan = result.plan
    assert any("no-driving plan" in t for t in _objective_texts(plan))
    assert plan.safety is not None and plan.safety.risk_level != "none_identified"
    assert "none" not in plan.safety.homicidal_ideation
    assert any("impaired driving" in a for a in plan.safety.actions)
    assert not _errors(result)


def test_no_template_fragments_leak() -> None:
    for path in [*sorted(INTAKES.glob("*.json")), *_eval_cases()]:
        plan = draft(intake_mod.load(path)).plan
        text = _all_text(plan) + "\n".join(i.frequency or "" for i in plan.interventions)
        assert not re.search(r"\b(\d+)-\1 sessions\b", text), path.name
        assert "For anxious or mixed presentations" not in text, path.name
        assert "≤ 0" not in render(plan, "md").decode(), path.name


def _eval_cases() -> list[Path]:
    return EVAL_CASES


def test_a_short_programme_monitors_a_score_it_cannot_move_in_time() -> None:
    data = _data("mdd_recurrent_si.json")
    data["setting"] = "partial_hospitalization"
    result = draft(intake_mod.parse(data))
    plan = result.plan
    weeks = plan.timeline.estimated_weeks
    assert weeks is not None and weeks <= 4
    phq = [o for _, _, o in plan.objectives() if o.instrument == "PHQ-9"]
    assert not phq  # a 16-week remission target does not fit a 3-week programme
    assert any(m.instrument == "PHQ-9" for m in plan.monitored_measures)
    assert any("PHQ-9 target is set for" in w for w in plan.draft.warnings)
    assert not _errors(result)


def test_driving_after_drinking_counted_at_intake_has_a_target_of_none() -> None:
    data = _data("aud_with_anxiety.json")
    data["baselines"] = [
        *data["baselines"],
        {"measure": "times driving after drinking", "value": 3, "unit": "in the past month"},
    ]
    plan = draft(intake_mod.parse(data)).plan
    driving = next(o for _, _, o in plan.objectives() if o.metric == "times driving after drinking")
    assert driving.target is not None and driving.target.value == 0
    assert "from 3 in the past month to 0" in driving.text
