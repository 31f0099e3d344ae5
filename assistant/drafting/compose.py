"""Turning knowledge templates and intake facts into plan items.

Every figure written here comes from the intake, the instrument registry or the cited
knowledge item. When none of them supplies a figure, the item gets a visible placeholder
(``[baseline: record in week 1]``) for the clinician instead of a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant import instruments
from assistant.drafting import measures, objective_fill
from assistant.drafting.objective_fill import NOT_TAUGHT as NOT_TAUGHT
from assistant.drafting.objective_fill import NOT_YET as NOT_YET
from assistant.drafting.objective_fill import complete_sentence as complete_sentence
from assistant.drafting.select import overlap
from assistant.facts import extract
from assistant.facts.model import BaselineFact, CaseFacts
from assistant.intake import BehaviouralBaseline, Intake, PresentingProblem
from assistant.knowledge import InterventionOption, ObjectiveTemplate
from assistant.plan import (
    Baseline,
    Intervention,
    Provenance,
    Target,
    Timeframe,
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
    weeks = min(template.timeframe_weeks, max_weeks)
    inst = instruments.get(template.instrument) if template.instrument else None
    parts: objective_fill.Parts | str
    if inst is not None and not inst.categorical:
        parts = objective_fill.from_score(template, intake, facts, inst, weeks)
    elif template.target.kind == "completion":
        parts = objective_fill.by_completion(template, weeks)
    else:
        parts = objective_fill.from_behaviour(template, intake, baselines, used, weeks)
    if isinstance(parts, str):
        return None, parts
    text, baseline = objective_fill.write_text(template, parts, inst, facts, weeks)
    matched = parts.matched
    if matched is not None:
        used.add(matched.id)
    filled = Filled(
        text=text,
        metric=parts.metric,
        instrument=inst.id if inst else None,
        baseline=baseline,
        target=parts.target,
        timeframe=parts.timeframe,
        direction=parts.direction,
        warnings=parts.warnings,
        baseline_id=matched.id if matched is not None else None,
    )
    return filled, None


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
