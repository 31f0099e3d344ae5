"""The never-invent check: where may a number in the plan come from?

A number is traceable when it appears in the intake (scores, baselines, dates, its free
text), in the instrument registry for an instrument the plan or intake uses, or in a
knowledge record the plan cites (plus the safety-planning module), or when it is a percent
reduction of such a baseline by such a percent (rounded down or up). Dates, ICD-10 codes,
instrument names with digits (PHQ-9), item ids and identifying numbers (phone, fax, record
numbers) are not numbers for this purpose; numbers written as words are (see
:mod:`assistant.text`, where the one definition of a figure lives).
"""

from __future__ import annotations

import math
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant import instruments
from assistant.errors import KnowledgeError
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase
from assistant.plan import TreatmentPlan
from assistant.text import PERCENT as _PERCENT
from assistant.text import figures
from assistant.validation.smart import instrument_pattern

ALWAYS_CITED = ("safety-planning",)


def numbers_in(text: str) -> frozenset[float]:
    """Every figure a reader would see in ``text`` (digits and number words), ignoring
    dates, codes, ids, identifying numbers and names: :func:`assistant.text.figures`."""
    return figures(text)


_RECORD_CACHE: dict[tuple[str, str], tuple[frozenset[float], frozenset[float]]] = {}


def record_numbers(kb: KnowledgeBase, record_id: str) -> tuple[frozenset[float], frozenset[float]]:
    """(every number, every percent) written anywhere in a knowledge record, cached per
    record and knowledge-base version. An unknown record contributes nothing."""
    key = (kb.content_hash, record_id)
    if key not in _RECORD_CACHE:
        try:
            rec = kb.get(record_id)
        except KnowledgeError:
            _RECORD_CACHE[key] = (frozenset(), frozenset())
        else:
            dumped = " ".join(_strings(rec.model_dump(mode="json")))
            pct = frozenset(float(m) for m in _PERCENT.findall(dumped))
            _RECORD_CACHE[key] = (numbers_in(dumped), pct)
    return _RECORD_CACHE[key]


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value is not None and not isinstance(value, bool) else []


@lru_cache(maxsize=8192)
def instrument_names_in(text: str) -> frozenset[str]:
    return frozenset(m.group(0) for m in instrument_pattern().finditer(text))


def cited_records(plan: TreatmentPlan) -> set[str]:
    out = set(ALWAYS_CITED)
    for _, _, item in plan.items():
        if item.provenance.record_id:
            out.add(item.provenance.record_id)
    tl = plan.timeline.provenance
    if tl is not None and tl.record_id:
        out.add(tl.record_id)
    return out


def _cited_ids(plan: TreatmentPlan) -> set[str]:
    """:func:`cited_records` without building an item path per item."""
    out = set(ALWAYS_CITED)
    items: list[Any] = list(plan.problems)
    for g in plan.goals:
        items.append(g)
        items += g.objectives
    items += plan.interventions
    for item in items:
        rid = item.provenance.record_id
        if rid:
            out.add(rid)
    tl = plan.timeline.provenance
    if tl is not None and tl.record_id:
        out.add(tl.record_id)
    return out


def intake_numbers(intake: Intake, texts: list[str] | None = None) -> tuple[set[float], set[float]]:
    """(all numbers, baseline values) from the intake; ``texts`` is its free text
    (``intake.free_text()``) when the caller has it already."""
    allowed: set[float] = set()
    bases: set[float] = set()
    for a in intake.assessments:
        allowed.add(float(a.score))
        bases.add(float(a.score))
    for b in intake.baselines:
        lo, hi = b.bounds()
        allowed |= {lo, hi} | numbers_in(b.unit)  # "in the past 12 months"
        bases |= {lo, hi}
    for d in [intake.intake_date, *(a.date for a in intake.assessments if a.date)]:
        allowed |= {float(d.year), float(d.month), float(d.day)}
    for text in texts if texts is not None else [t for _, t in intake.free_text()]:
        found = figures(text)
        if found:
            allowed |= found
    for p in intake.presenting_problems:
        if p.duration:
            allowed |= numbers_in(p.duration)
    allowed.add(float(intake.age_on()))
    return allowed, bases


@dataclass(frozen=True)
class PlanSources:
    """What the plan itself cites: the instruments it names and the figures of the knowledge
    records it draws on (read once per check, whether or not an intake is given)."""

    instruments: frozenset[str]
    numbers: frozenset[float]
    percents: frozenset[float]


def plan_sources(
    plan: TreatmentPlan, kb: KnowledgeBase | None, texts: list[str] | None = None
) -> PlanSources:
    """``texts`` is every free text of ``plan`` (``plan.texts()``) when the caller has it."""
    used = {o.instrument for g in plan.goals for o in g.objectives if o.instrument}
    for text in texts if texts is not None else [t for _, t in plan.texts()]:
        found = instrument_names_in(text)
        if found:
            used |= found
    if kb is None:
        return PlanSources(frozenset(used), frozenset(), frozenset())
    nums, percents = _records_numbers(kb, frozenset(_cited_ids(plan)))
    return PlanSources(frozenset(used), nums, percents)


