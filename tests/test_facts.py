"""Case facts read from intakes: labelled facts, exact quotes, negation and history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.facts import extract
from assistant.facts.model import CaseFacts, fact_kind
from assistant.facts.review import field_text
from assistant.facts.scoring import score, unmatched
from assistant.intake import Intake, load, parse
from tests.conftest import INTAKES

LABELS = Path(__file__).parent / "data" / "facts"
CASES = Path(__file__).parents[1] / "evals" / "cases"
LABELLED = sorted(LABELS.glob("*.yaml"))


def _label(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _intake(**changes: Any) -> Intake:
    data = json.loads((INTAKES / "gad_nurse.json").read_text())
    data.update(changes)
    return parse(data)


def test_every_shared_intake_is_labelled() -> None:
    assert {p.stem for p in LABELLED} == {p.stem for p in INTAKES.glob("*.json")}


@pytest.mark.parametrize("label", LABELLED, ids=lambda p: p.stem)
def test_labelled_facts_are_found_and_nothing_else(label: Path) -> None:
    data = _label(label)
    facts = extract(load(INTAKES / data["intake"]))
    recall, precision = score(data["facts"], facts)
    missing, extra = unmatched(data["facts"], facts)
    assert recall >= 0.95, f"not found: {missing}"
    assert precision >= 0.95, f"not labelled: {[f.id for f in extra]}"


def test_recall_and_precision_over_all_labelled_intakes() -> None:
    found = expected = counted = 0
    for label in LABELLED:
        data = _label(label)
        facts = extract(load(INTAKES / data["intake"]))
        missing, extra = unmatched(data["facts"], facts)
        expected += len(data["facts"])
        found += len(data["facts"]) - len(missing)
        counted += len(data["facts"]) - len(missing) + len(extra)
    assert found / expected >= 0.95
    assert found / counted >= 0.95


def _all_intakes() -> list[Path]:
    return sorted(INTAKES.glob("*.json")) + sorted(CASES.glob("*.json"))


@pytest.mark.parametrize("path", _all_intakes(), ids=lambda p: p.stem)
def test_every_quote_is_the_exact_span_of_its_field(path: Path) -> None:
    intake = load(path)
    for fact in extract(intake).all_facts():
        for ev in fact.evidence:
            if ev.quote is None:
                continue
            text = field_text(intake, ev.path)
            assert text is not None, f"{fact.id}: {ev.path} is not a text field"
            assert ev.start is not None and ev.end is not None
            assert text[ev.start : ev.end] == ev.quote, fact.id


def _kinds(facts: CaseFacts, kind: str) -> list[Any]:
    return [f for f in facts.all_facts() if fact_kind(f) == kind]


def test_negated_symptoms_are_ruled_out_not_current() -> None:
    facts = extract(_intake(notes="No purging or compensatory exercise. Denies vomiting."))
    assert {r.concept for r in facts.ruled_out} == {"purging", "compensatory exercise", "vomiting"}
    assert facts.is_ruled_out("purging")


def test_a_symptom_the_client_has_is_not_ruled_out() -> None:
    facts = extract(_intake(notes="Self-induced vomiting after binges, about 6 times a week."))
    assert not facts.is_ruled_out("vomiting")


def test_withdrawal_sign_next_to_a_negated_one_is_current() -> None:
    data = json.loads((INTAKES / "aud_with_anxiety.json").read_text())
    data["risk"]["notes"] = "Reports no withdrawal seizures; mild morning tremor."
    facts = extract(parse(data))
    alcohol = facts.substance("alcohol")
    assert alcohol is not None and alcohol.withdrawal == "current_signs"
    assert facts.withdrawal_concern
    assert facts.is_ruled_out("withdrawal seizures")


def test_no_withdrawal_history_is_read_as_none() -> None:
    data = json.loads((INTAKES / "aud_with_anxiety.json").read_text())
    data["risk"]["notes"] = "No withdrawal history."
    alcohol = extract(parse(data)).substance("alcohol")
    assert alcohol is not None and alcohol.withdrawal == "none"


@pytest.mark.parametrize(
    "notes",
    [
        "Her father drives after drinking.",  # family member
        "Mandatory class after a DUI in 2019.",  # history
        "No DUI, never drives after drinking.",  # negated
    ],
)
def test_driving_mentions_that_are_not_current_are_not_risk(notes: str) -> None:
    assert extract(_intake(notes=notes)).risk_to_others == []


def test_current_impaired_driving_is_risk_to_others_with_its_words() -> None:
    facts = extract(_intake(notes="Referred after a second DUI arrest (blood alcohol 0.14)."))
    (risk,) = facts.risk_to_others
    assert risk.kind == "impaired_driving"
    assert risk.evidence[0].quote == "Referred after a second DUI arrest (blood alcohol 0.14)"


def test_past_medication_is_not_current_and_prescriber_is_read() -> None:
    facts = extract(
        _intake(
            medications="Sertraline stopped in 2020. Propranolol 10 mg prescribed by GP.",
            treatment_history="Citalopram for 6 months in 2015.",
        )
    )
    assert [(m.name, m.dose, m.prescriber) for m in facts.medications] == [
        ("propranolol", "10 mg", "GP")
    ]


def test_safety_steps_already_taken_are_read_from_risk_notes() -> None:
    data = json.loads((INTAKES / "mdd_recurrent_si.json").read_text())
    data["risk"]["notes"] = (
        "Safety plan written with client and husband at intake; husband has locked away all "
        "medications. No firearms in the home."
    )
    facts = extract(parse(data))
    assert {s.kind for s in facts.safety_steps} == {"safety_plan", "means_restriction"}
    assert facts.is_ruled_out("firearm access")


def test_a_safety_plan_still_to_do_is_not_a_step_taken() -> None:
    data = json.loads((INTAKES / "mdd_recurrent_si.json").read_text())
    data["risk"]["notes"] = "A safety plan is to be considered at the next session."
    assert extract(parse(data)).safety_steps == []


def test_mandate_deadline_requirements_and_release_from_notes() -> None:
    facts = extract(
        _intake(
            notes="Court-mandated client. Drug court requires program completion by "
            "2027-03-01 and weekly drug screens. Signed release allows monthly letters to "
            "probation (attendance only, no clinical content)."
        )
    )
    legal = facts.legal
    assert legal is not None and legal.mandated
    assert str(legal.deadline) == "2027-03-01"
    assert legal.requirements == ["program completion by 2027-03-01", "weekly drug screens"]
    assert legal.release_scope == "attendance only, no clinical content"


def test_baseline_before_detox_is_history_and_before_9am_is_not() -> None:
    facts = extract(
        _intake(
            baselines=[
                {
                    "measure": "standard drinks",
                    "value": 60,
                    "unit": "per week in the 30 days before detox",
                },
                {"measure": "days out of bed before 9 am", "value": 2, "unit": "per week"},
            ]
        )
    )
    assert [b.current for b in facts.baselines] == [False, True]


def test_unknown_instrument_is_kept_and_not_validated() -> None:
    facts = extract(_intake(assessments=[{"instrument": "Clinic Mood Rating", "score": 12}]))
    (measure,) = facts.measures
    assert measure.name_as_written == "Clinic Mood Rating"
    assert not measure.validated and measure.score == 12


def test_structured_context_wins_over_text() -> None:
    data = json.loads((INTAKES / "opioid_iop_drug_court.json").read_text())
    data["risk"]["notes"] += " Mild morning tremor."
    opioids = extract(parse(data)).substance("opioids")
    assert opioids is not None and opioids.withdrawal == "history"
    assert [e.path for e in opioids.evidence] == ["context.substance_status[0]"]


def test_perinatal_from_code_and_from_text() -> None:
    assert extract(load(CASES / "perinatal_depression_postpartum.json")).population.perinatal  # type: ignore[union-attr]
    pop = extract(_intake(notes="She is 20 weeks pregnant.")).population
    assert pop is not None and pop.perinatal
    not_pop = extract(_intake(notes="Not pregnant.")).population
    assert not_pop is not None and not not_pop.perinatal


def test_refusals_name_their_target() -> None:
    facts = extract(
        _intake(preferences=["no weigh-ins", "does not want exposure yet: wants to talk first"])
    )
    assert [(r.target, r.evidence[0].quote) for r in facts.refusals()] == [
        ("weigh-ins", "no weigh-ins"),
        ("exposure", "does not want exposure yet: wants to talk first"),
    ]


def test_caregiver_for_a_minor_from_notes() -> None:
    facts = extract(load(CASES / "adolescent_cannabis_16.json"))
    (carer,) = facts.caregivers
    assert carer.consent_by == "father"
    assert "signed consent" in carer.text


def test_nlp_debug_logging_is_silent(capfd: pytest.CaptureFixture[str]) -> None:
    extract(_intake(notes="Denies vomiting; no purging."))
    out, err = capfd.readouterr()
    assert "DEBUG" not in out + err


def test_driving_home_after_drinking_is_impaired_driving() -> None:
    facts = extract(
        _intake(notes="She has driven herself home after drinking at least three times.")
    )
    assert [r.kind for r in facts.risk_to_others] == ["impaired_driving"]


def test_medicines_the_drug_list_does_not_name_are_read_from_the_list() -> None:
    facts = extract(
        _intake(
            medications="Amlodipine 5 mg and a statin, prescribed by his primary care "
            "physician. Considering stimulant medication; none started."
        )
    )
    assert [(m.name, m.dose, m.prescriber) for m in facts.medications] == [
        ("amlodipine", "5 mg", "primary care physician"),
        ("statin", None, "primary care physician"),
    ]


@pytest.mark.parametrize(
    ("summary", "found"),
    [
        ("Panic attacks; drinks 3-4 beers most evenings to take the edge off.", True),
        ("Panic attacks; no longer drinks 3-4 beers a night since the spring.", False),
    ],
)
def test_drinking_named_in_a_problem_without_an_alcohol_diagnosis(
    summary: str, found: bool
) -> None:
    intake = _intake(presenting_problems=[{"summary": summary}])
    alcohol = extract(intake).substance("alcohol")
    assert (alcohol is not None and alcohol.status == "current_use") is found


def test_context_risk_to_others_and_means_steps_are_classified() -> None:
    data = json.loads((INTAKES / "opioid_iop_drug_court.json").read_text())
    data["context"]["risk_to_others"] = ["pushed his partner against a wall in September"]
    data["context"]["safety_steps_taken"] = ["two hunting rifles moved to his brother's house"]
    facts = extract(parse(data))
    assert [r.kind for r in facts.risk_to_others] == ["violence"]
    step = facts.safety_steps[0]
    assert (step.kind, step.evidence[0].path) == (
        "means_restriction",
        "context.safety_steps_taken[0]",
    )


def test_only_what_the_court_requires_is_a_scope_not_a_requirement() -> None:
    facts = extract(
        _intake(
            notes="Court-ordered: 12 sessions of counselling. The client agreed that "
            "attendance may be reported to the court.",
            preferences=["will do only what the court requires and nothing more"],
        )
    )
    assert facts.legal is not None
    assert facts.legal.requirements == ["12 sessions of counselling"]
    assert facts.legal.release_scope == "attendance"
    assert [p.kind for p in facts.preferences] == ["scope"]


def test_caregiver_consent_attendance_and_privacy_for_a_minor() -> None:
    facts = extract(load(CASES / "adolescent_depression_15.json"))
    (carer,) = facts.caregivers
    assert (carer.consent_by, carer.attends) == ("father", "mother")
    assert carer.confidentiality == "Kai wants some time alone with the therapist"


@pytest.mark.parametrize(
    "risk_notes",
    [
        "Safety plan to be completed next session.",
        "Will write a safety plan at the next visit.",
        "Declined a safety plan.",
    ],
)
def test_a_safety_plan_not_yet_written_is_not_a_step_taken(risk_notes: str) -> None:
    data = json.loads((INTAKES / "mdd_recurrent_si.json").read_text())
    data["risk"]["notes"] = risk_notes
    assert extract(parse(data)).safety_steps == []


def test_abstinence_since_a_date_in_the_notes() -> None:
    data = json.loads((INTAKES / "aud_with_anxiety.json").read_text())
    data["notes"] = "Has not had a drink since 2026-10-02, after a medically managed detox."
    alcohol = extract(parse(data)).substance("alcohol")
    assert alcohol is not None
    assert (alcohol.status, str(alcohol.since)) == ("abstinent", "2026-10-02")


@pytest.mark.parametrize(
    "summary",
    [
        "Worry about her husband, who drinks 6 beers most nights.",
        "Worried she might drive after drinking at the party.",
    ],
)
def test_someone_elses_drinking_or_a_worry_is_not_a_fact_about_the_client(summary: str) -> None:
    facts = extract(_intake(presenting_problems=[{"summary": summary}]))
    assert facts.substance("alcohol") is None and facts.risk_to_others == []


@pytest.mark.parametrize(
    ("summary", "status"),
    [
        ("Worries all day while her husband is at work.", None),
        ("Her father retired last year and she cares for him.", None),
        ("Moved here for her husband's new job; lonely.", None),
        ("Retired in 2020; volunteers at a food bank.", "retired"),
    ],
)
def test_occupation_is_the_clients_not_a_relatives(summary: str, status: str | None) -> None:
    intake = _intake(presenting_problems=[{"summary": summary}], strengths=[], preferences=[])
    occupation = extract(intake).occupation
    assert (occupation.status if occupation else None) == status


def test_safety_steps_written_in_plain_words() -> None:
    data = json.loads((INTAKES / "mdd_recurrent_si.json").read_text())
    data["risk"]["notes"] = (
        "She wrote a safety plan with her psychiatrist on 2026-10-20. Her husband now holds "
        "her lithium and gives her a week's supply at a time."
    )
    facts = extract(parse(data))
    assert [s.kind for s in facts.safety_steps] == ["safety_plan", "means_restriction"]


def test_a_court_order_in_the_notes() -> None:
    facts = extract(
        _intake(
            notes="Court order: complete 10 sessions by 2027-01-15 and send the probation "
            "officer a completion letter. He signed a release allowing attendance dates to go "
            "to probation; no clinical details."
        )
    )
    legal = facts.legal
    assert legal is not None and legal.referred_by == "court"
    assert legal.requirements == [
        "complete 10 sessions by 2027-01-15",
        "send the probation officer a completion letter",
    ]
    assert (str(legal.deadline), legal.release_scope) == ("2027-01-15", "attendance dates")


def test_a_client_goal_is_linked_to_the_baseline_that_measures_it() -> None:
    goals = {
        g.text: g.baseline for g in extract(load(INTAKES / "aud_with_anxiety.json")).client_goals
    }
    assert goals == {
        "cut back to a few drinks at weekends": "standard drinks: 28-35 per week",
        "sleep without alcohol": None,
    }
    goals = {g.text: g.baseline for g in extract(load(INTAKES / "gad_nurse.json")).client_goals}
    assert goals["fall asleep within half an hour"] == "sleep onset latency: 50 minutes"
