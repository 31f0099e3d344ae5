"""Putting one task's answer into the draft: every edit checked, every refusal explained.

Each function returns ``(kept, discarded)``: how many edits stood, and one plain reason
for each edit that did not. The checks are the same as for the single-prompt drafter
(:func:`assistant.drafting.guard.refusal`): no new figure, no dropped figure or placeholder,
no 'denies', no risk written as absent, no instruction-like or planted text, and nothing on
the locked safety goal.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from assistant.drafting import compose
from assistant.drafting.guard import refusal
from assistant.drafting.phi import Pseudonymiser
from assistant.drafting.select import read_preferences
from assistant.facts.model import CaseFacts, Fact, fact_kind
from assistant.facts.quotes import normalise
from assistant.facts.review import accept_model_facts
from assistant.intake import Intake
from assistant.knowledge import InterventionOption, KnowledgeBase
from assistant.plan import Intervention, Provenance, TreatmentPlan

Outcome = tuple[int, list[str]]

# CaseFacts list fields a model-proposed fact of each kind joins
_LISTS = {
    "preference": "preferences",
    "ruled_out": "ruled_out",
    "substance": "substances",
    "medication": "medications",
    "client_goal": "client_goals",
}


def _model_prov(p: Provenance, model: str, text: str, note: str) -> Provenance:
    return p.model_copy(
        update={"source": "model", "model": model, "suggested_text": text, "note": note}
    )


def apply_texts(
    plan: TreatmentPlan,
    kind: str,
    edits: list[tuple[str, str]],
    *,
    pseud: Pseudonymiser,
    model: str,
    locked: set[str],
    allowed_numbers: set[float],
    injected: list[str],
) -> Outcome:
    """Reword problems (``kind='problem'``) or goals (``'goal'``) by id."""
    items: dict[str, Any] = (
        {p.id: p for p in plan.problems} if kind == "problem" else {g.id: g for g in plan.goals}
    )
    kept, discarded = 0, []
    for item_id, proposed in edits:
        item = items.get(item_id)
        if item is None:
            discarded.append(f"model edit to {kind} {item_id} discarded: no such {kind}")
            continue
        old = item.statement
        new = pseud.restore(proposed).strip()
        if not new or new == old:
            continue
        why = (
            "the safety goal and its objectives are locked"
            if item_id in locked
            else refusal(
                old,
                new,
                allowed_numbers=allowed_numbers,
                keep_figures=kind == "problem",
                injected=injected,
            )
        )
        if why:
            discarded.append(f"model edit to {kind} {item_id} discarded: {why}")
            continue
        item.statement = new
        item.provenance = _model_prov(
            item.provenance, model, new, f"worded by {model} from {item.provenance.label()}"
        )
        kept += 1
    return kept, discarded


def apply_choices(
    plan: TreatmentPlan,
    choices: list[tuple[str, list[str], str]],
    *,
    options: dict[str, list[tuple[str, str]]],
    kb: KnowledgeBase,
    intake: Intake,
    model: str,
    injected: list[str],
) -> Outcome:
    """Link each objective to the interventions the model chose from its options, with the
    model's reason in the intervention's provenance note."""
    by_item = {iv.provenance.item_id: iv for iv in plan.interventions if iv.provenance.item_id}
    scheduling = read_preferences(intake.preferences).scheduling
    kept, discarded = 0, []
    for objective_id, ids, reason in choices:
        valid = {i for i, _ in options.get(objective_id, [])}
        if objective_id not in options:
            discarded.append(
                f"model choice for {objective_id} discarded: it is not an objective the model "
                "may choose for (unknown or locked)"
            )
            continue
        picks = [i for i in ids if i in valid]
        if not picks:
            discarded.append(
                f"model choice for {objective_id} discarded: none of its interventions is on "
                "the list for that objective"
            )
            continue
        why = refusal("", reason, allowed_numbers=set(), keep_figures=False, injected=injected)
        link_chosen(
            plan, objective_id, picks, kb, scheduling, by_item, model, "" if why else reason.strip()
        )
        kept += 1
    plan.interventions = [iv for iv in plan.interventions if iv.objective_ids]
    return kept, discarded


def link_chosen(
    plan: TreatmentPlan,
    objective_id: str,
    picks: list[str],
    kb: KnowledgeBase,
    scheduling: list[str],
    by_item: dict[str, Intervention],
    model: str,
    reason: str | None = None,
) -> None:
    """Serve ``objective_id`` with the interventions ``picks`` (knowledge item ids) and no
    others: a pick already in the plan gains the objective, a new one is added from the
    knowledge base with the model named in its provenance. ``reason`` (already checked) goes
    into each pick's note; with None the notes of interventions already there are kept."""
    note_reason = f": {reason}" if reason else ""
    for iv in plan.interventions:
        if objective_id in iv.objective_ids and iv.provenance.item_id not in picks:
            iv.objective_ids = [x for x in iv.objective_ids if x != objective_id]
    for item_id in picks:
        existing = by_item.get(item_id)
        if existing is not None:
            if objective_id not in existing.objective_ids:
                existing.objective_ids = [*existing.objective_ids, objective_id]
            if reason is not None:
                existing.provenance = existing.provenance.model_copy(
                    update={"note": f"kept by {model}{note_reason}"[:600]}
                )
            continue
        rec, opt = kb.item(item_id)
        if not isinstance(opt, InterventionOption):
            continue
        made: dict[str, Intervention] = {}
        compose.add_intervention(rec.id, rec.version, opt, objective_id, made, scheduling)
        new_iv = made[item_id].model_copy(
            update={
                "id": f"I{len(plan.interventions) + 1}",
                "provenance": made[item_id].provenance.model_copy(
                    update={
                        "source": "model",
                        "model": model,
                        "note": f"chosen by {model} from {rec.id}{note_reason}"[:600],
                    }
                ),
            }
        )
        plan.interventions = [*plan.interventions, new_iv]
        by_item[item_id] = new_iv


