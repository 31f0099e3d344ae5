"""The SMART objective linter: one free-text sentence in, its parts out.

``lint_objective("Reduce GAD-7 from 16 to below 10 within 8 weeks")`` finds the metric
(GAD-7), baseline (16), target (below 10), timeframe (within 8 weeks) and how it is
measured (the GAD-7 itself, a standardised instrument), and says which parts are
missing. It also recognises sentences that describe treatment rather than a result
("attend weekly CBT sessions") and sentences with nothing to count ("feel less
depressed"). A visible placeholder such as ``[baseline: ask client]`` counts as that
part being present but not yet filled in.

The parser works by peeling spans off a normalised copy of the sentence in a fixed
order: placeholders, instrument names, dates and timeframes, measurement phrases,
scale descriptions, baselines; whatever figure is left over is the target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from assistant import instruments
from assistant.plan import PLACEHOLDER
from assistant.validation.report import Finding

PARTS = ("metric", "baseline", "target", "timeframe", "measurement")
Kind = Literal["objective", "intervention", "vague"]

_WORD_NUMBERS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "fourteen": "14", "sixteen": "16", "twenty": "20", "thirty": "30",
}  # fmt: skip
_WORD_NUM = re.compile(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", re.IGNORECASE)
_NUM = r"\d+(?:\.\d+)?(?:\s*(?:-|–)\s*\d+(?:\.\d+)?)?(?:\s*/\s*10\b)?(?:\s+of\s+\d+)?(?:\s*%)?"
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_UNIT = r"(?:weeks?|wks?|months?|days?|sessions?)"
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|\d{{1,2}}\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}},?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{4}})"
)
_TIMEFRAME = re.compile(
    rf"(?:\b(?:within|in|over|during|after)\s+(?:the\s+)?(?:next\s+|first\s+)?{_NUM}\s*{_UNIT}\b"
    rf"|\bby\s+(?:the\s+)?(?:end\s+of\s+)?(?:week|session|month)\s+\d+\b"
    rf"|\b(?:by|before|on or before|no later than|until)\s+{_DATE}"
    rf"|\bfor\s+{_NUM}\s+consecutive\s+(?:weeks?|months?)\b"
    rf"|\b(?:in|within)\s+sessions?\s+{_NUM}\b"
    rf"|\btimeframe:?\s+{_NUM}\s*{_UNIT}\b)",
    re.IGNORECASE,
)
_MEASURE_PHRASE = re.compile(
    r"\b(?:as\s+)?(?:measured|recorded|tracked|logged|documented|reported|verified|evidenced"
    r"|tallied|shown|charted|monitored|scored|assessed|confirmed|noted)\b"
    r"(?:\s+(?:by|on|in|with|at|using|through|via)\b[^,.;()\[]{0,60})?"
    r"|\b(?:self-monitoring|self-report(?:ed)?|timeline follow-?back|tlfb|urine drug screens?"
    r"|breathaly[sz]er|diary cards?|diar(?:y|ies)|logs?|journals?|records?|charts?|checklists?"
    r"|planner|worksheets?|lab results|monitoring (?:form|sheets?)|questionnaire|tally|tallies)\b",
    re.IGNORECASE,
)
_SCALE = re.compile(
    r"\(?\b(?:rated|rating|on a|scale of|scored)?\s*0\s*(?:-|–|to)\s*10\b(?:\s*scale)?\)?",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    rf"\bbaseline(?:\s+(?:of|was|is|=)|\s*[:=])?\s*({_NUM})"
    rf"|\b(?:up|down)\s+from\s+(?:(?:a|an|the|current|baseline|of)\s+)*({_NUM})"
    rf"|\bfrom\s+(?:(?:a|an|the|current|currently|its|their|his|her|daily|weekly|nightly|monthly"
    rf"|average|mean|starting|initial|intake|score|total|level|baseline|of|rate)\s+){{0,5}}({_NUM})"
    rf"|\bcurrently(?:\s+(?:at|scores?|scoring|rated|has|is|averages?|of))?\s*({_NUM})"
    rf"|\b(?:scored|scores)\s+({_NUM})\s+(?:on|at)\b"
    rf"|\b({_NUM})\s+at\s+intake\b"
    rf"|(?<!to )(?<!reach )(?<!achieve )(?<!attain )\ba\s+(?:total\s+)?score\s+of\s+({_NUM})",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_TARGET = re.compile(
    rf"(?:\b(?:to|reach|reaching|below|under|less than|fewer than|more than|at least|at most"
    rf"|no more than|by|of|at|target(?: of)?:?)\s+){{0,3}}(?<![\w.]){_NUM}"
    r"(?:\s+(?:or\s+(?:fewer|less|lower|below|under|more|higher|above|greater|better)))?",
    re.IGNORECASE,
)
_COMPLETION = re.compile(
    r"\b(?:develop|write|complete|create|draft|finish|build|produce|construct)\s+"
    r"(?:a|an|the|all|his|her|their)\s+(?:[\w'-]+\s+){0,5}?(?:plan|protocol|modules?|hierarchy"
    r"|impact statement|list|letter|phases?|own goal)\b",
    re.IGNORECASE,
)
_ZERO_WORDS = re.compile(r"\b(?:no more than|none)\b", re.IGNORECASE)

_PROVIDER_SUBJECT = re.compile(
    r"^(?:goal:\s*)?(?:the\s+)?(?:therapist|clinician|counsell?or|provider|staff|psychiatrist|team)\b",
    re.IGNORECASE,
)
_PROVIDER_VERB = re.compile(
    r"^(?:goal:\s*)?(?:provide|deliver|teach|refer|offer|educate|administer|conduct|facilitate"
    r"|implement|schedule|arrange|coordinate|prescribe|introduce|review)\b",
    re.IGNORECASE,
)
_CLIENT_ATTENDS = re.compile(
    r"(?:^|\b(?:will|to|and)\s+)(?:regularly\s+|consistently\s+)?(?:attend|participate\s+in|engage\s+in"
    r"|go\s+to|be\s+referred|receive|comply\s+with|be\s+compliant|continue\s+(?:in|with)"
    r"|complete\s+a\s+course\s+of|take\s+(?:\w+\s+)?medications?|start\s+(?:therapy|treatment|medication))\b",
    re.IGNORECASE,
)

_INSTRUMENT_DIGITS = re.compile(r"\d")


@dataclass
class LintResult:
    """What the linter found in one objective sentence."""

    text: str
    kind: Kind
    parsed: dict[str, str | None]
    missing: list[str]
    placeholders: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    instrument: str | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def has(self, part: str) -> bool:
        return self.parsed.get(part) is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "kind": self.kind,
            "parsed": dict(self.parsed),
            "findings": [f.to_json() for f in self.findings],
        }


_PART_WORDS = {
    "baseline": "baseline",
    "current": "baseline",
    "target": "target",
    "goal": "target",
    "timeframe": "timeframe",
    "date": "timeframe",
    "weeks": "timeframe",
    "metric": "metric",
    "measure": "measurement",
    "measurement": "measurement",
    "method": "measurement",
}

_MISSING_HELP = {
    "metric": "name what will be counted or scored (an instrument such as the GAD-7, or a count "
    "such as panic attacks per week)",
    "baseline": "state where the client starts (e.g. 'from 16', '(baseline: 4 per week)')",
    "target": "state the level to reach (e.g. 'to below 10', 'to 1 or fewer per week')",
    "timeframe": "say by when (e.g. 'within 8 weeks', 'by session 12', 'by 2027-02-01')",
    "measurement": "say how it will be measured (e.g. 'as recorded in a sleep diary'), or use a "
    "standardised instrument",
}


def _blank(text: str, span: tuple[int, int]) -> str:
    a, b = span
    return text[:a] + " " * (b - a) + text[b:]


def _words_to_digits(text: str) -> str:
    """Spell-out numbers become digits, keeping the length so spans still line up."""

    def repl(m: re.Match[str]) -> str:
        d = _WORD_NUMBERS[m.group(1).lower()]
        return d.ljust(len(m.group(1)))

    return _WORD_NUM.sub(repl, text)


def _metric_phrase(work: str, original: str) -> str | None:
    """A readable guess at what is counted: the words after the first figure, or the object
    of the leading verb."""
    m = re.search(
        r"\d+(?:\.\d+)?(?:\s*(?:-|–)\s*\d+)?\s*%?\s+((?:(?!to\b|within\b|by\b|as\b|from\b|or\b"
        r"|over\b|in\b|and\b|on\b|up\b|down\b|for\b)[a-z][a-z'/-]*\s*){1,5})",
        work,
        re.IGNORECASE,
    )
    if m and m.group(1).strip():
        return original[m.start(1) : m.end(1)].strip()
    m = re.search(
        r"^(?:client\s+will\s+)?(?:reduce|decrease|lower|cut|increase|raise|improve|bring)\s+"
        r"((?:(?!from\b|to\b|by\b|within\b)[a-z][a-z'-]*\s*){1,4})",
        original.strip(),
        re.IGNORECASE,
    )
    return m.group(1).strip() if m else None


@dataclass
class _Peel:
    """The sentence being parsed: ``work`` is a copy in which each recognised span is
    blanked out (same length, so positions still index ``text``) once a stage claims it."""

    text: str
    work: str
    parsed: dict[str, str | None]
    placeholders: list[str] = field(default_factory=list)
    inst: instruments.Instrument | None = None
    scale: bool = False

    def claim(self, part: str, m: re.Match[str]) -> None:
        """Record the original wording of ``m`` as ``part`` (first one wins), blank it out."""
        self.parsed[part] = self.parsed[part] or self.text[m.start() : m.end()].strip()
        self.work = _blank(self.work, m.span())


def _peel_placeholders(s: _Peel) -> None:
    """``[baseline: ask client]``: the part it names is present but not yet filled in."""
    for m in PLACEHOLDER.finditer(s.work):
        what = m.group(0)[1:].split(":", 1)[0].strip().lower()
        part = _PART_WORDS.get(what.split()[-1] if what else "")
        if part and s.parsed[part] is None:
            s.parsed[part] = m.group(0)
            s.placeholders.append(part)
        s.work = _blank(s.work, m.span())


def _peel_instruments(s: _Peel) -> None:
    """A registry instrument's name is the metric (its digits are not figures)."""
    inst_name = None
    for m in instrument_pattern().finditer(s.work):
        s.inst = s.inst or instruments.get(m.group(0))
        inst_name = inst_name or m.group(0)
        s.work = _blank(s.work, m.span())
    if s.inst is not None and inst_name is not None:
        s.parsed["metric"] = s.parsed["metric"] or s.inst.id


