"""Review of a draft, item by item: accept, edit or reject suggestions; the supervisor's view.

Items are problems, goals, objectives and interventions; each carries a ``Provenance``.
Editing keeps the original suggestion in ``suggested_text`` so a reviewer can see the
difference. Rejected items stay in the plan document, marked ``rejected`` (so they can be
counted), and are left out of every export.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from assistant.errors import StoreError
from assistant.plan import Goal, Intervention, Objective, Problem, Provenance, TreatmentPlan

Item = Problem | Goal | Objective | Intervention
Reason = Literal[
    "vague_objective",
    "missing_baseline",
    "missing_target",
    "wrong_intervention",
    "diagnosis",
    "safety",
    "other",
]
REASONS: tuple[str, ...] = get_args(Reason)
TEXT_FIELD = {
    "problem": "statement",
    "goal": "statement",
    "objective": "text",
    "intervention": "technique",
}


@dataclass(frozen=True)
class ReviewNote:
    """A supervisor's comment on one item (``item`` is a path or an item id; '' = whole plan)."""

    item: str
    reason: str
    comment: str


@dataclass(frozen=True)
class ReviewCounts:
    accepted: int = 0
    edited: int = 0
    rejected: int = 0
    written: int = 0
    pending: int = 0

    @property
    def suggestions(self) -> int:
        return self.accepted + self.edited + self.rejected + self.pending

    def as_dict(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "edited": self.edited,
            "rejected": self.rejected,
            "written": self.written,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class ItemView:
    """What a supervisor sees for one item."""

    path: str
    kind: str
    item_id: str
    current: str
    suggestion: str | None
    diff: str
    provenance: str
    authorship: str
    findings: list[Any] = field(default_factory=list)


def item_text(kind: str, item: Item) -> str:
    return str(getattr(item, TEXT_FIELD[kind]))


def find_item(plan: TreatmentPlan, ref: str) -> tuple[str, str, Item]:
    """(path, kind, item) for a path like ``goals[0].objectives[1]`` or an item id like ``O1``."""
    for path, kind, item in plan.items():
        if ref in (path, item.id):
            return path, kind, item
    known = ", ".join(item.id for _, _, item in plan.items())
    raise StoreError(f"the plan has no item '{ref}' (items: {known})")


def _replace(plan: TreatmentPlan, path: str, new: Item) -> TreatmentPlan:
    data = plan.model_copy(deep=True)
    kind_list, _, rest = path.partition(".")
    name, idx = kind_list.rstrip("]").split("[")
    if name == "goals" and rest:
        gi = int(idx)
        oi = int(rest.rstrip("]").split("[")[1])
        goal = data.goals[gi]
        objectives = list(goal.objectives)
        assert isinstance(new, Objective)
        objectives[oi] = new
        goals = list(data.goals)
        goals[gi] = goal.model_copy(update={"objectives": objectives})
        return data.model_copy(update={"goals": goals})
    items = list(getattr(data, name))
    items[int(idx)] = new
    return data.model_copy(update={name: items})


def _with(item: Item, provenance: Provenance, **changes: Any) -> Item:
    out = item.model_copy(update={"provenance": provenance, **changes})
    type(item).model_validate(out.model_dump())  # re-check the changed item
    return out


def _mark(
    plan: TreatmentPlan, ref: str, authorship: str, refusal: str, by: str | None
) -> TreatmentPlan:
    """Set a suggestion's authorship (accepted or rejected), keeping its suggested text."""
    path, kind, item = find_item(plan, ref)
    prov = item.provenance
    if prov.authorship == "written":
        raise StoreError(f"{item.id} was written by the clinician; {refusal}")
    new_prov = prov.model_copy(
        update={
            "authorship": authorship,
            "suggested_text": prov.suggested_text or item_text(kind, item),
            "author": by or prov.author,
        }
    )
    return _replace(plan, path, _with(item, new_prov))


def accept(plan: TreatmentPlan, ref: str, *, by: str | None = None) -> TreatmentPlan:
    """Take a suggestion as it stands."""
    return _mark(plan, ref, "accepted", "there is no suggestion to accept", by)


def edit(plan: TreatmentPlan, ref: str, text: str, *, by: str | None = None) -> TreatmentPlan:
    """Change an item's wording; the original suggestion is kept for the diff."""
    text = text.strip()
    if not text:
        raise StoreError("the new wording is empty: write the text, or reject the item instead")
    path, kind, item = find_item(plan, ref)
    prov = item.provenance
    original = prov.suggested_text
    if original is None and prov.authorship != "written":
        original = item_text(kind, item)
    authorship = "written" if prov.authorship == "written" else "edited"
    if original is not None and text == original and authorship == "edited":
        authorship = "accepted"
    new_prov = prov.model_copy(
        update={"authorship": authorship, "suggested_text": original, "author": by or prov.author}
    )
    return _replace(plan, path, _with(item, new_prov, **{TEXT_FIELD[kind]: text}))


def reject(plan: TreatmentPlan, ref: str, *, by: str | None = None) -> TreatmentPlan:
    """Mark a suggestion as rejected; it stays in the record but leaves every export."""
    return _mark(plan, ref, "rejected", "delete it instead of rejecting it", by)


def written(author: str | None = None) -> Provenance:
    """Provenance for an item the clinician writes from scratch."""
    return Provenance(source="clinician", author=author, authorship="written")


def counts(plan: TreatmentPlan) -> ReviewCounts:
    tally = {"accepted": 0, "edited": 0, "rejected": 0, "written": 0, "suggested": 0}
    for _, _, item in plan.items():
        tally[item.provenance.authorship] += 1
    return ReviewCounts(
        tally["accepted"], tally["edited"], tally["rejected"], tally["written"], tally["suggested"]
    )


def active(plan: TreatmentPlan) -> TreatmentPlan:
    """The plan without rejected items (and without links to them): what exports show."""

    def keep(item: Item) -> bool:
        return item.provenance.authorship != "rejected"

    problems = [p for p in plan.problems if keep(p)]
    problem_ids = {p.id for p in problems}
    goals = []
    for g in plan.goals:
        if not keep(g):
            continue
        objectives = [o for o in g.objectives if keep(o)]
        goals.append(
            g.model_copy(
                update={
                    "objectives": objectives,
                    "problem_ids": [i for i in g.problem_ids if i in problem_ids],
                }
            )
        )
    objective_ids = {o.id for g in goals for o in g.objectives}
    interventions = [
        iv.model_copy(update={"objective_ids": [i for i in iv.objective_ids if i in objective_ids]})
        for iv in plan.interventions
        if keep(iv)
    ]
    return plan.model_copy(
        update={"problems": problems, "goals": goals, "interventions": interventions}
    )


def diff(before: str | None, after: str) -> str:
    """A unified diff of the suggestion against the current wording ('' when unchanged)."""
    if before is None or before == after:
        return ""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "suggested", "current", lineterm=""
    )
    return "\n".join(lines)


