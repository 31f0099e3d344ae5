"""The treatment plan: a typed document with provenance on every suggested item.

Layout (paths used in validator findings):
``header``, ``diagnoses[i]``, ``problems[i]``, ``goals[i]``, ``goals[i].objectives[j]``,
``interventions[i]``, ``timeline``, ``strengths``, ``safety``, ``signatures[i]``.
Items link by id: a goal lists its ``problem_ids``, an objective belongs to its goal,
an intervention lists the ``objective_ids`` it serves, a problem lists its
``diagnosis_codes``. JSON round-trips unchanged (``dumps``/``loads``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import PlanError
from assistant.facts.model import CaseFacts

SCHEMA = "treatment-plan/1"
PLACEHOLDER = re.compile(r"\[[a-z][a-z ]*:[^\]]*\]")


def placeholder(what: str, hint: str) -> str:
    """A visible gap for the clinician, e.g. ``[baseline: ask client]``."""
    return f"[{what}: {hint}]"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


Authorship = Literal["suggested", "accepted", "edited", "written", "rejected"]


class Provenance(_Model):
    """Where an item came from and what has happened to it since."""

    source: Literal["knowledge", "model", "clinician", "intake", "registry", "rule"]
    record_id: str | None = None
    record_version: int | None = None
    item_id: str | None = None
    model: str | None = None
    author: str | None = None
    authorship: Authorship = "suggested"
    suggested_text: str | None = None
    note: str = ""

    def label(self) -> str:
        if self.source == "knowledge" and self.record_id:
            item = f" / {self.item_id}" if self.item_id else ""
            return f"knowledge {self.record_id} v{self.record_version}{item}"
        if self.source == "model":
            return f"model {self.model}"
        if self.source == "clinician":
            return f"clinician {self.author or ''}".strip()
        return self.source


class Header(_Model):
    client_name: str
    client_dob: dt.date | None = None
    record_id: str
    pronouns: str | None = None
    clinician_name: str = ""
    clinician_credentials: str | None = None
    clinician_license: str | None = None
    supervisor_name: str | None = None
    created: dt.date
    last_reviewed: dt.date | None = None
    review_interval_days: int | None = Field(default=None, ge=1, le=366)
    payer: str | None = None
    setting: str | None = None


class PlanDiagnosis(_Model):
    code: str
    label: str
    primary: bool = False
    sequencing_note: str | None = Field(
        default=None,
        description="Why this diagnosis is not addressed now, when it is deferred.",
    )


class Problem(_Model):
    id: str
    statement: str
    diagnosis_codes: list[str] = Field(default_factory=list)
    functional_impact: list[str] = Field(default_factory=list)
    provenance: Provenance


class Measure(_Model):
    """A figure: a single value, a range, or a placeholder for the clinician."""

    value: float | None = None
    high: float | None = Field(default=None, description="Upper end when the figure is a range.")
    text: str = Field(
        description="How the figure reads in the plan: '16', '4-5', '[baseline: ask client]'."
    )

    @property
    def is_placeholder(self) -> bool:
        """A gap waiting for the clinician (``[target: agree with client]``)."""
        return self.value is None and PLACEHOLDER.search(self.text) is not None

    @property
    def is_qualitative(self) -> bool:
        """A stated outcome with no figure ("written safety plan in place"), used with
        ``direction='achieve'``."""
        return self.value is None and not self.is_placeholder


class Baseline(Measure):
    date: dt.date | None = None
    source: str = ""


Comparator = Literal["<", "<=", "=", ">=", ">"]


class Target(Measure):
    comparator: Comparator = "<="


class Timeframe(_Model):
    weeks: int | None = Field(default=None, ge=1, le=260)
    by_date: dt.date | None = None
    by_session: int | None = Field(default=None, ge=1, le=400)

    @property
    def is_set(self) -> bool:
        return any(v is not None for v in (self.weeks, self.by_date, self.by_session))

    def text(self) -> str:
        if self.weeks is not None:
            return f"within {self.weeks} weeks"
        if self.by_session is not None:
            return f"by session {self.by_session}"
        if self.by_date is not None:
            return f"by {self.by_date.isoformat()}"
        return placeholder("timeframe", "set a date or session")


ObjectiveStatus = Literal[
    "not_started", "in_progress", "met", "partially_met", "not_met", "retired"
]


class Objective(_Model):
    id: str
    text: str
    metric: str | None = None
    instrument: str | None = None
    baseline: Baseline | None = None
    target: Target | None = None
    direction: Literal["decrease", "increase", "achieve"] = "decrease"
    timeframe: Timeframe = Field(default_factory=Timeframe)
    measurement: str | None = None
    frequency: str | None = None
    stage: Literal["safety", "skills", "application", "outcome"] = "outcome"
    status: ObjectiveStatus = "not_started"
    provenance: Provenance


class Goal(_Model):
    id: str
    statement: str
    problem_ids: list[str] = Field(default_factory=list)
    client_words: str | None = None
    objectives: list[Objective] = Field(default_factory=list)
    provenance: Provenance


class Intervention(_Model):
    id: str
    modality: str
    technique: str
    frequency: str | None = None
    objective_ids: list[str] = Field(default_factory=list)
    evidence: str | None = None
    provenance: Provenance


class Timeline(_Model):
    estimated_sessions_min: int | None = Field(default=None, ge=1)
    estimated_sessions_max: int | None = Field(default=None, ge=1)
    estimated_weeks: int | None = Field(default=None, ge=1, le=260)
    session_type: Literal["individual", "group", "family", "couple"] | None = None
    session_minutes: int | None = Field(default=None, ge=10, le=240)
    session_frequency: str | None = None
    review_dates: list[dt.date] = Field(default_factory=list)
    discharge_criteria: list[str] = Field(default_factory=list)
    provenance: Provenance | None = None


class MonitoredMeasure(_Model):
    """A scored measure the plan tracks without making it an objective (a PHQ-9 in an
    anxiety plan, an ISI, an AUDIT): its intake baseline and how often it is repeated."""

    instrument: str
    baseline: float
    baseline_text: str = Field(
        description="How the score reads in the plan: '14', '14 (moderate)'."
    )
    date: dt.date | None = None
    cadence: str = Field(description="How often it is repeated: 'every session or monthly'.")
    validated: bool = Field(
        default=True, description="False for an instrument the registry does not know."
    )
    note: str = ""
    provenance: Provenance

    def text(self) -> str:
        when = f" on {self.date.isoformat()}" if self.date else ""
        unvalidated = "" if self.validated else " (not a validated measure in the registry)"
        return (
            f"{self.instrument} {self.baseline_text}{when}{unvalidated}; repeat {self.cadence}"
            + (f". {self.note}" if self.note else "")
        )


RiskLevel = Literal["not_assessed", "to_be_rated", "none_identified", "low", "moderate", "high"]


class Safety(_Model):
    risk_assessed: bool
    suicidal_ideation: str = "not_assessed"
    self_harm: str = "not_assessed"
    homicidal_ideation: str = "not_assessed"
    risk_level: RiskLevel = "not_assessed"
    summary: str
    actions: list[str] = Field(default_factory=list)
    reassessment: str | None = None
    protective_factors: list[str] = Field(default_factory=list)


class Signature(_Model):
    role: Literal["clinician", "client", "supervisor", "guardian"]
    name: str
    credentials: str | None = None
    signed_on: dt.date


PlanStatus = Literal["draft", "submitted", "returned", "approved", "signed"]


class ModelCall(_Model):
    """One task sent to a language model while drafting (facts, problems, goals,
    interventions): its size, time and what became of its answer."""

    task: str
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    tokens_estimated: bool = Field(
        default=False,
        description="True when the server reported no usage and tokens were counted here.",
    )
    seconds: float = 0.0
    outcome: Literal["used", "invalid", "failed", "skipped"] = "used"
    edits_proposed: int = 0
    edits_kept: int = 0
    discarded: list[str] = Field(default_factory=list, description="Why each discarded edit was.")


class DraftInfo(_Model):
    """How the draft was made: drafter, model, prompt version, tokens, cost, warnings."""

    drafter: str = "offline"
    model: str | None = None
    prompt_version: str | None = None
    knowledge_hash: str | None = None
    retrieved: list[str] = Field(default_factory=list)
    repair_rounds: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    fell_back: bool = False
    model_calls: list[ModelCall] = Field(default_factory=list)
    model_failure: str | None = Field(
        default=None,
        description="What failed when the model could not be used (timeout, unreachable, ...).",
    )


class TreatmentPlan(_Model):
    schema_: Literal["treatment-plan/1"] = Field(default="treatment-plan/1", alias="schema")
    header: Header
    diagnoses: list[PlanDiagnosis] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    timeline: Timeline = Field(default_factory=Timeline)
    strengths: list[str] = Field(default_factory=list)
    sequencing: list[str] = Field(default_factory=list)
    monitored_measures: list[MonitoredMeasure] = Field(
        default_factory=list,
        description="Scored measures tracked alongside the objectives, with their baselines.",
    )
    safety: Safety | None = None
    signatures: list[Signature] = Field(default_factory=list)
    status: PlanStatus = "draft"
    draft: DraftInfo = Field(default_factory=DraftInfo)
    case_facts: CaseFacts | None = Field(
        default=None,
        description="The case facts the plan was drafted from, as the clinician confirmed them.",
    )

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    # ------------------------------------------------------------ navigation

    def objectives(self) -> Iterator[tuple[str, Goal, Objective]]:
        """Every objective with its path (``goals[0].objectives[1]``) and goal."""
        for gi, g in enumerate(self.goals):
            for oi, o in enumerate(g.objectives):
                yield f"goals[{gi}].objectives[{oi}]", g, o

    def objective(self, objective_id: str) -> Objective | None:
        for _, _, o in self.objectives():
            if o.id == objective_id:
                return o
        return None

    def items(self) -> Iterator[tuple[str, str, Problem | Goal | Objective | Intervention]]:
        """(path, kind, item) for every reviewable item."""
        for i, p in enumerate(self.problems):
            yield f"problems[{i}]", "problem", p
        for gi, g in enumerate(self.goals):
            yield f"goals[{gi}]", "goal", g
            for oi, o in enumerate(g.objectives):
                yield f"goals[{gi}].objectives[{oi}]", "objective", o
        for i, iv in enumerate(self.interventions):
            yield f"interventions[{i}]", "intervention", iv

    def texts(self) -> Iterator[tuple[str, str]]:
        """(path, text) for every free-text field a reader sees."""
        for i, p in enumerate(self.problems):
            yield f"problems[{i}].statement", p.statement
            for j, f in enumerate(p.functional_impact):
                yield f"problems[{i}].functional_impact[{j}]", f
        for gi, g in enumerate(self.goals):
            yield f"goals[{gi}].statement", g.statement
            for oi, o in enumerate(g.objectives):
                yield f"goals[{gi}].objectives[{oi}].text", o.text
        for i, iv in enumerate(self.interventions):
            yield f"interventions[{i}].technique", iv.technique
            if iv.frequency:
                yield f"interventions[{i}].frequency", iv.frequency
        for j, c in enumerate(self.timeline.discharge_criteria):
            yield f"timeline.discharge_criteria[{j}]", c
        for j, s in enumerate(self.sequencing):
            yield f"sequencing[{j}]", s
        if self.safety:
            yield "safety.summary", self.safety.summary
            for j, a in enumerate(self.safety.actions):
                yield f"safety.actions[{j}]", a

    def placeholders(self) -> list[tuple[str, str]]:
        """Every visible placeholder still waiting for the clinician, with its path. A figure's
        placeholder that also stands in its objective's sentence is listed once."""
        out: list[tuple[str, str]] = []
        figures: set[tuple[str, str]] = set()
        for m in PLACEHOLDER.finditer(self.header.clinician_name):
            out.append(("header.clinician_name", m.group(0)))
        for path, _, o in self.objectives():
            for part, fig in (("baseline", o.baseline), ("target", o.target)):
                if fig is not None and fig.is_placeholder:
                    out.append((f"{path}.{part}", fig.text))
                    figures.add((f"{path}.text", fig.text))
        for path, text in self.texts():
            for m in PLACEHOLDER.finditer(text):
                if (path, m.group(0)) not in figures:
                    out.append((path, m.group(0)))
        return list(dict.fromkeys(out))

    def identifiers(self) -> tuple[str | None, ...]:
        """The client's name, record id, date of birth and the licence number: never logged."""
        h = self.header
        return (
            h.client_name,
            h.record_id,
            h.client_dob.isoformat() if h.client_dob else None,
            h.clinician_license,
        )

    # ------------------------------------------------------------ JSON

    def dumps(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)


