"""A plan review is a new version of a signed plan, linked to the version it reviews.

``start_review`` reads the signed plan against a measures file with the progress engine,
pre-fills each objective's disposition with the engine's suggestion, lays the clinician's
choices over it and refuses the review while any disposition lacks a rationale or contradicts
the numbers without a justification (the findings of ``progress.review.check``). The review
is then written as a new draft version of the same plan: objective statuses follow the
dispositions, revised objectives start from the latest reading, the plan is dated the review
day with its next review date, and every signature is cleared. From there it goes through the
same submit, approve and sign steps and the same gate as any plan. A ``plan_reviews`` row
links the new version to the reviewed one and keeps the dispositions; its hash is written
in the audit entry, so the hash chain seals it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, StoreError
from assistant.intake import Intake
from assistant.plan import Baseline, Objective, TreatmentPlan, loads
from assistant.progress import review as rv
from assistant.progress.engine import ObjectiveProgress
from assistant.progress.measures import MeasuresFile
from assistant.progress.report import ProgressReport, assess
from assistant.store import integrity, review_records
from assistant.store.base import protect, stored_intake
from assistant.store.records import StoredPlan
from assistant.store.review_due import interval_days
from assistant.store.review_records import PlanReview
from assistant.store.service import PlanStore

__all__ = [
    "ReviewBlocked",
    "ReviewRecord",
    "ReviewStarted",
    "prepare",
    "reviews_of",
    "start_review",
]

# disposition -> the objective's status in the reviewed plan (deferred keeps its status)
STATUS_AFTER = {
    "met": "met",
    "partially_met": "partially_met",
    "not_met": "not_met",
    "revised": "in_progress",
    "discontinued": "retired",
}


class ReviewBlocked(StoreError):
    """The review cannot be stored: ``findings`` lists what to resolve, one line each."""

    def __init__(self, findings: Sequence[rv.ReviewFinding]):
        self.findings = list(findings)
        lines = "\n".join(f"  {f.code} {f.message}" for f in self.findings)
        super().__init__(f"the review was not stored: resolve or justify each of these\n{lines}")


@dataclass(frozen=True)
class ReviewStarted:
    stored: StoredPlan
    reviews_version: int
    report: ProgressReport
    dispositions: list[rv.ObjectiveDisposition]
    findings: list[rv.ReviewFinding]  # what remains visible: warnings and justified clashes


@dataclass(frozen=True)
class ReviewRecord:
    plan_id: int
    version: int
    reviews_version: int
    as_of: dt.date
    dispositions: list[rv.ObjectiveDisposition]
    reviewer: int


def prepare(
    store: PlanStore,
    actor: object,
    plan_id: int,
    measures: MeasuresFile,
    *,
    as_of: dt.date,
) -> tuple[ProgressReport, list[rv.ObjectiveDisposition]]:
    """The numbers and the pre-filled dispositions for a review form (nothing is written)."""
    me = store.accounts.require(actor)
    with Session(store.engine) as s:
        row = store._load(s, me, plan_id)
        store._verified(s, me, row)
        plan = loads(store._doc(s, plan_id, row.current_version).document)
        protect(plan)
        report = _assess(plan, measures, as_of, stored_intake(row))
    return report, rv.prefill(report)


def start_review(
    store: PlanStore,
    actor: object,
    plan_id: int,
    measures: MeasuresFile,
    choices: Mapping[str, rv.ObjectiveDisposition] | Sequence[rv.ObjectiveDisposition],
    *,
    as_of: dt.date,
    expected_version: int | None = None,
) -> ReviewStarted:
    """Store the review of signed plan ``plan_id`` as a new draft version (see module doc).

    ``choices`` are the clinician's dispositions by objective id; an objective without one
    keeps the engine's suggestion and still needs a rationale."""
    me = store.accounts.require(actor)
    given = choices if isinstance(choices, Mapping) else {d.objective_id: d for d in choices}
    with Session(store.engine) as s:
        row = store._load(s, me, plan_id)
        if me.id != row.owner_id:
            raise AccessDenied("only the clinician who owns the plan can review it")
        reviewed = row.current_version
        if expected_version is not None and expected_version != reviewed:
            raise store._conflict(s, row, expected_version)
        if row.status != "signed":
            raise StoreError(
                f"cannot review plan {plan_id}: it is {row.status}; a review starts from the "
                "signed plan (finish or sign the open version first)"
            )
        store._verified(s, me, row)
        plan = loads(store._doc(s, plan_id, reviewed).document)
        protect(plan)
        if measures.record_id != plan.header.record_id:
            raise StoreError(
                "measures record_id: the measures file is for another client's record, "
                "not this plan's"
            )
        intake = stored_intake(row)
        report = _assess(plan, measures, as_of, intake)
        filled = _merge(rv.prefill(report), given)
        findings = rv.check(report, filled) + _kept_baselines(report, filled)
        if any(f.severity == "error" for f in findings):
            raise ReviewBlocked([f for f in findings if f.severity == "error"])
        doc = revise(plan, report, filled, as_of=as_of, interval=_interval(plan, intake))
        text = json.dumps([d.model_dump() for d in filled], sort_keys=True)
        measures_hash = integrity.sha256(measures.model_dump_json())
        record_hash = review_records.record_hash(
            plan_id, reviewed + 1, reviewed, as_of, text, measures_hash
        )

        def link(s2: Session, expected: int) -> None:
            s2.add(
                PlanReview(
                    plan_id=plan_id,
                    version=expected + 1,
                    reviews_version=expected,
                    as_of=as_of,
                    dispositions=text,
                    measures_hash=measures_hash,
                    record_hash=record_hash,
                    created_by=me.id,
                )
            )

        counts = ", ".join(
            f"{n} {k.replace('_', ' ')}"
            for k in rv.SUGGESTED.values()
            if (n := sum(d.disposition == k for d in filled))
        )
        stored = store._write(
            s, me, row, doc, expected=reviewed, status="draft", action="review",
            note=f"review of version {reviewed} as of {as_of.isoformat()}: {counts}",
            audit_detail=lambda _doc: (
                f"reviews version {reviewed}; record sha256 {record_hash}"
            ),
            extra=link,
        )  # fmt: skip
    return ReviewStarted(
        stored, reviewed, report, filled, [f for f in findings if f.severity != "error"]
    )