# (knowledge-base version, cited record ids) -> every number and percent in those records:
# a plan cites the same records from one check to the next while it is edited
_RECORDS_CACHE: dict[tuple[str, frozenset[str]], tuple[frozenset[float], frozenset[float]]] = {}


def _records_numbers(
    kb: KnowledgeBase, record_ids: frozenset[str]
) -> tuple[frozenset[float], frozenset[float]]:
    key = (kb.content_hash, record_ids)
    found = _RECORDS_CACHE.get(key)
    if found is None:
        nums: set[float] = set()
        percents: set[float] = set()
        for rid in record_ids:
            n, pct = record_numbers(kb, rid)
            nums |= n
            percents |= pct
        if len(_RECORDS_CACHE) > 4096:
            _RECORDS_CACHE.clear()
        found = _RECORDS_CACHE[key] = (frozenset(nums), frozenset(percents))
    return found


@lru_cache(maxsize=1024)
def _instrument_figures(name: str) -> tuple[frozenset[float], float | None]:
    """(every number, the response percent) of the registry entry ``name`` stands for."""
    inst = instruments.get(name)
    if inst is None:
        return frozenset(), None
    pct = inst.response_percent.value if inst.response_percent is not None else None
    return frozenset(inst.numbers()), pct


def _reduced(allowed: set[float], bases: set[float], percents: set[float]) -> None:
    """Add each base reduced by each percent, rounded down and up, to ``allowed``."""
    floor, ceil = math.floor, math.ceil
    for base in bases:
        for share in percents:
            x = base * (1 - share / 100)
            allowed.add(float(floor(x)))
            allowed.add(float(ceil(x)))


def _objective_bases(plan: TreatmentPlan, allowed: AbstractSet[float], bases: set[float]) -> None:
    for g in plan.goals:
        for o in g.objectives:
            bl = o.baseline
            if bl is not None and bl.value is not None and bl.value in allowed:
                bases.add(bl.value)
                if bl.high is not None:
                    bases.add(bl.high)


def _timeline_numbers(plan: TreatmentPlan) -> set[float]:
    tl = plan.timeline
    out: set[float] = set()
    if tl.provenance is not None and tl.provenance.record_id:
        for v in (tl.estimated_sessions_min, tl.estimated_sessions_max, tl.estimated_weeks,
                  tl.session_minutes):  # fmt: skip
            if v is not None:
                out.add(float(v))
    return out


@lru_cache(maxsize=1024)
def _cited_figures(cited: PlanSources) -> tuple[frozenset[float], frozenset[float]]:
    """(every number, every percent) that what the plan cites allows, with zero: read once
    per set of cited instruments and records, which stay the same while a plan is edited."""
    own: set[float] = {0.0}
    own |= cited.numbers
    percents: set[float] = set(cited.percents)
    for name in cited.instruments:
        nums, pct = _instrument_figures(name)
        own |= nums
        if pct is not None:
            percents.add(pct)
    return frozenset(own), frozenset(percents)


def number_sources(
    plan: TreatmentPlan,
    intake: Intake | None,
    cited: PlanSources,
    intake_texts: list[str] | None = None,
    intake_sets: tuple[AbstractSet[float], AbstractSet[float]] | None = None,
) -> tuple[set[float], set[float]]:
    """(:func:`allowed_numbers` with ``intake``, and without it), computed in one pass: the
    second is what the plan's own sources allow, which the first always contains.
    ``intake_sets`` is :func:`intake_numbers` of ``intake`` when the caller has it."""
    own, own_percents = _cited_figures(cited)
    percents = set(own_percents)
    timeline = _timeline_numbers(plan)
    bases: set[float] = set()
    _objective_bases(plan, own, bases)
    general = set(own)
    _reduced(general, bases, percents)
    general |= timeline
    if intake is None:
        return set(general), general
    if intake_sets is not None:
        allowed, intake_bases = set(own), set(intake_sets[1])
        allowed |= intake_sets[0]
    else:
        allowed, intake_bases = intake_numbers(intake, intake_texts)
        allowed |= own
    for name in {a.instrument for a in intake.assessments} - cited.instruments:
        nums, pct = _instrument_figures(name)
        allowed |= nums
        if pct is not None:
            percents.add(pct)
    _objective_bases(plan, allowed, intake_bases)
    _reduced(allowed, intake_bases, percents)
    allowed |= timeline
    return allowed, general


def allowed_numbers(
    plan: TreatmentPlan,
    intake: Intake | None,
    kb: KnowledgeBase | None,
    *,
    cited: PlanSources | None = None,
) -> set[float]:
    """Every number the plan may state without a clinician having written it. ``cited`` is
    :func:`plan_sources` for ``plan`` and ``kb`` when the caller has it already."""
    if cited is None:
        cited = plan_sources(plan, kb)
    return number_sources(plan, intake, cited)[0]
