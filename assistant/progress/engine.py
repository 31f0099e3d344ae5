"""The progress engine: each objective of a plan read against its own baseline.

``assess_objectives(plan, measures, as_of=...)`` matches every entry of a measures file to the
objectives it measures (instrument through the registry's aliases; a behavioural measure by
its name, and by its unit when the intake records one), and for each objective gives the
latest reading, the change, the reliable-change category, clinically significant change,
response and remission where the instrument defines them, whether the target is met, whether
the objective is on track for its timeframe, and a suggested status with the reason.

Pure: no network, no clock (``as_of`` is passed in), the same answer every time. Figures come
from the plan, the measures file and ``thresholds.yaml``; where none is published the answer
is "unknown", never a guess.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant import instruments
from assistant.intake import Intake
from assistant.plan import Objective, TreatmentPlan
from assistant.progress import thresholds
from assistant.progress.matching import UnmatchedEntry, kind_of, match_entries
from assistant.progress.measures import Entry, MeasuresFile
from assistant.progress.thresholds import RCI_CRITICAL, compare

ReliableChange = Literal["improved", "no_reliable_change", "deteriorated", "unknown"]
Status = Literal["met", "improving", "no_change", "worsening", "no_data"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reading(_Model):
    value: float
    date: dt.date
    source: str = ""


class ObjectiveProgress(_Model):
    id: str
    goal_id: str
    text: str
    measure: str
    kind: Literal["instrument", "behavioural", "qualitative"]
    unit: str | None = None
    baseline: Reading | None
    baseline_note: str = ""
    latest: Reading | None
    readings: list[Reading]
    history: list[Reading]
    change: float | None
    percent_change: float | None
    reliable_change: ReliableChange
    reliable_change_basis: str
    rci: float | None = None
    clinically_significant: bool | None
    response: bool | None
    remission: bool | None
    target: str | None
    target_met: bool | None
    expected_now: float | None
    on_track: bool | None
    suggested_status: Status
    status_reason: str
    sources: list[str]


def _reading(e: Entry) -> Reading:
    return Reading(value=e.number, date=e.date, source=e.source)


def reliable_category(
    instrument: str | None, baseline: float, latest: float, worse_is_higher: bool
) -> tuple[ReliableChange, str, float | None, list[str]]:
    """(category, basis in words, RCI when computed, source ids)."""
    t = thresholds.for_instrument(instrument)
    rc = t.reliable_change if t else None
    if rc is None:
        what = f"{instrument}" if instrument else "this measure"
        return "unknown", f"no published reliable-change figure for {what}", None, []
    diff = latest - baseline
    better = diff < 0 if worse_is_higher else diff > 0
    direction: ReliableChange = "improved" if better else "deteriorated"
    if rc.sd is not None and rc.r is not None:
        rci = thresholds.jacobson_truax(baseline, latest, rc.sd, rc.r)
        basis = (
            f"Jacobson-Truax RCI {rci:.2f} (reliable beyond {RCI_CRITICAL}; {rc.source}, "
            f"{rc.confidence} confidence)"
        )
        if abs(rci) > RCI_CRITICAL:
            return direction, basis, round(rci, 2), [rc.source]
        return "no_reliable_change", basis, round(rci, 2), [rc.source]
    assert rc.points is not None
    size = abs(diff)
    basis = (
        f"a change of {size:g} against the {rc.points:g}-point threshold "
        f"({rc.source}, {rc.confidence} confidence)"
    )
    if rc.upper_points is not None and rc.points <= size < rc.upper_points:
        return (
            "unknown",
            f"a change of {size:g} lies inside the published {rc.points:g}-{rc.upper_points:g} "
            f"point range ({rc.source}); judge it clinically",
            None,
            [rc.source],
        )
    if size >= rc.points:
        return direction, basis, None, [rc.source]
    return "no_reliable_change", basis, None, [rc.source]


def _target_met(o: Objective, latest: float) -> bool | None:
    t = o.target
    if t is None or t.value is None:
        return None
    if t.high is not None:
        return t.value <= latest <= t.high
    return compare(latest, t.comparator, t.value)


def _target_text(o: Objective) -> str | None:
    t = o.target
    if t is None:
        return None
    if t.value is not None and t.high is None and t.comparator != "=":
        return f"{t.comparator} {t.text}"
    return t.text


def _due(o: Objective, start: dt.date) -> dt.date | None:
    if o.timeframe.by_date is not None:
        return o.timeframe.by_date
    if o.timeframe.weeks is not None:
        return start + dt.timedelta(weeks=o.timeframe.weeks)
    return None


def _expected(o: Objective, base: Reading, when: dt.date) -> float | None:
    """Where a straight line from baseline to target over the timeframe stands on ``when``."""
    due = _due(o, base.date)
    if o.target is None or o.target.value is None or due is None or due <= base.date:
        return None
    frac = min(1.0, max(0.0, (when - base.date).days / (due - base.date).days))
    return round(base.value + (o.target.value - base.value) * frac, 2)


def assess_objective(
    o: Objective,
    goal_id: str,
    entries: list[Entry],
    plan_start: dt.date,
    as_of: dt.date,
) -> ObjectiveProgress:
    kind = kind_of(o)
    inst = instruments.get(o.instrument) if o.instrument else None
    measure = inst.id if inst else (o.instrument or o.metric or "not named")
    worse_is_higher = (
        inst.direction == "higher_is_worse" if inst is not None else o.direction != "increase"
    )
    b = o.baseline
    base_date = (b.date if b is not None else None) or plan_start
    dated = sorted((e for e in entries if e.date <= as_of), key=lambda e: e.date)
    history = [_reading(e) for e in dated if e.date <= base_date]
    readings = [_reading(e) for e in dated if e.date > base_date]
    baseline: Reading | None = None
    baseline_note = ""
    if b is not None and b.value is not None:
        baseline = Reading(value=b.value, date=base_date, source=b.source or "plan baseline")
    elif len(readings) >= 2:
        baseline, readings = readings[0], readings[1:]
        baseline_note = "the plan's baseline was not recorded; the first reading stands in for it"
    latest = readings[-1] if readings else None
    sources: list[str] = []

    change = percent = rci = None
    category: ReliableChange = "unknown"
    basis = "no reading after the baseline"
    csc = response = remission = None
    if baseline is not None and latest is not None:
        change = round(latest.value - baseline.value, 2)
        percent = round(change / baseline.value * 100, 1) if baseline.value else None
        category, basis, rci, srcs = reliable_category(
            inst.id if inst else None, baseline.value, latest.value, worse_is_higher
        )
        sources += srcs
        csc, response, remission, srcs = _outcomes(inst, baseline.value, latest.value, category)
        sources += srcs
    elif kind == "qualitative":
        basis = "a done/not-done objective; mark it at the review"

    target_met = _target_met(o, latest.value) if latest is not None else None
    expected = on_track = None
    if baseline is not None and latest is not None:
        expected = _expected(o, baseline, latest.date)
        if target_met:
            on_track = True
        elif expected is not None:
            on_track = latest.value <= expected if worse_is_higher else latest.value >= expected

    status, reason = _status(
        kind, baseline, latest, change, category, target_met, worse_is_higher, b
    )
    return ObjectiveProgress(
        id=o.id,
        goal_id=goal_id,
        text=o.text,
        measure=measure,
        kind=kind,
        unit=entries[0].unit if entries else None,
        baseline=baseline,
        baseline_note=baseline_note,
        latest=latest,
        readings=readings,
        history=history,
        change=change,
        percent_change=percent,
        reliable_change=category,
        reliable_change_basis=basis,
        rci=rci,
        clinically_significant=csc,
        response=response,
        remission=remission,
        target=_target_text(o),
        target_met=target_met,
        expected_now=expected,
        on_track=on_track,
        suggested_status=status,
        status_reason=reason,
        sources=list(dict.fromkeys(sources)),
    )


def _outcomes(
    inst: instruments.Instrument | None, base: float, latest: float, category: ReliableChange
) -> tuple[bool | None, bool | None, bool | None, list[str]]:
    t = thresholds.for_instrument(inst.id) if inst else None
    if t is None:
        return None, None, None, []
    srcs: list[str] = []
    csc = response = remission = None
    if t.recovered is not None and category != "unknown" and not t.recovered.holds(base):
        csc = category == "improved" and t.recovered.holds(latest)
        srcs.append(t.recovered.source)
    if t.response is not None and base:
        fall = (base - latest) / base * 100
        fall = fall if inst is None or inst.direction == "higher_is_worse" else -fall
        response = fall >= t.response.percent
        srcs.append(t.response.source)
    if t.remission is not None:
        remission = t.remission.holds(latest)
        srcs.append(t.remission.source)
    return csc, response, remission, srcs


def _status(
    kind: str,
    baseline: Reading | None,
    latest: Reading | None,
    change: float | None,
    category: ReliableChange,
    target_met: bool | None,
    worse_is_higher: bool,
    plan_baseline: object,
) -> tuple[Status, str]:
    if latest is None:
        return "no_data", "no reading after the baseline"
    if target_met:
        return "met", f"the latest reading ({latest.value:g} on {latest.date}) meets the target"
    if baseline is None or change is None:
        return "no_data", "the baseline is not recorded and there is only one reading"
    if category == "improved":
        return "improving", "reliable improvement; target not yet met"
    if category == "deteriorated":
        return "worsening", "reliable deterioration"
    if category == "no_reliable_change":
        return "no_change", "the change is within measurement error"
    if change == 0:
        return "no_change", "no change from the baseline"
    better = change < 0 if worse_is_higher else change > 0
    word: Status = "improving" if better else "worsening"
    return word, (
        f"{'towards' if better else 'away from'} the target; no published reliable-change "
        "figure, so this reads the raw change"
    )


def assess_objectives(
    plan: TreatmentPlan,
    measures: MeasuresFile,
    *,
    as_of: dt.date,
    intake: Intake | None = None,
) -> tuple[list[ObjectiveProgress], list[UnmatchedEntry]]:
    by_obj, unmatched = match_entries(plan, measures, intake)
    out = [
        assess_objective(o, g.id, by_obj[o.id], plan.header.created, as_of)
        for _, g, o in plan.objectives()
    ]
    return out, unmatched