def reviews_of(store: PlanStore, actor: object, plan_id: int) -> list[ReviewRecord]:
    """The plan's reviews, oldest first, each checked against the hash its audit entry
    recorded (a changed row raises ``TamperedError``)."""
    me = store.accounts.require(actor)
    with Session(store.engine) as s:
        store._load(s, me, plan_id)
        problems = review_records.verify(s, plan_id)
        if problems:
            raise integrity.TamperedError(problems)
        rows = s.scalars(
            select(PlanReview).where(PlanReview.plan_id == plan_id).order_by(PlanReview.id)
        )
        return [
            ReviewRecord(
                r.plan_id,
                r.version,
                r.reviews_version,
                r.as_of,
                [rv.ObjectiveDisposition(**d) for d in json.loads(r.dispositions)],
                r.created_by,
            )
            for r in rows
        ]


def revise(
    plan: TreatmentPlan,
    report: ProgressReport,
    dispositions: Sequence[rv.ObjectiveDisposition],
    *,
    as_of: dt.date,
    interval: int,
) -> TreatmentPlan:
    """The reviewed plan: statuses from the dispositions, new baselines for revised
    objectives, dated the review day with the next review date, no signatures."""
    by_id = {d.objective_id: d for d in dispositions}
    progress = {p.id: p for p in report.objectives}
    goals = []
    for g in plan.goals:
        objectives = [_objective(o, by_id.get(o.id), progress.get(o.id)) for o in g.objectives]
        goals.append(g.model_copy(update={"objectives": objectives}))
    header = plan.header.model_copy(
        update={"created": as_of, "last_reviewed": as_of, "review_interval_days": interval}
    )
    timeline = plan.timeline.model_copy(
        update={"review_dates": [as_of + dt.timedelta(days=interval)]}
    )
    return plan.model_copy(
        update={
            "header": header,
            "goals": goals,
            "timeline": timeline,
            "signatures": [],
            "status": "draft",
        }
    )


def _objective(
    o: Objective, d: rv.ObjectiveDisposition | None, p: ObjectiveProgress | None
) -> Objective:
    if d is None:
        return o
    update: dict[str, object] = {}
    if d.disposition in STATUS_AFTER:
        update["status"] = STATUS_AFTER[d.disposition]
    latest = rv.revised_baseline(p) if p is not None else None
    if d.disposition == "revised" and latest is not None:
        assert p is not None
        update["baseline"] = Baseline(
            value=latest.value,
            text=f"{latest.value:g}",
            date=latest.date,
            source=f"{p.measure}, latest reading at the review",
        )
    return o.model_copy(update=update)


def _kept_baselines(
    report: ProgressReport, dispositions: Sequence[rv.ObjectiveDisposition]
) -> list[rv.ReviewFinding]:
    """A revised objective with no reading since its baseline keeps the old baseline: say so."""
    latest = {p.id: p.latest for p in report.objectives}
    return [
        rv.ReviewFinding(
            code="RV10",
            severity="warning",
            objective_id=d.objective_id,
            message=f"{d.objective_id} is revised but has no reading since its baseline; it "
            "keeps the old baseline until one is recorded.",
        )
        for d in dispositions
        if d.disposition == "revised"
        and d.objective_id in latest
        and latest[d.objective_id] is None
    ]


def _merge(
    prefilled: list[rv.ObjectiveDisposition], given: Mapping[str, rv.ObjectiveDisposition]
) -> list[rv.ObjectiveDisposition]:
    out = []
    for d in prefilled:
        chosen = given.get(d.objective_id)
        if chosen is None:
            out.append(d)
        else:
            out.append(chosen.model_copy(update={"evidence": d.evidence}))
    out += [d for k, d in given.items() if k not in {p.objective_id for p in prefilled}]
    return out


def _interval(plan: TreatmentPlan, intake: Intake | None) -> int:
    return interval_days(plan, intake)


def _assess(
    plan: TreatmentPlan, measures: MeasuresFile, as_of: dt.date, intake: Intake | None
) -> ProgressReport:
    return assess(plan, measures, as_of=as_of, intake=intake, review_days=_interval(plan, intake))