def _owner_path(paths: Sequence[str], finding_path: str) -> str | None:
    best = None
    for p in paths:
        if (finding_path == p or finding_path.startswith(p + ".")) and (
            best is None or len(p) > len(best)
        ):
            best = p
    return best


def view(plan: TreatmentPlan, findings: Iterable[Any] = ()) -> list[ItemView]:
    """The supervisor's view: every item with suggestion, diff, provenance and findings."""
    items = list(plan.items())
    paths = [p for p, _, _ in items]
    by_path: dict[str, list[Any]] = {p: [] for p in paths}
    for f in findings:
        owner = _owner_path(paths, str(getattr(f, "path", "")))
        if owner is not None:
            by_path[owner].append(f)
    out = []
    for path, kind, item in items:
        current = item_text(kind, item)
        suggestion = item.provenance.suggested_text
        if suggestion is None and item.provenance.authorship in ("suggested", "accepted"):
            suggestion = current
        out.append(
            ItemView(
                path=path,
                kind=kind,
                item_id=item.id,
                current=current,
                suggestion=suggestion,
                diff=diff(suggestion, current),
                provenance=item.provenance.label(),
                authorship=item.provenance.authorship,
                findings=by_path[path],
            )
        )
    return out


def check_notes(
    plan: TreatmentPlan, notes: Sequence[ReviewNote]
) -> list[tuple[str, str | None, ReviewNote]]:
    """Resolve each note's item to (path, item id); unknown items or reasons are refused."""
    out: list[tuple[str, str | None, ReviewNote]] = []
    for n in notes:
        if n.reason not in REASONS:
            raise StoreError(f"unknown reason '{n.reason}': use one of {', '.join(REASONS)}")
        if not n.comment.strip():
            raise StoreError("each comment needs some words saying what to change")
        if n.item in ("", "plan"):
            out.append(("plan", None, n))
            continue
        path, _, item = find_item(plan, n.item)
        out.append((path, item.id, n))
    return out
