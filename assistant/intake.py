"""The ``treatment-intake/1`` format: typed models, a strict loader and clinical notices.

``load(path)`` and ``parse(data)`` either return an :class:`Intake` or raise
:class:`~assistant.errors.IntakeError` listing every problem as ``path: reason``
(``assessments[0].score: PHQ-9 scores run 0-27; got 31``). Nothing is coerced: words
are not turned into numbers and dates must be written ``YYYY-MM-DD``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from assistant import codes, instruments, intake_json, intake_types
from assistant.errors import IntakeError
from assistant.intake_types import (
    RANGE,
    CountOrRange,
    IsoDate,
    Name,
    Number,
    Required,
    Text,
    problems_from,
)

FORMAT = "treatment-intake/1"
MAX_FILE_BYTES = intake_json.MAX_FILE_BYTES
MAX_TEXT = intake_types.MAX_TEXT

# The most entries each list may hold: far above any real assessment, low enough that a
# runaway file is refused at once instead of slowing drafting to minutes.
CAPS = {
    "presenting_problems": 20,
    "diagnoses": 50,
    "assessments": 100,
    "baselines": 50,
    "symptoms": 50,
    "functional_impact": 50,
    "strengths": 50,
    "client_goals": 50,
    "preferences": 50,
    "substance_status": 20,
    "safety_steps_taken": 50,
    "risk_to_others": 50,
}


def _list(name: str, *, required: bool = False) -> Any:
    """The field of a list holding at most ``CAPS[name]`` entries (one or more if required)."""
    if required:
        return Field(min_length=1, max_length=CAPS[name])
    return Field(default_factory=list, max_length=CAPS[name])


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Client(_Model):
    name: Name
    date_of_birth: IsoDate
    record_id: Name
    pronouns: Text | None = None


class Clinician(_Model):
    name: Name
    credentials: Text | None = None
    license_number: Text | None = None


class PresentingProblem(_Model):
    summary: Required
    duration: Text | None = None
    symptoms: list[Text] = _list("symptoms")
    functional_impact: list[Text] = _list("functional_impact")
    client_words: Text | None = None


class Diagnosis(_Model):
    code: Required
    label: Text = ""
    primary: StrictBool = False

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str) -> str:
        info = codes.lookup(v)
        if info is None:
            raise ValueError(
                f"{v!r} is not an ICD-10-CM code; write a code such as F41.1 or F43.10"
            )
        return info.code


class Assessment(_Model):
    instrument: Name
    score: Number
    date: IsoDate | None = None


class BehaviouralBaseline(_Model):
    measure: Required
    value: CountOrRange
    unit: Text = ""
    source: Text = ""

    def bounds(self) -> tuple[float, float]:
        """The value as (low, high); a single figure gives (x, x)."""
        if isinstance(self.value, int | float):
            return float(self.value), float(self.value)
        m = RANGE.match(self.value)
        if m:
            return float(m.group(1)), float(m.group(2))
        x = float(self.value)
        return x, x


SuicidalIdeation = Literal[
    "none", "passive", "active_without_plan", "active_with_plan", "not_assessed"
]
SelfHarm = Literal["none", "past", "current", "not_assessed"]


class Risk(_Model):
    """Risk as assessed. Anything missing is ``not_assessed``, never ``none``."""

    suicidal_ideation: SuicidalIdeation = "not_assessed"
    self_harm: SelfHarm = "not_assessed"
    homicidal_ideation: StrictBool | Literal["not_assessed"] = "not_assessed"
    notes: Text = ""

    @property
    def fully_assessed(self) -> bool:
        return "not_assessed" not in (
            self.suicidal_ideation,
            self.self_harm,
            self.homicidal_ideation,
        )

    @property
    def unassessed_fields(self) -> list[str]:
        out = []
        if self.suicidal_ideation == "not_assessed":
            out.append("suicidal ideation")
        if self.self_harm == "not_assessed":
            out.append("self-harm")
        if self.homicidal_ideation == "not_assessed":
            out.append("homicidal ideation")
        return out

    @property
    def warrants_safety_plan(self) -> bool:
        return (
            self.suicidal_ideation
            in (
                "passive",
                "active_without_plan",
                "active_with_plan",
            )
            or self.self_harm == "current"
            or self.homicidal_ideation is True
        )


class Legal(_Model):
    mandated: StrictBool | None = None
    referred_by: Text | None = None
    deadline: IsoDate | None = None
    release_scope: Text | None = None


class SubstanceStatus(_Model):
    substance: Name
    status: Literal["current_use", "abstinent"] | None = None
    since: IsoDate | None = None
    withdrawal: Literal["none", "history", "current_signs", "unknown"] | None = None


class Context(_Model):
    """What the form asks about the person's circumstances (every field optional)."""

    occupation: Text | None = None
    legal: Legal | None = None
    substance_status: list[SubstanceStatus] = _list("substance_status")
    safety_steps_taken: list[Text] = _list("safety_steps_taken")
    risk_to_others: list[Text] = _list("risk_to_others")
    caregivers: Text | None = None

    def free_text(self) -> Iterable[tuple[str, str]]:
        if self.occupation:
            yield "context.occupation", self.occupation
        if self.legal is not None:
            for name in ("referred_by", "release_scope"):
                if getattr(self.legal, name):
                    yield f"context.legal.{name}", getattr(self.legal, name)
        for name in ("safety_steps_taken", "risk_to_others"):
            for j, s in enumerate(getattr(self, name)):
                yield f"context.{name}[{j}]", s
        if self.caregivers:
            yield "context.caregivers", self.caregivers


