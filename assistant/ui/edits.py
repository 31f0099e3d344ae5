"""Plan edits the Draft page needs beyond ``assistant.review`` (accept/edit/reject).

* :func:`set_figures` fills an objective's baseline or target figure (the placeholders the
  drafter leaves), keeping the suggestion's provenance and marking the item edited.
* :func:`alternatives` lists other knowledge items of the same kind, ranked by the
  retriever, already filled in for this client where the intake allows;
  :func:`use_alternative` puts one in place with its own provenance.

These are plain functions over the plan models, with no Streamlit in them; they belong
with ``assistant.review`` and can move there unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant import review
from assistant.drafting.compose import fill_objective, knowledge_provenance
from assistant.errors import StoreError
from assistant.intake import Intake
from assistant.knowledge import InterventionOption, KnowledgeBase, ObjectiveTemplate
from assistant.plan import Baseline, Goal, Intervention, Objective, Target, TreatmentPlan
from assistant.protocols import Retriever

_FIGURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:(?:-|–)\s*(\d+(?:\.\d+)?))?\s*$")


def _figure(text: str) -> tuple[float | None, float | None]:
    m = _FIGURE.match(text)
    if not m:
        return None, None
    return float(m.group(1)), (float(m.group(2)) if m.group(2) else None)


def set_figures(
    plan: TreatmentPlan,
    ref: str,
    *,
    baseline: str | None = None,
    target: str | None = None,
    by: str | None = None,
) -> TreatmentPlan:
    """Set an objective's baseline and/or target figure ('16', '4-5', or a short phrase)."""
    path, kind, item = review.find_item(plan, ref)
    if not isinstance(item, Objective):
        raise StoreError(f"{item.id} is not an objective: only objectives have figures")
    changes: dict[str, Any] = {}
    if baseline is not None and baseline.strip():
        text = baseline.strip()
        value, high = _figure(text)
        old = item.baseline
        changes["baseline"] = Baseline(
            value=value,
            high=high,
            text=text,
            date=old.date if old else None,
            source=old.source if old else "",
        )
    if target is not None and target.strip():
        text = target.strip()
        value, high = _figure(text)
        comparator = item.target.comparator if item.target else "<="
        changes["target"] = Target(value=value, high=high, text=text, comparator=comparator)
    if not changes:
        return plan
    same = all(
        getattr(item, k) is not None and getattr(item, k).text == v.text for k, v in changes.items()
    )
    if same:
        return plan
    prov = item.provenance
    authorship = "written" if prov.authorship == "written" else "edited"
    suggested = prov.suggested_text if prov.suggested_text is not None else item.text
    new_prov = prov.model_copy(
        update={
            "authorship": authorship,
            "suggested_text": None if authorship == "written" else suggested,
            "author": by or prov.author,
        }
    )
    new = item.model_copy(update={**changes, "provenance": new_prov})
    Objective.model_validate(new.model_dump())
    return review._replace(plan, path, new)


@dataclass(frozen=True)
class Alternative:
    """Another knowledge item that could stand in for a plan item."""

    hit_id: str
    record_id: str
    record_version: int
    title: str
    text: str
    reason: str
    score: float


KIND_OF = {"goal": "goal", "objective": "objective", "intervention": "intervention"}


def _goal_text(kb: KnowledgeBase, item_id: str) -> tuple[str, int] | None:
    for p in kb.presentations.values():
        for g in p.goals:
            if g.id == item_id:
                return " ".join(g.text.split()), p.version
    return None


def _technique(o: InterventionOption) -> str:
    return f"{o.name}: " + "; ".join(o.techniques)


def _objective_text(t: ObjectiveTemplate, intake: Intake | None) -> str:
    if intake is not None:
        filled, _ = fill_objective(t, intake, max_weeks=t.timeframe_weeks)
        if filled is not None:
            return filled.text
    return " ".join(t.text.replace("{weeks}", str(t.timeframe_weeks)).split())


