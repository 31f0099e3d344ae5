"""Clinical consistency: every figure the intake measured is used by the plan.

A scored measure or a behavioural baseline recorded at intake appears in the plan, either
as an objective's baseline or as one of the plan's ``monitored_measures``. A placeholder
stands only where the intake has no figure; a figure from before a change is not a
current baseline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant import instruments
from assistant.facts.model import BaselineFact, CaseFacts, MeasureFact
from assistant.plan import MonitoredMeasure, Objective, TreatmentPlan
from assistant.text import fmt as _fmt
from assistant.validation.context import Context, instrument_named
from assistant.validation.registry import Hit, rule
from assistant.validation.rules_consistency import (
    abstinent_use,
    day,
    objective_text,
    words_pattern,
)


def monitored_texts(plan: TreatmentPlan) -> list[str]:
    """The plan's monitored measures as they read in the plan."""
    return [mm.text() for mm in plan.monitored_measures]


@lru_cache(maxsize=1024)
def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _monitored(m: MeasureFact, plan: TreatmentPlan) -> list[MonitoredMeasure]:
    """The plan's monitored measures that track the instrument ``m`` records."""
    out = []
    for mm in plan.monitored_measures:
        inst = instrument_named(mm.instrument)
        same = (inst is not None and m.validated and inst.id == m.instrument) or _key(
            mm.instrument
        ) in (_key(m.instrument), _key(m.name_as_written))
        if same:
            out.append(mm)
    return out


_names_pattern = lru_cache(maxsize=1)(instruments.names_pattern)


# ---------------------------------------------------------------- CF07 scored measures


@lru_cache(maxsize=1024)
def _instrument_ids(text: str) -> frozenset[str]:
    """The registry ids of the instruments ``text`` names (cached: the same texts recur)."""
    out = set()
    for m in _names_pattern().finditer(text):
        inst = instruments.get(m.group(0))
        if inst is not None:
            out.add(inst.id)
    return frozenset(out)


def _names(m: MeasureFact) -> re.Pattern[str]:
    return words_pattern(m.name_as_written if not m.validated else m.instrument)


def _measures_objective(m: MeasureFact, o: Objective) -> bool:
    if m.validated:
        inst = instrument_named(o.instrument) if o.instrument else None
        if inst is not None and inst.id == m.instrument:
            return True
        return m.instrument in _instrument_ids(objective_text(o))
    return _names(m).search(objective_text(o)) is not None


def _screening(m: MeasureFact) -> bool:
    """A screening tool (AUDIT, DAST-10) is not repeated to track change during treatment."""
    inst = instrument_named(m.instrument) if m.validated else None
    return inst is not None and inst.frequency.startswith("screening tool")


def _stated_with_score(m: MeasureFact, texts: list[str]) -> bool:
    """The instrument is named with its intake score in one clause of the plan's text."""
    score = re.compile(rf"(?<![\d.]){re.escape(_fmt(m.score))}(?![\d])")
    return any(
        m.instrument in _instrument_ids(c) and score.search(c)
        for t in texts
        for c in re.split(r"[.;!?]\s+|\n", t)
    )


@rule("CF07", "consistency.measure-unused")
def measure_unused(ctx: Context) -> Iterator[Hit]:
    """Every scored measure recorded at intake (a PHQ-9 in an anxiety plan, an ISI, an AUDIT)
    appears in the plan with its score: as an objective's baseline or as a monitored measure.

    Bad: intake records GAD-7 15 and PHQ-9 8; the plan mentions only the GAD-7.
    Good: the PHQ-9 monitored monthly from its intake score of 8, or an objective starting from 8.

    A screening tool that is not repeated during treatment (AUDIT, DAST-10) may instead be
    stated with its score, e.g. in the problem statement.
    """
    facts = ctx.facts
    if facts is None:
        return
    for m in facts.measures:
        tracked = _monitored(m, ctx.plan)
        if any(mm.baseline == m.score for mm in tracked):
            continue
        where = f"{m.name_as_written} {_fmt(m.score)}" + (f" ({day(m.date)})" if m.date else "")
        if tracked:
            yield (
                "monitored_measures",
                f"The intake records {where}, but the plan monitors it from "
                f"{tracked[0].baseline_text}: use the recorded score as its baseline.",
            )
            continue
        if _screening(m) and _stated_with_score(m, [t for _, t in ctx.texts]):
            continue
        users = [(p, o) for p, _, o in ctx.objectives if _measures_objective(m, o)]
        if any(o.baseline is not None and not o.baseline.is_placeholder for _, o in users):
            continue
        if users:
            path, _ = users[0]
            yield (
                f"{path}.baseline",
                f"The intake records {where}, but this objective's baseline is still a "
                "placeholder: use the recorded score.",
            )
            continue
        if not m.validated and any(_names(m).search(t) for _, t in ctx.texts):
            continue  # an unvalidated measure is kept and shown; it cannot be a baseline
        yield (
            "goals",
            f"The intake records {where}, but the plan does not use it: make it an "
            "objective's baseline or a monitored measure with how often it is repeated.",
        )


