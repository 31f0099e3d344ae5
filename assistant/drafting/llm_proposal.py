"""What the single-prompt model returns, and how a proposal is put into the draft.

The model answers with a :class:`Proposal`: new wording for problems, goals and objectives
by id, and a choice of interventions (by knowledge id) for each objective from
:func:`intervention_options`. :func:`apply_proposal` keeps each edit that passes
:func:`assistant.drafting.guard.refusal` and records one reason for each it discards; the
safety goal and the safety section stay as the offline draft wrote them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assistant.drafting.guard import injected_phrases, locked_items, refusal
from assistant.drafting.llm_apply import link_chosen
from assistant.drafting.phi import Pseudonymiser
from assistant.drafting.select import allowed, read_preferences
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase
from assistant.plan import Provenance, TreatmentPlan

# objective id -> the interventions ({"id", "name"}) the model may choose from for it
Options = dict[str, list[dict[str, str]]]


class ProblemEdit(BaseModel):
    id: str = Field(max_length=20)
    statement: str = Field(max_length=2000)


class GoalEdit(BaseModel):
    id: str = Field(max_length=20)
    statement: str = Field(max_length=600)


class ObjectiveEdit(BaseModel):
    id: str = Field(max_length=20)
    text: str = Field(max_length=700)


class InterventionChoice(BaseModel):
    objective_id: str = Field(max_length=20)
    intervention_ids: list[str] = Field(max_length=3)


class Proposal(BaseModel):
    problems: list[ProblemEdit] = Field(default_factory=list, max_length=20)
    goals: list[GoalEdit] = Field(default_factory=list, max_length=30)
    objectives: list[ObjectiveEdit] = Field(default_factory=list, max_length=80)
    interventions: list[InterventionChoice] = Field(default_factory=list, max_length=80)


def intervention_options(base: TreatmentPlan, intake: Intake, kb: KnowledgeBase) -> Options:
    """For each objective the model may choose for: the interventions its knowledge record
    offers that the client's preferences allow (the safety goal's objectives are locked)."""
    prefs = read_preferences(intake.preferences)
    out: dict[str, list[dict[str, str]]] = {}
    locked = locked_items(base)
    for _, _, o in base.objectives():
        rec_id = o.provenance.record_id
        if not rec_id or o.id in locked:
            continue
        rec = kb.get(rec_id)
        opts = getattr(rec, "interventions", [])
        out[o.id] = [{"id": i.id, "name": i.name} for i in opts if allowed(i, prefs)[0]]
    return out


def apply_proposal(
    base: TreatmentPlan,
    proposal: Proposal,
    pseud: Pseudonymiser,
    options: Options,
    allowed_numbers: set[float],
    kb: KnowledgeBase,
    intake: Intake,
    model_name: str,
) -> tuple[TreatmentPlan, list[str]]:
    """A copy of ``base`` with the proposal's edits that pass the checks, and one reason for
    each edit that did not."""
    plan = base.model_copy(deep=True)
    rejected: list[str] = []
    locked = locked_items(base)
    injected = injected_phrases(intake)

    def check(kind: str, item_id: str, old: str, new: str, keep_figures: bool) -> str | None:
        new = pseud.restore(new).strip()
        if not new or new == old:
            return None
        if item_id in locked:
            why: str | None = "the safety goal and its objectives are locked"
        else:
            why = refusal(
                old,
                new,
                allowed_numbers=allowed_numbers,
                keep_figures=keep_figures,
                injected=injected,
            )
        if why:
            rejected.append(f"model edit to {kind} {item_id} discarded: {why}")
            return None
        return new

    def model_prov(p: Provenance, text: str) -> Provenance:
        return p.model_copy(
            update={
                "source": "model",
                "model": model_name,
                "suggested_text": text,
                "note": f"worded by {model_name} from {p.label()}",
            }
        )

    # (kind, items by id, edits, the field the edit replaces, whether figures must stay)
    passes: list[tuple[str, dict[str, Any], list[Any], str, str, bool]] = [
        (
            "problem",
            {p.id: p for p in plan.problems},
            proposal.problems,
            "statement",
            "statement",
            True,
        ),
        (
            "goal",
            {g.id: g for g in plan.goals},
            proposal.goals,
            "statement",
            "statement",
            False,
        ),
        (
            "objective",
            {o.id: o for _, _, o in plan.objectives()},
            proposal.objectives,
            "text",
            "text",
            True,
        ),
    ]
    for kind, items, edits, field, edit_field, keep in passes:
        for e in edits:
            item = items.get(e.id)
            if item is None:
                rejected.append(f"model named unknown {kind} {e.id}")
                continue
            old = getattr(item, field)
            new = check(kind, e.id, old, getattr(e, edit_field), keep_figures=keep)
            if new and new != old:
                setattr(item, field, new)
                item.provenance = model_prov(item.provenance, new)
    _apply_choices(plan, proposal, options, kb, intake, rejected, locked, model_name)
    plan.safety = base.safety.model_copy(deep=True) if base.safety is not None else None
    return plan, rejected


def _apply_choices(
    plan: TreatmentPlan,
    proposal: Proposal,
    options: Options,
    kb: KnowledgeBase,
    intake: Intake,
    rejected: list[str],
    locked: set[str],
    model_name: str,
) -> None:
    by_item = {iv.provenance.item_id: iv for iv in plan.interventions if iv.provenance.item_id}
    scheduling = read_preferences(intake.preferences).scheduling
    for choice in proposal.interventions:
        if choice.objective_id in locked:
            linked = {
                iv.provenance.item_id
                for iv in plan.interventions
                if choice.objective_id in iv.objective_ids
            }
            if set(choice.intervention_ids) <= linked:
                continue
            rejected.append(
                f"model choice of interventions for {choice.objective_id} discarded: "
                "the safety goal and its objectives are locked"
            )
            continue
        valid = {o["id"] for o in options.get(choice.objective_id, [])}
        picks = [i for i in choice.intervention_ids if i in valid]
        if not picks:
            if choice.intervention_ids:
                rejected.append(
                    f"model chose intervention(s) not on the list for {choice.objective_id}"
                )
            continue
        link_chosen(plan, choice.objective_id, picks, kb, scheduling, by_item, model_name)
    plan.interventions = [iv for iv in plan.interventions if iv.objective_ids]
