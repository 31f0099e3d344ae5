"""Score extracted case facts against facts labelled by hand.

A labelled file (``tests/data/facts/<intake>.yaml``) lists the facts a clinician would
list for one intake::

    intake: aud_with_anxiety.json
    facts:
      - {kind: measure, instrument: AUDIT, score: 24}
      - {kind: substance, substance: alcohol, status: current_use, withdrawal: current_signs}
      - {kind: preference, kind_of: refusal, target: AA, quote: not keen on AA}

``kind`` is the fact kind (:func:`~assistant.facts.model.fact_kind`); every other key
names a field of that fact and must equal it (text compared without case or extra
spaces, numbers as numbers, dates as ``YYYY-MM-DD``). ``kind_of`` stands for the fact's
own ``kind`` field (preferences, safety steps, risk to others). ``quote`` must be found in
one of the fact's evidence quotes. Each labelled fact matches at most one extracted fact.
Extracted facts with no evidence (an unknown level of care) are not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.facts.model import CaseFacts, Fact, fact_kind
from assistant.facts.quotes import normalise


def _same(want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(got, dt.date):
        return str(want) == got.isoformat()
    if isinstance(got, bool) or isinstance(want, bool):
        return bool(want) == bool(got)
    if isinstance(got, int | float) and isinstance(want, int | float):
        return float(want) == float(got)
    if isinstance(got, list):
        return isinstance(want, list) and sorted(map(normalise, map(str, want))) == sorted(
            map(normalise, map(str, got))
        )
    return normalise(str(want)) == normalise(str(got))


def matches(expected: Mapping[str, Any], fact: Fact) -> bool:
    """True when ``fact`` is the fact ``expected`` describes."""
    if expected.get("kind") != fact_kind(fact):
        return False
    for key, want in expected.items():
        if key == "kind":
            continue
        if key == "quote":
            quotes = [normalise(e.quote) for e in fact.evidence if e.quote]
            if not any(normalise(str(want)) in q for q in quotes):
                return False
            continue
        field = "kind" if key == "kind_of" else key
        if field not in type(fact).model_fields:
            return False
        if not _same(want, getattr(fact, field)):
            return False
    return True


def counted(facts: CaseFacts) -> list[Fact]:
    """The extracted facts that scoring counts (those with evidence)."""
    return [f for f in facts.all_facts() if f.evidence]


def score(
    expected: Sequence[Mapping[str, Any]], actual: CaseFacts | Sequence[Fact]
) -> tuple[float, float]:
    """(recall, precision) of ``actual`` against the labelled ``expected`` facts.

    Recall: the share of labelled facts found. Precision: the share of extracted facts
    that a label describes. An empty side scores 1.0."""
    facts = counted(actual) if isinstance(actual, CaseFacts) else list(actual)
    free = list(range(len(facts)))
    found = 0
    for want in expected:
        for i in free:
            if matches(want, facts[i]):
                free.remove(i)
                found += 1
                break
    recall = found / len(expected) if expected else 1.0
    precision = found / len(facts) if facts else 1.0
    return recall, precision


def unmatched(
    expected: Sequence[Mapping[str, Any]], actual: CaseFacts
) -> tuple[list[Mapping[str, Any]], list[Fact]]:
    """The labelled facts not found, and the extracted facts no label describes."""
    facts = counted(actual)
    free = list(range(len(facts)))
    missing = []
    for want in expected:
        hit = next((i for i in free if matches(want, facts[i])), None)
        if hit is None:
            missing.append(want)
        else:
            free.remove(hit)
    return missing, [facts[i] for i in free]