def _strict_json(read: Callable[[], Any]) -> Any:
    """Plan files are read like intakes: a regular file of at most 1 MiB, no key given twice,
    no absurd nesting or numbers. The reader's messages are about intakes; say plan."""
    from assistant.errors import IntakeError

    try:
        return read()
    except IntakeError as exc:
        problems = [
            re.sub(r"^intake\b", "plan", p)
            .replace("the intake", "the plan")
            .replace("an intake JSON file", "a plan file")
            .replace("an intake file", "a plan file")
            for p in exc.problems
        ]
        raise PlanError("not a treatment-plan/1 file: " + "; ".join(problems)) from None


def loads(text: str | bytes) -> TreatmentPlan:
    from assistant import intake_json

    data = _strict_json(lambda: intake_json.decode(text))
    try:
        return TreatmentPlan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[:5]
        parts = []
        for e in first:
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip(".")
            parts.append(f"{loc or 'plan'}: {e['msg']}")
        more = f" (and {len(exc.errors()) - 5} more)" if len(exc.errors()) > 5 else ""
        raise PlanError(
            "the plan file does not match treatment-plan/1: " + "; ".join(parts) + more
        ) from None


def load(path: str | Path) -> TreatmentPlan:
    from assistant import intake_json

    return loads(_strict_json(lambda: intake_json.read_file(Path(path))))