def alternatives(
    retriever: Retriever,
    kb: KnowledgeBase,
    plan: TreatmentPlan,
    ref: str,
    intake: Intake | None = None,
    k: int = 4,
) -> list[Alternative]:
    """Up to ``k`` knowledge items of the same kind as ``ref``, best first, not already used."""
    _, kind, item = review.find_item(plan, ref)
    if kind not in KIND_OF:
        return []
    codes = [d.code for d in plan.diagnoses]
    query = review.item_text(kind, item)
    used = {i.provenance.item_id for _, _, i in plan.items() if i.provenance.item_id}
    out: list[Alternative] = []
    hits = retriever.search(query, codes=codes, k=k + len(used) + 2, kinds=[KIND_OF[kind]])
    # the same presentation first, then the others, each labelled as another presentation
    here = item.provenance.record_id
    hits = sorted(hits, key=lambda h: h.record_id != here) if here else hits
    for hit in hits:
        if hit.id in used or hit.id == item.provenance.item_id:
            continue
        text = _alternative_text(kb, kind, hit.id, intake)
        if text is None:
            continue
        reason = hit.reason
        if here and hit.record_id != here:
            reason = f"from another presentation ({hit.record_id}); {reason}"
        out.append(
            Alternative(
                hit.id, hit.record_id, hit.record_version, hit.title, text, reason, hit.score
            )
        )
        if len(out) == k:
            break
    return out


def _alternative_text(
    kb: KnowledgeBase, kind: str, item_id: str, intake: Intake | None
) -> str | None:
    if kind == "goal":
        found = _goal_text(kb, item_id)
        return found[0] if found else None
    try:
        _, obj = kb.item(item_id)
    except Exception:
        return None
    if kind == "objective" and isinstance(obj, ObjectiveTemplate):
        return _objective_text(obj, intake)
    if kind == "intervention" and isinstance(obj, InterventionOption):
        return _technique(obj)
    return None


def use_alternative(
    plan: TreatmentPlan,
    ref: str,
    alt: Alternative,
    kb: KnowledgeBase,
    intake: Intake | None = None,
    *,
    by: str | None = None,
) -> TreatmentPlan:
    """Put ``alt`` in place of item ``ref``; its provenance names the new knowledge item.

    The item keeps its id and links; it counts as a suggestion the clinician accepted.
    """
    path, kind, item = review.find_item(plan, ref)
    prov = knowledge_provenance(alt.record_id, alt.record_version, alt.hit_id, alt.text)
    prov = prov.model_copy(
        update={"authorship": "accepted", "author": by, "note": "picked from alternatives"}
    )
    new: Goal | Objective | Intervention
    if isinstance(item, Goal):
        new = item.model_copy(update={"statement": alt.text, "provenance": prov})
    elif isinstance(item, Intervention):
        _, opt = kb.item(alt.hit_id)
        assert isinstance(opt, InterventionOption)
        new = item.model_copy(
            update={
                "technique": alt.text,
                "modality": opt.modality,
                "evidence": " ".join(opt.evidence.split()),
                "provenance": prov,
            }
        )
    elif isinstance(item, Objective):
        _, tmpl = kb.item(alt.hit_id)
        assert isinstance(tmpl, ObjectiveTemplate)
        filled = fill_objective(tmpl, intake, tmpl.timeframe_weeks)[0] if intake else None
        update: dict[str, Any] = {"text": alt.text, "provenance": prov, "stage": tmpl.stage}
        update["metric"] = tmpl.metric
        update["measurement"] = tmpl.measurement
        update["frequency"] = tmpl.frequency
        update["direction"] = tmpl.direction
        if filled is not None:
            update.update(
                instrument=filled.instrument,
                baseline=filled.baseline,
                target=filled.target,
                timeframe=filled.timeframe,
                direction=filled.direction,
            )
        new = item.model_copy(update=update)
    else:
        raise StoreError(f"{item.id}: there are no alternatives for a {kind}")
    type(new).model_validate(new.model_dump())
    return review._replace(plan, path, new)
