"""An objective's structured parts are the objective; its sentence follows them.

* :func:`render_sentence` writes the sentence from the parts (metric, baseline, target,
  timeframe, measurement): a pure function.
* :func:`follow_parts` keeps the clinician's or the knowledge base's wording where it can,
  putting the new figures in place of the old ones, and falls back to
  :func:`render_sentence` whenever the result would still disagree with the parts (MS04).
* :func:`parse_sentence` reads a sentence the clinician wrote back into parts (through
  :func:`assistant.validation.lint_objective`) so the app can show both side by side.
* :func:`set_parts` and :func:`use_sentence` are the two plan edits built on them.

Adding, removing and moving items is in :mod:`assistant.planedit`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from assistant import review
from assistant.errors import StoreError
from assistant.plan import (
    Baseline,
    Comparator,
    Objective,
    Target,
    Timeframe,
    TreatmentPlan,
    placeholder,
)
from assistant.text import fmt
from assistant.validation import lint_objective
from assistant.validation.rules_agreement import contradictions

_FIGURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?))?\b")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?")
# words that already say which way the target lies ("below 10", "5 or fewer")
_SAYS_DIRECTION = re.compile(
    r"\b(?:below|under|above|over|less|fewer|more|at\s+least|at\s+most|no\s+more|no\s+fewer"
    r"|or\s+lower|or\s+higher|maximum|minimum)\b|[<>≤≥]",
    re.IGNORECASE,
)
COMPARATOR_WORDS: dict[str, str] = {
    "<": "below",
    "<=": "at most",
    "=": "",
    ">=": "at least",
    ">": "above",
}
_VERB = {"decrease": "Reduce", "increase": "Increase", "achieve": "Achieve"}


def figure(text: str) -> tuple[float | None, float | None]:
    """The figure a measure's text starts with: '16' → (16, None), '4-5 per week' → (4, 5)."""
    m = _FIGURE.match(text)
    if not m:
        m2 = _NUMBER.search(text)
        if not m2:
            return None, None
        m = m2
    return float(m.group(1)), (float(m.group(2)) if m.group(2) else None)


def target_phrase(t: Target) -> str:
    """The target as the sentence says it: 'below 10', 'at least 5 days per week'."""
    text = " ".join(t.text.split())
    if t.value is None or _SAYS_DIRECTION.search(text):
        return text
    word = COMPARATOR_WORDS.get(t.comparator, "")
    return f"{word} {text}".strip()


def render_sentence(o: Objective) -> str:
    """The objective's sentence, written from its parts alone."""
    metric = o.metric or o.instrument or placeholder("metric", "name what is measured")
    if o.direction == "achieve":
        what = o.target.text if o.target is not None else placeholder("target", "state the outcome")
        head = f"Achieve {metric}: {what}"
    else:
        head = f"{_VERB[o.direction]} {metric}"
        if o.baseline is not None:
            head += f" from {o.baseline.text}"
        if o.target is not None:
            head += f" to {target_phrase(o.target)}"
        else:
            head += f" to {placeholder('target', 'agree with the client')}"
    out = f"{head} {o.timeframe.text()}"
    if o.measurement:
        out += f", as measured by {o.measurement.strip().rstrip('.')}"
    return " ".join(out.split()) + "."


def _figures_of(m: Baseline | Target | None) -> list[str]:
    if m is None or m.value is None:
        return []
    return [fmt(m.value)] + ([fmt(m.high)] if m.high is not None else [])


def _swap(text: str, old: str, new: str) -> str | None:
    """``text`` with the one standalone ``old`` figure replaced, or None when it is not
    there exactly once (outside the timeframe)."""
    pat = re.compile(
        rf"(?<![\w.]){re.escape(old)}(?![\w.]|\s*weeks?\b|\s*months?\b)"
        r"(?:\s*\((?:mild|minimal|moderate|moderately severe|severe|none)\))?",
        re.IGNORECASE,
    )
    found = pat.findall(text)
    if len(found) != 1:
        return None
    # a severity band named after the old figure would now be wrong: it goes with it
    return pat.sub(new, text, count=1)


def _states(o: Objective) -> bool:
    """The sentence states every recorded figure and says nothing different (MS04)."""
    if contradictions(o):
        return False
    for m in (o.baseline, o.target):
        for f in _figures_of(m):
            if not re.search(rf"(?<![\w.]){re.escape(f)}(?![\w.])", o.text):
                return False
    tf = o.timeframe
    if tf.weeks is not None and not re.search(rf"\b{tf.weeks}\s*weeks?\b", o.text):
        return False
    if tf.by_session is not None and not re.search(rf"\bsession\s+{tf.by_session}\b", o.text):
        return False
    if tf.by_date is not None and tf.by_date.isoformat() not in o.text:
        return False
    return o.measurement is None or _measured(o)