def _peel_timeframes(s: _Peel) -> None:
    for m in _TIMEFRAME.finditer(s.work):
        s.claim("timeframe", m)


def _peel_measurement(s: _Peel) -> None:
    """How it is measured: a phrase ('as recorded in a diary'), else the instrument itself."""
    for m in _MEASURE_PHRASE.finditer(s.work):
        s.claim("measurement", m)
    if s.parsed["measurement"] is None and s.inst is not None:
        s.parsed["measurement"] = s.inst.id


def _peel_scales(s: _Peel) -> None:
    """'rated 0-10' describes the scale; its numbers are neither baseline nor target."""
    for m in _SCALE.finditer(s.work):
        s.scale = True
        s.work = _blank(s.work, m.span())


def _peel_baselines(s: _Peel) -> None:
    for m in _BASELINE.finditer(s.work):
        s.claim("baseline", m)


def _take_target(s: _Peel) -> None:
    """Whatever figure is left over is the target ('none' or 'no more than' mean 0)."""
    if s.parsed["target"] is not None:
        return
    t = _TARGET.search(s.work)
    if t is not None:
        s.parsed["target"] = s.text[t.start() : t.end()].strip()
    elif _ZERO_WORDS.search(s.work):
        s.parsed["target"] = "0"


def _guess_metric(s: _Peel) -> None:
    """A sentence with real figures (or a scale) but no named instrument: guess the metric
    from its words."""
    p = s.parsed
    quantified = any(p[k] is not None for k in ("baseline", "target")) and not (
        s.placeholders and all(p[k] is None or k in s.placeholders for k in ("baseline", "target"))
    )
    if p["metric"] is None and (quantified or s.scale):
        p["metric"] = _metric_phrase(s.work, s.text) or "count"


