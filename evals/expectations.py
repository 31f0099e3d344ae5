"""What each eval case expects of a draft: the facts in the intake, and what the plan must
and must not say.

One YAML file per case, ``cases/expected/<case>.yaml``, next to the intake it describes::

    rule: abstinent                 # the drafting rule the case is aimed at
    aim: Abstinent since detox, so relapse prevention and never a drinking-reduction target.
    facts_in: context               # context | text | both: where the case keeps its facts
    expected_facts:                 # scored by assistant.facts.scoring
      - {kind: substance, substance: alcohol, status: abstinent, withdrawal: history}
    required:                       # each must be found in the draft
      - {name: relapse prevention, in: objectives, pattern: 'relapse|abstinen'}
      - {name: ends by the court date, check: timeline_ends_by, date: 2027-01-29}
    forbidden:                      # each match is a violation
      - name: drink-reduction target
        in: objectives
        pattern: '(cut|reduce)[^.;]*drinks'
        unless: 'relapse'           # a clause that also says this is not a violation

``in`` is a part of the plan (``objectives``, ``goals``, ``interventions``, ``timeline``,
``safety``, ``sequencing``, ``plan`` for everything but the problem statements and the
strengths, which repeat the intake) or a regular expression over field paths. Patterns ignore case. A
forbidden item with ``max_distinct: N`` allows up to N different matching phrases (one
trauma-focused therapy, not two). Named checks look at the plan's structure instead of
its words; see :data:`CHECKS`. ``contradictions`` lists edits that make the plan
contradict the case; the validator must refuse each (:mod:`evals.contradictions`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent / "cases" / "expected"
EDIT_OPS = ("set", "extend", "append", "remove")

SCOPES: dict[str, str] = {
    "plan": r"^(?!problems|strengths)",
    "goals": r"^goals\[\d+\]\.(statement|client_words)$",
    "objectives": r"^goals\[\d+\]\.objectives",
    "interventions": r"^interventions",
    "timeline": r"^timeline",
    "safety": r"^safety",
    "sequencing": r"^sequencing",
    "problems": r"^problems",
}

CHECKS: dict[str, str] = {
    "timeline_ends_by": "every review date, the estimated length and every objective's "
    "timeframe end on or before `date`",
    "timeline_weeks_at_most": "the estimated length is at most `weeks` weeks",
    "sessions_at_most": "the estimated number of sessions is at most `sessions`",
    "early_objective": "an objective matching `pattern` is due within `weeks` weeks "
    "(or by session `weeks`)",
}
_CHECK_ARGS = {
    "timeline_ends_by": "date",
    "timeline_weeks_at_most": "weeks",
    "sessions_at_most": "sessions",
    "early_objective": "weeks",
}


class ExpectationError(ValueError):
    """A case's expectation file is malformed; the message names the file and field."""


@dataclass(frozen=True)
class ContentRule:
    name: str
    pattern: re.Pattern[str]
    scope: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    max_distinct: int = 0


@dataclass(frozen=True)
class Check:
    name: str
    check: str
    value: Any
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Expectation:
    case: str
    rule: str
    aim: str
    facts_in: str
    expected_facts: list[dict[str, Any]] = field(default_factory=list)
    required: list[ContentRule | Check] = field(default_factory=list)
    forbidden: list[ContentRule] = field(default_factory=list)
    contradictions: list[dict[str, Any]] = field(default_factory=list)


def _regex(where: str, text: Any) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise ExpectationError(f"{where}: write a regular expression as text")
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise ExpectationError(f"{where}: not a valid regular expression ({exc})") from None


def _scope(where: str, name: Any) -> re.Pattern[str]:
    if not isinstance(name, str) or not name:
        raise ExpectationError(f"{where}.in: name a part of the plan, e.g. objectives")
    return _regex(f"{where}.in", SCOPES.get(name, name))


