"""The clinical document as a list of plain blocks, shared by the Markdown, DOCX and PDF writers.

Building the content once keeps the three formats saying the same thing; each writer only
lays the blocks out. Rejected suggestions are left out (``review.active``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant import plandates
from assistant.plan import Objective, Signature, TreatmentPlan
from assistant.review import active

DRAFT_MARK = "DRAFT — not final"
_RISK = {
    "not_assessed": "not assessed",
    "to_be_rated": "[risk level: clinician to rate]",
    "none_identified": "none identified",
    "low": "low",
    "moderate": "moderate",
    "high": "high",
}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""  # bold lead-in, e.g. "Client's words"


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[int] = field(default_factory=list)  # relative column widths


@dataclass(frozen=True)
class SignatureLine:
    role: str
    name: str
    credentials: str
    date: str


Block = Heading | Para | Bullets | Table | SignatureLine


@dataclass(frozen=True)
class Document:
    title: str
    final: bool
    blocks: list[Block]

    @property
    def mark(self) -> str | None:
        return None if self.final else DRAFT_MARK


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _next_review(plan: TreatmentPlan) -> str:
    h = plan.header
    if plan.timeline.review_dates:
        future = sorted(plan.timeline.review_dates)
        return future[0].isoformat()
    if h.review_interval_days:
        base = h.last_reviewed or h.created
        return (base + dt.timedelta(days=h.review_interval_days)).isoformat()
    return "—"


def _supervisor(plan: TreatmentPlan) -> str:
    """The supervisor who signed (with credentials), else the one named in the header."""
    sg = next((x for x in plan.signatures if x.role == "supervisor"), None)
    if sg is not None:
        return sg.name + (f", {sg.credentials}" if sg.credentials else "")
    return plan.header.supervisor_name or "—"


def objective_row(o: Objective, start: dt.date | None = None) -> list[str]:
    baseline = o.baseline.text if o.baseline else "[baseline: not set]"
    if o.baseline and o.baseline.date:
        baseline += f" ({o.baseline.date.isoformat()})"
    target = "[target: not set]"
    if o.target:
        target = o.target.text
        if (
            o.target.value is not None
            and not any(c in o.target.text for c in "<>=")
            and not o.target.text[:1].isalpha()
            and not (o.target.value == 0 and o.target.comparator in ("<=", "="))
        ):
            target = f"{o.target.comparator} {o.target.text}".replace("<=", "≤").replace(">=", "≥")
    how = o.measurement or o.metric or "—"
    if o.frequency and o.frequency not in how:
        how = f"{how} ({o.frequency})"
    return [f"{o.id}: {o.text}", baseline, target, plandates.timeframe_text(o, start), how]


def build(plan: TreatmentPlan, *, final: bool) -> Document:
    """Every section a payer expects, in a fixed order."""
    plan = active(plan)
    number = _problem_numbers(plan)
    blocks: list[Block] = [
        *_section_header(plan, final),
        *_section_diagnoses(plan),
        *_section_problems(plan, number),
        *_section_goals(plan, number),
        *_section_interventions(plan),
        *_section_measures(plan),
        *_section_timeline(plan),
        *_section_discharge(plan),
        *_section_safety(plan),
        *_section_strengths(plan),
        *_section_sequencing(plan),
        *_section_signatures(plan),
    ]
    title = "Treatment plan" if final else f"Treatment plan — {DRAFT_MARK}"
    return Document(title, final, blocks)


def _problem_numbers(plan: TreatmentPlan) -> dict[str, str]:
    """Each problem's id to the name the document gives it ("Problem 2")."""
    return {p.id: f"Problem {i}" for i, p in enumerate(plan.problems, 1)}


def _section_header(plan: TreatmentPlan, final: bool) -> list[Block]:
    """The table of who, when and for whom, above the first heading."""
    h = plan.header
    clinician = h.clinician_name + (
        f", {h.clinician_credentials}" if h.clinician_credentials else ""
    )
    rows = [
        ["Client", h.client_name],
        ["Date of birth", _d(h.client_dob)],
        ["Record number", h.record_id],
        ["Pronouns", h.pronouns or "—"],
        [
            "Clinician",
            clinician + (f" (licence {h.clinician_license})" if h.clinician_license else ""),
        ],
        ["Supervisor", _supervisor(plan)],
        ["Plan date", h.created.isoformat()],
        ["Signed", _d(plandates.signed_on(plan))],
        ["Last reviewed", _d(h.last_reviewed)],
        ["Next review", _next_review(plan)],
        ["Payer", h.payer or "—"],
        ["Setting", h.setting or "—"],
        ["Status", "signed (final)" if final else f"{plan.status} — not final"],
    ]
    return [Table(["", ""], rows, [1, 3])]


def _section_diagnoses(plan: TreatmentPlan) -> list[Block]:
    if not plan.diagnoses:
        return [Heading("Diagnoses"), Para("No diagnosis recorded.")]
    rows = [
        [
            d.code,
            d.label + (f" — {d.sequencing_note}" if d.sequencing_note else ""),
            "primary" if d.primary else "secondary",
        ]
        for d in plan.diagnoses
    ]
    return [Heading("Diagnoses"), Table(["ICD-10-CM", "Diagnosis", "Role"], rows, [1, 4, 1])]


def _section_problems(plan: TreatmentPlan, number: dict[str, str]) -> list[Block]:
    b: list[Block] = [Heading("Problems")]
    for p in plan.problems:
        codes = f" (linked to {', '.join(p.diagnosis_codes)})" if p.diagnosis_codes else ""
        b.append(Para(p.statement + codes, label=f"{number[p.id]}."))
        if p.functional_impact:
            b.append(Bullets([f"Impact: {x}" for x in p.functional_impact]))
    return b


