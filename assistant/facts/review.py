"""Facts proposed by a model, confirmed or corrected by a clinician, and described plainly.

- :func:`accept_model_facts` keeps a fact a language model proposes only when its quote is
  found verbatim (after whitespace normalisation) in the intake field it names.
- :func:`confirm` applies a clinician's confirmation or correction to one fact, and
  :func:`remove` takes out a fact the clinician says is wrong.
- :func:`describe` gives a one-line, plain-language account of a fact and where it came from.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.errors import AssistantError
from assistant.facts.model import CaseFacts, Evidence, Fact, fact_class, fact_kind
from assistant.intake import Intake

_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")
_RESERVED = {"id", "source", "evidence", "confirmed"}
# Fields a fact may quote: the clinical text, never the client's or clinician's identity.
_QUOTABLE = re.compile(
    r"^(?:notes|risk\.notes|treatment_history|medications|preferences\[\d+\]|"
    r"client_goals\[\d+\]|strengths\[\d+\]|diagnoses\[\d+\]\.label|"
    r"presenting_problems\[\d+\]\.(?:summary|duration|client_words|"
    r"(?:symptoms|functional_impact)\[\d+\])|"
    r"context\.(?:occupation|caregivers|legal\.(?:referred_by|release_scope)|"
    r"(?:safety_steps_taken|risk_to_others)\[\d+\]))$"
)


class FactError(AssistantError):
    """A fact could not be found or corrected as asked."""


def field_text(intake: Intake, path: str) -> str | None:
    """The text at an intake path such as ``notes``, ``risk.notes`` or
    ``presenting_problems[0].summary``; None when the path names no text field."""
    node: Any = intake
    pos = 0
    for part in path.split("."):
        for m in _STEP.finditer(part):
            name, index = m.group(1), m.group(2)
            try:
                if name is not None:
                    if not isinstance(node, BaseModel) or name not in type(node).model_fields:
                        return None
                    node = getattr(node, name)
                else:
                    node = node[int(index)]
            except (IndexError, TypeError):
                return None
            pos = m.end()
        if pos != len(part):
            return None
    return node if isinstance(node, str) else None


def _find(text: str, quote: str) -> tuple[int, int] | None:
    words = quote.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def accept_model_facts(
    intake: Intake, proposed: list[dict[str, Any]]
) -> tuple[list[Fact], list[str]]:
    """The proposed facts whose quote is found in the named field, and one reason for each
    fact dropped. Each proposal names ``kind``, ``path`` and ``quote`` plus the fact's own
    fields (``{"kind": "ruled_out", "path": "notes", "quote": "no purging", "concept":
    "purging"}``); ``kind_of`` stands for a fact's own ``kind`` field ("refusal")."""
    kept: list[Fact] = []
    dropped: list[str] = []
    for n, item in enumerate(proposed):
        kind = str(item.get("kind", ""))
        label = f"proposed fact {n + 1} ({kind or 'no kind'})"
        cls = fact_class(kind)
        if cls is None:
            dropped.append(f"{label}: '{kind}' is not a kind of case fact; dropped")
            continue
        path, quote = item.get("path"), item.get("quote")
        if not isinstance(path, str) or not isinstance(quote, str) or not quote.strip():
            dropped.append(f"{label}: it gives no intake field and quote; dropped")
            continue
        if not _QUOTABLE.match(path):
            dropped.append(f"{label}: {path} is not a field a case fact may quote; dropped")
            continue
        text = field_text(intake, path)
        if text is None:
            dropped.append(f"{label}: {path} is not a text field of this intake; dropped")
            continue
        span = _find(text, quote)
        if span is None:
            dropped.append(f"{label}: the quote is not in {path} word for word; dropped")
            continue
        fields = {k: v for k, v in item.items() if k not in _RESERVED | {"path", "quote", "kind"}}
        if "kind_of" in fields:  # the fact's own kind field (refusal, safety_plan, ...)
            fields["kind"] = fields.pop("kind_of")
        start, end = span
        try:
            fact = cls(
                id=f"model:{kind}:{n}",
                source="model",
                evidence=[Evidence(path=path, quote=text[start:end], start=start, end=end)],
                **fields,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            dropped.append(f"{label}: {where} {first['msg'].lower()}; dropped")
            continue
        kept.append(fact)
    return kept, dropped


def _slots(facts: CaseFacts) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for name in CaseFacts.model_fields:
        value = getattr(facts, name)
        if isinstance(value, list):
            out += [(name, i) for i in range(len(value))]
        elif isinstance(value, Fact):
            out.append((name, None))
    return out


def confirm(facts: CaseFacts, fact_id: str, **changes: Any) -> CaseFacts:
    """A copy of ``facts`` with ``fact_id`` confirmed; ``changes`` correct its fields, and a
    changed fact is marked as the clinician's."""
    out = facts.model_copy(deep=True)
    for name, index in _slots(out):
        holder = getattr(out, name)
        fact: Fact = holder[index] if index is not None else holder
        if fact.id != fact_id:
            continue
        bad = [k for k in changes if k in _RESERVED or k not in type(fact).model_fields]
        if bad:
            raise FactError(f"{fact_id}: {bad[0]} is not something a clinician can correct")
        data = fact.model_dump()
        changed = any(data.get(k) != v for k, v in changes.items())
        data.update(changes, confirmed=True)
        if changed:
            data["source"] = "clinician"
        try:
            new = type(fact).model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise FactError(f"{fact_id}.{where}: {first['msg'].lower()}") from None
        if index is None:
            setattr(out, name, new)
        else:
            holder[index] = new
        return out
    raise FactError(f"{fact_id}: no such fact in this case")


def remove(facts: CaseFacts, fact_id: str) -> CaseFacts:
    """A copy of ``facts`` without ``fact_id`` (a fact the clinician says is wrong). The
    level of care cannot be removed, only corrected; population and legal facts become
    absent."""
    out = facts.model_copy(deep=True)
    for name, index in _slots(out):
        holder = getattr(out, name)
        fact: Fact = holder[index] if index is not None else holder
        if fact.id != fact_id:
            continue
        if index is not None:
            del holder[index]
        elif name == "level_of_care":
            raise FactError(f"{fact_id}: the level of care can be corrected but not removed")
        else:
            setattr(out, name, None)
        return out
    raise FactError(f"{fact_id}: no such fact in this case")


def _what(fact: Fact) -> str:
    d = fact.model_dump()
    kind = fact_kind(fact)
    if kind == "measure":
        extra = "" if d["validated"] else " (not a validated baseline: instrument unknown)"
        sev = f", {d['severity']}" if d.get("severity") else ""
        return f"{d['name_as_written']}: {d['score']:g}{sev}{extra}"
    if kind == "baseline":
        when = "" if d["current"] else " (an earlier period, not the current baseline)"
        return f"{d['measure']}: {d['value']} {d['unit']}".rstrip() + when
    if kind == "level_of_care":
        text = d["setting"].replace("_", " ")
        if d.get("days_per_week"):
            text += f", {d['days_per_week']} days a week"
        if d.get("hours_per_day"):
            text += f", {d['hours_per_day']:g} hours a day"
        return f"Level of care: {text}"
    if kind == "substance":
        text = f"{d['substance'].capitalize()}: {d['status'].replace('_', ' ')}"
        if d.get("since"):
            text += f" since {d['since']}"
        if d["withdrawal"] != "unknown":
            text += f" (withdrawal: {d['withdrawal'].replace('_', ' ')})"
        return text
    if kind == "legal":
        parts = ["mandated" if d["mandated"] else "not mandated"]
        if d.get("referred_by"):
            parts.append(f"by {d['referred_by']}")
        if d.get("deadline"):
            parts.append(f"deadline {d['deadline']}")
        if d.get("release_scope"):
            parts.append(f"may release: {d['release_scope']}")
        if d.get("requirements"):
            parts.append("requires " + "; ".join(d["requirements"]))
        return "Legal: " + ", ".join(parts)
    if kind == "medication":
        text = f"Medication: {d['name']}"
        text += f" {d['dose']}" if d.get("dose") else ""
        return text + (f", prescribed by {d['prescriber']}" if d.get("prescriber") else "")
    if kind == "population":
        text = f"Age {d['age']} ({d['age_band'].replace('_', ' ')})"
        return text + (", perinatal" if d["perinatal"] else "")
    if kind == "ruled_out":
        return f"Ruled out: {d['concept']}"
    if kind == "preference":
        target = f" ({d['target']})" if d.get("target") else ""
        return f"Preference, {d['kind']}: {d['text']}{target}"
    if kind == "occupation":
        return f"Occupation: {d['status'].replace('_', ' ')} ({d['text']})"
    if kind == "client_goal":
        base = f" (baseline {d['baseline']})" if d.get("baseline") else ""
        return f"Client goal: {d['text']}{base}"
    label = kind.replace("_", " ").capitalize()
    sub = f" ({d['kind'].replace('_', ' ')})" if isinstance(d.get("kind"), str) else ""
    return f"{label}{sub}: {d.get('text', '')}"


def describe(fact: Fact) -> str:
    """One plain line: what the fact says and where it came from."""
    sources = []
    for e in fact.evidence:
        sources.append(f'{e.path} "{e.quote}"' if e.quote else e.path)
    where = f" — from {', '.join(sources)}" if sources else ""
    who = " (confirmed)" if fact.confirmed else ""
    return f"{_what(fact)}{where}{who}"