def _measured(o: Objective) -> bool:
    return lint_objective(o.text).has("measurement") or bool(
        o.measurement and o.measurement.lower() in o.text.lower()
    )


def follow_parts(old: Objective, new: Objective) -> str:
    """The sentence for ``new``'s parts: ``old``'s sentence with the changed figures put in,
    when that reads true; otherwise the sentence rendered from the parts."""
    text = old.text
    for part in ("baseline", "target"):
        before, after = _figures_of(getattr(old, part)), _figures_of(getattr(new, part))
        if before == after:
            continue
        if len(before) != len(after) or not before:
            text = ""
            break
        for b, a in zip(before, after, strict=True):
            swapped = _swap(text, b, a)
            if swapped is None:
                text = ""
                break
            text = swapped
        if not text:
            break
    if text and old.timeframe != new.timeframe:
        text = _retime(text, old.timeframe, new.timeframe) or ""
    if text and (old.metric, old.measurement) != (new.metric, new.measurement):
        text = ""
    if text and _states(new.model_copy(update={"text": text})):
        return text
    return render_sentence(new)


def _retime(text: str, old: Timeframe, new: Timeframe) -> str | None:
    said = old.text()
    if said in text and new.is_set:
        return text.replace(said, new.text(), 1)
    return None


@dataclass(frozen=True)
class SentenceParts:
    """What a sentence says, read back into the parts' terms (None: the sentence is silent)."""

    metric: str | None
    baseline: str | None
    target: str | None
    comparator: Comparator | None
    weeks: int | None
    by_session: int | None
    by_date: dt.date | None
    measurement: str | None
    missing: tuple[str, ...]


_FROM = re.compile(r"^(?:from|baseline[:\s]+|currently|current)\s*", re.IGNORECASE)
_TO = re.compile(r"^(?:to|down\s+to|up\s+to)\s+", re.IGNORECASE)


def _comparator(phrase: str) -> Comparator | None:
    p = phrase.lower()
    if re.search(r"\b(?:below|under|less than|fewer than)\b|<(?!=)", p):
        return "<"
    if re.search(r"\b(?:at most|or (?:fewer|less|lower)|no more than|maximum)\b|≤|<=", p):
        return "<="
    if re.search(r"\b(?:at least|or more|or higher|no fewer than|minimum)\b|≥|>=", p):
        return ">="
    if re.search(r"\b(?:above|over|more than)\b|>(?!=)", p):
        return ">"
    return None


def parse_sentence(text: str) -> SentenceParts:
    """Read a written objective sentence into parts (figures as they are said)."""
    res = lint_objective(text)
    got = res.parsed
    said_b, said_t = got.get("baseline"), got.get("target")
    baseline = _FROM.sub("", said_b).strip() if said_b else None
    if baseline:
        baseline = baseline.strip("() ")
    target = _TO.sub("", said_t).strip() if said_t else None
    weeks = by_session = None
    by_date = None
    tf = got.get("timeframe") or ""
    if m := re.search(r"(\d+)\s*(weeks?|months?)", tf, re.IGNORECASE):
        n = int(m.group(1))
        weeks = n if m.group(2).lower().startswith("week") else round(n * 4.345)
    elif m := re.search(r"session\s+(\d+)", tf, re.IGNORECASE):
        by_session = int(m.group(1))
    elif m := re.search(r"(\d{4}-\d{2}-\d{2})", tf):
        by_date = dt.date.fromisoformat(m.group(1))
    measurement = got.get("measurement")
    if measurement:
        measurement = re.sub(
            r"^(?:as\s+)?(?:measured|recorded|scored|logged|shown|reported)\s+(?:by|in|on|with)\s+",
            "",
            measurement.strip().rstrip(".,"),
            flags=re.IGNORECASE,
        )
    return SentenceParts(
        metric=got.get("metric"),
        baseline=baseline,
        target=target,
        comparator=_comparator(said_t) if said_t else None,
        weeks=weeks,
        by_session=by_session,
        by_date=by_date,
        measurement=measurement,
        missing=tuple(res.missing),
    )


_UNSET: Any = object()