Setting = Literal["outpatient", "intensive_outpatient", "partial_hospitalization", "telehealth"]
Payer = Literal["commercial", "medicaid", "medicare", "private_pay"]


class Intake(_Model):
    format: Literal["treatment-intake/1"]
    client: Client
    clinician: Clinician | None = None
    intake_date: IsoDate
    setting: Setting | None = None
    payer: Payer | None = None
    presenting_problems: list[PresentingProblem] = _list("presenting_problems", required=True)
    diagnoses: list[Diagnosis] = _list("diagnoses", required=True)
    assessments: list[Assessment] = _list("assessments")
    baselines: list[BehaviouralBaseline] = _list("baselines")
    risk: Risk = Field(default_factory=Risk)
    strengths: list[Text] = _list("strengths")
    client_goals: list[Text] = _list("client_goals")
    preferences: list[Text] = _list("preferences")
    treatment_history: Text = ""
    medications: Text = ""
    notes: Text = ""
    context: Context | None = None

    @field_validator("risk", mode="before")
    @classmethod
    def _risk_null(cls, v: Any) -> Any:
        return {} if v is None else v

    @property
    def primary_diagnosis(self) -> Diagnosis:
        for d in self.diagnoses:
            if d.primary:
                return d
        return self.diagnoses[0]

    def ordered_diagnoses(self) -> list[Diagnosis]:
        """Primary first, then the rest in the order given."""
        p = self.primary_diagnosis
        return [p, *[d for d in self.diagnoses if d is not p]]

    def age_on(self, when: date | None = None) -> int:
        when = when or self.intake_date
        dob = self.client.date_of_birth
        return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))

    def score(self, instrument: str) -> Assessment | None:
        """The latest assessment for ``instrument`` (matched through the registry)."""
        want = instruments.get(instrument)
        found = None
        for a in self.assessments:
            inst = instruments.get(a.instrument)
            same = (inst is not None and inst is want) or a.instrument.lower() == instrument.lower()
            if same and (found is None or (a.date or date.min) >= (found.date or date.min)):
                found = a
        return found

    def free_text(self) -> Iterable[tuple[str, str]]:
        """Every free-text field with its path (for hostile-text checks and PHI scans)."""
        for i, p in enumerate(self.presenting_problems):
            yield f"presenting_problems[{i}].summary", p.summary
            if p.duration:
                yield f"presenting_problems[{i}].duration", p.duration
            if p.client_words:
                yield f"presenting_problems[{i}].client_words", p.client_words
            for j, s in enumerate(p.symptoms):
                yield f"presenting_problems[{i}].symptoms[{j}]", s
            for j, s in enumerate(p.functional_impact):
                yield f"presenting_problems[{i}].functional_impact[{j}]", s
        for name in ("strengths", "client_goals", "preferences"):
            for j, s in enumerate(getattr(self, name)):
                yield f"{name}[{j}]", s
        for name in ("treatment_history", "medications", "notes"):
            if getattr(self, name):
                yield name, getattr(self, name)
        if self.risk.notes:
            yield "risk.notes", self.risk.notes
        if self.context is not None:
            yield from self.context.free_text()