# The order matters: each stage sees only what earlier stages left unclaimed.
_STAGES = (
    _peel_placeholders,
    _peel_instruments,
    _peel_timeframes,
    _peel_measurement,
    _peel_scales,
    _peel_baselines,
    _take_target,
    _guess_metric,
)


def _kind(s: _Peel) -> Kind:
    """Treatment described without a result is an intervention; a task to finish is its
    own metric; nothing to count at all is vague."""
    stripped = s.text.strip()
    treatment = bool(
        _PROVIDER_SUBJECT.search(stripped)
        or _PROVIDER_VERB.search(stripped)
        or _CLIENT_ATTENDS.search(stripped)
    )
    if treatment and not (s.parsed["baseline"] or s.parsed["target"] or s.inst):
        return "intervention"
    done = _COMPLETION.search(s.work)
    if done is not None:  # the task is the metric, and finishing it the target
        if s.parsed["metric"] is None:
            s.parsed["metric"] = s.text[done.start() : done.end()].strip()
        s.parsed["target"] = s.parsed["target"] or "completed"
    return "vague" if s.parsed["metric"] is None else "objective"


@lru_cache(maxsize=4096)
def lint_objective(text: str) -> LintResult:
    """Parse one objective sentence into metric, baseline, target, timeframe and measurement."""
    s = _Peel(text=text, work=_words_to_digits(text), parsed=dict.fromkeys(PARTS))
    for stage in _STAGES:
        stage(s)
    kind = _kind(s)
    missing = [p for p in PARTS if s.parsed[p] is None]
    return LintResult(
        text=text,
        kind=kind,
        parsed=s.parsed,
        missing=missing,
        placeholders=s.placeholders,
        findings=_findings(kind, missing, s.placeholders, s.parsed),
        instrument=s.inst.id if s.inst else None,
    )