def _key(fact: Fact) -> str:
    data = fact.model_dump(exclude={"id", "source", "evidence", "confirmed"})
    main = next(
        (str(data[k]) for k in ("target", "concept", "substance", "name", "text") if data.get(k)),
        "",
    )
    return f"{fact_kind(fact)}:{data.get('kind', '')}:{normalise(main)}"


def apply_facts(
    plan: TreatmentPlan,
    intake: Intake,
    proposed: list[BaseModel],
    *,
    pseud: Pseudonymiser,
) -> Outcome:
    """Add the model's facts whose quote is in the intake word for word and which the case
    facts do not already hold."""
    dicts: list[dict[str, Any]] = []
    for p in proposed:
        d = {k: v for k, v in p.model_dump().items() if v not in (None, "")}
        dicts.append({k: pseud.restore(v) if isinstance(v, str) else v for k, v in d.items()})
    facts, discarded = accept_model_facts(intake, dicts)
    case = plan.case_facts or CaseFacts()
    have = {_key(f) for f in case.all_facts()}
    quotes = {normalise(e.quote) for f in case.all_facts() for e in f.evidence if e.quote}
    kept = 0
    for fact in facts:
        quote = normalise(fact.evidence[0].quote or "")
        if _key(fact) in have or quote in quotes:
            discarded.append(
                f"proposed {fact_kind(fact)} fact discarded: already in the case facts"
            )
            continue
        kind = fact_kind(fact)
        if kind == "occupation":
            if case.occupation is not None and case.occupation.status != "unknown":
                discarded.append("proposed occupation fact discarded: already in the case facts")
                continue
            case.occupation = fact  # type: ignore[assignment]
        else:
            name = _LISTS.get(kind)
            if name is None:
                discarded.append(f"proposed {kind} fact discarded: the model may not add this kind")
                continue
            setattr(case, name, [*getattr(case, name), fact])
        have.add(_key(fact))
        quotes.add(quote)
        kept += 1
    plan.case_facts = case
    return kept, discarded
