"""Cited change thresholds per instrument, loaded from ``thresholds.yaml`` into typed models.

The figures are data with source ids, not code: an instrument with no entry, or an entry with
no reliable-change figure, gives "unknown" in the progress reading. Instruments are looked up
through the registry (:func:`assistant.instruments.get`), so aliases such as "PHQ9" work.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant import instruments
from assistant.errors import KnowledgeError
from assistant.yamlio import load_yaml

PATH = Path(__file__).with_name("thresholds.yaml")
Confidence = Literal["high", "medium", "low"]
Comparator = Literal["<", "<=", ">", ">="]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReliableChange(_Model):
    points: float | None = Field(default=None, gt=0)
    upper_points: float | None = Field(default=None, gt=0)
    sd: float | None = Field(default=None, gt=0)
    r: float | None = Field(default=None, gt=0, lt=1)
    source: str
    confidence: Confidence
    note: str = ""

    @model_validator(mode="after")
    def _usable(self) -> ReliableChange:
        if self.points is None and (self.sd is None or self.r is None):
            raise ValueError("needs points, or both sd and r")
        if self.upper_points is not None and (
            self.points is None or self.upper_points < self.points
        ):
            raise ValueError("upper_points must be at least points")
        return self


class Points(_Model):
    points: float = Field(gt=0)
    source: str
    confidence: Confidence
    note: str = ""


class Bound(_Model):
    comparator: Comparator
    value: float
    source: str
    confidence: Confidence
    note: str = ""

    def holds(self, score: float) -> bool:
        return compare(score, self.comparator, self.value)

    def text(self) -> str:
        return f"{self.comparator} {self.value:g}"


class Response(_Model):
    percent: float = Field(gt=0, le=100)
    source: str
    confidence: Confidence


class Items(_Model):
    count: int = Field(ge=1, le=100)
    low: int
    high: int
    risk_item: int | None = Field(default=None, ge=1)
    source: str
    note: str = ""


class Alternative(_Model):
    text: str
    source: str
    confidence: Confidence


class Thresholds(_Model):
    recall_days: int | None = Field(default=None, ge=1, le=366)
    recall_source: str | None = None
    items: Items | None = None
    reliable_change: ReliableChange | None = None
    minimal_important_difference: Points | None = None
    recovered: Bound | None = None
    response: Response | None = None
    remission: Bound | None = None
    alternative: Alternative | None = None


class ThresholdFile(_Model):
    format: Literal["progress-thresholds/1"]
    instruments: dict[str, Thresholds]


def compare(value: float, comparator: str, bound: float) -> bool:
    if comparator == "<":
        return value < bound
    if comparator == "<=":
        return value <= bound
    if comparator == ">":
        return value > bound
    if comparator == ">=":
        return value >= bound
    return value == bound


def jacobson_truax(pre: float, post: float, sd: float, r: float) -> float:
    """The reliable change index: (post - pre) / (SD * sqrt(2) * sqrt(1 - r))."""
    s_diff = sd * math.sqrt(2) * math.sqrt(1 - r)
    return (post - pre) / s_diff


RCI_CRITICAL = 1.96  # abs(RCI) above this is reliable at p < .05 (P-JT)


@lru_cache(maxsize=1)
def table() -> dict[str, Thresholds]:
    """Thresholds by registry instrument id. Raises if the file names an unknown instrument."""
    try:
        raw = load_yaml(PATH.read_text(encoding="utf-8"))
        data = ThresholdFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeError(f"{PATH.name} could not be loaded: {exc}") from None
    out: dict[str, Thresholds] = {}
    for name, entry in data.instruments.items():
        inst = instruments.get(name)
        if inst is None:
            raise KnowledgeError(f"{PATH.name}: {name!r} is not in the instrument registry")
        out[inst.id] = entry
    return out


def for_instrument(name: str | None) -> Thresholds | None:
    if not name:
        return None
    inst = instruments.get(name)
    return table().get(inst.id) if inst is not None else None