def _content(where: str, item: dict[str, Any], forbidden: bool) -> ContentRule:
    unless = item.get("unless")
    return ContentRule(
        name=str(item.get("name") or item.get("pattern")),
        pattern=_regex(f"{where}.pattern", item.get("pattern")),
        scope=_scope(where, item.get("in", "plan")),
        unless=_regex(f"{where}.unless", unless) if forbidden and unless else None,
        max_distinct=int(item.get("max_distinct", 0)) if forbidden else 0,
    )


def _check(where: str, item: dict[str, Any]) -> Check:
    kind = item["check"]
    if kind not in CHECKS:
        raise ExpectationError(
            f"{where}.check: unknown check {kind!r}; use one of {sorted(CHECKS)}"
        )
    arg = _CHECK_ARGS[kind]
    value = item.get(arg)
    if value is None:
        raise ExpectationError(f"{where}.{arg}: the {kind} check needs {arg}")
    if arg == "date" and not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ExpectationError(f"{where}.date: write the date as YYYY-MM-DD") from None
    pattern = _regex(f"{where}.pattern", item["pattern"]) if "pattern" in item else None
    if kind == "early_objective" and pattern is None:
        raise ExpectationError(f"{where}.pattern: the early_objective check needs a pattern")
    return Check(name=str(item.get("name") or kind), check=kind, value=value, pattern=pattern)


def parse(case: str, data: Any, source: str = "") -> Expectation:
    where = source or case
    if not isinstance(data, dict):
        raise ExpectationError(f"{where}: expected a mapping with rule, aim and expected_facts")
    for key in ("rule", "aim", "facts_in"):
        if not data.get(key):
            raise ExpectationError(f"{where}.{key}: required")
    if data["facts_in"] not in ("context", "text", "both"):
        raise ExpectationError(f"{where}.facts_in: write context, text or both")
    facts = data.get("expected_facts") or []
    for i, f in enumerate(facts):
        if not isinstance(f, dict) or "kind" not in f:
            raise ExpectationError(f"{where}.expected_facts[{i}]: each fact needs a kind")
    required: list[ContentRule | Check] = []
    for i, item in enumerate(data.get("required") or []):
        at = f"{where}.required[{i}]"
        required.append(_check(at, item) if "check" in item else _content(at, item, False))
    forbidden = [
        _content(f"{where}.forbidden[{i}]", item, True)
        for i, item in enumerate(data.get("forbidden") or [])
    ]
    contradictions = []
    for i, item in enumerate(data.get("contradictions") or []):
        at = f"{where}.contradictions[{i}]"
        if not isinstance(item, dict) or not item.get("name") or not item.get("edits"):
            raise ExpectationError(f"{at}: each contradiction needs a name and a list of edits")
        for j, edit in enumerate(item["edits"]):
            if not isinstance(edit, dict) or sum(op in edit for op in EDIT_OPS) != 1:
                raise ExpectationError(
                    f"{at}.edits[{j}]: each edit needs exactly one of {', '.join(EDIT_OPS)}"
                )
        contradictions.append({"name": str(item["name"]), "edits": list(item["edits"])})
    return Expectation(
        case=case,
        rule=str(data["rule"]),
        aim=" ".join(str(data["aim"]).split()),
        facts_in=data["facts_in"],
        expected_facts=[dict(f) for f in facts],
        required=required,
        forbidden=forbidden,
        contradictions=contradictions,
    )


def load(case: str, folder: Path = ROOT) -> Expectation | None:
    """The expectation for ``case`` (an intake file's stem), or None when it has none."""
    path = folder / f"{case}.yaml"
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ExpectationError(f"{path.name}: not valid YAML ({exc})") from None
    return parse(case, data, path.name)


def load_all(folder: Path = ROOT) -> dict[str, Expectation]:
    return {p.stem: e for p in sorted(folder.glob("*.yaml")) if (e := load(p.stem, folder))}