def _mark_edited(item: Objective, by: str | None) -> dict[str, Any]:
    prov = item.provenance
    authorship = "written" if prov.authorship == "written" else "edited"
    suggested = prov.suggested_text if prov.suggested_text is not None else item.text
    return {
        "provenance": prov.model_copy(
            update={
                "authorship": authorship,
                "suggested_text": None if authorship == "written" else suggested,
                "author": by or prov.author,
            }
        )
    }


def _objective(plan: TreatmentPlan, ref: str) -> tuple[str, Objective]:
    path, _, item = review.find_item(plan, ref)
    if not isinstance(item, Objective):
        raise StoreError(f"{item.id} is not an objective: only objectives have parts")
    return path, item


def updated_parts(
    item: Objective,
    *,
    metric: str | None = _UNSET,
    baseline: str | None = _UNSET,
    baseline_date: dt.date | None = _UNSET,
    baseline_source: str | None = _UNSET,
    target: str | None = _UNSET,
    comparator: Comparator | None = _UNSET,
    weeks: int | None = _UNSET,
    by_session: int | None = _UNSET,
    by_date: dt.date | None = _UNSET,
    measurement: str | None = _UNSET,
) -> Objective:
    """``item`` with the given parts changed (an argument left out keeps its part); the
    sentence is not touched here."""
    changes: dict[str, Any] = {}
    if metric is not _UNSET:
        changes["metric"] = (metric or "").strip() or None
    if measurement is not _UNSET:
        changes["measurement"] = (measurement or "").strip() or None
    old_b = item.baseline
    if any(v is not _UNSET for v in (baseline, baseline_date, baseline_source)):
        text = (baseline if baseline is not _UNSET else (old_b.text if old_b else "")) or ""
        text = text.strip()
        if not text:
            raise StoreError(f"{item.id}: baseline: write the starting figure or a short phrase")
        value, high = figure(text)
        changes["baseline"] = Baseline(
            value=value,
            high=high,
            text=text,
            date=baseline_date if baseline_date is not _UNSET else (old_b.date if old_b else None),
            source=(
                (baseline_source or "").strip()
                if baseline_source is not _UNSET
                else (old_b.source if old_b else "")
            ),
        )
    old_t = item.target
    if target is not _UNSET or comparator is not _UNSET:
        text = ((target if target is not _UNSET else (old_t.text if old_t else "")) or "").strip()
        if not text:
            raise StoreError(f"{item.id}: target: write the level to reach or a stated outcome")
        value, high = figure(text)
        comp = comparator if comparator not in (_UNSET, None) else None
        comp = comp or _comparator(text) or (old_t.comparator if old_t else "<=")
        changes["target"] = Target(value=value, high=high, text=text, comparator=comp)
    if any(v is not _UNSET for v in (weeks, by_session, by_date)):
        changes["timeframe"] = Timeframe(
            weeks=None if weeks is _UNSET else weeks,
            by_session=None if by_session is _UNSET else by_session,
            by_date=None if by_date is _UNSET else by_date,
        )
    new = item.model_copy(update=changes)
    Objective.model_validate(new.model_dump())
    return new


def set_parts(
    plan: TreatmentPlan, ref: str, *, by: str | None = None, **parts: Any
) -> TreatmentPlan:
    """Change an objective's parts; its sentence follows them (see :func:`follow_parts`).
    Returns ``plan`` itself when nothing changed."""
    path, item = _objective(plan, ref)
    new = updated_parts(item, **parts)
    if new == item:
        return plan
    new = new.model_copy(update={"text": follow_parts(item, new), **_mark_edited(item, by)})
    return review._replace(plan, path, new)


def use_sentence(
    plan: TreatmentPlan, ref: str, text: str, *, by: str | None = None
) -> TreatmentPlan:
    """Take the clinician's sentence and the parts read from it (a part the sentence does not
    state keeps its value). A sentence that still disagrees is left for MS04 to name."""
    path, item = _objective(plan, ref)
    text = " ".join(text.split())
    if not text:
        raise StoreError(f"{item.id}: the objective's sentence is empty")
    got = parse_sentence(text)
    parts: dict[str, Any] = {}
    if got.baseline:
        parts["baseline"] = got.baseline
    if got.target:
        parts["target"] = got.target
        parts["comparator"] = got.comparator
    if got.weeks or got.by_session or got.by_date:
        parts.update(weeks=got.weeks, by_session=got.by_session, by_date=got.by_date)
    if got.measurement and not item.measurement:
        parts["measurement"] = got.measurement
    new = updated_parts(item, **parts).model_copy(update={"text": text})
    if new == item:
        return plan
    return review._replace(plan, path, new.model_copy(update=_mark_edited(item, by)))
