"""The clinical consistency rules (CF..): what they read, and the readings they rest on.

Each rule's failing and passing cases are in tests/cases/rules/CF*.yaml; these tests cover
what the cases cannot show one at a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant import intake as intake_mod
from assistant.facts import extract
from assistant.plan import load as load_plan
from assistant.validation import RULES, validate
from assistant.validation.rules_consistency import affirms, contacts_per_week
from assistant.validation.rules_consistency_treatment import refusal_pattern, trauma_therapies

DATA = Path(__file__).parent / "data"
EXAMPLES = ["example_gad", "example_mdd", "example_ptsd", "example_aud_anxiety"]
CF = sorted(code for code in RULES if code.startswith("CF"))


def _intake(name: str, **context: Any) -> intake_mod.Intake:
    doc = json.loads((DATA / "intakes" / f"{name}.json").read_text())
    if context:
        doc["context"] = context
    return intake_mod.parse(doc)


def test_the_family_is_registered_with_docs_and_severities() -> None:
    assert len(CF) >= 13
    for code in CF:
        r = RULES[code]
        assert r.family == "consistency" and r.example("Bad") and r.example("Good"), code
    from assistant.validation import profiles

    default = profiles.load("default")
    assert default.severity("CF11") == "warning", "asking again for a step taken only warns"
    assert {default.severity(c) for c in ("CF01", "CF02", "CF05", "CF06", "CF10")} == {"error"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_guide_examples_fit_their_cases_and_without_a_case_nothing_is_checked(
    name: str,
) -> None:
    plan = load_plan(DATA / "plans" / f"{name}.json")
    with_case = validate(plan, _intake(name))
    assert not [f.line() for f in with_case.findings if f.rule in CF]
    assert not [f for f in validate(plan, None).findings if f.rule in CF]


def test_the_facts_the_clinician_confirmed_win_over_the_intake() -> None:
    intake = _intake(
        "example_aud_anxiety",
        substance_status=[{"substance": "alcohol", "status": "abstinent", "since": "2026-09-20"}],
    )
    plan = load_plan(DATA / "plans" / "example_aud_anxiety.json")
    assert "CF01" in validate(plan, intake).rules()
    corrected = extract(intake)
    corrected.substances[0].status = "current_use"  # the clinician corrects the record
    corrected.substances[0].confirmed = True
    plan.case_facts = corrected
    assert "CF01" not in validate(plan, intake).rules()


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("weekly", 1.0),
        ("every two weeks", 0.5),
        ("fortnightly", 0.5),
        ("monthly", 0.25),
        ("twice weekly", 2.0),
        ("3 days a week, 3 hours a day, plus a weekly individual session", 3.0),
        ("three mornings a week", 3.0),
        ("5 days per week", 5.0),
        ("every weekday", 5.0),
        ("as the programme sets", None),
    ],
)
def test_how_often_a_frequency_says_we_meet(text: str, rate: float | None) -> None:
    assert contacts_per_week(text) == rate


@pytest.mark.parametrize(
    ("head", "therapies"),
    [
        ("Trauma-focused cognitive therapy. Cognitive Processing Therapy (Resick)", ["CPT"]),
        ("Trauma-focused exposure therapy. Prolonged Exposure therapy (Foa)", ["PE"]),
        ("EMDR. Eight-phase protocol", ["EMDR"]),
        ("Written Exposure Therapy", ["WET"]),
        ("Exposure. In-vivo exposure with a hierarchy", []),
        ("CBT. Cognitive restructuring of worry", []),
    ],
)
def test_which_trauma_focused_therapy_an_intervention_names(
    head: str, therapies: list[str]
) -> None:
    assert trauma_therapies(head) == therapies


@pytest.mark.parametrize(
    ("target", "text", "proposed"),
    [
        ("Narcotics Anonymous", "Attend NA meetings twice a week", True),
        ("Narcotics Anonymous", "SMART Recovery twice a week (declines NA)", False),
        ("AA", "Referral to Alcoholics Anonymous", True),
        ("twelve-step groups", "Try AA or SMART Recovery", True),
        ("weigh-ins", "Weekly weigh-ins at the start of each session", True),
        ("weigh-ins", "No weigh-ins, as the client asked", False),
        ("EMDR", "Eye movement desensitisation and reprocessing, 8 sessions", True),
    ],
)
def test_a_refusal_is_read_where_the_plan_proposes_it(
    target: str, text: str, proposed: bool
) -> None:
    assert affirms(text, refusal_pattern(target)) is proposed


def test_overdose_risk_in_the_notes_is_never_rated_none_identified() -> None:
    """CF10: a client whose risk notes record overdose risk (lost tolerance, a past
    overdose) cannot have the risk rated 'none identified', by an edit or a model."""
    from assistant.drafting import draft

    root = Path(__file__).resolve().parents[1] / "evals" / "cases"
    intake = intake_mod.load(root / "opioid_buprenorphine.json")
    assert intake.risk is not None and "overdose" in intake.risk.notes.lower()
    plan = draft(intake).plan
    assert plan.safety is not None and plan.safety.risk_level == "to_be_rated"
    assert "CF10" not in validate(plan, intake).rules()
    edited = plan.model_copy(deep=True)
    assert edited.safety is not None
    edited.safety.risk_level = "none_identified"
    hits = [f for f in validate(edited, intake).findings if f.rule == "CF10"]
    assert hits and hits[0].severity == "error" and "overdose" in hits[0].message
    # 'no overdoses' in the notes is not overdose risk
    calm = intake.model_copy(deep=True)
    assert calm.risk is not None
    calm.risk.notes = "No overdoses in the past. Denies suicidal ideation."
    assert not [f for f in validate(edited, calm).findings if "overdose" in f.message]


def test_a_medicine_already_taken_is_not_referred_for_again() -> None:
    """CF18: a client on buprenorphine from a named prescriber gets coordination with that
    prescriber; an edit that refers them to find or start one is refused at signing."""
    from assistant.drafting import draft

    root = Path(__file__).resolve().parents[1] / "evals" / "cases"
    intake = intake_mod.load(root / "opioid_buprenorphine.json")
    plan = draft(intake).plan
    assert "CF18" not in validate(plan, intake, for_signing=True).rules()
    edited = plan.model_copy(deep=True)
    edited.interventions[0].technique = "Refer to an MOUD prescriber without delay"
    drafting_hits = [f for f in validate(edited, intake).findings if f.rule == "CF18"]
    assert drafting_hits and drafting_hits[0].severity == "warning"
    assert "buprenorphine" in drafting_hits[0].message.lower()
    signing = [f for f in validate(edited, intake, for_signing=True).findings if f.rule == "CF18"]
    assert signing and signing[0].severity == "error"
    # the same referral for a client who takes no such medicine is the right step
    other = intake_mod.load(root / "cannabis_daily_use.json")
    other_plan = draft(other).plan
    other_plan.interventions[0].technique = "Refer to an MOUD prescriber without delay"
    assert "CF18" not in validate(other_plan, other, for_signing=True).rules()
