"""Exact quotes: evidence whose ``quote`` is ``field_text[start:end]``, trimmed of spaces."""

from __future__ import annotations

import re

from assistant.facts.model import Evidence

_BOUNDARY = re.compile(r"[;!?\n]|\.(?=\s|$)")
_TRIM = " \t\r\n,.;:"


def evidence(path: str, text: str, start: int, end: int) -> Evidence:
    """Evidence quoting ``text[start:end]`` with surrounding spaces and punctuation trimmed."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Evidence(path=path, quote=text[start:end], start=start, end=end)


def clause(path: str, text: str, start: int, end: int) -> Evidence:
    """Evidence quoting the clause around ``text[start:end]``: from the previous sentence
    end or semicolon to the next one."""
    left = 0
    for m in _BOUNDARY.finditer(text, 0, start):
        left = m.end()
    right_match = _BOUNDARY.search(text, end)
    right = right_match.start() if right_match else len(text)
    return evidence(path, text, left, right)


def normalise(text: str) -> str:
    """Lower case with runs of whitespace made single spaces (for verbatim checks)."""
    return re.sub(r"\s+", " ", text).strip().lower()
