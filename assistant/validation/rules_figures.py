"""Figures checked with their context: a figure from the intake means what it meant there.

NI01 asks whether a number appears in some source; these rules ask whether it comes from
the right one. An objective's instrument baseline is a score the intake recorded on that
instrument; a count baseline is a count the intake recorded for that behaviour; and a
figure the plan takes from the intake is used for the same thing the intake used it for
(the digits of a phone number, or the day of the intake date, are not a count of practice
sessions). Text a clinician wrote or edited is theirs and is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from functools import cached_property, lru_cache

from assistant.intake import Intake
from assistant.text import figure_mentions, stems
from assistant.validation.context import Context, remember, written_by_clinician
from assistant.validation.registry import Hit, rule
from assistant.validation.rules_objectives import _fmt


@lru_cache(maxsize=1024)
def _name_stem(instrument: str) -> str:
    """An instrument's name as the figure's context reads it ("PHQ-A" -> "phqa")."""
    return re.sub(r"[^A-Za-z]", "", instrument).lower()[:5]


# a date's figures are read beside its month's name, as "%B" writes it ("Septe" for 9)
_MONTHS = ("", "janua", "febru", "march", "april", "may", "june", "july", "augus", "septe",
           "octob", "novem", "decem")  # fmt: skip
_DURATION_WORDS = frozenset({"durat", "month", "year", "week"})
_AGE_WORDS = frozenset({"age", "aged", "years"})

# how many words either side of a figure in the plan say what it counts: a whole clause, as
# objectives name the behaviour once and the figures after a parenthesis
_PLAN_WINDOW = 12


class _IntakeFigures:
    """Each figure the intake states directly, with the words that say what it counts."""

    def __init__(self, intake: Intake, texts: list[str]):
        self.intake = intake
        self.texts = texts  # its free text
        # answers already given: an intake is checked against the same objectives again
        self._sources: dict[frozenset[str], frozenset[float]] = {}
        self._scored: dict[str, bool] = {}
        self._otherwise: dict[str, tuple[float, ...]] = {}

    def has_score(self, instrument: str) -> bool:
        """Whether the intake scored ``instrument`` (:meth:`Intake.score`), asked once each."""
        found = self._scored.get(instrument)
        if found is None:
            found = self._scored[instrument] = self.intake.score(instrument) is not None
        return found

    def used_otherwise(self, text: str) -> tuple[float, ...]:
        """The figures of a plan ``text``, in order, that the intake states but for something
        else than the words around them in ``text`` say (remembered per text)."""
        found = self._otherwise.get(text)
        if found is None:
            out = []
            for value, words in figure_mentions(text, _PLAN_WINDOW):
                if not words:
                    continue
                sources = self.contexts.get(value)
                if sources and all(words.isdisjoint(c) for c in sources):
                    out.append(value)
            if len(self._otherwise) > 512:
                self._otherwise.clear()
            found = self._otherwise[text] = tuple(out)
        return found

    def count_sources_of(self, words: frozenset[str]) -> frozenset[float]:
        """:meth:`count_sources`, remembered per set of words."""
        found = self._sources.get(words)
        if found is None:
            if len(self._sources) > 256:
                self._sources.clear()
            found = self._sources[words] = frozenset(self.count_sources(words))
        return found

    @cached_property
    def contexts(self) -> dict[float, list[frozenset[str]]]:
        out: dict[float, list[frozenset[str]]] = {}
        intake = self.intake

        def add(value: float, words: frozenset[str]) -> None:
            found = out.get(value)
            if found is None:
                out[value] = [words]
            else:
                found.append(words)

        for a in intake.assessments:
            add(float(a.score), frozenset({_name_stem(a.instrument), "score"}))
        for b in intake.baselines:
            said = _stems(f"{b.measure} {b.unit} {b.source}")
            for v in b.bounds():
                add(float(v), said)
        dates = [intake.intake_date, *(a.date for a in intake.assessments if a.date)]
        for d in dates:
            when = frozenset({"date", _MONTHS[d.month]})
            for v in (d.year, d.month, d.day):
                add(float(v), when)
        add(float(intake.age_on()), _AGE_WORDS)
        for text in self.texts:
            for value, words in figure_mentions(text, 6):
                add(value, words)
        for p in intake.presenting_problems:
            if p.duration:
                for value, words in figure_mentions(p.duration):
                    add(value, words | _DURATION_WORDS)
        return out

    @cached_property
    def baselines(self) -> list[tuple[frozenset[str], tuple[float, float]]]:
        """Each intake baseline's words (measure and unit) with its figures."""
        return [(_stems(f"{b.measure} {b.unit}"), b.bounds()) for b in self.intake.baselines]

    def count_sources(self, words: AbstractSet[str]) -> set[float]:
        """Baseline counts the intake recorded for a behaviour described by ``words``."""
        out: set[float] = set()
        for said, bounds in self.baselines:
            if not said.isdisjoint(words):
                out.update(bounds)
        for value, ctxs in self.contexts.items():
            for c in ctxs:
                if not c.isdisjoint(words):
                    out.add(value)
                    break
        return out


@lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    """:func:`assistant.text.stems`, read once per objective text."""
    return frozenset(stems(text))


@lru_cache(maxsize=8192)
def _said_stems(metric: str | None, text: str) -> frozenset[str]:
    """:func:`_stems` of an objective's metric and sentence together."""
    return _stems(" ".join(filter(None, (metric, text))))


# intake JSON -> what its figures count (an intake of the same content reads the same)
_BY_INTAKE: dict[str, _IntakeFigures] = {}


def _figures(ctx: Context) -> _IntakeFigures | None:
    key = ctx.intake_key
    if ctx.intake is None or key is None:
        return None
    cached = _BY_INTAKE.get(key)
    if cached is None:
        cached = _IntakeFigures(ctx.intake, ctx.intake_texts)
        remember(_BY_INTAKE, key, cached)
    return cached


@rule("NI03", "numbers.baseline-source")
def baseline_source(ctx: Context) -> Iterator[Hit]:
    """A suggested baseline comes from the measure it names: an instrument baseline is a
    score the intake recorded on that instrument, a count baseline a count the intake
    recorded for that behaviour — not any number found somewhere in the intake.

    Bad: PHQ-9 baseline 15 when the intake scored only the GAD-7 (15).
    Good: PHQ-9 baseline [baseline: score the PHQ-9 in week 1], or the intake's PHQ-9 score.
    """
    figs = _figures(ctx)
    if figs is None:
        return
    for path, _, o in ctx.objectives:
        b = o.baseline
        if written_by_clinician(o.provenance) or b is None or b.value is None:
            continue
        values = [v for v in (b.value, b.high) if v is not None]
        inst = ctx.instrument(o)
        if inst is not None and not inst.categorical:
            if not figs.has_score(inst.id):
                yield (
                    f"{path}.baseline",
                    f"The baseline {_fmt(b.value)} is given as a {inst.id} score, but the intake "
                    f"has no {inst.id} score: use a placeholder until it is scored.",
                )
            continue
        words = _said_stems(o.metric, o.text)
        # zero is "not yet" (no safety plan written, no protocol completed): always a start
        sources = figs.count_sources_of(words) if any(v != 0 for v in values) else frozenset()
        bad = [v for v in values if v != 0 and v not in sources]
        if bad:
            what = o.metric or "this behaviour"
            yield (
                f"{path}.baseline",
                f"The baseline {_fmt(bad[0])} does not come from anything the intake "
                f"recorded about {what}: use the intake's figure or a placeholder.",
            )


@rule("NI04", "numbers.out-of-context")
def out_of_context(ctx: Context) -> Iterator[Hit]:
    """A figure the plan can only have taken from the intake (or written in words, such as
    'seventeen') is used for what the intake used it for. A number from a phone number,
    a date or another measure does not become a count.

    Bad: 'Complete 867 practice sessions' when 867 is only part of the client's phone
    number, or 21 only the day of the intake.
    Good: 'Cut missed work days from 6 to 1 a month' when the intake recorded 6 missed
    work days.
    """
    figs = _figures(ctx)
    if figs is None:
        return
    general: set[float] | None = None
    for path, text in ctx.suggested_texts:
        candidates = figs.used_otherwise(text)
        if not candidates:
            continue
        if general is None:
            general = set(ctx.general_numbers)
            for _, _, o in ctx.objectives:  # an objective's own timeframe, in its sentence
                general |= {float(v) for v in (o.timeframe.weeks, o.timeframe.by_session) if v}
        for value in candidates:
            if value not in general:
                yield (
                    path,
                    f"The figure {_fmt(value)} comes from the intake, where it stands for "
                    "something else: check where it comes from, or use a placeholder.",
                )
                break
