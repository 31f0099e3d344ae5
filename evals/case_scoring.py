"""Case-faithfulness scores: does the draft use what the intake says about this person?

- recorded figures used: every scored measure reaches the plan as the baseline of an
  objective about it or as a monitored measure, and every current behavioural baseline as
  the baseline of the objective that measures it;
- objectives waiting on a placeholder, counted whatever else they lack;
- consistency findings: the validator's ``CF`` rules, which check the plan against the facts;
- fact recall and precision against the labelled facts of a case;
- required content found and forbidden content present (``cases/expected/<case>.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from assistant import instruments
from assistant.facts import CaseFacts
from assistant.intake import Intake
from assistant.plan import PLACEHOLDER, TreatmentPlan
from assistant.validation import Report, lint_objective
from evals.expectations import Check, ContentRule, Expectation

# Fields a reader of the plan does not read as its content.
_SKIP = frozenset({
    "header", "signatures", "draft", "case_facts", "provenance", "status", "schema", "id",
    "objective_ids", "problem_ids", "instrument", "record_id",
})  # fmt: skip


def plan_fields(plan: TreatmentPlan, *, records: bool = False) -> list[tuple[str, str]]:
    """(path, text) for every value the plan shows, including fields added after this
    scorer was written; numbers and dates as text. With ``records``, each item (an
    objective, a monitored measure...) is also given whole, its values joined, so that a
    name in one field and its figure in another are read together."""
    out: list[tuple[str, str]] = []
    skip = _SKIP - {"instrument"} if records else _SKIP

    def walk(node: Any, path: str) -> list[str]:
        if isinstance(node, dict):
            parts = [
                x
                for k, v in node.items()
                if k not in skip
                for x in walk(v, f"{path}.{k}" if path else k)
            ]
            items = any(
                isinstance(v, list) and any(isinstance(x, dict) for x in v) for v in node.values()
            )
            if records and path and not items:
                out.append((path, " ".join(parts)))
            return parts
        if isinstance(node, list):
            return [x for i, v in enumerate(node) for x in walk(v, f"{path}[{i}]")]
        if isinstance(node, str) and node.strip():
            text = node
        elif isinstance(node, int | float) and not isinstance(node, bool):
            text = _number(node)
        else:
            return []
        out.append((path, text))
        return [text]

    walk(plan.model_dump(mode="json", by_alias=True), "")
    return out


# ---------------------------------------------------------------- recorded figures used

_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset({"with", "from", "times", "per", "days", "week", "this", "that", "each"})


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP}


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _figure(low: float, high: float) -> re.Pattern[str]:
    lo = re.escape(_number(low))
    if low == high:
        return re.compile(rf"(?<![\d.]){lo}(?![\d]|\.\d)")
    hi = re.escape(_number(high))
    return re.compile(rf"(?<![\d.]){lo}\s*(?:-|–|to)\s*{hi}(?![\d]|\.\d)", re.IGNORECASE)


def _names(instrument: str, as_written: str) -> re.Pattern[str]:
    inst = instruments.get(instrument)
    names = {instrument, as_written, *((inst.id, *inst.aliases) if inst else ())}
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alts})(?![A-Za-z0-9])", re.IGNORECASE)


def score_figures_used(plan: TreatmentPlan, facts: CaseFacts) -> dict[str, Any]:
    """Scored measures and current behavioural baselines the plan uses, and the ones it drops.

    A scored measure is used when an objective about it starts from its score, or when the
    plan monitors it (``monitored_measures``) from that score. A behavioural baseline is used
    when an objective about it starts from its figure. A figure describing an earlier period
    ("in the 30 days before detox") is history, not a baseline to move, so it is not counted."""
    objectives = [o for _, _, o in plan.objectives()]
    monitored = [
        (path, text)
        for path, text in plan_fields(plan, records=True)
        if re.fullmatch(r"monitored_measures\[\d+\]", path)
    ]
    unused: list[str] = []
    measures_used = 0
    for m in facts.measures:
        names = _names(m.instrument, m.name_as_written)
        fig = _figure(m.score, m.score)
        by_objective = any(
            o.baseline is not None
            and o.baseline.value == m.score
            and (
                names.search(o.instrument or "")
                or names.search(lint_objective(o.text).instrument or "")
                or names.search(o.text)
            )
            for o in objectives
        )
        tracked = any(names.search(t) and fig.search(t) for _, t in monitored)
        if by_objective or tracked:
            measures_used += 1
        else:
            unused.append(f"{m.name_as_written} {_number(m.score)}")
    current = [b for b in facts.baselines if b.current]
    baselines_used = 0
    for b in current:
        words = _stems(b.measure)
        by_objective = any(
            o.baseline is not None
            and o.baseline.value == b.low
            and (o.baseline.high or o.baseline.value) == b.high
            and (
                not words
                or 2 * len(words & _stems(" ".join(filter(None, (o.text, o.metric))))) >= len(words)
            )
            for o in objectives
        )
        if by_objective:
            baselines_used += 1
        else:
            unused.append(f"{b.measure} {b.value} {b.unit}".strip())
    return {
        "measures": len(facts.measures),
        "measures_used": measures_used,
        "baselines": len(current),
        "baselines_used": baselines_used,
        "unused": unused,
    }


def score_objective_placeholders(plan: TreatmentPlan) -> dict[str, int]:
    """Objectives whose sentence, baseline or target still waits on a placeholder."""
    n = waiting = 0
    for _, _, o in plan.objectives():
        n += 1
        figures = [m for m in (o.baseline, o.target) if m is not None and m.is_placeholder]
        if figures or PLACEHOLDER.search(o.text):
            waiting += 1
    return {"objectives": n, "with_placeholder": waiting}


def score_consistency(report: Report) -> dict[str, Any]:
    """The validator's clinical-consistency findings (rule codes starting ``CF``)."""
    found = [f for f in report.findings if f.rule.startswith("CF")]
    return {
        "findings": len(found),
        "errors": sum(f in report.errors for f in found),
        "by_rule": dict(sorted(Counter(f.rule for f in found).items())),
    }


