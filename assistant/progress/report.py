"""Everything after signing in one reading: objectives, unmatched entries and findings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.intake import Intake
from assistant.plan import TreatmentPlan
from assistant.progress.engine import ObjectiveProgress, assess_objectives
from assistant.progress.findings import Finding
from assistant.progress.matching import UnmatchedEntry
from assistant.progress.measures import MeasuresError, MeasuresFile
from assistant.progress.notes import UNTOUCHED_WEEKS, golden_thread
from assistant.progress.safety import REVIEW_NOW, cadence_findings, safety_findings

FORMAT = "treatment-progress/1"
DEFAULT_REVIEW_DAYS = 90


class ProgressReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = FORMAT
    as_of: dt.date
    plan_status: str
    review_days: int
    objectives: list[ObjectiveProgress]
    unmatched_entries: list[UnmatchedEntry]
    notes: list[Finding]
    safety: list[Finding]
    cadence: list[Finding]

    @property
    def review_now(self) -> bool:
        return bool(self.safety)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.model_dump_json())
        data["review_now"] = self.review_now
        return data


def assess(
    plan: TreatmentPlan,
    measures: MeasuresFile,
    *,
    as_of: dt.date,
    intake: Intake | None = None,
    review_days: int | None = None,
    untouched_weeks: int = UNTOUCHED_WEEKS,
) -> ProgressReport:
    """The progress reading of ``plan`` on ``as_of``. Refuses a measures file for another client."""
    if measures.record_id != plan.header.record_id:
        raise MeasuresError(["record_id: does not match the plan's record id; check the file"])
    if intake is not None and intake.client.record_id != plan.header.record_id:
        raise MeasuresError(["intake: the intake's record id does not match the plan's"])
    days = review_days or plan.header.review_interval_days or DEFAULT_REVIEW_DAYS
    objectives, unmatched = assess_objectives(plan, measures, as_of=as_of, intake=intake)
    return ProgressReport(
        as_of=as_of,
        plan_status=plan.status,
        review_days=days,
        objectives=objectives,
        unmatched_entries=unmatched,
        notes=golden_thread(plan, measures, as_of=as_of, untouched_weeks=untouched_weeks),
        safety=safety_findings(plan, measures, objectives, as_of=as_of),
        cadence=cadence_findings(plan, days),
    )


_STATUS = {
    "met": "met",
    "improving": "improving",
    "no_change": "no change",
    "worsening": "worsening",
    "no_data": "no data",
}
_RC = {
    "improved": "reliable improvement",
    "no_reliable_change": "no reliable change",
    "deteriorated": "reliable deterioration",
    "unknown": "unknown",
}


def _fig(x: float | None, suffix: str = "") -> str:
    return "—" if x is None else f"{x:g}{suffix}"


def _yn(x: bool | None) -> str:
    return "unknown" if x is None else ("yes" if x else "no")


def to_markdown(r: ProgressReport) -> str:
    lines = [f"# Progress as of {r.as_of}", ""]
    if r.plan_status != "signed":
        lines += [
            f"> The plan is **{r.plan_status}**, not signed: progress is read against a draft.",
            "",
        ]
    if r.review_now:
        lines += [f"> **{REVIEW_NOW}**", ""]
        lines += [f"> - {f.message}" for f in r.safety] + [""]
    lines += [
        "| Objective | Measure | Baseline | Latest | Change | Reliable change | Target | "
        "Target met | On track | Suggested status |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in r.objectives:
        base = f"{o.baseline.value:g} ({o.baseline.date})" if o.baseline else "not recorded"
        latest = f"{o.latest.value:g} ({o.latest.date})" if o.latest else "—"
        change = _fig(o.change) + (
            f" ({o.percent_change:+g}%)" if o.percent_change is not None else ""
        )
        lines.append(
            f"| {o.id} | {o.measure} | {base} | {latest} | {change} | {_RC[o.reliable_change]} | "
            f"{o.target or '—'} | {_yn(o.target_met)} | {_yn(o.on_track)} | "
            f"{_STATUS[o.suggested_status]} |"
        )
    lines += ["", "## Why each status", ""]
    for o in r.objectives:
        extra = []
        if o.clinically_significant is not None:
            extra.append(f"clinically significant: {_yn(o.clinically_significant)}")
        if o.response is not None:
            extra.append(f"response: {_yn(o.response)}")
        if o.remission is not None:
            extra.append(f"remission: {_yn(o.remission)}")
        tail = f" ({'; '.join(extra)})" if extra else ""
        basis = "" if o.reliable_change_basis == o.status_reason else f"; {o.reliable_change_basis}"
        lines.append(f"- **{o.id}** {o.status_reason}{basis}{tail}.")
        if o.baseline_note:
            lines.append(f"  - {o.baseline_note}")
        if o.history:
            lines.append(
                f"  - {len(o.history)} reading(s) on or before the baseline kept as history."
            )
    if r.unmatched_entries:
        lines += ["", "## Entries that match no objective", ""]
        lines += [
            f"- {u.date} {u.measure} {u.value:g}{' ' + u.unit if u.unit else ''}: {u.reason}"
            for u in r.unmatched_entries
        ]
    for title, items in (("Progress notes", r.notes), ("Measure cadence", r.cadence)):
        if items:
            lines += ["", f"## {title}", ""]
            for f in items:
                when = f"{f.session_date}: " if f.session_date else ""
                lines.append(f"- `{f.code}` {when}{f.message}")
                if f.copied_span:
                    lines.append(f"  - copied: “{f.copied_span}”")
    return "\n".join(lines) + "\n"
