"""The review packet for supervisors and payers, in Markdown (FHIR in ``packet_fhir``).

Per objective: baseline to current, the readings with their severity band, the target and the
reliable-change band, review dates, the sessions and interventions behind it, the disposition
with its rationale, and a continued-treatment justification drafted from the numbers only,
with visible placeholders where a number or a decision is missing.
"""

from __future__ import annotations

from assistant import instruments
from assistant.plan import TreatmentPlan, placeholder
from assistant.progress import thresholds
from assistant.progress.engine import ObjectiveProgress
from assistant.progress.measures import MeasuresFile
from assistant.progress.report import ProgressReport
from assistant.progress.review import SUGGESTED, ObjectiveDisposition, evidence
from assistant.progress.safety import REVIEW_NOW

_RC = {
    "improved": "reliable improvement",
    "no_reliable_change": "no reliable change",
    "deteriorated": "reliable deterioration",
    "unknown": "reliable change unknown",
}


def reliable_band(p: ObjectiveProgress) -> tuple[float, float] | None:
    """Scores within this band of the baseline are within measurement error."""
    t = thresholds.for_instrument(p.measure)
    rc = t.reliable_change if t else None
    if rc is None or rc.points is None or p.baseline is None:
        return None
    return p.baseline.value - rc.points, p.baseline.value + rc.points


def justification(p: ObjectiveProgress) -> str:
    """One sentence for continued treatment, from the numbers; placeholders where they are missing."""
    if p.latest is None or p.baseline is None:
        return (
            f"{p.id}: {placeholder('progress', f'record {p.measure} to show change')}; "
            f"{placeholder('continued treatment', 'say why this objective still needs work')}."
        )
    move = f"{p.measure} moved from {p.baseline.value:g} to {p.latest.value:g}"
    if p.suggested_status == "met":
        return f"{p.id}: {move}, meeting the target ({p.target}); no further treatment is needed for it."
    if p.suggested_status == "improving":
        return (
            f"{p.id}: {move} ({_RC[p.reliable_change]}) but has not reached the target "
            f"({p.target}); continued treatment is needed to reach it."
        )
    return (
        f"{p.id}: {move} ({_RC[p.reliable_change]}); the target ({p.target}) is not met. "
        f"{placeholder('plan change', 'say what will change in treatment and why')}."
    )


def _readings_table(p: ObjectiveProgress, plan: TreatmentPlan) -> list[str]:
    inst = instruments.get(p.measure)
    band = reliable_band(p)
    reviews = set(plan.timeline.review_dates)
    lines = [
        "| Date | Reading | Severity band | Meets target | Within reliable-change band |",
        "|---|---|---|---|---|",
    ]
    rows = ([("baseline", p.baseline)] if p.baseline else []) + [("", r) for r in p.readings]
    for label, r in rows:
        assert r is not None
        sev = (inst.band(r.value) if inst else None) or "—"
        within = "—"
        if band is not None and label != "baseline":
            within = "yes" if band[0] < r.value < band[1] else "no"
        marker = " (review date)" if r.date in reviews else ""
        meets = "—"
        if p.target is not None and label != "baseline":
            o = plan.objective(p.id)
            if o is not None and o.target is not None and o.target.value is not None:
                meets = (
                    "yes"
                    if thresholds.compare(r.value, o.target.comparator, o.target.value)
                    else "no"
                )
        lines.append(
            f"| {r.date}{marker}{' ' + label if label else ''} | {r.value:g} | {sev} | {meets} | {within} |"
        )
    return lines


def to_markdown(
    plan: TreatmentPlan,
    measures: MeasuresFile,
    report: ProgressReport,
    dispositions: list[ObjectiveDisposition] | None = None,
) -> str:
    h = plan.header
    chosen = {d.objective_id: d for d in dispositions or []}
    out = [
        "# Plan review packet",
        "",
        f"Plan created {h.created}; progress read on {report.as_of}; review every "
        f"{report.review_days} days. Plan status: {plan.status}.",
        "",
        "> Figures come from the measures file and cited thresholds; a clinician reviews and "
        "signs every disposition.",
        "",
    ]
    if report.review_now:
        out += [f"**{REVIEW_NOW}**", ""] + [f"- {f.message}" for f in report.safety] + [""]
    out += [
        "## Baseline to current",
        "",
        "| Objective | Numbers | Suggested | Disposition |",
        "|---|---|---|---|",
    ]
    for p in report.objectives:
        d = chosen.get(p.id)
        disp = d.disposition.replace("_", " ") if d else "to be decided"
        out.append(
            f"| {p.id} | {evidence(p)} | {SUGGESTED[p.suggested_status].replace('_', ' ')} | {disp} |"
        )
    for p in report.objectives:
        out += ["", f"## {p.id}: {p.measure}", "", p.text, ""]
        if p.latest is not None:
            band = reliable_band(p)
            if band:
                out.append(f"Reliable-change band around the baseline: {band[0]:g} to {band[1]:g}.")
            out += [""] + _readings_table(p, plan) + [""]
        worked = [s for s in measures.sessions if p.id in s.objectives and s.date <= report.as_of]
        if worked:
            out.append(
                "Sessions: "
                + "; ".join(
                    f"{s.date} ({', '.join(s.interventions) or 'no intervention named'})"
                    for s in worked
                )
                + "."
            )
        else:
            out.append("Sessions: no session note cites this objective.")
        d = chosen.get(p.id)
        if d is not None:
            out.append(
                f"Disposition: **{d.disposition.replace('_', ' ')}** — "
                f"{d.rationale or placeholder('rationale', 'write why')}"
            )
        out.append(f"Continued treatment: {justification(p)}")
    flagged = report.notes + report.cadence
    if flagged:
        out += ["", "## Documentation checks", ""]
        for f in flagged:
            when = f"{f.session_date}: " if f.session_date else ""
            out.append(f"- `{f.code}` {when}{f.message}")
    return "\n".join(out) + "\n"
