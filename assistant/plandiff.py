"""What changed between two versions of a plan, item by item, named in words.

:func:`compare` pairs items by id (an item keeps its id through edits) and reports each one
added, removed or changed, with its wording and its objective parts before and after; the
timeline, discharge criteria and safety section are compared as wholes. The Review page
shows it for "since the last submission", the history view for any two versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.plan import Objective, TreatmentPlan
from assistant.planedit import label
from assistant.review import item_text


@dataclass(frozen=True)
class Change:
    where: str  # "Goal 1, objective 2", "Timeline"
    what: str  # "added", "removed", "changed"
    before: str
    after: str


def _parts(o: Objective) -> str:
    b = o.baseline.text if o.baseline else "—"
    t = o.target.text if o.target else "—"
    parts = f"baseline {b}; target {t}; {o.timeframe.text()}; measured by {o.measurement or '—'}"
    if o.status != "not_started":  # a plan review's dispositions show as status changes
        parts += f"; status {o.status.replace('_', ' ')}"
    return parts


def _describe(kind: str, item: Any) -> str:
    text = item_text(kind, item)
    if isinstance(item, Objective):
        text += f" ({_parts(item)})"
    if item.provenance.authorship == "rejected":
        text += " [rejected]"
    return text


def timeline_text(plan: TreatmentPlan) -> str:
    t = plan.timeline
    sessions = (
        f"{t.estimated_sessions_min}-{t.estimated_sessions_max} sessions"
        if t.estimated_sessions_min
        else "sessions not estimated"
    )
    dates = ", ".join(d.isoformat() for d in t.review_dates) or "none"
    return (
        f"{sessions}, {t.session_frequency or 'frequency not set'}, about "
        f"{t.estimated_weeks or '?'} weeks; review dates {dates}"
    )


def safety_text(plan: TreatmentPlan) -> str:
    s = plan.safety
    if s is None:
        return "no safety section"
    return f"risk {s.risk_level.replace('_', ' ')}: {s.summary} Actions: {'; '.join(s.actions)}"


def compare(before: TreatmentPlan, after: TreatmentPlan) -> list[Change]:
    """Every difference from ``before`` to ``after``, in the order of ``after``'s items."""
    old = {i.id: (k, i) for _, k, i in before.items()}
    new = {i.id: (k, i) for _, k, i in after.items()}
    out: list[Change] = []
    for item_id, (kind, item) in new.items():
        if item_id not in old:
            out.append(Change(label(after, item_id), "added", "", _describe(kind, item)))
            continue
        was = _describe(*old[item_id])
        now = _describe(kind, item)
        if was != now:
            out.append(Change(label(after, item_id), "changed", was, now))
    for item_id, (kind, item) in old.items():
        if item_id not in new:
            out.append(Change(label(before, item_id), "removed", _describe(kind, item), ""))
    for name, fn in (("Timeline", timeline_text), ("Safety", safety_text)):
        if fn(before) != fn(after):
            out.append(Change(name, "changed", fn(before), fn(after)))
    was_dc, now_dc = before.timeline.discharge_criteria, after.timeline.discharge_criteria
    if was_dc != now_dc:
        out.append(Change("Discharge criteria", "changed", "; ".join(was_dc), "; ".join(now_dc)))
    return out
