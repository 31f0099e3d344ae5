"""The supervisor's population view (CTS.03.01.09 asks for progress data in aggregate).

``summarize`` is pure: for each clinician's caseload (signed plans, each with its measures
file when there is one, and whether its review is overdue) it counts clients with reliable
improvement, recovery (clinically significant change), reliable deterioration, reviews
overdue and notes flagged as copied. A share is a count over the clients whose change could
be judged (at least one objective with a reliable-change reading other than "unknown"); with
none, the share is not computed. ``collect`` gathers the supervisor's clinicians' signed
plans from the store and their measures files from a folder (matched by record id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, StoreError
from assistant.plan import TreatmentPlan
from assistant.progress.measures import MeasuresError, MeasuresFile
from assistant.progress.measures import load as load_measures
from assistant.progress.notes import copy_forward_across
from assistant.progress.report import assess
from assistant.store.models import Plan
from assistant.store.review_due import due_date, interval_days, latest_signed

__all__ = ["CaseloadItem", "Population", "Summary", "collect", "summarize"]


@dataclass(frozen=True)
class CaseloadItem:
    clinician: str
    plan: TreatmentPlan
    measures: MeasuresFile | None
    overdue: bool
    review_days: int = 90


@dataclass(frozen=True)
class Summary:
    """One clinician's caseload, or everyone's (``clinician`` = "all")."""

    clinician: str
    clients: int
    with_measures: int
    judged: int  # clients with at least one reliable-change reading that is not "unknown"
    improved: int
    recovered: int
    deteriorated: int
    reviews_overdue: int
    notes_copied: int
    clients_with_copied_notes: int

    def share(self, count: int) -> float | None:
        return count / self.judged if self.judged else None


@dataclass(frozen=True)
class Population:
    as_of: dt.date
    total: Summary
    by_clinician: list[Summary]
    problems: list[str] = field(default_factory=list)  # measures files not read, by file name


def summarize(items: Sequence[CaseloadItem], *, as_of: dt.date) -> Population:
    """Counts per clinician and overall (see module doc)."""
    rows = [
        _summary(name, [i for i in items if i.clinician == name], as_of)
        for name in sorted({i.clinician for i in items})
    ]
    total = Summary(
        "all",
        *(sum(getattr(r, f) for r in rows) for f in _COUNTS),
    )
    return Population(as_of, total, rows)


_COUNTS = (
    "clients",
    "with_measures",
    "judged",
    "improved",
    "recovered",
    "deteriorated",
    "reviews_overdue",
    "notes_copied",
    "clients_with_copied_notes",
)


def _summary(name: str, items: list[CaseloadItem], as_of: dt.date) -> Summary:
    measured = [(i, i.measures) for i in items if i.measures is not None]
    judged = improved = recovered = deteriorated = 0
    for item, m in measured:
        report = assess(item.plan, m, as_of=as_of, review_days=item.review_days)
        known = [p for p in report.objectives if p.reliable_change != "unknown"]
        if not known:
            continue
        judged += 1
        improved += any(p.reliable_change == "improved" for p in known)
        deteriorated += any(p.reliable_change == "deteriorated" for p in known)
        recovered += any(p.clinically_significant is True for p in known)
    copies = copy_forward_across([(i.plan, m) for i, m in measured])
    flagged = [len(v) for v in copies.values()]
    return Summary(
        name,
        len(items),
        len(measured),
        judged,
        improved,
        recovered,
        deteriorated,
        sum(i.overdue for i in items),
        sum(flagged),
        sum(1 for n in flagged if n),
    )


def collect(store: object, actor: object, measures_dir: Path, *, as_of: dt.date) -> Population:
    """The population view for a supervisor: the signed plans they supervise (latest signed
    version of each), with the measures files in ``measures_dir`` whose record id matches."""
    accounts = store.accounts  # type: ignore[attr-defined]
    me = accounts.require(actor)
    if me.role != "supervisor":
        raise AccessDenied("the population view is for supervisors: it covers their clinicians")
    files, problems = _measures_by_record(measures_dir, as_of)
    items: list[CaseloadItem] = []
    with Session(store.engine) as s:  # type: ignore[attr-defined]
        for row in s.scalars(select(Plan).where(Plan.supervisor_id == me.id).order_by(Plan.id)):
            signed = latest_signed(s, row)
            if signed is None:
                continue
            plan, intake = signed.plan, signed.intake
            items.append(
                CaseloadItem(
                    signed.owner,
                    plan,
                    files.get(plan.header.record_id),
                    due_date(plan, intake) < as_of,  # until the review is signed
                    interval_days(plan, intake),
                )
            )
    got = summarize(items, as_of=as_of)
    return Population(got.as_of, got.total, got.by_clinician, problems)


def _measures_by_record(folder: Path, as_of: dt.date) -> tuple[dict[str, MeasuresFile], list[str]]:
    if not folder.is_dir():
        raise StoreError(f"--measures-dir: {folder} is not a folder")
    out: dict[str, MeasuresFile] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.json")):
        try:
            m = load_measures(path, today=max(as_of, dt.date.today()))
        except MeasuresError as exc:
            problems.append(f"{path.name}: refused ({exc.problems[0]})")
            continue
        if m.record_id in out:
            problems.append(f"{path.name}: a second measures file for one client; left out")
            continue
        out[m.record_id] = m
    return out, problems
