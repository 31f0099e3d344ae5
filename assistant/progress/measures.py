"""The ``treatment-measures/1`` format: repeated scores, behavioural counts and session notes.

``load(path)`` / ``loads(text)`` / ``parse(data)`` return a :class:`MeasuresFile` or raise
:class:`MeasuresError` listing every problem as ``path: reason``
(``entries[2].score: GAD-7 scores run 0-21; got 25``). Nothing is coerced; duplicate keys in
one object are refused (the second value would silently win otherwise).

One addition to the shared format: an instrument entry may carry ``items``, the item scores in
questionnaire order, so that a risk item (PHQ-9 item 9) can be read between reviews.
"""

from __future__ import annotations

import json
import math
import re
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
    model_validator,
)

from assistant import field_errors, instruments
from assistant.errors import AssistantError
from assistant.progress import thresholds

FORMAT = "treatment-measures/1"
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TEXT = 20_000
MAX_ENTRIES = 5_000
MAX_SESSIONS = 2_000
MAX_LIST = 50

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class MeasuresError(AssistantError):
    """A measures file could not be accepted. ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"must be a date written YYYY-MM-DD; got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not a real calendar date; got {value!r}") from None


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number; got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number; got {value!r}")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Number = Annotated[float, BeforeValidator(_number)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Model):
    """A score on an instrument, or a value of a behavioural measure with its unit."""

    date: IsoDate
    instrument: Name | None = None
    score: Number | None = None
    items: list[Number] | None = Field(default=None, max_length=MAX_LIST)
    measure: Name | None = None
    value: Number | None = None
    unit: Name | None = None
    source: Text = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Entry:
        scored = self.instrument is not None or self.score is not None
        counted = self.measure is not None or self.value is not None or self.unit is not None
        if scored and counted:
            raise ValueError("has both an instrument and a measure; write one per entry")
        if scored and (self.instrument is None or self.score is None):
            raise ValueError("an instrument entry needs both instrument and score")
        if counted and (self.measure is None or self.value is None or self.unit is None):
            raise ValueError("a behavioural entry needs measure, value and unit")
        if not scored and not counted:
            raise ValueError("needs instrument and score, or measure, value and unit")
        if self.items is not None and not scored:
            raise ValueError("items belong to an instrument entry")
        return self

    @property
    def name(self) -> str:
        return self.instrument or self.measure or ""

    @property
    def number(self) -> float:
        return float(self.score if self.score is not None else self.value or 0.0)


class Session(_Model):
    """A progress note and what it worked on."""

    date: IsoDate
    objectives: list[Name] = Field(default_factory=list, max_length=MAX_LIST)
    interventions: list[Name] = Field(default_factory=list, max_length=MAX_LIST)
    note: Text = ""


class MeasuresFile(_Model):
    format: Literal["treatment-measures/1"]
    record_id: Name
    entries: list[Entry] = Field(max_length=MAX_ENTRIES)
    sessions: list[Session] = Field(default_factory=list, max_length=MAX_SESSIONS)


# ---------------------------------------------------------------- error wording


def _semantic_problems(m: MeasuresFile, today: date) -> list[str]:
    problems = []
    for i, e in enumerate(m.entries):
        where = f"entries[{i}]"
        if e.date > today:
            problems.append(f"{where}.date: must not be in the future; got {e.date.isoformat()}")
        if e.instrument is None or e.score is None:
            continue
        inst = instruments.get(e.instrument)
        if inst is not None and inst.categorical:
            problems.append(
                f"{where}.instrument: {inst.id} gives a risk category, not a score; "
                "write it in a session note"
            )
            continue
        if inst is not None and not inst.in_range(e.score):
            problems.append(
                f"{where}.score: {inst.id} scores run {inst.range_text}; got {e.score:g}"
            )
        if e.items is not None:
            problems += _item_problems(where, e.instrument, e.score, e.items)
    for i, s in enumerate(m.sessions):
        if s.date > today:
            problems.append(
                f"sessions[{i}].date: must not be in the future; got {s.date.isoformat()}"
            )
    return problems


def _item_problems(where: str, instrument: str, score: float, items: list[float]) -> list[str]:
    t = thresholds.for_instrument(instrument)
    if t is None or t.items is None:
        return [f"{where}.items: item scores are not read for {instrument}; leave them out"]
    spec = t.items
    if len(items) != spec.count:
        return [f"{where}.items: {instrument} has {spec.count} items; got {len(items)}"]
    out = [
        f"{where}.items[{j}]: {instrument} items run {spec.low}-{spec.high}; got {x:g}"
        for j, x in enumerate(items)
        if not spec.low <= x <= spec.high
    ]
    if not out and sum(items) != score:
        out.append(f"{where}.items: the items add up to {sum(items):g}, not the score {score:g}")
    return out


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


def parse(data: Any, today: date | None = None) -> MeasuresFile:
    """Validate a decoded measures file (a dict)."""
    today = today or date.today()
    if not isinstance(data, dict):
        raise MeasuresError(["measures: must be a JSON object"])
    try:
        m = MeasuresFile.model_validate(data)
    except ValidationError as exc:
        raise MeasuresError(field_errors.problems(exc, FORMAT, "measures", MAX_TEXT)) from None
    problems = _semantic_problems(m, today)
    if problems:
        raise MeasuresError(problems)
    return m


def loads(text: str | bytes, today: date | None = None) -> MeasuresFile:
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_FILE_BYTES:
        raise MeasuresError(
            [
                f"measures: the file is {size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES >> 20} MiB"
            ]
        )
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise MeasuresError(
            [f"measures: the key {exc.key!r} appears twice in one object; keep one"]
        ) from None
    except json.JSONDecodeError as exc:
        raise MeasuresError(
            [
                f"measures: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                "the file may be cut short"
            ]
        ) from None
    except UnicodeDecodeError:
        raise MeasuresError(["measures: the file is not UTF-8 text"]) from None
    return parse(data, today=today)


def load(path: str | Path, today: date | None = None) -> MeasuresFile:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MeasuresError(
                [f"measures: {p.name} is {size / 2**20:.1f} MiB; the limit is 2 MiB"]
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise MeasuresError([f"measures: cannot read {p}: {exc.strerror}"]) from None
    return loads(raw, today=today)
