"""Taking out of a template's wording the part the client declined or the intake rules out:
a bracketed aside about it, or the declined one of two named options."""

from __future__ import annotations

import re

_ASIDE = re.compile(r"\s*\([^()]*\)")


def strip_asides(text: str, pat: re.Pattern[str]) -> str:
    """``text`` without the bracketed asides that mention ``pat`` ('(or to none, if
    abstinence is the chosen goal)' when the client declines abstinence), and without the
    declined one of two named options ('SMART Recovery or AA' -> 'SMART Recovery')."""
    text = _ASIDE.sub(lambda m: "" if _only_about(m.group(0), pat) else m.group(0), text)
    text = _BRACKETED_CHOICE.sub(lambda m: _other_choice(m, pat), text)
    for m in reversed(list(pat.finditer(text))):
        if not m.group(0)[:1].isupper():
            continue  # only a named option (AA, EMDR) is one of two; a common word is not
        before, after = text[: m.start()], text[m.end() :]
        b = re.search(r"\s*,?\s+or\s+$", before)
        a = re.match(r"[^,;().]*?\s+or\s+", after)
        if b is not None:  # "X, or AA meetings" -> "X": the option runs to the next stop
            text = before[: b.start()] + re.sub(r"^[^,;().]*", "", after)
        elif a is not None:  # "AA meetings or X" -> "X"
            text = before + after[a.end() :]
    return text


# "(abstinence or an agreed low-risk limit)": two options in brackets
_BRACKETED_CHOICE = re.compile(r"\(([^()]+?)\s+or\s+([^()]+?)\)")


def _other_choice(m: re.Match[str], pat: re.Pattern[str]) -> str:
    """A bracketed choice of two whose one option the client declines keeps the other
    ('(abstinence or an agreed low-risk limit)' -> '(an agreed low-risk limit)')."""
    a, b = m.group(1), m.group(2)
    if pat.search(a) and not pat.search(b):
        return f"({b})"
    if pat.search(b) and not pat.search(a):
        return f"({a})"
    return m.group(0)


def _only_about(aside: str, pat: re.Pattern[str]) -> bool:
    """An aside that mentions ``pat`` other than as one of two options ('or AA')."""
    found = pat.search(aside)
    if found is None:
        return False
    return (
        re.search(r"\bor\s+$", aside[: found.start()]) is None
        and re.match(r"\s+or\b", aside[found.end() :]) is None
    )
