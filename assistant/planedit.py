"""Adding, removing and moving a plan's problems, goals, objectives and interventions.

Plain functions over :class:`~assistant.plan.TreatmentPlan` (no Streamlit): each returns a
new plan. An item the clinician adds is ``written`` by them and is checked by the same
rules as a suggestion. Removing an item also removes the links to it (a goal's problems,
an intervention's objectives); a suggestion one does not want can also be rejected, which
keeps it in the record. Also: :func:`label`, an item's place named in words.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assistant import review
from assistant.errors import StoreError
from assistant.plan import (
    Goal,
    Intervention,
    Objective,
    Problem,
    Safety,
    Timeframe,
    TreatmentPlan,
)
from assistant.planops import parse_sentence, updated_parts

LISTS = {"problem": "problems", "goal": "goals", "intervention": "interventions"}
_PREFIX = {"problem": "prob", "goal": "goal", "objective": "obj", "intervention": "int"}


_SHORT = {"prob": "P", "goal": "G", "int": "I"}


def _new_id(plan: TreatmentPlan, prefix: str) -> str:
    """The next free id in the plan's own style: 'P3' in a drafted plan, 'prob-3' otherwise."""
    used = {i.id for _, _, i in plan.items()}
    short = _SHORT[prefix]
    if any(re.fullmatch(rf"{short}\d+", u) for u in used):
        prefix, sep = short, ""
    else:
        sep = "-"
    n = 1
    while f"{prefix}{sep}{n}" in used or any(u.startswith(f"{prefix}{sep}{n}-") for u in used):
        n += 1
    return f"{prefix}{sep}{n}"


