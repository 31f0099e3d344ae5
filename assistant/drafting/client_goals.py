"""Objectives for the goals the client named, when nothing else in the plan measures them.

A client who says "go back to choir" while the intake records "stopped going to choir" has
named an outcome a supervisor expects to see measured. When no objective shares a word
with such a goal, and a clause of the intake's problem description says the client does
not do it now ("avoids", "stopped", "quit", "gave up"), the goal gets an objective of its
own: done again, from a baseline of 0 (the intake's words quoted), within the longest
timeframe of the goal's other objectives, recorded in the client's activity log. Its aim
is the client's, so no figure is invented. Without such a clause the goal stays in the
goal statement only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.facts.extract import goal_words
from assistant.intake import Intake
from assistant.knowledge_rules import ClientGoalRule, DraftingRules
from assistant.plan import Baseline, Goal, Intervention, Objective, Provenance, Target, Timeframe

# a clause: what lies between sentence ends, semicolons and commas before a new subject
_CLAUSE = re.compile(r"(?<=[.!?])\s+|;\s*|,\s+(?:and\s+|but\s+)?(?=[a-z])")


@dataclass(frozen=True)
class NotNow:
    """A clause of the intake saying the client does not do something now."""

    path: str
    text: str


def _words(text: str, rule: ClientGoalRule) -> set[str]:
    return goal_words(text) - {w[:5] for w in rule.general_words}


def _not_now(intake: Intake, words: set[str], rule: ClientGoalRule) -> NotNow | None:
    """The first clause of a presenting problem that says the client does not do what
    ``words`` describe now: it names one of them and one of the rule's not-now words."""
    cue = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in rule.not_now_words) + r")\b", re.IGNORECASE
    )
    for i, p in enumerate(intake.presenting_problems):
        fields = [(f"functional_impact[{j}]", t) for j, t in enumerate(p.functional_impact)]
        fields += [(f"symptoms[{j}]", t) for j, t in enumerate(p.symptoms)]
        fields.append(("summary", p.summary))
        for name, text in fields:
            for clause in _CLAUSE.split(text or ""):
                clause = clause.strip().rstrip(".")
                if clause and cue.search(clause) and _words(clause, rule) & words:
                    return NotNow(f"presenting_problems[{i}].{name}", clause)
    return None


def add_objectives(
    goals: list[Goal],
    interventions: dict[str, Intervention],
    intake: Intake,
    rules: DraftingRules | None,
    weeks: int,
    skip_paths: set[str],
) -> None:
    """Give each client goal that no objective measures, and that the intake says the
    client does not do now, an objective in the goal that quotes it (see the module)."""
    rule = rules.client_goal if rules is not None else None
    if rule is None:
        return
    measured: set[str] = set()
    for g in goals:
        for o in g.objectives:
            measured |= _words(f"{o.text} {o.metric or ''}", rule)
    for j, said in enumerate(intake.client_goals):
        words = _words(said, rule)
        if f"client_goals[{j}]" in skip_paths or not words or words & measured:
            continue
        home = next((g for g in goals if g.client_words and said.strip() in g.client_words), None)
        now = _not_now(intake, words, rule) if home is not None else None
        if home is None or now is None:
            continue
        goal = said.strip().rstrip(".")
        # the goal's own course: the longest timeframe among its objectives
        span = max((o.timeframe.weeks or 0 for o in home.objectives), default=0) or weeks
        text = " ".join(rule.text.format(goal=goal, weeks=span, now=now.text).split())
        objective = Objective(
            id=f"{home.id}.client{j}",
            text=text,
            metric=rule.metric.format(goal=goal),
            baseline=Baseline(
                value=0,
                text="0",
                date=intake.intake_date,
                source=rule.baseline_source.format(now=now.text),
            ),
            target=Target(text="done as described", comparator="="),
            direction="achieve",
            timeframe=Timeframe(weeks=span),
            measurement=rule.measurement,
            frequency=rule.frequency,
            stage="outcome",
            provenance=Provenance(
                source="intake",
                suggested_text=text,
                note=(
                    f'the client\'s goal (client_goals[{j}]: "{goal}"), not done now by '
                    f'{now.path}: "{now.text}"'
                ),
            ),
        )
        linked = {o.id for o in home.objectives}
        for iv in interventions.values():
            if linked & set(iv.objective_ids):
                iv.objective_ids.append(objective.id)
        home.objectives.append(objective)
        measured |= words
