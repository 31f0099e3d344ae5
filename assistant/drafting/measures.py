"""Every figure the intake measured, used by the plan.

A behavioural baseline goes to the objective that measures it: a knowledge template whose
metric words match it, or, when none does, an objective composed from the baseline itself
(its metric, figure, unit, window and source; a target only where a record gives one). A
scored measure that no objective starts from is kept as a monitored measure with its
intake score and how often it is repeated (the registry's cadence).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from assistant import instruments
from assistant.facts.model import BaselineFact, CaseFacts, MeasureFact
from assistant.knowledge import DraftingRules, ObjectiveTemplate
from assistant.plan import (
    Baseline,
    MonitoredMeasure,
    Objective,
    Provenance,
    Target,
    Timeframe,
    placeholder,
)

_STOP = {
    "per", "week", "weeks", "day", "days", "month", "months", "times", "time", "with", "from",
    "that", "number", "count", "average", "each", "past", "last", "over", "into", "your",
    "their", "when", "rating", "hours", "minutes", "out", "of", "the", "and", "a",
}  # fmt: skip


def stems(text: str) -> set[str]:
    """Content words of ``text`` cut to five letters ('nightmares' and 'nightmare' agree)."""
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in _STOP}


def fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _fit(template: ObjectiveTemplate, b: BaselineFact) -> float:
    """How well ``b`` is what ``template`` measures (0 = unrelated)."""
    have = stems(f"{b.measure} {b.unit}")
    if template.baseline_measure:
        want = stems(template.baseline_measure)
        if template.baseline_measure.lower() in f"{b.measure} {b.unit}".lower():
            return 1.0
        share = len(want & have) / len(want) if want else 0.0
        if share > 0.5:  # more than half the words: 'sleep efficiency' is not 'sleep onset'
            return share
        # the metric's own words ('compensatory behaviours (vomiting, laxative misuse ...)')
        mine = stems(b.measure)
        named = len(mine & stems(template.metric)) / len(mine) if mine else 0.0
        return 0.5 * named if named >= 0.5 else 0.0
    want = stems(f"{template.metric} {template.unit}")
    shared = want & stems(b.measure)
    return 0.6 * len(shared) / max(len(stems(b.measure)), 1) if len(shared) >= 2 else 0.0


def current_baselines(facts: CaseFacts, rules: DraftingRules | None) -> list[BaselineFact]:
    """Baselines that describe now: not a figure from before a change, and not use of a
    substance the case records as abstinent (that figure is history)."""
    return [b for b in facts.baselines if b.current and not counts_abstinent_use(b, facts, rules)]


def counts_abstinent_use(b: BaselineFact, facts: CaseFacts, rules: DraftingRules | None) -> bool:
    if rules is None or not facts.abstinent_substances or b.high == 0:
        return False  # a count of 0 since stopping is the current abstinence, not history
    text = f"{b.measure} {b.unit}".lower()
    if re.search(r"crav|urge|confiden|meeting", text):
        return False
    names = {s.substance.lower() for s in facts.abstinent_substances}
    use = any(w in text for w in rules.abstinence.use_words)
    return use and (any(n[:5] in text for n in names) or "drink" in text and "alcohol" in names)


def match_baseline(
    template: ObjectiveTemplate, baselines: list[BaselineFact], used: set[str]
) -> BaselineFact | None:
    """The case's baseline that ``template`` measures, if any (each baseline used once)."""
    best, best_fit = None, 0.0
    for b in baselines:
        if b.id in used:
            continue
        score = _fit(template, b)
        if score > best_fit:
            best, best_fit = b, score
    return best


def baseline_of(b: BaselineFact, when: date) -> Baseline:
    return Baseline(
        value=b.low,
        high=b.high if b.high != b.low else None,
        text=b.value,
        date=when,
        source=b.measured_by or "intake",
    )


def _direction(b: BaselineFact, rules: DraftingRules) -> Literal["decrease", "increase"]:
    text = f"{b.measure} {b.unit}".lower()
    rule = rules.composed_objective
    if any(w in text for w in rule.fewer_words):
        return "decrease"
    return "increase" if any(w in text for w in rule.more_words) else "decrease"


def composed_objective(
    b: BaselineFact, rules: DraftingRules, oid: str, when: date, weeks: int
) -> Objective:
    """An objective written from the baseline itself, for a figure no template measures."""
    rule = rules.composed_objective
    direction: Literal["decrease", "increase", "achieve"] = _direction(b, rules)
    source = b.measured_by or "the client's log"
    unit = b.unit.strip()
    about = f"{b.measure} {b.unit}".lower()
    if direction == "decrease" and b.high > 0 and any(w in about for w in rule.zero_target_words):
        text = rule.zero_target.format(
            measure=b.measure, baseline=b.value, unit=unit, weeks=weeks, source=source
        )
        target = Target(value=0, text="0", comparator="=")
    elif direction == "decrease" and b.high == 0:
        text = rule.maintain_zero.format(
            measure=b.measure, unit=unit, baseline=b.value, weeks=weeks, source=source
        )
        target = Target(value=0, text="0", comparator="=")
        direction = "achieve"
    else:
        hint = placeholder("target", rule.target_placeholder)
        template = rule.decrease if direction == "decrease" else rule.increase
        text = template.format(
            measure=b.measure, baseline=b.value, unit=unit, target=hint, weeks=weeks, source=source
        )
        target = Target(value=None, text=hint, comparator="<=" if direction == "decrease" else ">=")
    text = " ".join(text.split()).replace(" ,", ",")
    return Objective(
        id=oid,
        text=text,
        metric=b.measure,
        baseline=baseline_of(b, when),
        target=target,
        direction=direction,
        timeframe=Timeframe(weeks=weeks),
        measurement=source,
        frequency="weekly",
        stage="outcome",
        provenance=Provenance(
            source="intake",
            authorship="suggested",
            suggested_text=text,
            note=f"composed from the intake baseline ({b.evidence[0].path if b.evidence else b.id})",
        ),
    )


def monitored_measures(
    facts: CaseFacts, objectives: list[Objective], rules: DraftingRules | None
) -> list[MonitoredMeasure]:
    """Scored measures no objective starts from, kept with their score and cadence."""
    starts = {
        (o.instrument or "").lower()
        for o in objectives
        if o.baseline is not None and o.baseline.value is not None
    }
    out: list[MonitoredMeasure] = []
    seen: set[str] = set()
    for m in facts.measures:
        key = m.instrument.lower()
        if key in starts or key in seen:
            continue
        seen.add(key)
        out.append(_monitored(m, rules))
    return out


def _monitored(m: MeasureFact, rules: DraftingRules | None) -> MonitoredMeasure:
    inst = instruments.get(m.instrument) if m.validated else None
    default = rules.monitoring.default_cadence if rules else "at each plan review"
    if inst is None:
        cadence = default
    elif inst.frequency.startswith("screening tool") and rules is not None:
        cadence = rules.monitoring.screening_cadence
    else:
        cadence = inst.frequency or default
    band = f" ({m.severity})" if m.severity and inst is not None and inst.bands_confirmed else ""
    name = m.instrument if m.validated else m.name_as_written
    return MonitoredMeasure(
        instrument=name,
        baseline=m.score,
        baseline_text=fmt(m.score) + band,
        date=m.date,
        cadence=cadence,
        validated=m.validated,
        provenance=Provenance(
            source="registry" if inst is not None else "intake",
            authorship="suggested",
            note=f"intake {m.evidence[0].path if m.evidence else m.id}",
        ),
    )
