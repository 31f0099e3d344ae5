"""The objective's sentence and its structured parts say the same thing.

The structured parts (metric, baseline, target, timeframe) are what exports, FHIR and
progress tracking read; the sentence is what a reader sees. MS03 checks that the sentence
states the recorded values; MS04 checks that it does not state *other* values in their
place ("below 10" in the sentence while the target field says 8), which MS03 cannot see
when the field's figure happens to appear elsewhere in the sentence ("within 8 weeks").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from assistant.plan import Objective
from assistant.text import fmt as _fmt
from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule

_N = r"(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?"
# A figure the sentence offers as the level to reach.
_TARGET_BEFORE = re.compile(
    r"(?:\bto\s+(?:(?:a|an|the|at\s+most|at\s+least|no\s+more\s+than|fewer\s+than|less\s+than"
    r"|below|under|above|over|score\s+of|total\s+of|level\s+of|an?\s+average\s+of)\s+){0,3}"
    r"|\b(?:below|under|at\s+most|at\s+least|no\s+more\s+than|no\s+fewer\s+than|fewer\s+than"
    r"|less\s+than|maximum\s+of|minimum\s+of)\s+|[≤≥<>]=?\s*)" + _N,
    re.IGNORECASE,
)
_TARGET_AFTER = re.compile(
    _N + r"\s+(?:or|and)\s+(?:fewer|less|lower|below|under|more|above|higher|over)\b",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    r"\bfrom\s+(?:(?:a|an|the|current|currently|baseline|intake|score|total|average|of)\s+){0,3}"
    + _N,
    re.IGNORECASE,
)
_WEEKS = re.compile(r"\b(?:within|in|over)\s+(?:the\s+next\s+)?(\d+)\s*(weeks?|months?)\b", re.I)
_DATE = re.compile(r"\b(?:by|before|on or before|no later than)\s+(\d{4}-\d{2}-\d{2})\b", re.I)


def _figures(pattern: re.Pattern[str], text: str) -> set[str]:
    out: set[str] = set()
    for m in pattern.finditer(text):
        for g in m.groups():
            if g is not None and _DIGITS.fullmatch(g):
                out.add(_fmt(float(g)))
    return out


_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ANYWHERE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class _Said:
    """The figures one objective sentence states, by what it offers them as."""

    anywhere: frozenset[str]
    baseline: frozenset[str]
    target: frozenset[str]
    weeks: frozenset[int]
    dates: frozenset[str]


@lru_cache(maxsize=8192)
def _said(text: str) -> _Said:
    """Read a sentence once: the same objective text is checked again and again as a plan
    is worked on."""
    if not any(ch.isdigit() for ch in text):
        none: frozenset[str] = frozenset()
        return _Said(none, none, none, frozenset(), none)
    # Figures outside the timeframe and due date: a target of 8 is not stated by "8 weeks".
    rest = _DATE.sub(" ", _WEEKS.sub(" ", text))
    return _Said(
        anywhere=frozenset(_figures(_ANYWHERE, rest)),
        baseline=frozenset(_figures(_BASELINE, rest)),
        target=frozenset(_figures(_TARGET_BEFORE, rest) | _figures(_TARGET_AFTER, rest)),
        weeks=frozenset(_weeks_said(text)),
        dates=frozenset(_DATE.findall(text)),
    )


def _values(o: Objective, part: str) -> set[str]:
    m = o.baseline if part == "baseline" else o.target
    if m is None or m.value is None:
        return set()
    return {_fmt(m.value)} | ({_fmt(m.high)} if m.high is not None else set())


def _weeks_said(text: str) -> set[int]:
    out = set()
    for m in _WEEKS.finditer(text):
        n = int(m.group(1))
        out.add(n if m.group(2).lower().startswith("week") else round(n * 4.345))
    return out


def contradictions(o: Objective) -> list[str]:
    """What the sentence says differently from the fields, in words (empty when they agree)."""
    read = _said(o.text)
    anywhere = read.anywhere
    out = []
    for part in ("baseline", "target"):
        stated = read.baseline if part == "baseline" else read.target
        if not stated:
            continue  # nothing to disagree with
        want = _values(o, part)
        if not want:
            continue
        said = set(stated)
        if part == "target":
            said -= _values(o, "baseline")  # "from 16 to below 10": 16 is not a target
        if want and said and not (want & anywhere):
            m = o.baseline if part == "baseline" else o.target
            assert m is not None
            out.append(
                f"the sentence gives the {part} as {' or '.join(sorted(said))} but the "
                f"{part} field says {m.text}"
            )
    tf = o.timeframe
    weeks = read.weeks
    if (
        tf.weeks
        and weeks
        and tf.weeks not in weeks
        and not any(abs(w - tf.weeks) <= 1 for w in weeks)
    ):
        out.append(
            f"the sentence gives the timeframe as {' or '.join(str(w) for w in sorted(weeks))} "
            f"weeks but the timeframe field says {tf.weeks} weeks"
        )
    dates = read.dates
    if tf.by_date and dates and tf.by_date.isoformat() not in dates:
        out.append(
            f"the sentence gives the due date as {', '.join(sorted(dates))} but the timeframe "
            f"field says {tf.by_date.isoformat()}"
        )
    return out


@rule("MS04", "measure.text-contradicts")
def text_contradicts(ctx: Context) -> Iterator[Hit]:
    """The objective's sentence does not state a different baseline, target or timeframe
    from its structured parts: exports, FHIR and progress tracking read the parts, so a
    sentence that says otherwise would be signed as one thing and measured as another.

    Bad: text 'Reduce GAD-7 from 16 to below 10 within 8 weeks' with target field 8.
    Good: text 'Reduce GAD-7 from 16 to below 8 within 8 weeks' with target field 8.
    """
    for path, _, o in ctx.objectives:
        found = contradictions(o)
        if found:
            yield (
                f"{path}.text",
                "The objective's sentence and its parts disagree: "
                + "; ".join(found)
                + ". Change the sentence or the part so both say the same.",
            )
