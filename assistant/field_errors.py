"""Pydantic's refusals of an input file, as ``path: reason`` lines in a clinician's words.

The intake and the measures file are both checked by pydantic; both readers turn its
errors into the same plain wording here: the path as the file writes it
(``assessments[0].score``), then what is wrong and how to put it right.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

# Location parts pydantic adds for a validator or a union branch, not fields of the file.
_BRANCHES = ("int", "float", "str", "bool", "literal['not_assessed']")


def show(value: Any) -> str:
    """A value as the reader typed it, cut short when long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def path(loc: tuple[int | str, ...], root: str) -> str:
    """``('assessments', 0, 'score')`` as ``assessments[0].score``; ``root`` for the file."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _BRANCHES or "[" in part:
            continue
        else:
            out += ("." if out else "") + part
    return out or root


def message(err: Any, form: str, max_text: int) -> str:
    """What one pydantic error means for the person who wrote the file in format ``form``."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"is not a field of {form} (check the spelling)"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}; got {show(err.get('input'))}"
    if kind == "string_too_long":
        return f"is longer than the limit of {ctx.get('max_length', max_text):,} characters"
    if kind == "too_long":
        limit = ctx.get("max_length")
        return f"has {ctx.get('actual_length', 'too many')} entries; the limit is {limit}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "string_unicode":
        return "contains a broken character (a lone UTF-16 surrogate); retype it"
    if kind == "string_type":
        return f"must be text; got {show(err.get('input'))}"
    if kind == "list_type":
        return "must be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object with named fields"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false (without quotes); got {show(err.get('input'))}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def problems(exc: ValidationError, form: str, root: str, max_text: int) -> list[str]:
    """Every error of ``exc`` as one ``path: reason`` line, each once, in order."""
    lines = [f"{path(tuple(e['loc']), root)}: {message(e, form, max_text)}" for e in exc.errors()]
    return list(dict.fromkeys(lines))