def _section_goals(plan: TreatmentPlan, number: dict[str, str]) -> list[Block]:
    """Each goal under its own heading, with its objectives in one table."""
    start = plandates.start(plan)
    b: list[Block] = [Heading("Goals and objectives")]
    for gi, g in enumerate(plan.goals, 1):
        b.append(Heading(f"Goal {gi}: {g.statement}", level=2))
        if g.client_words:
            b.append(Para(f"“{g.client_words}”", label="In the client's words:"))
        if g.problem_ids:
            b.append(Para(", ".join(number.get(i, i) for i in g.problem_ids), label="Addresses:"))
        if g.objectives:
            b.append(
                Table(
                    ["Objective", "Baseline", "Target", "Timeframe", "Measured by"],
                    [objective_row(o, start) for o in g.objectives],
                    [5, 2, 2, 2, 3],
                )
            )
    return b


def _section_interventions(plan: TreatmentPlan) -> list[Block]:
    """The heading always; the table only when there are interventions."""
    if not plan.interventions:
        return [Heading("Interventions")]
    rows = [
        [iv.modality, iv.technique, iv.frequency or "—", ", ".join(iv.objective_ids) or "—"]
        for iv in plan.interventions
    ]
    headers = ["Modality", "What the clinician will do", "How often", "For objectives"]
    return [Heading("Interventions"), Table(headers, rows, [2, 5, 2, 2])]


def _section_measures(plan: TreatmentPlan) -> list[Block]:
    """Left out entirely when the plan monitors no measure beyond its objectives."""
    if not plan.monitored_measures:
        return []
    rows = [
        [
            m.instrument + ("" if m.validated else " (not validated)"),
            m.baseline_text,
            _d(m.date),
            m.cadence,
        ]
        for m in plan.monitored_measures
    ]
    return [
        Heading("Measures monitored"),
        Table(["Measure", "Baseline", "Date", "Repeated"], rows, [2, 2, 2, 4]),
    ]


def _section_timeline(plan: TreatmentPlan) -> list[Block]:
    t = plan.timeline
    facts = []
    if t.estimated_sessions_min or t.estimated_sessions_max:
        lo, hi = t.estimated_sessions_min, t.estimated_sessions_max
        facts.append(
            f"Estimated sessions: {lo}-{hi}"
            if lo and hi and lo != hi
            else f"Estimated sessions: {lo or hi}"
        )
    if t.estimated_weeks:
        facts.append(f"Estimated length: {t.estimated_weeks} weeks")
    if t.session_type or t.session_minutes:
        kind = t.session_type or "session"
        facts.append(
            f"Sessions: {kind}" + (f", {t.session_minutes} minutes" if t.session_minutes else "")
        )
    if t.session_frequency:
        facts.append(f"Frequency: {t.session_frequency}")
    if t.review_dates:
        facts.append("Review dates: " + ", ".join(d.isoformat() for d in t.review_dates))
    return [Heading("Timeline"), Bullets(facts or ["No timeline recorded."])]


def _section_discharge(plan: TreatmentPlan) -> list[Block]:
    criteria = plan.timeline.discharge_criteria or ["[discharge criteria: not set]"]
    return [Heading("Discharge criteria"), Bullets(criteria)]


def _section_safety(plan: TreatmentPlan) -> list[Block]:
    """The risk table, summary, actions and protective factors; a placeholder when the
    plan documents no risk at all (never read as "no risk")."""
    s = plan.safety
    if s is None:
        return [Heading("Safety"), Para("[safety: risk not documented]")]
    rows = [
        ["Risk assessed", "yes" if s.risk_assessed else "no"],
        ["Suicidal ideation", s.suicidal_ideation.replace("_", " ")],
        ["Self-harm", s.self_harm.replace("_", " ")],
        ["Harm to others", s.homicidal_ideation.replace("_", " ")],
        ["Risk level", _RISK.get(s.risk_level, s.risk_level)],
        ["Reassessment", s.reassessment or "—"],
    ]
    b: list[Block] = [Heading("Safety"), Table(["", ""], rows, [1, 3])]
    b.append(Para(s.summary, label="Summary:"))
    if s.actions:
        b.append(Bullets(s.actions))
    if s.protective_factors:
        b.append(Para(", ".join(s.protective_factors), label="Protective factors:"))
    return b


def _section_strengths(plan: TreatmentPlan) -> list[Block]:
    return [Heading("Strengths"), Bullets(plan.strengths or ["[strengths: not recorded]"])]


def _section_sequencing(plan: TreatmentPlan) -> list[Block]:
    if not plan.sequencing:
        return []
    return [Heading("Sequencing"), Bullets(plan.sequencing)]


def _section_signatures(plan: TreatmentPlan) -> list[Block]:
    """A line per role: client and clinician always, the supervisor when the plan names one,
    then any other role that signed. An unsigned line keeps the name and an empty date."""
    h = plan.header
    signed: dict[str, Signature] = {sg.role: sg for sg in plan.signatures}
    roles = ["client", "clinician"] + (
        ["supervisor"] if h.supervisor_name or "supervisor" in signed else []
    )
    roles += [r for r in signed if r not in roles]
    b: list[Block] = [Heading("Signatures")]
    for role in roles:
        sg = signed.get(role)
        if sg:
            b.append(
                SignatureLine(
                    role.capitalize(), sg.name, sg.credentials or "", sg.signed_on.isoformat()
                )
            )
            continue
        name, creds = "", ""
        if role == "clinician":
            name, creds = h.clinician_name, h.clinician_credentials or ""
        elif role == "supervisor":
            name = h.supervisor_name or ""
        b.append(SignatureLine(role.capitalize(), name, creds, ""))
    return b
