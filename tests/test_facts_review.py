"""Model-proposed facts, clinician confirmation and plain descriptions of facts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.facts import extract
from assistant.facts.model import RuledOutFact, SubstanceFact
from assistant.facts.review import FactError, accept_model_facts, confirm, describe, remove
from assistant.intake import Intake, load, parse
from tests.conftest import INTAKES


@pytest.fixture(scope="module")
def intake() -> Intake:
    data = json.loads((INTAKES / "gad_nurse.json").read_text())
    data["notes"] = "Eats regular meals;   no purging\nor vomiting reported."
    return parse(data)


def test_a_proposed_fact_with_a_verbatim_quote_is_kept_with_its_span(intake: Intake) -> None:
    kept, dropped = accept_model_facts(
        intake,
        [
            {
                "kind": "ruled_out",
                "path": "notes",
                "quote": "no purging or vomiting",
                "concept": "purging",
            }
        ],
    )
    assert dropped == []
    (fact,) = kept
    assert isinstance(fact, RuledOutFact) and fact.source == "model"
    ev = fact.evidence[0]
    assert ev.start is not None and ev.end is not None
    assert intake.notes[ev.start : ev.end] == ev.quote == "no purging\nor vomiting"


def test_a_preference_kind_is_given_as_kind_of(intake: Intake) -> None:
    kept, dropped = accept_model_facts(
        intake,
        [
            {
                "kind": "preference",
                "kind_of": "scheduling",
                "path": "preferences[1]",
                "quote": "evening appointments only",
                "text": "evenings",
            }
        ],
    )
    assert dropped == [] and kept[0].model_dump()["kind"] == "scheduling"


@pytest.mark.parametrize(
    ("proposal", "reason"),
    [
        (
            {"kind": "ruled_out", "path": "notes", "quote": "denies bingeing", "concept": "x"},
            "proposed fact 1 (ruled_out): the quote is not in notes word for word; dropped",
        ),
        (
            {"kind": "ruled_out", "path": "client.name", "quote": "Maren", "concept": "x"},
            "proposed fact 1 (ruled_out): client.name is not a field a case fact may quote; "
            "dropped",
        ),
        (
            {"kind": "ruled_out", "path": "diagnoses[7].label", "quote": "x", "concept": "x"},
            "proposed fact 1 (ruled_out): diagnoses[7].label is not a text field of this "
            "intake; dropped",
        ),
        (
            {"kind": "diagnosis", "path": "notes", "quote": "no purging"},
            "proposed fact 1 (diagnosis): 'diagnosis' is not a kind of case fact; dropped",
        ),
        (
            {"kind": "substance", "path": "notes", "quote": "no purging", "status": "sometimes"},
            "proposed fact 1 (substance): substance field required; dropped",
        ),
        (
            {"kind": "ruled_out", "path": "notes", "concept": "purging"},
            "proposed fact 1 (ruled_out): it gives no intake field and quote; dropped",
        ),
    ],
)
def test_a_proposed_fact_without_a_verbatim_quote_is_dropped_with_a_reason(
    intake: Intake, proposal: dict[str, Any], reason: str
) -> None:
    kept, dropped = accept_model_facts(intake, [proposal])
    assert kept == [] and dropped == [reason]


def test_confirm_without_changes_keeps_the_source() -> None:
    facts = extract(load(INTAKES / "aud_with_anxiety.json"))
    out = confirm(facts, "substance:alcohol")
    alcohol = out.substance("alcohol")
    assert alcohol is not None and alcohol.confirmed and alcohol.source == "structured"
    assert facts.substance("alcohol").confirmed is False  # type: ignore[union-attr]


def test_a_correction_marks_the_fact_as_the_clinicians() -> None:
    facts = extract(load(INTAKES / "aud_with_anxiety.json"))
    out = confirm(facts, "substance:alcohol", status="abstinent", since="2026-10-02")
    alcohol = out.substance("alcohol")
    assert isinstance(alcohol, SubstanceFact)
    assert (alcohol.status, str(alcohol.since), alcohol.source) == (
        "abstinent",
        "2026-10-02",
        "clinician",
    )
    assert out.abstinent_substances == [alcohol]


@pytest.mark.parametrize(
    ("fact_id", "changes", "message"),
    [
        ("substance:nothing", {}, "substance:nothing: no such fact in this case"),
        (
            "substance:alcohol",
            {"status": "sometimes"},
            "substance:alcohol.status: input should be 'current_use', 'abstinent' or 'unknown'",
        ),
        (
            "substance:alcohol",
            {"source": "model"},
            "substance:alcohol: source is not something a clinician can correct",
        ),
    ],
)
def test_a_correction_that_cannot_apply_is_one_clear_line(
    fact_id: str, changes: dict[str, Any], message: str
) -> None:
    facts = extract(load(INTAKES / "aud_with_anxiety.json"))
    with pytest.raises(FactError) as exc:
        confirm(facts, fact_id, **changes)
    assert str(exc.value) == message


def test_removing_a_fact() -> None:
    facts = extract(load(INTAKES / "aud_with_anxiety.json"))
    assert not remove(facts, "ruled_out:withdrawal seizures").is_ruled_out("withdrawal seizures")
    with pytest.raises(FactError):
        remove(facts, "level_of_care")


def test_describe_says_what_and_where_in_plain_words() -> None:
    facts = extract(load(INTAKES / "opioid_iop_drug_court.json"))
    assert describe(facts.substance("opioids")) == (  # type: ignore[arg-type]
        "Opioids: abstinent since 2026-08-24 (withdrawal: history) — from "
        "context.substance_status[0]"
    )
    assert describe(facts.level_of_care) == (
        "Level of care: intensive outpatient, 3 days a week, 3 hours a day — from setting, "
        'notes "3 days a week, 3 hours a day"'
    )
    confirmed = confirm(facts, "level_of_care")
    assert describe(confirmed.level_of_care).endswith("(confirmed)")
