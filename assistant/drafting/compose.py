"""Turning knowledge templates and intake facts into plan items.

Every figure written here comes from the intake, the instrument registry or the cited
knowledge item. When none of them supplies a figure, the item gets a visible placeholder
(``[baseline: record in week 1]``) for the clinician instead of a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from assistant import instruments
from assistant.drafting import measures
from assistant.drafting.select import overlap
from assistant.facts import extract
from assistant.facts.model import BaselineFact, CaseFacts, MeasureFact
from assistant.intake import BehaviouralBaseline, Intake, PresentingProblem
from assistant.knowledge import InterventionOption, ObjectiveTemplate
from assistant.plan import (
    Baseline,
    Comparator,
    Intervention,
    Provenance,
    Target,
    Timeframe,
    placeholder,
)


def fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def knowledge_provenance(
    record_id: str, version: int, item_id: str | None, text: str
) -> Provenance:
    return Provenance(
        source="knowledge",
        record_id=record_id,
        record_version=version,
        item_id=item_id,
        authorship="suggested",
        suggested_text=text,
    )


# ---------------------------------------------------------------- problem statements


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def problem_statement(
    intake: Intake,
    problems: list[PresentingProblem],
    codes: list[str],
    labels: list[str],
    instrument_ids: list[str],
    skip_paths: set[str],
    problem_indexes: list[int],
) -> str:
    """A problem statement in this client's terms: what, how long, symptoms, impact,
    scores with severity bands, and the diagnoses it supports."""
    parts: list[str] = []
    for idx, pp in zip(problem_indexes, problems, strict=True):
        summary = _sentence(pp.summary)
        if pp.duration:
            summary = summary.rstrip(".") + f" (duration: {pp.duration})."
        parts.append(summary)
        if pp.symptoms:
            parts.append("Symptoms: " + "; ".join(pp.symptoms) + ".")
        if pp.functional_impact:
            parts.append("Impact on daily life: " + "; ".join(pp.functional_impact) + ".")
        if pp.client_words and f"presenting_problems[{idx}].client_words" not in skip_paths:
            parts.append(f'In the client\'s words: "{pp.client_words.strip()}"')
    scores = []
    for inst_id in instrument_ids:
        a = intake.score(inst_id)
        inst = instruments.get(inst_id)
        if a is None or inst is None:
            continue
        band = inst.band(a.score)
        band_text = f" ({band})" if band and inst.bands_confirmed else ""
        when = f" on {a.date.isoformat()}" if a.date else ""
        scores.append(f"{inst.id} {fmt(a.score)}{band_text}{when}")
    if scores:
        parts.append("Scores at intake: " + "; ".join(scores) + ".")
    dx = "; ".join(f"{c} {lbl}".strip() for c, lbl in zip(codes, labels, strict=True))
    parts.append(f"Diagnosis: {dx}.")
    return " ".join(parts)


# ---------------------------------------------------------------- objectives


@dataclass
class Filled:
    text: str
    metric: str
    instrument: str | None
    baseline: Baseline
    target: Target
    timeframe: Timeframe
    direction: Literal["decrease", "increase", "achieve"]
    warnings: list[str]
    baseline_id: str | None = None


def match_baseline(template: ObjectiveTemplate, intake: Intake) -> BehaviouralBaseline | None:
    """The intake's behavioural baseline that this template measures, if any."""
    facts = extract(intake)
    found = measures.match_baseline(template, measures.current_baselines(facts, None), set())
    if found is None:
        return None
    index = int(found.id.split(":")[1]) if found.id.startswith("baseline:") else -1
    return intake.baselines[index] if 0 <= index < len(intake.baselines) else None


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


