"""The ``treatment-intake/1`` format: typed models, a strict loader and clinical notices.

``load(path)`` and ``parse(data)`` either return an :class:`Intake` or raise
:class:`~assistant.errors.IntakeError` listing every problem as ``path: reason``
(``assessments[0].score: PHQ-9 scores run 0-27; got 31``). Nothing is coerced: words
are not turned into numbers and dates must be written ``YYYY-MM-DD``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from assistant import codes, instruments
from assistant.errors import IntakeError

FORMAT = "treatment-intake/1"
MAX_FILE_BYTES = 1024 * 1024
MAX_TEXT = 20_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-|–)\s*(\d+(?:\.\d+)?)\s*$")
_PLAIN_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"must be a date written YYYY-MM-DD; got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not a real calendar date; got {value!r}") from None


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number; got {value!r}")
    return value


def _count_or_range(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a number or a range such as '4-5'; got {value!r}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        m = _RANGE.match(value)
        if m:
            lo, hi = float(m.group(1)), float(m.group(2))
            if lo > hi:
                raise ValueError(f"range runs backwards ({value!r}); write the lower figure first")
            return value.strip()
        if _PLAIN_NUMBER.match(value):
            return value.strip()
    raise ValueError(f"must be a number or a range such as '4-5'; got {value!r}")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Number = Annotated[int | float, BeforeValidator(_number)]
CountOrRange = Annotated[int | float | str, BeforeValidator(_count_or_range)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Required = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True)
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Client(_Model):
    name: Required
    date_of_birth: IsoDate
    record_id: Required
    pronouns: Text | None = None


class Clinician(_Model):
    name: Required
    credentials: Text | None = None
    license_number: Text | None = None


class PresentingProblem(_Model):
    summary: Required
    duration: Text | None = None
    symptoms: list[Text] = Field(default_factory=list)
    functional_impact: list[Text] = Field(default_factory=list)
    client_words: Text | None = None


class Diagnosis(_Model):
    code: Required
    label: Text = ""
    primary: bool = False

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
    instrument: Required
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
        m = _RANGE.match(self.value)
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
    homicidal_ideation: bool | Literal["not_assessed"] = "not_assessed"
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
    mandated: bool | None = None
    referred_by: Text | None = None
    deadline: IsoDate | None = None
    release_scope: Text | None = None


class SubstanceStatus(_Model):
    substance: Required
    status: Literal["current_use", "abstinent"] | None = None
    since: IsoDate | None = None
    withdrawal: Literal["none", "history", "current_signs", "unknown"] | None = None


class Context(_Model):
    """What the form asks about the person's circumstances (every field optional)."""

    occupation: Text | None = None
    legal: Legal | None = None
    substance_status: list[SubstanceStatus] = Field(default_factory=list)
    safety_steps_taken: list[Text] = Field(default_factory=list)
    risk_to_others: list[Text] = Field(default_factory=list)
    caregivers: Text | None = None


Setting = Literal["outpatient", "intensive_outpatient", "partial_hospitalization", "telehealth"]
Payer = Literal["commercial", "medicaid", "medicare", "private_pay"]


class Intake(_Model):
    format: Literal["treatment-intake/1"]
    client: Client
    clinician: Clinician | None = None
    intake_date: IsoDate
    setting: Setting | None = None
    payer: Payer | None = None
    presenting_problems: list[PresentingProblem] = Field(min_length=1)
    diagnoses: list[Diagnosis] = Field(min_length=1)
    assessments: list[Assessment] = Field(default_factory=list)
    baselines: list[BehaviouralBaseline] = Field(default_factory=list)
    risk: Risk = Field(default_factory=Risk)
    strengths: list[Text] = Field(default_factory=list)
    client_goals: list[Text] = Field(default_factory=list)
    preferences: list[Text] = Field(default_factory=list)
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


# ---------------------------------------------------------------- error wording


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "intake"


def _message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of treatment-intake/1 (check the spelling)"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}; got {err.get('input')!r}"
    if kind == "string_too_long":
        return f"is longer than the limit of {MAX_TEXT:,} characters"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "needs at least one entry"
    if kind in ("string_type",):
        return f"must be text; got {err.get('input')!r}"
    if kind in ("list_type",):
        return "must be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object with named fields"
    if kind == "bool_type":
        return f"must be true or false; got {err.get('input')!r}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def _pydantic_problems(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-before[_iso_date(), date]",))
        # drop union-branch markers pydantic adds (int, float, str ...)
        loc = tuple(
            p
            for p in loc
            if not (isinstance(p, str) and (p in ("int", "float", "str") or "[" in p))
        )
        problems.append(f"{_path(loc)}: {_message(err)}")
    return list(dict.fromkeys(problems))


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
        if inst is not None and inst.categorical:
            problems.append(
                f"assessments[{i}].instrument: {inst.id} gives a risk category, not a score; "
                "record it under risk"
            )
        if a.date is not None and a.date > today:
            problems.append(f"assessments[{i}].date: must not be in the future; got {a.date}")
        if a.date is not None and a.date < dob:
            problems.append(f"assessments[{i}].date: is before the client's date of birth")
    return problems


def parse(data: Any, today: date | None = None) -> Intake:
    """Validate a decoded intake (a dict). Raises :class:`IntakeError` with every problem."""
    today = today or date.today()
    if not isinstance(data, dict):
        raise IntakeError(["intake: must be a JSON object"])
    if data.get("format") not in (None, FORMAT) and isinstance(data.get("format"), str):
        raise IntakeError([f"format: must be '{FORMAT}'; got {data.get('format')!r}"])
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        raise IntakeError(_pydantic_problems(exc)) from None
    problems = _semantic_problems(intake, today)
    if problems:
        raise IntakeError(problems)
    return intake


def loads(text: str | bytes, today: date | None = None) -> Intake:
    """Parse intake JSON text. Refuses more than 1 MiB before decoding it."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_FILE_BYTES:
        raise IntakeError(
            [f"intake: the file is {size / MAX_FILE_BYTES:.1f} MiB; the limit is 1 MiB"]
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IntakeError(
            [
                f"intake: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                "the file may be cut short"
            ]
        ) from None
    except UnicodeDecodeError:
        raise IntakeError(["intake: the file is not UTF-8 text"]) from None
    return parse(data, today=today)


def load(path: str | Path, today: date | None = None) -> Intake:
    """Read and validate an intake file."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise IntakeError([f"intake: cannot read {p}: {exc.strerror}"]) from None
    if size > MAX_FILE_BYTES:
        raise IntakeError(
            [f"intake: {p.name} is {size / MAX_FILE_BYTES:.1f} MiB; the limit is 1 MiB"]
        )
    return loads(p.read_bytes(), today=today)
