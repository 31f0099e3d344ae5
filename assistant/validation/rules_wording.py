"""Rules about wording: measurable objectives, goals that are outcomes, named techniques."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant import instruments
from assistant.validation.context import Context, instrument_named
from assistant.validation.numbers import instrument_names_in
from assistant.validation.registry import Hit, rule
from assistant.validation.rules_objectives import _fmt, _numbers_in
from assistant.validation.smart import lint_objective

_STOP = {
    "per", "the", "and", "with", "from", "each", "days", "week", "weeks", "total", "score",
    "number", "count", "average", "client", "times", "that", "this", "into", "than", "rate",
}  # fmt: skip


@rule("MS01", "measure.vague")
def vague(ctx: Context) -> Iterator[Hit]:
    """An objective names something that can be counted or scored.

    Bad: Client will feel less depressed.
    Good: Client will reduce PHQ-9 from 18 to below 10 within 10 weeks.
    """
    for path, _, o in ctx.objectives:
        lint = ctx.lint(o)
        if lint.kind == "vague" and not (o.metric or o.instrument):
            yield (
                path,
                "Nothing in this objective can be counted or scored: name a measure "
                "(an instrument score or a count of a behaviour) with a baseline and a target.",
            )


@rule("MS02", "measure.no-method")
def no_method(ctx: Context) -> Iterator[Hit]:
    """An objective says how progress is measured, unless its metric is a standardised instrument.

    Bad: Reduce panic attacks from 4-5 to 0-1 per week within 10 weeks.
    Good: Reduce panic attacks from 4-5 to 0-1 per week within 10 weeks, as recorded in a panic log.
    """
    for path, _, o in ctx.objectives:
        lint = ctx.lint(o)
        if lint.kind != "objective":
            continue
        if not (lint.has("measurement") or o.measurement or ctx.instrument(o)):
            yield (
                path,
                "This objective does not say how progress is measured: name the log, "
                "diary, report or instrument.",
            )


_ZERO = re.compile(r"\b(zero|no|none)\b", re.I)


@lru_cache(maxsize=8192)
def _named(text: str) -> frozenset[instruments.Instrument | None]:
    """The registry entries of the instrument names in ``text`` (read once per text)."""
    return frozenset(instrument_named(n) for n in instrument_names_in(text))


@lru_cache(maxsize=8192)
def _names_metric(text: str, metric: str) -> bool:
    words = [w for w in re.findall(r"[a-z]{4,}", metric.lower()) if w not in _STOP]
    low = text.lower()
    return not words or any(w[:5] in low for w in words)


@rule("MS03", "measure.text-disagrees")
def text_disagrees(ctx: Context) -> Iterator[Hit]:
    """The objective's sentence states its structured values: the metric or instrument,
    baseline, target and timeframe.

    Bad: text 'Reduce anxiety within 8 weeks' with instrument GAD-7, baseline 17, target 10.
    Good: text 'Reduce GAD-7 from 17 to below 10 within 8 weeks' with the same values.
    """
    for path, _, o in ctx.objectives:
        nums, missing = _numbers_in(o.text), []
        inst = instrument_named(o.instrument) if o.instrument else None
        if inst is not None:
            if inst not in _named(o.text):
                missing.append(f"the instrument ({inst.id})")
        elif o.metric and not _names_metric(o.text, o.metric):
            missing.append(f"the metric ({o.metric})")
        for part, m in (("baseline", o.baseline), ("target", o.target)):
            if m is not None and m.value is not None:
                stated = _fmt(m.value) in nums or (m.high is not None and _fmt(m.high) in nums)
                if not stated and not (m.value == 0 and _ZERO.search(o.text)):
                    missing.append(f"the {part} ({m.text})")
        tf = o.timeframe
        if tf.weeks and not ({str(tf.weeks), _fmt(round(tf.weeks / 4.345))} & nums):
            missing.append(f"the timeframe ({tf.weeks} weeks)")
        if tf.by_session and str(tf.by_session) not in nums:
            missing.append(f"the timeframe (session {tf.by_session})")
        if (
            tf.by_date
            and tf.by_date.isoformat() not in o.text
            and str(tf.by_date.year) not in o.text
        ):
            missing.append(f"the timeframe ({tf.by_date.isoformat()})")
        if missing:
            yield (
                f"{path}.text",
                "The objective's wording does not state "
                + ", ".join(missing)
                + ": make the sentence match the recorded values.",
            )


@rule("GI01", "goal.is-intervention")
def goal_is_intervention(ctx: Context) -> Iterator[Hit]:
    """Goals and objectives describe a change in the client, not the treatment itself.

    Bad: Client will attend weekly CBT sessions.
    Good: Client will reduce GAD-7 from 16 to below 10 within 8 weeks.
    """
    for gi, g in enumerate(ctx.plan.goals):
        if lint_objective(g.statement).kind == "intervention":
            yield (
                f"goals[{gi}].statement",
                "This goal describes treatment (attending or "
                "receiving therapy), not what will be different for the client.",
            )
    for path, _, o in ctx.objectives:
        if ctx.lint(o).kind == "intervention":
            yield (
                path,
                "This objective describes treatment, not a result: say what will change "
                "for the client, by how much and by when; list the treatment under interventions.",
            )


_GENERIC = {
    "techniques", "technique", "therapy", "therapies", "interventions", "intervention",
    "strategies", "strategy", "skills", "approach", "approaches", "methods", "counselling",
    "counseling", "sessions", "session", "based", "and", "or", "of", "the", "a", "an", "as",
    "needed", "cbt", "dbt", "act", "emdr", "cognitive", "behavioural", "behavioral", "behaviour",
    "behavior", "supportive", "eclectic", "talk", "integrative", "individual", "group",
    "general", "various", "evidence", "psychotherapy", "psychodynamic", "humanistic", "client",
    "centred", "centered", "person", "treatment", "work", "tools", "support", "coping",
    "psychoeducation", "mindfulness", "relaxation", "insight", "oriented", "solution", "focused",
}  # fmt: skip


_LETTERS = re.compile(r"[a-z]+")


@lru_cache(maxsize=4096)
def _is_category(technique: str) -> bool:
    """The technique names only a kind of therapy (or 'eclectic'), read once per text."""
    words = _LETTERS.findall(technique.lower())
    return "eclectic" in words or not [w for w in words if w not in _GENERIC]


@rule("IV01", "intervention.category")
def intervention_category(ctx: Context) -> Iterator[Hit]:
    """An intervention names a specific technique, not a category of therapy.

    Bad: CBT techniques; supportive counselling; eclectic therapy.
    Good: Cognitive restructuring of catastrophic predictions with thought records.
    """
    for i, iv in enumerate(ctx.plan.interventions):
        if _is_category(iv.technique):
            yield (
                f"interventions[{i}].technique",
                f"'{iv.technique}' names a kind of therapy, "
                "not a technique: name what will be done (e.g. 'cognitive restructuring with "
                "thought records', 'in-vivo exposure with a graded hierarchy').",
            )
