"""Template wording fitted to whether the client works: work items for a person who does not.

A person who works keeps the template's wording; one who does not but names a work goal
keeps it too, except wording about a current job. For a student, work words become school
words; otherwise a work item in a list is taken out, and text that is only about work does
not fit (``None``), so the drafter leaves that template out.
"""

from __future__ import annotations

import re

from assistant.facts.model import CaseFacts
from assistant.knowledge import DraftingRules


def _work_pattern(rules: DraftingRules) -> re.Pattern[str]:
    return _phrase_pattern(rules.work_phrases)


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b", re.IGNORECASE)


def names_work_goal(facts: CaseFacts) -> bool:
    return any(
        re.search(r"\b(?:work|job|employ\w*|career)\b", g.text, re.I) for g in facts.client_goals
    )


def fit_work_wording(text: str, facts: CaseFacts, rules: DraftingRules) -> str | None:
    """``text`` as it fits this person: unchanged when they work or name a work goal; with
    school wording for a student; None when it is about work and they do not work."""
    if facts.works:
        return text
    if names_work_goal(facts):
        current = _phrase_pattern(rules.current_job_phrases)
        return None if rules.current_job_phrases and current.search(text) else text
    pat = _work_pattern(rules)
    if not pat.search(text):
        return text
    if facts.occupation is not None and facts.occupation.status == "student":
        swaps = rules.student_swaps
        keys = sorted(swaps, key=len, reverse=True)
        swap = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b", re.I)

        def repl(m: re.Match[str]) -> str:
            new = swaps[m.group(0).lower()]
            return new[0].upper() + new[1:] if m.group(0)[0].isupper() else new

        swapped = swap.sub(repl, text)
        if not pat.search(swapped):
            return swapped
    trimmed = _WORK_CLAUSE.sub("", text)
    trimmed = re.sub(r"\s{2,}", " ", trimmed).replace(" ,", ",")
    if trimmed != text and not pat.search(trimmed):
        return trimmed[:1].upper() + trimmed[1:]
    return None


# "work and ", "work attendance and ", ", work hours": a work item in a list of several
_WORK_CLAUSE = re.compile(
    r"\b(?:usual\s+)?work(?:\s+(?:attendance|hours|days?|routines?|role))?\s+and\s+"
    r"|,\s*(?:usual\s+)?work(?:\s+(?:attendance|hours|days?|routines?|role))?(?=\s*(?:,|and\b|or\b))",
    re.IGNORECASE,
)
