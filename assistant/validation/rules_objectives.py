"""Rules about objectives: baselines, targets, timeframes, measurability, wording."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache

from assistant import plandates
from assistant.plan import Objective
from assistant.text import fmt as _fmt
from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule
from assistant.validation.smart import instrument_pattern

_MEASURED = ("decrease", "increase")


@lru_cache(maxsize=8192)
def _numbers_in(text: str) -> frozenset[str]:
    from assistant.validation.smart import _words_to_digits

    clean = instrument_pattern().sub(" ", _words_to_digits(text))
    return frozenset(_fmt(float(n)) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", clean))


@rule("BL01", "baseline.missing")
def baseline_missing(ctx: Context) -> Iterator[Hit]:
    """Every objective that moves a figure up or down states where the client starts.

    Bad: Reduce panic attacks to 1 or fewer per week within 8 weeks (no starting figure).
    Good: Reduce panic attacks from 4-5 per week to 1 or fewer within 8 weeks, per panic log.
    """
    for path, _, o in ctx.objectives:
        if o.direction in _MEASURED and o.baseline is None:
            yield (
                path,
                "This objective has no baseline: state the client's starting figure, "
                "with the date and where it came from.",
            )


@rule("BL02", "baseline.undocumented")
def baseline_undocumented(ctx: Context) -> Iterator[Hit]:
    """A baseline records the date it was taken and its source (instrument, log, interview).

    Bad: baseline 16, with no date and no source.
    Good: baseline 16 on 2026-09-08, source GAD-7 at intake.
    """
    for path, _, o in ctx.objectives:
        b = o.baseline
        if b is None or b.is_placeholder:
            continue
        missing = [w for w, v in (("date", b.date), ("source", b.source.strip())) if not v]
        if missing:
            yield (
                f"{path}.baseline",
                f"The baseline has no {' or '.join(missing)}: say when it "
                "was measured and how (instrument, log, interview).",
            )


@rule("BL03", "baseline.intake-mismatch")
def baseline_intake_mismatch(ctx: Context) -> Iterator[Hit]:
    """When the intake scored the objective's instrument, the baseline is that score.

    Bad: intake GAD-7 = 17, objective baseline 15.
    Good: intake GAD-7 = 17, objective 'from 17 to below 10'.
    """
    if ctx.intake is None:
        return
    for path, _, o in ctx.objectives:
        inst = ctx.instrument(o)
        if inst is None or o.baseline is None or o.baseline.value is None:
            continue
        a = ctx.intake.score(inst.id)
        if a is not None and float(a.score) != o.baseline.value:
            yield (
                f"{path}.baseline",
                f"The baseline {inst.id} score is {_fmt(o.baseline.value)}, "
                f"but the intake recorded {_fmt(a.score)}: use the intake score.",
            )


@rule("BL04", "measure.out-of-range")
def out_of_range(ctx: Context) -> Iterator[Hit]:
    """Baseline and target scores lie inside the instrument's range.

    Bad: PHQ-9 from 31 to below 10 (the PHQ-9 runs 0-27).
    Good: PHQ-9 from 19 to below 10.
    """
    for path, _, o in ctx.objectives:
        inst = ctx.instrument(o)
        if inst is None or inst.categorical:
            continue
        for part, m in (("baseline", o.baseline), ("target", o.target)):
            if m is None:
                continue
            for v in (m.value, m.high):
                if v is not None and not inst.in_range(v):
                    yield (
                        f"{path}.{part}",
                        f"The {part} {_fmt(v)} is outside the {inst.id} range ({inst.range_text}).",
                    )
                    break


def _bounds(m: object) -> tuple[float, float] | None:
    value = getattr(m, "value", None)
    if value is None:
        return None
    high = getattr(m, "high", None)
    return float(value), float(high if high is not None else value)


@rule("BL05", "target.wrong-direction")
def wrong_direction(ctx: Context) -> Iterator[Hit]:
    """The target lies on the improving side of the baseline.

    Bad: GAD-7 from 12 to below 15 (higher GAD-7 scores are worse).
    Good: GAD-7 from 12 to below 8.
    """
    for path, _, o in ctx.objectives:
        b, t = _bounds(o.baseline), _bounds(o.target)
        if b is None or t is None:
            continue
        inst = ctx.instrument(o)
        direction = o.direction
        if inst is not None and not inst.categorical:
            direction = "decrease" if inst.direction == "higher_is_worse" else "increase"
        if direction == "decrease" and not t[1] < b[1]:
            yield (
                f"{path}.target",
                "The target is not lower than the baseline, so reaching it "
                "would not be an improvement.",
            )
        elif direction == "increase" and not t[0] > b[0]:
            yield (
                f"{path}.target",
                "The target is not higher than the baseline, so reaching it "
                "would not be an improvement.",
            )


@rule("BL06", "target.unreachable")
def unreachable(ctx: Context) -> Iterator[Hit]:
    """A target can be reached on its scale (no 'below 0', no 'above the maximum').

    Bad: PHQ-9 below 0.
    Good: PHQ-9 below 5.
    """
    for path, _, o in ctx.objectives:
        t = o.target
        if t is None or t.value is None:
            continue
        inst = ctx.instrument(o)
        low, high = (inst.low, inst.high) if inst and not inst.categorical else (0.0, None)
        if (t.comparator == "<" and t.value <= low) or (
            high is not None and t.comparator == ">" and t.value >= high
        ):
            yield (
                f"{path}.target",
                f"The target '{t.comparator} {_fmt(t.value)}' cannot be reached on this scale.",
            )


@rule("BL07", "target.missing")
def target_missing(ctx: Context) -> Iterator[Hit]:
    """Every objective that moves a figure states the level to reach.

    Bad: Reduce PHQ-9 from 19 within 12 weeks.
    Good: Reduce PHQ-9 from 19 to below 10 within 12 weeks.
    """
    for path, _, o in ctx.objectives:
        if o.direction in _MEASURED and o.target is None:
            yield path, "This objective has no target: state the level the client will reach."


@rule("TF01", "timeframe.missing")
def timeframe_missing(ctx: Context) -> Iterator[Hit]:
    """Every objective says by when: a number of weeks, a date or a session number.

    Bad: Reduce GAD-7 from 17 to below 10.
    Good: Reduce GAD-7 from 17 to below 10 within 8 weeks.
    """
    for path, _, o in ctx.objectives:
        if not o.timeframe.is_set:
            yield (
                f"{path}.timeframe",
                "This objective has no timeframe: give weeks, a date or a session number.",
            )


@rule("TF02", "timeframe.beyond-plan")
def beyond_plan(ctx: Context) -> Iterator[Hit]:
    """No objective is due after the plan's estimated end (weeks, sessions or date).

    Bad: an objective due in 30 weeks in a plan estimated at 18 weeks.
    Good: an objective due in 8 weeks in an 18-week plan.
    """
    tl, created = ctx.plan.timeline, plandates.start(ctx.plan)
    for path, _, o in ctx.objectives:
        tf = o.timeframe
        if tl.estimated_weeks and tf.weeks and tf.weeks > tl.estimated_weeks:
            yield (
                f"{path}.timeframe",
                f"Due in {tf.weeks} weeks, after the plan's estimated "
                f"length of {tl.estimated_weeks} weeks.",
            )
        if (
            tl.estimated_weeks
            and tf.by_date
            and tf.by_date > created + dt.timedelta(weeks=tl.estimated_weeks)
        ):
            yield (
                f"{path}.timeframe",
                f"Due on {tf.by_date.isoformat()}, after the plan's "
                f"estimated length of {tl.estimated_weeks} weeks.",
            )
        if (
            tl.estimated_sessions_max
            and tf.by_session
            and tf.by_session > tl.estimated_sessions_max
        ):
            yield (
                f"{path}.timeframe",
                f"Due by session {tf.by_session}, after the plan's "
                f"estimated {tl.estimated_sessions_max} sessions.",
            )


@rule("TF03", "review.interval")
def review_interval(ctx: Context) -> Iterator[Hit]:
    """Review dates are no further apart than the profile allows (90 days by default),
    and the first falls within that many days of the plan's start (the day of its latest
    staff signature, else its creation).

    Bad: created 2026-09-01, reviews on 2026-10-06 and 2027-03-01 (146 days apart).
    Good: created 2026-09-01, reviews on 2026-10-06, 2026-11-17 and 2027-02-09.
    """
    limit = int(ctx.param("review_interval_days", 90))
    h, dates = ctx.plan.header, sorted(ctx.plan.timeline.review_dates)
    if h.review_interval_days and h.review_interval_days > limit:
        yield (
            "header.review_interval_days",
            f"The review interval is {h.review_interval_days} "
            f"days; this payer requires a review at least every {limit} days.",
        )
    prev = plandates.start(ctx.plan)  # dates count from the signing day once signed
    for i, d in enumerate(dates):
        gap = (d - prev).days
        if gap > limit:
            what = "the plan's start" if i == 0 else "the previous review"
            yield (
                f"timeline.review_dates[{i}]",
                f"The review on {d.isoformat()} is {gap} days "
                f"after {what}; reviews must be at most {limit} days apart.",
            )
        if gap < 0:
            yield (
                f"timeline.review_dates[{i}]",
                f"The review on {d.isoformat()} is before the plan was created.",
            )
        prev = d


def _weeks(ctx: Context, o: Objective) -> float | None:
    tf = o.timeframe
    if tf.weeks:
        return float(tf.weeks)
    if tf.by_session:
        return float(tf.by_session)  # weekly sessions: the most generous reading
    if tf.by_date:
        return (tf.by_date - ctx.plan.header.created).days / 7
    return None


@rule("TF04", "timeframe.too-short")
def too_short(ctx: Context) -> Iterator[Hit]:
    """Outcome objectives on a symptom scale allow a plausible time for the condition
    (minimum weeks per instrument come from the profile, e.g. PCL-5: 6).

    Bad: PCL-5 from 58 to below 33 within 3 weeks.
    Good: PCL-5 from 58 to below 33 within 14 weeks.
    """
    minimum: dict[str, int] = ctx.param("min_outcome_weeks", {}) or {}
    for path, _, o in ctx.objectives:
        inst = ctx.instrument(o)
        if inst is None or o.stage != "outcome" or inst.id not in minimum:
            continue
        weeks = _weeks(ctx, o)
        if weeks is not None and weeks < minimum[inst.id]:
            yield (
                f"{path}.timeframe",
                f"{_fmt(weeks)} weeks is very short for this change on "
                f"the {inst.id}; allow at least {minimum[inst.id]} weeks or explain why.",
            )
