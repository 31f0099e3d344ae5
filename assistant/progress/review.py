"""A plan review's dispositions, pre-filled from the numbers and checked against them.

Each objective gets a disposition (met, partially met, not met, revised, discontinued,
deferred) with a rationale the clinician writes. ``prefill(report)`` suggests dispositions from
the engine's statuses; ``check(report, dispositions)`` is a pure validator: a disposition that
contradicts the numbers ("met" while the latest score misses the target, "partially met" during
reliable deterioration) is an error until the clinician writes a justification, and then stays
visible as justified. Storing the review as a new signed version is the store's job; this
module only decides what is consistent.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.progress.engine import ObjectiveProgress, Reading, Status
from assistant.progress.notes import claims_progress
from assistant.progress.report import ProgressReport

Disposition = Literal["met", "partially_met", "not_met", "revised", "discontinued", "deferred"]
Severity = Literal["error", "warning", "justified"]

SUGGESTED: dict[Status, Disposition] = {
    "met": "met",
    "improving": "partially_met",
    "no_change": "not_met",
    "worsening": "not_met",
    "no_data": "deferred",
}


class ObjectiveDisposition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    objective_id: str
    disposition: Disposition
    rationale: str = Field(default="", max_length=5000)
    justification: str = Field(
        default="", max_length=5000, description="Why the disposition stands against the numbers."
    )
    evidence: str = ""


class ReviewFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    severity: Severity
    objective_id: str | None
    message: str


def evidence(p: ObjectiveProgress) -> str:
    """The numbers behind an objective in one line, for the review form and packet."""
    if p.latest is None:
        return f"{p.measure}: no reading after the baseline"
    base = f"{p.baseline.value:g} ({p.baseline.date})" if p.baseline else "baseline not recorded"
    rc = {
        "improved": "reliable improvement",
        "no_reliable_change": "no reliable change",
        "deteriorated": "reliable deterioration",
        "unknown": "reliable change unknown",
    }[p.reliable_change]
    target = f"; target {p.target}" if p.target else ""
    met = "" if p.target_met is None else (" met" if p.target_met else " not met")
    return f"{p.measure}: {base} to {p.latest.value:g} ({p.latest.date}); {rc}{target}{met}"


def prefill(report: ProgressReport) -> list[ObjectiveDisposition]:
    """The engine's suggestion for every objective; the rationale is left for the clinician."""
    return [
        ObjectiveDisposition(
            objective_id=p.id, disposition=SUGGESTED[p.suggested_status], evidence=evidence(p)
        )
        for p in report.objectives
    ]


def revised_baseline(p: ObjectiveProgress) -> Reading | None:
    """A revised objective starts from the latest reading."""
    return p.latest


def check(report: ProgressReport, dispositions: list[ObjectiveDisposition]) -> list[ReviewFinding]:
    by_id = {p.id: p for p in report.objectives}
    out: list[ReviewFinding] = []
    seen: set[str] = set()
    for d in dispositions:
        p = by_id.get(d.objective_id)
        if p is None:
            out.append(
                ReviewFinding(
                    code="RV02",
                    severity="error",
                    objective_id=d.objective_id,
                    message=f"{d.objective_id} is not an objective of the reviewed plan.",
                )
            )
            continue
        if d.objective_id in seen:
            out.append(_f("RV07", "error", d, "has two dispositions; keep one."))
        seen.add(d.objective_id)
        if not d.rationale.strip():
            out.append(_f("RV01", "error", d, "needs a rationale for its disposition."))
        out += _contradictions(p, d)
    for k in by_id.keys() - seen:
        out.append(
            ReviewFinding(
                code="RV03",
                severity="error",
                objective_id=k,
                message=f"{k} has no disposition; choose one.",
            )
        )
    return out


def _contradictions(p: ObjectiveProgress, d: ObjectiveDisposition) -> list[ReviewFinding]:
    clash: list[tuple[str, str]] = []
    if d.disposition == "met" and p.target_met is False:
        assert p.latest is not None
        clash.append(
            (
                "RV04",
                f"is marked met, but the latest {p.measure} ({p.latest.value:g}) misses "
                f"the target ({p.target}).",
            )
        )
    if d.disposition in ("met", "partially_met") and p.reliable_change == "deteriorated":
        clash.append(
            ("RV05", f"is marked {_words(d)}, but {p.measure} shows reliable deterioration.")
        )
    if d.disposition == "not_met" and p.target_met is True:
        clash.append(("RV06", "is marked not met, but the latest reading meets the target."))
    if d.disposition == "met" and p.latest is None:
        clash.append(("RV08", "is marked met, but no reading after the baseline supports it."))
    phrase = claims_progress(d.rationale)
    if phrase and p.reliable_change in ("no_reliable_change", "deteriorated"):
        clash.append(
            (
                "RV09",
                f"has a rationale saying '{phrase}', but {p.measure} shows "
                f"{p.reliable_change.replace('_', ' ')}.",
            )
        )
    out = []
    for code, text in clash:
        if d.justification.strip():
            out.append(_f(code, "justified", d, f"{text} Justified: {d.justification.strip()}"))
        else:
            out.append(_f(code, "error", d, f"{text} Change the disposition or justify it."))
    return out


def _words(d: ObjectiveDisposition) -> str:
    return d.disposition.replace("_", " ")


def _f(code: str, severity: Severity, d: ObjectiveDisposition, text: str) -> ReviewFinding:
    return ReviewFinding(
        code=code,
        severity=severity,
        objective_id=d.objective_id,
        message=f"{d.objective_id} {text}",
    )