# ---------------------------------------------------------------- CF08 behavioural baselines

_STOP = {
    "per", "week", "weeks", "day", "days", "month", "times", "time", "with", "from", "that",
    "number", "count", "average", "each", "past", "last", "over", "into", "your", "their",
}  # fmt: skip


@lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    return frozenset(
        w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in _STOP
    )


@lru_cache(maxsize=8192)
def _said_stems(metric: str | None, text: str) -> frozenset[str]:
    """:func:`_stems` of an objective's metric and sentence together."""
    return _stems(" ".join(filter(None, (metric, text))))


def _about(b: BaselineFact, o: Objective) -> bool:
    """The objective measures what the baseline counts (shared words, or the same record)."""
    if not _stems(b.measure).isdisjoint(_said_stems(o.metric, o.text)):
        return True
    src = (o.baseline.source if o.baseline else "") or ""
    return bool(b.measured_by) and bool(src) and b.measured_by.lower() == src.lower()


def _same_figure(b: BaselineFact, o: Objective) -> bool:
    base = o.baseline
    if base is None or base.value is None:
        return False
    high = base.high if base.high is not None else base.value
    return base.value == b.low and high == b.high


def _history(facts: CaseFacts, b: BaselineFact) -> bool:
    """A figure from before a change: an earlier window, or use counted before the
    abstinence the case records (a count of 0 days of use is the abstinence itself)."""
    return not b.current or (b.high > 0 and abstinent_use(facts, b.measure))


@rule("CF08", "consistency.baseline-unused")
def baseline_unused(ctx: Context) -> Iterator[Hit]:
    """Every current behavioural baseline from the intake is the baseline of the objective
    that measures it (or a monitored measure); a placeholder stands only where no figure exists.

    Bad: intake records 3-5 panic attacks a week; the objective reads 'from [baseline: record in week 1]'.
    Good: 'Cut panic attacks from 3-5 a week to 1 or fewer within 12 weeks, on the panic log.'

    A figure from before a change (before detox, or use of a substance now abstinent) is
    history, not a current baseline, and is not required.
    """
    facts = ctx.facts
    if facts is None:
        return
    monitored: list[str] | None = None
    for b in facts.baselines:
        if _history(facts, b):
            continue
        if monitored is None:
            monitored = monitored_texts(ctx.plan)
        if any(_stems(b.measure) & _stems(t) and b.value in t for t in monitored):
            continue
        about = [(p, o) for p, _, o in ctx.objectives if _about(b, o)]
        if any(_same_figure(b, o) for _, o in about):
            continue
        figure = f"{b.measure}: {b.value}" + (f" {b.unit}" if b.unit else "")
        waiting = [(p, o) for p, o in about if o.baseline is None or o.baseline.is_placeholder]
        if waiting:
            yield (
                f"{waiting[0][0]}.baseline",
                f"The intake records {figure}, but this objective's baseline is a "
                "placeholder: use the recorded figure.",
            )
            continue
        yield (
            "goals",
            f"The intake records {figure}, but no objective starts from it: use it as "
            "the baseline of the objective that measures it, or monitor it.",
        )


# ---------------------------------------------------------------- CF14 history as baseline


@rule("CF14", "consistency.history-as-baseline")
def history_as_baseline(ctx: Context) -> Iterator[Hit]:
    """No objective starts from a figure that describes an earlier period: drinking in the
    30 days before detox, or use before the abstinence the case records, is history.

    Bad: abstinent since detox; 'Cut drinking from 30-35 standard drinks a week (the month before detox) to 7.'
    Good: 'Keep 0 drinking days a week (abstinent since 2026-09-20) for 12 weeks, with a written relapse plan.'
    """
    facts = ctx.facts
    if facts is None:
        return
    for b in facts.baselines:
        if not _history(facts, b):
            continue
        when = f" ({b.window})" if b.window else ""
        for path, _, o in ctx.objectives:
            if _about(b, o) and _same_figure(b, o):
                yield (
                    f"{path}.baseline",
                    f"This objective starts from {b.measure}: {b.value}{when}, a figure from "
                    "before the change the case records: use the current figure, or "
                    "record it at the first session.",
                )
