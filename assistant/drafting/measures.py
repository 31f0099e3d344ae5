"""Every figure the intake measured, used by the plan.

A behavioural baseline goes to the objective that measures it: a knowledge template whose
metric words match it, or, when none does, an objective composed from the baseline itself
(its metric, figure, unit, window and source; a target only where a record gives one). A
scored measure that no objective starts from is kept as a monitored measure with its
intake score and how often it is repeated (the registry's cadence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant import instruments
from assistant.facts.model import BaselineFact, CaseFacts, ClientGoalFact, MeasureFact
from assistant.knowledge import BehaviouralTarget, DraftingRules, Module, ObjectiveTemplate
from assistant.knowledge_rules import ComposedObjectiveRule
from assistant.plan import (
    Baseline,
    Comparator,
    MonitoredMeasure,
    Objective,
    Provenance,
    Target,
    Timeframe,
    placeholder,
)
from assistant.text import figures

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


def _improves(b: BaselineFact, direction: str, value: float, comparator: str) -> bool:
    """True when reaching ``value`` is a change for the better from the baseline."""
    if direction == "decrease":
        return b.high > value or (comparator == "<" and b.high >= value)
    return b.low < value


def cited_target(
    b: BaselineFact,
    targets: Sequence[tuple[Module, BehaviouralTarget]],
    facts: CaseFacts | None,
) -> tuple[Module, BehaviouralTarget] | None:
    """The knowledge target for this baseline: its words match, the person is not in a
    group the source leaves out, and reaching it improves on the baseline (the target's
    direction wins: 11 hours of sleep a night is brought down, 5 is brought up)."""
    about = f"{b.measure} {b.unit}".lower()
    pop = facts.population if facts is not None else None
    for mod, t in targets:
        if not any(w in about for w in t.measure_words):
            continue
        if t.unit_words and not any(w in about for w in t.unit_words):
            continue
        if any(w in about for w in t.exclude_words):
            continue
        if pop is not None and (
            pop.age_band in t.not_for or (pop.perinatal and "perinatal" in t.not_for)
        ):
            continue
        if _improves(b, t.direction, t.value, t.comparator):
            return mod, t
    return None


_UNIT_WORDS = ("minute", "hour", "day", "week", "night", "time", "meal")


def client_target(
    b: BaselineFact, facts: CaseFacts | None, direction: str
) -> tuple[ClientGoalFact, float] | None:
    """A figure the client named in a goal about this very measure ('shower in 10
    minutes' for minutes in the shower): one figure, in the measure's own units, that
    improves on the baseline."""
    if facts is None:
        return None
    about = f"{b.measure} {b.unit}".lower()
    for g in facts.client_goals:
        if not g.baseline or not g.baseline.startswith(f"{b.measure}:"):
            continue
        found = sorted(figures(g.text))
        said = g.text.lower()
        if len(found) != 1 or not any(u in said and u in about for u in _UNIT_WORDS):
            continue
        if _improves(b, direction, found[0], "<=" if direction == "decrease" else ">="):
            return g, found[0]
    return None


@dataclass
class _Aim:
    """What a composed objective aims at: its sentence, target and direction, and how the
    target was found (added to the provenance note)."""

    text: str
    target: Target
    direction: Literal["decrease", "increase", "achieve"]
    note: str = ""


def _toward(
    rule: ComposedObjectiveRule,
    b: BaselineFact,
    direction: str,
    shown: str,
    weeks: int,
    source: str,
) -> str:
    """The record's decrease or increase sentence for ``b``, aiming at ``shown``."""
    template = rule.decrease if direction == "decrease" else rule.increase
    return template.format(
        measure=b.measure,
        baseline=b.value,
        unit=b.unit.strip(),
        target=shown,
        weeks=weeks,
        source=source,
    )


def _no_harm(rule: ComposedObjectiveRule, b: BaselineFact, weeks: int, source: str) -> _Aim | None:
    """Harm is brought to 0 (no target to agree on); a count already 0 is kept there."""
    about = f"{b.measure} {b.unit}".lower()
    zero = Target(value=0, text="0", comparator="=")
    if b.high > 0 and any(w in about for w in rule.zero_target_words):
        text = rule.zero_target.format(
            measure=b.measure, baseline=b.value, unit=b.unit.strip(), weeks=weeks, source=source
        )
        return _Aim(text, zero, "decrease")
    if b.high == 0:
        text = rule.maintain_zero.format(
            measure=b.measure, unit=b.unit.strip(), baseline=b.value, weeks=weeks, source=source
        )
        return _Aim(text, zero, "achieve")
    return None


def _client_aim(
    rule: ComposedObjectiveRule,
    b: BaselineFact,
    own: tuple[ClientGoalFact, float],
    direction: Literal["decrease", "increase", "achieve"],
    weeks: int,
    source: str,
) -> _Aim:
    """The figure the client named in a goal about this measure."""
    goal, value = own
    shown = f"{fmt(value)} or {'less' if direction == 'decrease' else 'more'}"
    comparator: Comparator = "<=" if direction == "decrease" else ">="
    path = goal.evidence[0].path if goal.evidence else goal.id
    return _Aim(
        _toward(rule, b, direction, shown, weeks, source),
        Target(value=value, text=shown, comparator=comparator),
        direction,
        f"; target from the client's goal ({path}): '{goal.text}'",
    )


def _cited_aim(
    rule: ComposedObjectiveRule,
    b: BaselineFact,
    cited: tuple[Module, BehaviouralTarget],
    weeks: int,
    source: str,
) -> _Aim:
    """A knowledge target, to confirm with the client; its direction wins."""
    mod, t = cited
    return _Aim(
        _toward(rule, b, t.direction, t.text, weeks, source),
        Target(value=t.value, text=t.text, comparator=t.comparator),
        t.direction,
        f"; target from {mod.id} / {t.id}: {t.why} - confirm it with the client",
    )


def composed_objective(
    b: BaselineFact,
    rules: DraftingRules,
    oid: str,
    when: date,
    weeks: int,
    *,
    targets: Sequence[tuple[Module, BehaviouralTarget]] = (),
    facts: CaseFacts | None = None,
) -> Objective:
    """An objective written from the baseline itself, for a figure no template measures.
    Its target is, in order: none for harm ('0'), the client's own figure from a goal
    about the measure, a cited knowledge target, or a visible placeholder."""
    rule = rules.composed_objective
    direction: Literal["decrease", "increase", "achieve"] = _direction(b, rules)
    source = b.measured_by or "the client's log"
    cited: tuple[Module, BehaviouralTarget] | None = None
    own = None if direction == "achieve" else client_target(b, facts, direction)
    if own is None:
        cited = cited_target(b, targets, facts)
    if cited is not None and cited[1].value == 0 and b.high > 0:
        direction = "decrease"
    aim = _no_harm(rule, b, weeks, source) if direction == "decrease" else None
    if aim is None and own is not None:
        aim = _client_aim(rule, b, own, direction, weeks, source)
    elif aim is None and cited is not None:
        aim = _cited_aim(rule, b, cited, weeks, source)
    elif aim is None:
        hint = placeholder("target", rule.target_placeholder)
        comparator: Comparator = "<=" if direction == "decrease" else ">="
        text = _toward(rule, b, direction, hint, weeks, source)
        aim = _Aim(text, Target(value=None, text=hint, comparator=comparator), direction)
    text = " ".join(aim.text.split()).replace(" ,", ",")
    note = f"composed from the intake baseline ({b.evidence[0].path if b.evidence else b.id})"
    return Objective(
        id=oid,
        text=text,
        metric=b.measure,
        baseline=baseline_of(b, when),
        target=aim.target,
        direction=aim.direction,
        timeframe=Timeframe(weeks=weeks),
        measurement=source,
        frequency="weekly",
        stage="outcome",
        provenance=Provenance(
            source="knowledge" if cited is not None else "intake",
            record_id=cited[0].id if cited is not None else None,
            record_version=cited[0].version if cited is not None else None,
            item_id=cited[1].id if cited is not None else None,
            authorship="suggested",
            suggested_text=text,
            note=note + aim.note,
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
