"""How a knowledge template's objective is filled for one client.

A strategy decides where the objective starts and what it aims at: the client's score on
the template's instrument (``from_score``), a task to finish by a session
(``by_completion``), or a behaviour the intake measured, is yet to be taught, or has no
figure yet (``from_behaviour``). ``write_text`` then puts those figures into the
template's sentence. ``compose.fill_objective`` chooses the strategy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from assistant import instruments
from assistant.drafting import measures
from assistant.drafting.measures import fmt
from assistant.facts.model import BaselineFact, CaseFacts, MeasureFact
from assistant.intake import Intake
from assistant.knowledge import ObjectiveTemplate
from assistant.plan import Baseline, Comparator, Target, Timeframe, placeholder

NOT_YET = "none recorded at intake"
NOT_TAUGHT = "not yet taught, as the practice starts in therapy"

Direction = Literal["decrease", "increase", "achieve"]


@dataclass
class Parts:
    """Where an objective starts and what it aims at, as one strategy decided."""

    metric: str
    baseline: Baseline
    target: Target
    timeframe: Timeframe
    direction: Direction
    warnings: list[str] = field(default_factory=list)
    matched: BaselineFact | None = None


# ---------------------------------------------------------------- from an intake score


def _score(facts: CaseFacts, inst: instruments.Instrument) -> MeasureFact | None:
    found = None
    for m in facts.measures:
        if m.validated and m.instrument == inst.id:
            found = m  # the latest one wins, as the intake lists them
    return found


def _instrument_target(
    template: ObjectiveTemplate, inst: instruments.Instrument, baseline: float
) -> tuple[Target | None, list[str], str | None]:
    """Target from the registry (or the item's stated value). Returns (target, warnings, skip reason)."""
    rule = template.target
    warnings: list[str] = []
    value: float | None = None
    comparator: Comparator = "<"
    if rule.kind == "below_cutoff":
        fact = inst.cutoff
        value = rule.value if rule.value is not None else (fact.value if fact else None)
        if fact is not None and not fact.confirmed:
            warnings.append(
                f"{inst.id} cut-off {fmt(fact.value)} is not confirmed by an authoritative source; confirm it."
            )
    elif rule.kind == "remission":
        fact = inst.remission_below
        value = rule.value if rule.value is not None else (fact.value if fact else None)
        if fact is not None:
            comparator = "<=" if fact.inclusive else "<"
            if not fact.confirmed:
                warnings.append(
                    f"{inst.id} remission threshold {fmt(fact.value)} is a convention not confirmed by an authoritative source; confirm it."
                )
    elif rule.kind == "percent_reduction":
        pct = (
            rule.value
            if rule.value is not None
            else (inst.response_percent.value if inst.response_percent else None)
        )
        if pct is not None:
            value = float(math.floor(baseline * (1 - pct / 100)))
            comparator = "<="
    if value is None:
        return None, warnings, None
    improving = value < baseline if inst.direction == "higher_is_worse" else value > baseline
    if not improving or (
        comparator == "<" and value <= inst.low and inst.direction == "higher_is_worse"
    ):
        return None, warnings, f"{inst.id} {fmt(baseline)} already meets the target of {fmt(value)}"
    return Target(value=value, text=fmt(value), comparator=comparator), warnings, None


def from_score(
    template: ObjectiveTemplate,
    intake: Intake,
    facts: CaseFacts,
    inst: instruments.Instrument,
    weeks: int,
) -> Parts | str:
    """Start from the client's latest score on the instrument and aim at the registry's
    threshold (a placeholder when it has none). A string is the reason to skip."""
    a = _score(facts, inst)
    if a is None:
        return f"no {inst.id} score in the intake"
    baseline = Baseline(
        value=float(a.score),
        text=fmt(a.score),
        date=a.date or intake.intake_date,
        source=f"{inst.id} at intake",
    )
    target, warnings, skip = _instrument_target(template, inst, float(a.score))
    if skip:
        return skip
    if target is None:
        target = Target(
            value=None, text=placeholder("target", f"set a {inst.id} target"), comparator="<"
        )
    return Parts(inst.id, baseline, target, Timeframe(weeks=weeks), template.direction, warnings)


# ---------------------------------------------------------------- a task to complete


def by_completion(template: ObjectiveTemplate, weeks: int) -> Parts:
    """A task not yet done at intake, finished by a stated session or as described."""
    rule = template.target
    baseline = Baseline(value=0, text="0", source=NOT_YET)
    if rule.value is not None:
        target = Target(value=None, text=f"done by session {fmt(rule.value)}", comparator="=")
        timeframe = Timeframe(by_session=int(rule.value))
    else:
        target = Target(value=None, text="done as described", comparator="=")
        timeframe = Timeframe(weeks=weeks)
    return Parts(template.metric, baseline, target, timeframe, "achieve")


# ---------------------------------------------------------------- a behaviour


def _already_met(matched: BaselineFact, shown: str, direction: str, value: float) -> str | None:
    """Why the template's stated target is no change for this client, if it is none."""
    if direction == "decrease" and matched.low <= value:
        return f"{matched.measure} ({shown}) already at or below {fmt(value)}"
    if direction == "increase" and matched.high >= value:
        return f"{matched.measure} ({shown}) already at or above {fmt(value)}"
    return None


def _unmeasured(template: ObjectiveTemplate) -> Baseline:
    """The baseline when the intake has no figure: 0 for a practice taught in therapy,
    else a placeholder saying what to ask or to record in week 1."""
    if template.taught_in_therapy:
        return Baseline(value=0, text="0", source=template.zero_because or NOT_TAUGHT)
    if template.baseline_measure:
        return Baseline(
            value=None, text=placeholder("baseline", f"ask about {template.baseline_measure}")
        )
    return Baseline(value=None, text=placeholder("baseline", "record in week 1"))


def from_behaviour(
    template: ObjectiveTemplate,
    intake: Intake,
    baselines: list[BaselineFact],
    used: set[str],
    weeks: int,
) -> Parts | str:
    """Start from the intake's baseline of the behaviour (one no other objective took), or
    from 0 or a placeholder; aim at the template's figure or a placeholder to agree."""
    rule = template.target
    direction = template.direction
    matched = measures.match_baseline(template, baselines, used)
    if matched is not None:
        baseline = measures.baseline_of(matched, intake.intake_date)
        skip = (
            None
            if rule.value is None
            else _already_met(matched, baseline.text, direction, rule.value)
        )
        if skip:
            return skip
    else:
        baseline = _unmeasured(template)
    if rule.value is not None:
        comparator: Comparator = "<=" if direction == "decrease" else ">="
        target = Target(value=rule.value, text=fmt(rule.value), comparator=comparator)
    else:
        target = Target(
            value=None, text=placeholder("target", "agree with the client"), comparator="<="
        )
    return Parts(template.metric, baseline, target, Timeframe(weeks=weeks), direction, [], matched)


# ---------------------------------------------------------------- the sentence


def _slots_filled(template: ObjectiveTemplate, parts: Parts, weeks: int) -> str:
    """The template's sentence with its slots filled (the knowledge check reads the slot
    names from the ``slots`` dict below, so keep them in it)."""
    rule = template.target
    target = parts.target
    slots = {
        "baseline": parts.baseline.text,
        "target": target.text
        if target.value is not None or target.is_placeholder
        else fmt(rule.value or 0),
        "weeks": str(weeks),
        "metric": parts.metric,
        "unit": template.unit,
    }
    if rule.kind == "completion" and rule.value is not None:
        slots["target"] = fmt(rule.value)
    return " ".join(template.text.split()).format(**slots)


def _with_baseline(
    text: str,
    template: ObjectiveTemplate,
    parts: Parts,
    inst: instruments.Instrument | None,
    facts: CaseFacts,
) -> tuple[str, Baseline]:
    """State the baseline when the sentence does not. Safety-plan steps already in place
    at intake become a completion's baseline in place of its 0."""
    rule = template.target
    baseline = parts.baseline
    taken = [st.text for st in facts.safety_steps if st.kind == template.builds_on_step]
    if rule.kind == "completion" and taken:
        n = f"{len(taken)} step" + ("s" if len(taken) > 1 else "")
        baseline = Baseline(value=None, text="in place at intake: " + "; ".join(taken))
        text = (
            text.rstrip(".") + f", building on the {n} already in place at intake "
            f"({'; '.join(taken)}) (baseline: {n} recorded at intake)."
        )
    elif rule.kind == "completion":
        text = text.rstrip(".") + f" (baseline 0: {NOT_YET})."
    elif template.taught_in_therapy and parts.matched is None and inst is None:
        text = text.rstrip(".") + f" (baseline 0: {template.zero_because or NOT_TAUGHT})."
    elif baseline.is_placeholder and baseline.text not in text:
        text = text.rstrip(".") + f" (baseline {baseline.text})."
    elif baseline.value is not None and baseline.text not in text:
        unit = " " + template.unit if template.unit and not inst else ""
        text = text.rstrip(".") + f" (baseline {baseline.text}{unit})."
    return text, baseline


def _in_intake_words(text: str, matched: BaselineFact) -> str:
    """Say the intake's own words too when the sentence hides which figure this is."""
    own = measures.stems(matched.measure)
    if own and 2 * len(own & measures.stems(text)) < len(own):
        unit = f" {matched.unit}" if matched.unit else ""
        text = text.rstrip(".") + f" (at intake: {matched.measure}, {matched.value}{unit})."
    return text


def write_text(
    template: ObjectiveTemplate,
    parts: Parts,
    inst: instruments.Instrument | None,
    facts: CaseFacts,
    weeks: int,
) -> tuple[str, Baseline]:
    """The template's sentence with this client's figures, and the baseline it states."""
    text = _slots_filled(template, parts, weeks)
    text, baseline = _with_baseline(text, template, parts, inst, facts)
    if parts.target.is_placeholder and parts.target.text not in text:
        text = text.rstrip(".") + f" Target {parts.target.text}."
    if parts.matched is not None:
        text = _in_intake_words(text, parts.matched)
    return complete_sentence(text, parts.timeframe, template.measurement), baseline


def complete_sentence(text: str, timeframe: Timeframe, measurement: str) -> str:
    """Add the timeframe or the way of measuring when the sentence does not state it, so the
    objective reads as SMART on its own (the linter is the judge)."""
    from assistant.validation import lint_objective

    missing = set(lint_objective(text).missing)
    if "timeframe" in missing and timeframe.is_set:
        text = text.rstrip(".") + f" ({timeframe.text()})."
    if "measurement" in missing and measurement:
        text = text.rstrip(".") + f", as recorded in: {measurement.strip().rstrip('.')}."
    return text