def _findings(
    kind: Kind, missing: list[str], placeholders: list[str], parsed: dict[str, str | None]
) -> list[Finding]:
    out: list[Finding] = []
    if kind == "intervention":
        out.append(
            Finding(
                "SM01",
                "smart.intervention",
                "error",
                "text",
                "This describes treatment (attending, receiving or delivering therapy), not a "
                "result: write what will change for the client, with a baseline, target and date.",
            )
        )
        return out
    if kind == "vague":
        out.append(
            Finding(
                "SM02",
                "smart.vague",
                "error",
                "text",
                "Nothing here can be counted or scored: name a measure (an instrument score or a "
                "count of a behaviour) with a baseline and a target.",
            )
        )
        return out
    for part in missing:
        out.append(
            Finding(
                "SM03",
                f"smart.missing-{part}",
                "error",
                "text",
                f"No {part}: {_MISSING_HELP[part]}.",
            )
        )
    for part in placeholders:
        out.append(
            Finding(
                "SM04",
                "smart.placeholder",
                "warning",
                "text",
                f"The {part} is a placeholder ({parsed[part]}): fill it in before signing.",
            )
        )
    return out


@lru_cache(maxsize=1)
def instrument_pattern() -> re.Pattern[str]:
    """The registry's instrument-name pattern, compiled once."""
    return instruments.names_pattern()