def _clean(text: str, what: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise StoreError(f"{what}: write the text first")
    return text


def add_problem(plan: TreatmentPlan, statement: str, *, by: str | None = None) -> TreatmentPlan:
    item = Problem(
        id=_new_id(plan, "prob"),
        statement=_clean(statement, "New problem"),
        diagnosis_codes=[d.code for d in plan.diagnoses if d.primary][:1],
        provenance=review.written(by),
    )
    return plan.model_copy(update={"problems": [*plan.problems, item]})


def add_goal(
    plan: TreatmentPlan,
    statement: str,
    problem_ids: list[str] | None = None,
    *,
    by: str | None = None,
) -> TreatmentPlan:
    ids = problem_ids if problem_ids is not None else [p.id for p in plan.problems[:1]]
    item = Goal(
        id=_new_id(plan, "goal"),
        statement=_clean(statement, "New goal"),
        problem_ids=ids,
        provenance=review.written(by),
    )
    return plan.model_copy(update={"goals": [*plan.goals, item]})


def add_objective(
    plan: TreatmentPlan, goal_ref: str, text: str, *, by: str | None = None
) -> TreatmentPlan:
    """A new objective under a goal, its parts read from the sentence (a part the sentence
    does not state stays empty for the clinician to fill in, and the checks say so)."""
    path, kind, goal = review.find_item(plan, goal_ref)
    if not isinstance(goal, Goal):
        raise StoreError(f"{goal.id} is not a goal: an objective goes under a goal")
    text = _clean(text, f"New objective under {label(plan, goal.id)}")
    gi = plan.goals.index(goal)
    used = {i.id for _, _, i in plan.items()}
    stem = f"{goal.id}.O" if re.fullmatch(r"G\d+", goal.id) else f"obj-{gi + 1}-"
    n = len(goal.objectives) + 1
    while f"{stem}{n}" in used:
        n += 1
    got = parse_sentence(text)
    item = Objective(
        id=f"{stem}{n}",
        text=text,
        metric=got.metric,
        timeframe=Timeframe(),
        direction=_direction(text),
        provenance=review.written(by),
    )
    parts: dict[str, Any] = {}
    if got.baseline:
        parts["baseline"] = got.baseline
    if got.target:
        parts.update(target=got.target, comparator=got.comparator)
    if got.weeks or got.by_session or got.by_date:
        parts.update(weeks=got.weeks, by_session=got.by_session, by_date=got.by_date)
    if got.measurement:
        parts["measurement"] = got.measurement
    item = updated_parts(item, **parts)
    goals = list(plan.goals)
    goals[gi] = goal.model_copy(update={"objectives": [*goal.objectives, item]})
    return plan.model_copy(update={"goals": goals})


def _direction(text: str) -> Any:
    if re.search(r"\b(?:increase|raise|improve|practise|practice|complete|attend)\b", text, re.I):
        return "increase"
    if re.search(r"\b(?:reduce|decrease|lower|cut|shorten|bring\b.*\bdown)\b", text, re.I):
        return "decrease"
    return "achieve"


def add_intervention(
    plan: TreatmentPlan,
    technique: str,
    modality: str,
    objective_ids: list[str],
    *,
    frequency: str | None = None,
    by: str | None = None,
) -> TreatmentPlan:
    if not objective_ids:
        raise StoreError("New intervention: choose at least one objective it serves")
    item = Intervention(
        id=_new_id(plan, "int"),
        modality=_clean(modality, "New intervention: modality"),
        technique=_clean(technique, "New intervention"),
        frequency=(frequency or "").strip() or None,
        objective_ids=objective_ids,
        provenance=review.written(by),
    )
    return plan.model_copy(update={"interventions": [*plan.interventions, item]})


def remove(plan: TreatmentPlan, ref: str) -> TreatmentPlan:
    """The plan without item ``ref`` (and a goal's objectives with it) and without links to it."""
    path, kind, item = review.find_item(plan, ref)
    if kind == "objective":
        goals = [
            g.model_copy(update={"objectives": [o for o in g.objectives if o.id != item.id]})
            for g in plan.goals
        ]
        out = plan.model_copy(update={"goals": goals})
        gone = {item.id}
    else:
        name = LISTS[kind]
        out = plan.model_copy(update={name: [i for i in getattr(plan, name) if i.id != item.id]})
        gone = {item.id}
        if isinstance(item, Goal):
            gone |= {o.id for o in item.objectives}
    if kind == "problem":
        goals = [
            g.model_copy(update={"problem_ids": [p for p in g.problem_ids if p not in gone]})
            for g in out.goals
        ]
        out = out.model_copy(update={"goals": goals})
    ivs = [
        iv.model_copy(update={"objective_ids": [o for o in iv.objective_ids if o not in gone]})
        for iv in out.interventions
    ]
    return out.model_copy(update={"interventions": ivs})


def move(plan: TreatmentPlan, ref: str, step: int) -> TreatmentPlan:
    """Move item ``ref`` ``step`` places up (negative) or down within its list; at either end
    it stays where it is."""
    path, kind, item = review.find_item(plan, ref)
    if kind == "objective":
        for gi, g in enumerate(plan.goals):
            if item in g.objectives:
                moved = _moved(list(g.objectives), g.objectives.index(item), step)
                goals = list(plan.goals)
                goals[gi] = g.model_copy(update={"objectives": moved})
                return plan.model_copy(update={"goals": goals})
        raise StoreError(f"{item.id} is not under any goal")
    name = LISTS[kind]
    items: list[Any] = list(getattr(plan, name))
    return plan.model_copy(update={name: _moved(items, items.index(item), step)})


def _moved(items: list[Any], i: int, step: int) -> list[Any]:
    j = max(0, min(len(items) - 1, i + step))
    item = items.pop(i)
    items.insert(j, item)
    return items


PART_WORDS = {
    "text": "sentence",
    "statement": "wording",
    "technique": "wording",
    "baseline": "baseline",
    "target": "target",
    "timeframe": "timeframe",
    "metric": "what is measured",
    "measurement": "how it is measured",
    "frequency": "frequency",
}


def label(plan: TreatmentPlan, ref: str) -> str:
    """An item's place in words: 'Goal 1, objective 2', 'Intervention 3', 'Problem 1'."""
    path, kind, item = review.find_item(plan, ref)
    if kind == "objective":
        for gi, g in enumerate(plan.goals):
            for oi, o in enumerate(g.objectives):
                if o.id == item.id:
                    return f"Goal {gi + 1}, objective {oi + 1}"
    n = [i.id for i in getattr(plan, LISTS[kind])].index(item.id) + 1
    return f"{kind.capitalize()} {n}"


_PATH = re.compile(
    r"^((?:goals|problems|interventions)\[\d+\](?:\.objectives\[\d+\])?)(?:\.(.+))?$"
)


def where(plan: TreatmentPlan, path: str) -> str:
    """A finding's path in words: 'goals[0].objectives[1].baseline.value' → 'Goal 1,
    objective 2: baseline'. Paths outside the items are given with dots as spaces."""
    m = _PATH.match(path or "")
    if not m:
        head = (path or "plan").split("[")[0].replace("_", " ").replace(".", ": ")
        return head[:1].upper() + head[1:]
    try:
        place = label(plan, m.group(1))
    except StoreError:
        return path
    rest = (m.group(2) or "").split(".")[0].split("[")[0]
    return f"{place}: {PART_WORDS.get(rest, rest.replace('_', ' '))}" if rest else place


def set_timeline(
    plan: TreatmentPlan,
    *,
    sessions_min: int | None,
    sessions_max: int | None,
    weeks: int | None,
    frequency: str,
    review_dates: list[dt.date],
    discharge_criteria: list[str],
) -> TreatmentPlan:
    """The plan with its timeline as given (checked: the session range reads low to high)."""
    if sessions_min and sessions_max and sessions_min > sessions_max:
        raise StoreError(
            f"Timeline: sessions: at least {sessions_min} is more than at most {sessions_max}"
        )
    tl = plan.timeline.model_copy(
        update={
            "estimated_sessions_min": sessions_min,
            "estimated_sessions_max": sessions_max,
            "estimated_weeks": weeks,
            "session_frequency": " ".join(frequency.split()) or None,
            "review_dates": sorted(set(review_dates)),
            "discharge_criteria": discharge_criteria,
        }
    )
    type(tl).model_validate(tl.model_dump())
    return plan.model_copy(update={"timeline": tl})


def set_safety(
    plan: TreatmentPlan, *, risk_level: str, summary: str, actions: list[str]
) -> TreatmentPlan:
    """The plan with its safety section's level, summary and actions as given; what the
    intake recorded about each risk stays as it was."""
    summary = " ".join(summary.split())
    if not summary:
        raise StoreError("Safety: summary: write what the risk assessment found")
    if plan.safety is None:
        safety = Safety(risk_assessed=risk_level != "not_assessed", summary=summary)
    else:
        safety = plan.safety
    safety = safety.model_copy(
        update={"risk_level": risk_level, "summary": summary, "actions": actions}
    )
    Safety.model_validate(safety.model_dump())
    return plan.model_copy(update={"safety": safety})


def in_words(plan: TreatmentPlan, findings: list[Any]) -> list[str]:
    """Findings as lines a clinician reads: 'Goal 1, objective 2: baseline — <message>',
    each once."""
    out: list[str] = []
    for f in findings:
        line = f"{where(plan, f.path) if f.path else 'The whole plan'} — {f.message}"
        if line not in out:
            out.append(line)
    return out