# ---------------------------------------------------------------- facts


def score_facts(expected: list[dict[str, Any]], facts: CaseFacts) -> dict[str, Any]:
    """Recall and precision of the extracted facts against a case's labels."""
    from assistant.facts import scoring as fact_scoring

    recall, precision = fact_scoring.score(expected, facts)
    missing, extra = fact_scoring.unmatched(expected, facts)
    return {
        "labelled": len(expected),
        "extracted": len(fact_scoring.counted(facts)),
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "missing": [{k: str(v) for k, v in m.items()} for m in missing],
        "unexpected": [
            f"{type(f).__name__}: "
            + ", ".join(
                f"{k}={v}"
                for k, v in f.model_dump(exclude={"evidence", "id", "source", "confirmed"}).items()
                if v not in (None, "", [], False)
            )
            for f in extra
        ],
    }


# ---------------------------------------------------------------- required and forbidden


_CLAUSE = re.compile(r"(?<=[.;!?])\s+|\n+")


def _in_scope(rule: ContentRule, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(p, t) for p, t in fields if rule.scope.search(p)]


def _found(rule: ContentRule, fields: list[tuple[str, str]]) -> bool:
    return any(rule.pattern.search(t) for _, t in _in_scope(rule, fields))


def _violations(rule: ContentRule, fields: list[tuple[str, str]]) -> list[dict[str, str]]:
    hits: list[dict[str, str]] = []
    phrases: set[str] = set()
    for path, text in _in_scope(rule, fields):
        for clause in _CLAUSE.split(text):
            if rule.unless is not None and rule.unless.search(clause):
                continue
            found = [" ".join(m.group(0).lower().split()) for m in rule.pattern.finditer(clause)]
            if found:
                phrases.update(found)
                hits.append({"path": path, "text": clause.strip()[:160]})
    if rule.max_distinct:
        return hits if len(phrases) > rule.max_distinct else []
    return hits


def _end(intake: Intake, weeks: int | None) -> dt.date | None:
    return intake.intake_date + dt.timedelta(weeks=weeks) if weeks else None


def _check(c: Check, plan: TreatmentPlan, intake: Intake) -> bool:
    t = plan.timeline
    if c.check == "timeline_ends_by":
        ends = list(t.review_dates) + [d for d in [_end(intake, t.estimated_weeks)] if d]
        for _, _, o in plan.objectives():
            tf = o.timeframe
            ends += [d for d in (tf.by_date, _end(intake, tf.weeks)) if d]
        return bool(ends) and max(ends) <= c.value
    if c.check == "timeline_weeks_at_most":
        return t.estimated_weeks is not None and t.estimated_weeks <= int(c.value)
    if c.check == "sessions_at_most":
        most = t.estimated_sessions_max or t.estimated_sessions_min
        return most is not None and most <= int(c.value)
    assert c.pattern is not None  # early_objective
    for _, _, o in plan.objectives():
        text = " ".join(filter(None, (o.text, o.metric, o.measurement)))
        tf = o.timeframe
        due = (tf.weeks or 99) <= int(c.value) or (tf.by_session or 99) <= int(c.value)
        if c.pattern.search(text) and due:
            return True
    return False


def score_content(plan: TreatmentPlan, intake: Intake, exp: Expectation) -> dict[str, Any]:
    """Required items found, and forbidden items present, for one case."""
    fields = plan_fields(plan)
    whole = plan_fields(plan, records=True)
    missed = []
    for r in exp.required:
        ok = _check(r, plan, intake) if isinstance(r, Check) else _found(r, whole)
        if not ok:
            missed.append(r.name)
    violations = []
    for f in exp.forbidden:
        for v in _violations(f, fields):
            violations.append({"name": f.name, **v})
    return {
        "required": len(exp.required),
        "required_hit": len(exp.required) - len(missed),
        "missed": missed,
        "forbidden": len(exp.forbidden),
        "violations": len(violations),
        "violated": violations,
    }
