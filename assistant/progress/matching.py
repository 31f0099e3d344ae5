"""Which objective each entry of a measures file measures.

An instrument entry matches an objective on the same instrument (through the registry's
aliases, so "GAD7" is the GAD-7). A behavioural entry matches an objective whose measure has
the same words (one name inside the other, at least two words), and, when the intake records a
unit for that measure, the same unit. An entry that matches nothing is returned with the reason,
to be shown, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant import instruments
from assistant.intake import Intake
from assistant.plan import Objective, TreatmentPlan
from assistant.progress.measures import Entry, MeasuresFile


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnmatchedEntry(_Model):
    index: int
    date: dt.date
    measure: str
    value: float
    unit: str | None
    reason: str


_STOP = {"a", "an", "the", "of", "or", "and", "per", "to", "in", "on", "with", "for", "by"}
_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def _norm_unit(unit: str) -> str:
    return " ".join(_WORD.findall(unit.lower().replace("a week", "per week")))


def _names_match(entry_name: str, metric: str) -> bool:
    a, b = _tokens(entry_name), _tokens(metric)
    if not a or not b:
        return False
    if a == b:
        return True
    small = a if len(a) <= len(b) else b
    return len(small) >= 2 and (a <= b or b <= a)


def kind_of(o: Objective) -> Literal["instrument", "behavioural", "qualitative"]:
    if o.instrument:
        return "instrument"
    if o.direction == "achieve":
        return "qualitative"
    return "behavioural"


def _intake_unit(intake: Intake | None, metric: str) -> str | None:
    if intake is None:
        return None
    for b in intake.baselines:
        if b.unit and _names_match(b.measure, metric):
            return b.unit
    return None


def match_entries(
    plan: TreatmentPlan, measures: MeasuresFile, intake: Intake | None = None
) -> tuple[dict[str, list[Entry]], list[UnmatchedEntry]]:
    """Entries per objective id, and the entries that match no objective (shown, not dropped)."""
    by_obj: dict[str, list[Entry]] = {o.id: [] for _, _, o in plan.objectives()}
    unmatched: list[UnmatchedEntry] = []
    for i, e in enumerate(measures.entries):
        hit = False
        unit_miss: str | None = None
        for _, _, o in plan.objectives():
            if e.instrument is not None:
                if o.instrument and _same_instrument(e.instrument, o.instrument):
                    by_obj[o.id].append(e)
                    hit = True
                continue
            if kind_of(o) != "behavioural" or not _names_match(e.measure or "", o.metric or ""):
                continue
            unit = _intake_unit(intake, o.metric or "")
            if unit and e.unit and _norm_unit(unit) != _norm_unit(e.unit):
                unit_miss = f"the unit '{e.unit}' differs from the intake's '{unit}' for {o.id}"
                continue
            by_obj[o.id].append(e)
            hit = True
        if not hit:
            unmatched.append(
                UnmatchedEntry(
                    index=i,
                    date=e.date,
                    measure=e.name,
                    value=e.number,
                    unit=e.unit,
                    reason=unit_miss or "no objective of the plan measures this",
                )
            )
    return by_obj, unmatched


def _same_instrument(a: str, b: str) -> bool:
    ia, ib = instruments.get(a), instruments.get(b)
    if ia is not None and ib is not None:
        return ia is ib
    return a.strip().lower() == b.strip().lower()