def fill_objective(
    template: ObjectiveTemplate,
    intake: Intake,
    max_weeks: int,
    facts: CaseFacts | None = None,
    used: set[str] | None = None,
    baselines: list[BaselineFact] | None = None,
) -> tuple[Filled | None, str | None]:
    """Fill one objective template for this client from the case facts. Returns (objective
    parts, skip reason). ``used`` holds the ids of baselines other objectives already took;
    the baseline this one takes is added to it."""
    facts = facts or extract(intake)
    used = used if used is not None else set()
    if baselines is None:
        baselines = measures.current_baselines(facts, None)
    matched: BaselineFact | None = None
    weeks = min(template.timeframe_weeks, max_weeks)
    timeframe = Timeframe(weeks=weeks)
    warnings: list[str] = []
    inst = instruments.get(template.instrument) if template.instrument else None
    direction: Literal["decrease", "increase", "achieve"] = template.direction
    rule = template.target

    if inst is not None and not inst.categorical:
        a = _score(facts, inst)
        if a is None:
            return None, f"no {inst.id} score in the intake"
        baseline = Baseline(
            value=float(a.score),
            text=fmt(a.score),
            date=a.date or intake.intake_date,
            source=f"{inst.id} at intake",
        )
        target, warnings, skip = _instrument_target(template, inst, float(a.score))
        if skip:
            return None, skip
        if target is None:
            target = Target(
                value=None, text=placeholder("target", f"set a {inst.id} target"), comparator="<"
            )
        metric = inst.id
    elif rule.kind == "completion":
        direction = "achieve"
        baseline = Baseline(value=0, text="0", source=NOT_YET)
        if rule.value is not None:
            timeframe = Timeframe(by_session=int(rule.value))
            target = Target(value=None, text=f"done by session {fmt(rule.value)}", comparator="=")
        else:
            target = Target(value=None, text="done as described", comparator="=")
        metric = template.metric
    else:
        metric = template.metric
        matched = measures.match_baseline(template, baselines, used)
        if matched is not None:
            lo, hi = matched.low, matched.high
            baseline = measures.baseline_of(matched, intake.intake_date)
            if rule.value is not None:
                if direction == "decrease" and lo <= rule.value:
                    return (
                        None,
                        f"{matched.measure} ({baseline.text}) already at or below {fmt(rule.value)}",
                    )
                if direction == "increase" and hi >= rule.value:
                    return (
                        None,
                        f"{matched.measure} ({baseline.text}) already at or above {fmt(rule.value)}",
                    )
        elif template.taught_in_therapy:
            baseline = Baseline(value=0, text="0", source=template.zero_because or NOT_TAUGHT)
        elif template.baseline_measure:
            baseline = Baseline(
                value=None, text=placeholder("baseline", f"ask about {template.baseline_measure}")
            )
        else:
            baseline = Baseline(value=None, text=placeholder("baseline", "record in week 1"))
        if rule.value is not None:
            comparator = "<=" if direction == "decrease" else ">="
            target = Target(value=rule.value, text=fmt(rule.value), comparator=comparator)
        else:
            target = Target(
                value=None, text=placeholder("target", "agree with the client"), comparator="<="
            )

    text = " ".join(template.text.split())
    slots = {
        "baseline": baseline.text,
        "target": target.text
        if target.value is not None or target.is_placeholder
        else fmt(rule.value or 0),
        "weeks": str(weeks),
        "metric": metric,
        "unit": template.unit,
    }
    if rule.kind == "completion" and rule.value is not None:
        slots["target"] = fmt(rule.value)
    if "{target}" not in text and target.value is not None:
        pass
    text = text.format(**slots)
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
    elif template.taught_in_therapy and matched is None and inst is None:
        text = text.rstrip(".") + f" (baseline 0: {template.zero_because or NOT_TAUGHT})."
    elif baseline.is_placeholder and baseline.text not in text:
        text = text.rstrip(".") + f" (baseline {baseline.text})."
    elif baseline.value is not None and baseline.text not in text:
        text = (
            text.rstrip(".")
            + f" (baseline {baseline.text}{' ' + template.unit if template.unit and not inst else ''})."
        )
    if target.is_placeholder and target.text not in text:
        text = text.rstrip(".") + f" Target {target.text}."
    if matched is not None:
        own = measures.stems(matched.measure)
        if own and 2 * len(own & measures.stems(text)) < len(own):
            # say it in the intake's own words too, so the reader sees which figure this is
            unit = f" {matched.unit}" if matched.unit else ""
            text = text.rstrip(".") + f" (at intake: {matched.measure}, {matched.value}{unit})."
    text = complete_sentence(text, timeframe, template.measurement)
    if matched is not None:
        used.add(matched.id)
    return (
        Filled(
            text=text,
            metric=metric,
            instrument=inst.id if inst else None,
            baseline=baseline,
            target=target,
            timeframe=timeframe,
            direction=direction,
            warnings=warnings,
            baseline_id=matched.id if matched is not None else None,
        ),
        None,
    )


NOT_YET = "none recorded at intake"
NOT_TAUGHT = "not yet taught, as the practice starts in therapy"


def assign_client_goals(
    intake: Intake, group_texts: list[str], skip_paths: set[str]
) -> list[list[str]]:
    """Give each of the client's own goals to the problem it reads most like."""
    out: list[list[str]] = [[] for _ in group_texts]
    for j, goal in enumerate(intake.client_goals):
        if f"client_goals[{j}]" in skip_paths or not group_texts:
            continue
        best = max(range(len(group_texts)), key=lambda i: (overlap(goal, group_texts[i]), -i))
        out[best].append(goal)
    return out


def goal_statement(template_text: str, client_goals: list[str], impacts: list[str]) -> str:
    """The record's goal, tied to this person: their own aim in their words, or else what
    the problem is costing them now (from the intake's functional impact)."""
    text = " ".join(template_text.split())
    if client_goals:
        quoted = "; ".join(f'"{g.strip()}"' for g in client_goals)
        return f"{text} The client's own aim: {quoted}."
    if impacts:
        return f"{text} Where this starts: {'; '.join(i.strip().rstrip('.') for i in impacts)}."
    return text


def add_intervention(
    record_id: str,
    version: int,
    o: InterventionOption,
    objective_id: str,
    interventions: dict[str, Intervention],
    scheduling: list[str],
) -> None:
    """Add knowledge intervention ``o`` for ``objective_id`` (or link it if already there)."""
    if o.id in interventions:
        if objective_id not in interventions[o.id].objective_ids:
            interventions[o.id].objective_ids = [*interventions[o.id].objective_ids, objective_id]
        return
    technique = f"{o.name}: " + "; ".join(o.techniques)
    freq = o.frequency
    if o.session_minutes:
        freq = f"{o.frequency}, {o.session_minutes}-minute sessions"
    if o.sessions:
        n = o.sessions
        freq += f", {n.min} sessions" if n.min == n.max else f", {n.min}-{n.max} sessions"
    if scheduling:
        freq += " (client's limits: " + "; ".join(scheduling) + ")"
    interventions[o.id] = Intervention(
        id=f"I{len(interventions) + 1}",
        modality=o.modality,
        technique=technique,
        frequency=freq,
        objective_ids=[objective_id],
        evidence=" ".join(o.evidence.split()),
        provenance=knowledge_provenance(record_id, version, o.id, technique),
    )


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