def _semantic_problems(intake: Intake, today: date) -> list[str]:
    problems = []
    dob = intake.client.date_of_birth
    if dob >= today:
        problems.append(f"client.date_of_birth: must be in the past; got {dob.isoformat()}")
    elif dob.year < 1900:
        problems.append(f"client.date_of_birth: {dob.isoformat()} is before 1900; check the year")
    if intake.intake_date > today:
        problems.append(
            f"intake_date: must not be in the future; got {intake.intake_date.isoformat()}"
        )
    if intake.intake_date < dob:
        problems.append("intake_date: is before the client's date of birth")
    for i, a in enumerate(intake.assessments):
        inst = instruments.get(a.instrument)
        if inst is not None and not inst.categorical and not inst.in_range(a.score):
            problems.append(
                f"assessments[{i}].score: {inst.id} scores run {inst.range_text}; got {a.score:g}"
            )
        elif inst is not None and inst.whole_scores and not float(a.score).is_integer():
            problems.append(
                f"assessments[{i}].score: {inst.id} scores are whole numbers; got {a.score:g}"
            )
        if inst is not None and inst.categorical:
            problems.append(
                f"assessments[{i}].instrument: {inst.id} gives a risk category, not a score; "
                "record it under risk"
            )
        if a.date is not None and a.date > today:
            problems.append(f"assessments[{i}].date: must not be in the future; got {a.date}")
        if a.date is not None and a.date < dob:
            problems.append(f"assessments[{i}].date: is before the client's date of birth")
    for i, sub in enumerate(intake.context.substance_status if intake.context else []):
        if sub.since is not None and sub.since > today:
            problems.append(
                f"context.substance_status[{i}].since: must not be in the future; got {sub.since}"
            )
    return problems


def _over_caps(data: Any, path: str) -> Iterable[str]:
    """Lists in the raw data longer than their cap (the same words pydantic's check gives)."""
    if not isinstance(data, dict):
        return
    for name, value in data.items():
        where = f"{path}.{name}" if path else str(name)
        if isinstance(value, list):
            cap = CAPS.get(str(name))
            if cap is not None and len(value) > cap:
                yield f"{where}: has {len(value)} entries; the limit is {cap}"
                continue
            for i, item in enumerate(value[:100]):
                yield from _over_caps(item, f"{where}[{i}]")
        elif isinstance(value, dict):
            yield from _over_caps(value, where)


def parse(data: Any, today: date | None = None) -> Intake:
    """Validate a decoded intake (a dict). Raises :class:`IntakeError` with every problem."""
    today = today or date.today()
    if not isinstance(data, dict):
        raise IntakeError(["intake: must be a JSON object"])
    if data.get("format") not in (None, FORMAT) and isinstance(data.get("format"), str):
        raise IntakeError([f"format: must be '{FORMAT}'; got {data.get('format')!r}"])
    over = list(_over_caps(data, ""))
    if over:  # before validating: 40,000 diagnoses must not be checked one by one first
        raise IntakeError(over)
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        raise IntakeError(problems_from(exc)) from None
    problems = _semantic_problems(intake, today)
    if problems:
        raise IntakeError(problems)
    return intake


def loads(text: str | bytes, today: date | None = None) -> Intake:
    """Parse intake JSON text. Refuses more than 1 MiB before decoding it, and duplicate
    keys, deep nesting and overlong numbers naming the field (see :mod:`intake_json`)."""
    return parse(intake_json.decode(text), today=today)


def load(path: str | Path, today: date | None = None) -> Intake:
    """Read and validate an intake file (a regular file of at most 1 MiB)."""
    return loads(intake_json.read_file(path), today=today)
