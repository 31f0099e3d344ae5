"""The fact scorer the evals reuse: what counts as a match, recall and precision."""

from __future__ import annotations

from assistant.facts import extract
from assistant.facts.scoring import counted, matches, score, unmatched
from assistant.intake import load
from tests.conftest import INTAKES

FACTS = extract(load(INTAKES / "opioid_iop_drug_court.json"))


def test_fields_compare_without_case_and_dates_as_written() -> None:
    assert matches(
        {"kind": "substance", "substance": "OPIOIDS", "since": "2026-08-24"}, FACTS.substances[0]
    )
    assert not matches({"kind": "substance", "since": "2026-08-25"}, FACTS.substances[0])
    assert not matches({"kind": "legal", "substance": "opioids"}, FACTS.substances[0])


def test_kind_of_quote_and_lists() -> None:
    refusal = FACTS.refusals()[0]
    assert matches({"kind": "preference", "kind_of": "refusal", "quote": "narcotics"}, refusal)
    assert not matches({"kind": "preference", "kind_of": "wants"}, refusal)
    assert FACTS.legal is not None
    assert matches(
        {
            "kind": "legal",
            "requirements": ["weekly drug screens", "program completion by 2027-03-01"],
        },
        FACTS.legal,
    )


def test_recall_and_precision_count_each_fact_once() -> None:
    n = len(counted(FACTS))
    labels = [
        {"kind": "measure", "instrument": "PHQ-9"},
        {"kind": "measure", "instrument": "PHQ-9"},
    ]
    recall, precision = score(labels, FACTS)
    assert (recall, precision) == (0.5, 1 / n)
    missing, extra = unmatched(labels, FACTS)
    assert missing == [labels[1]] and len(extra) == n - 1


def test_an_unknown_level_of_care_is_not_counted() -> None:
    facts = extract(load(INTAKES / "insomnia_minimal.json"))
    assert "level_of_care" not in [f.id for f in counted(facts)]
    assert score([], facts) == (1.0, 0.0)
