"""The four model tasks, built from case facts and draft items (ids and text), each
de-identified and sized to the per-request token budget.

Nothing here talks to a server: :func:`build` returns a :class:`~assistant.drafting.llm_tasks.Task`
(or None when a task has nothing to do) and :func:`fit` renders it under the budget.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from assistant.drafting.llm_client import estimate_tokens
from assistant.drafting.phi import Pseudonymiser
from assistant.drafting.select import allowed, read_preferences
from assistant.facts.model import fact_kind
from assistant.facts.review import describe
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase
from assistant.plan import TreatmentPlan
from assistant.prompts import load as load_prompt

# the kinds of fact the model may propose (the facts task is told which of these are known)
_MODEL_KINDS = {"preference", "ruled_out", "substance", "medication", "occupation", "client_goal"}
# what a problem statement draws on: figures, substances, work, care, the person's aims
_PROBLEM_KINDS = {
    "measure", "baseline", "substance", "occupation", "legal", "caregiver", "medication",
    "client_goal",
}  # fmt: skip
# max_tokens allow for the JSON around each item as well as its words: a reply cut short is
# not JSON, and on a laptop the repair round costs as much as the first answer
# room kept for a repair round: the previous answer (at most 1,200 characters) and the note
REPAIR_RESERVE = 420
# free-text fields the facts task reads (risk notes stay out: the safety section is locked)
_FACT_FIELDS = re.compile(
    r"^(?:notes|treatment_history|medications|preferences\[\d+\]|client_goals\[\d+\]|"
    r"presenting_problems\[\d+\]\.(?:summary|client_words|functional_impact\[\d+\])|"
    r"context\.(?:occupation|caregivers))$"
)


def options(
    base: TreatmentPlan, intake: Intake, kb: KnowledgeBase, locked: set[str]
) -> dict[str, list[tuple[str, str]]]:
    """For each objective the model may choose for: (intervention id, name) it may pick."""
    prefs = read_preferences(intake.preferences)
    out: dict[str, list[tuple[str, str]]] = {}
    for _, _, o in base.objectives():
        rec_id = o.provenance.record_id
        if not rec_id or o.id in locked:
            continue
        rec = kb.get(rec_id)
        opts = [(i.id, i.name) for i in getattr(rec, "interventions", []) if allowed(i, prefs)[0]]
        if len(opts) > 1:  # with one option there is nothing to choose
            out[o.id] = opts
    return out


def _fact_lines(plan: TreatmentPlan, kinds: set[str] | None = None) -> list[str]:
    if plan.case_facts is None:
        return []
    return [
        describe(f).split(" — from")[0]
        for f in plan.case_facts.all_facts()
        if f.evidence and (kinds is None or fact_kind(f) in kinds)
    ]


def _client_words(intake: Intake, plan: TreatmentPlan) -> list[str]:
    words = [*intake.client_goals]
    words += [p.client_words for p in intake.presenting_problems if p.client_words]
    if plan.case_facts is not None:
        words += [g.text for g in plan.case_facts.client_goals]
    return list(dict.fromkeys(w.strip() for w in words if w.strip()))


def _grouped(opts: dict[str, list[tuple[str, str]]]) -> str:
    """One line per set of options, naming every objective that shares it."""
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for oid, o in opts.items():
        groups.setdefault(tuple(o), []).append(oid)
    return "\n".join(
        ", ".join(ids) + ": " + "; ".join(f"{i} = {n}" for i, n in o) for o, ids in groups.items()
    )


def build(
    name: str,
    intake: Intake,
    plan: TreatmentPlan,
    pseud: Pseudonymiser,
    locked: set[str],
    opts: dict[str, list[tuple[str, str]]],
) -> Any:
    """The task ``name`` for this case, or None when it has nothing to do."""
    from assistant.drafting import llm_tasks as t

    def red(lines: list[str]) -> str:
        return pseud.redact("\n".join(f"- {x}" for x in lines)) if lines else "- (none)"

    if name == "facts":
        fields = [
            f"{path}: {' '.join(text.split())}"
            for path, text in intake.free_text()
            if _FACT_FIELDS.match(path) and text.strip()
        ]
        if not fields:
            return None
        return t.Task(
            name,
            load_prompt("task-facts"),
            t.FactsReply,
            {
                "known": pseud.redact("; ".join(_fact_lines(plan, _MODEL_KINDS))),
                "fields": red(fields),
            },
            trim="fields",
            max_tokens=350,
            ids=set(),
            ids_of=lambda r: [],
        )
    if name in ("problems", "goals"):
        items = (
            [(p.id, p.statement) for p in plan.problems]
            if name == "problems"
            else [(g.id, g.statement) for g in plan.goals if g.id not in locked]
        )
        if not items:
            return None
        listed = pseud.redact("\n".join(f"{i}: {s}" for i, s in items))
        reply: type[BaseModel]
        if name == "problems":  # the statements already carry the intake's summary and impact
            values = {"facts": red(_fact_lines(plan, _PROBLEM_KINDS)), "items": listed}
            prompt, reply, trim = load_prompt("task-problems"), t.ProblemsReply, "facts"
        else:
            values = {"words": red(_client_words(intake, plan)), "items": listed}
            prompt, reply, trim = load_prompt("task-goals"), t.GoalsReply, "words"
        key = "problems" if name == "problems" else "goals"
        return t.Task(
            name,
            prompt,
            reply,
            values,
            trim=trim,
            max_tokens=(40 + 160 * len(items)) if name == "problems" else 30 + 70 * len(items),
            ids={i for i, _ in items},
            ids_of=lambda r: [e.id for e in getattr(r, key)],
        )
    if name == "interventions":
        if not opts:
            return None
        texts = {o.id: o.text for _, _, o in plan.objectives()}
        prefs = list(intake.preferences)
        occupation = plan.case_facts.occupation if plan.case_facts is not None else None
        if occupation is not None and occupation.text:
            prefs.append(f"occupation: {occupation.text}")
        return t.Task(
            name,
            load_prompt("task-interventions"),
            t.ChoicesReply,
            {
                "options": _grouped(opts),
                "preferences": red(prefs),
                "items": pseud.redact("\n".join(f"{oid}: {texts[oid]}" for oid in opts)),
            },
            trim="preferences",
            max_tokens=30 + 50 * len(opts),
            ids=set(opts),
            ids_of=lambda r: [c.objective_id for c in r.choices],
        )
    raise ValueError(f"unknown model task '{name}'")


def fit(task: Any, budget: int) -> tuple[str, str]:
    """The system text and the user text of ``task``, with lines of its ``trim`` variable
    left out from the end until the first request and a repair round fit ``budget``."""
    room = budget - REPAIR_RESERVE
    values = dict(task.values)
    lines = values[task.trim].split("\n")
    while True:
        values[task.trim] = "\n".join(lines)
        user = task.prompt.render_user(**values)
        if estimate_tokens(task.prompt.system) + estimate_tokens(user) <= room or len(lines) <= 1:
            return task.prompt.system, user
        lines = lines[:-1]
