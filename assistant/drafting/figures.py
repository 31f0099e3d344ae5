"""Figures in text: what counts as a number a reader would check, and the numbers an intake
supplies. Used to keep model edits from adding figures and by the tests and evals that
check nothing in a draft is invented."""

from __future__ import annotations

import re

from assistant.drafting import compose
from assistant.intake import Intake
from assistant.plan import PLACEHOLDER

_IGNORED = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b"  # ISO dates
    r"|\b[A-TV-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4})?\b"  # ICD-10-CM codes
    r"|\b[A-Z][A-Za-z]*-(?:\d+[A-Z]?)\b"  # instrument names: PHQ-9, GAD-7, PCL-5
    r"|\bG\d+\.O\d+\b|\b[GPIO]\d+\b"  # plan ids
)
_NUM = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """Figures in ``text``, ignoring dates, codes, instrument names, ids and placeholders."""
    text = PLACEHOLDER.sub(" ", text)
    text = _IGNORED.sub(" ", text)
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUM.findall(text)}


def intake_numbers(intake: Intake) -> set[str]:
    out: set[str] = set()
    for a in intake.assessments:
        out |= numbers(compose.fmt(a.score))
    for b in intake.baselines:
        out |= numbers(str(b.value))
    for _, text in intake.free_text():
        out |= numbers(text)
    return out


DENIES = re.compile(r"\bden(?:y|ies|ied)\b", re.IGNORECASE)
