"""Preferences and refusals, one fact per clause of each ``preferences`` item (and of the
notes, where a refusal or a therapist request is written there).

A refusal names its ``target`` ("Narcotics Anonymous", "weigh-ins", "medication") so the
drafter can leave it out or raise the conflict; "X rather than Y" and "prefers X over Y"
give a wish for X and a refusal of Y.
"""

from __future__ import annotations

import re

from assistant.facts.model import CaseFacts, PreferenceFact
from assistant.facts.quotes import evidence

_CLAUSE = re.compile(r"[^;]+")
_BUT = re.compile(r"\s+but\s+", re.I)

_REFUSAL = re.compile(
    r"^(?:(?:is |was )?(?:does not|doesn't|do not|don't|did not) want(?: to)?|not keen on|"
    r"not interested in(?: any)?|not ready (?:to|for)|declines?|refuses?|won't|will not|"
    r"(?:wants|prefers|would rather) (?:to )?avoid|avoid|sceptical about|skeptical about|"
    r"no)\s+(?P<target>.+)$",
    re.I,
)
_OVER = re.compile(
    r"^(?P<want>.*?\bprefers?\s+.+?)\s+(?:over|rather than|instead of)\s+(?P<target>.+)$", re.I
)
_RATHER = re.compile(r"^(?P<want>.+?)\s+(?:rather than|instead of)\s+(?P<target>.+)$", re.I)
_THERAPIST = re.compile(
    r"\b(?:female|male|woman|man|older|younger|[A-Z][a-z]+-speaking) (?:therapist|clinician|counsellor|counselor)\b"
    r"|\btherapist (?:who|that|of)\b",
    re.I,
)
_SCHEDULING = re.compile(
    r"\b(?:appointments?|sessions? (?:that|after|before|between|on|in)|mornings?|"
    r"afternoons?|evenings?|weekends?|weekdays?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|"
    r"\d{1,2}(?::\d\d)?\s?(?:am|pm)|schedule|booking|booked|telehealth|in-person|nap|"
    r"school hours|after school|after work|before work|lunchtime|weekly|fortnightly)\b",
    re.I,
)
_SCOPE = re.compile(r"\bonly (?:what|the minimum|as much as)\b[^;]*", re.I)
_TAIL = re.compile(
    r"\s*(?:,|:|\s(?:and|but) (?:would|wants?|is|prefers?|will)\b|\bfor now\b|\bif possible\b|\byet\b|\bfirst\b|\bat the moment\b|\bright now\b"
    r"|\bstraight away\b|\bcompletely\b).*$",
    re.I,
)
_LEAD = re.compile(r"^(?:the focus (?:to be|being) on|any|a|an|the|be)\s+", re.I)
_INNER_REFUSAL = re.compile(
    r"(?:,\s*|\band\s+)(?=(?:does not want|doesn't want|wants to avoid|declines|refuses)\b)",
    re.I,
)


def _target(raw: str) -> str:
    t = _TAIL.sub("", raw).strip(" .")
    return _LEAD.sub("", t).strip(" .") or raw.strip(" .")


def classify(text: str) -> list[tuple[str, str | None, int, int]]:
    """(kind, target, start, end) for each preference stated in one clause ``text``;
    offsets are within ``text``."""
    stripped = text.strip()
    lead = text.find(stripped)
    n = len(stripped)
    scope = _SCOPE.search(stripped)
    if scope:
        return [("scope", None, lead, lead + n)]
    over = _OVER.match(stripped) or _RATHER.match(stripped)
    if over:
        target_start = lead + over.start("target")
        target = _target(over.group("target"))
        return [
            ("wants", None, lead, lead + over.end("want")),
            ("refusal", target, target_start, lead + n),
        ]
    inner = _INNER_REFUSAL.search(stripped)
    if inner and not _REFUSAL.match(stripped):
        rest = stripped[inner.end() :]
        out = classify(stripped[: inner.start()])
        return [(k, t, lead + s, lead + e) for k, t, s, e in out] + [
            (k, t, lead + inner.end() + s, lead + inner.end() + e) for k, t, s, e in classify(rest)
        ]
    refusal = _REFUSAL.match(stripped)
    if refusal:
        return [("refusal", _target(refusal.group("target")), lead, lead + n)]
    if _THERAPIST.search(stripped):
        return [("therapist", None, lead, lead + n)]
    if _SCHEDULING.search(stripped):
        return [("scheduling", None, lead, lead + n)]
    return [("wants", None, lead, lead + n)]


def preferences(intake_preferences: list[str], notes: str, facts: CaseFacts) -> None:
    """Add a preference fact for each clause of each ``preferences`` item."""
    for i, item in enumerate(intake_preferences):
        _read(f"preferences[{i}]", item, facts)
    for m in re.finditer(r"[^.;]+", notes or ""):
        clause_text = m.group(0)
        if (
            _REFUSAL.match(clause_text.strip())
            and re.search(
                r"\b(?:weigh-ins?|group|exposure|medication|AA|NA|therapist)\b", clause_text, re.I
            )
            or _THERAPIST.search(clause_text)
            and re.search(r"\bprefers?|wants?|asks?\b", clause_text)
        ):
            _read("notes", notes, facts, m.start(), m.end())


def _read(path: str, text: str, facts: CaseFacts, lo: int = 0, hi: int | None = None) -> None:
    hi = len(text) if hi is None else hi
    for c in _CLAUSE.finditer(text, lo, hi):
        parts = [(c.start(), c.end())]
        but = _BUT.search(text, c.start(), c.end())
        if but:
            parts = [(c.start(), but.start()), (but.end(), c.end())]
        for s, e in parts:
            for kind, target, ks, ke in classify(text[s:e]):
                ev = evidence(path, text, s + ks, s + ke)
                n = len(facts.preferences)
                facts.preferences.append(
                    PreferenceFact(
                        id=f"preference:{n}",
                        source="text",
                        kind=kind,
                        text=ev.quote or "",
                        target=target,
                        evidence=[ev],
                    )
                )
