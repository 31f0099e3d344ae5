"""Caregivers of a minor: who consents, who attends and what is kept private.

Read from ``context.caregivers`` when the form holds it, else (for a client under 18) from
the notes and preferences, each detail from the clause that says it.
"""

from __future__ import annotations

import re

from assistant.facts.model import CaregiverFact, CaseFacts, Evidence
from assistant.facts.quotes import evidence
from assistant.intake import Intake

_CLAUSE = re.compile(r"[^.;]+")
_CAREGIVER = re.compile(r"\b(?:caregiver|custody|guardian|consent(?:s|ed)?)\b", re.I)
_WHO = re.compile(
    r"\b(mother|father|mum|mom|dad|parents?|grandmother|grandfather|aunt|uncle|"
    r"guardian|foster carer|stepmother|stepfather)\b",
    re.I,
)
_CONSENT = re.compile(r"\b(?:consent(?:s|ed)?|custody|legal guardian)\b", re.I)
_ATTENDS = re.compile(r"\b(?:attends?|attend|joins?|join|in (?:every|each|some) sessions?)\b", re.I)
_PRIVATE = re.compile(r"\b(?:private|confidential|alone|stays? between|shared|share)\b", re.I)
_NOT = re.compile(r"\b(?:not|no|never|does not want)\b", re.I)


def _clauses(path: str, text: str) -> list[tuple[str, str, int, int]]:
    return [(path, text, m.start(), m.end()) for m in _CLAUSE.finditer(text or "")]


def _fill(fact: CaregiverFact, clauses: list[tuple[str, str, int, int]]) -> None:
    for path, text, start, end in clauses:
        words = text[start:end]
        who = _WHO.search(words)
        used = False
        if fact.consent_by is None and who and _CONSENT.search(words):
            fact.consent_by, used = who.group(1).lower(), True
        if fact.attends is None and who and _ATTENDS.search(words) and not _NOT.search(words):
            fact.attends, used = who.group(1).lower(), True
        if fact.confidentiality is None and _PRIVATE.search(words):
            ev = evidence(path, text, start, end)
            fact.confidentiality, used = ev.quote, True
        if used and fact.source == "text":
            ev = evidence(path, text, start, end)
            if ev not in fact.evidence:
                fact.evidence.append(ev)


def caregivers(intake: Intake, facts: CaseFacts) -> None:
    """Add the caregiver fact of a minor (or the one the form records)."""
    ctx = intake.context
    if ctx is not None and ctx.caregivers:
        fact = CaregiverFact(
            id="caregiver", text=ctx.caregivers, evidence=[Evidence(path="context.caregivers")]
        )
        _fill(fact, _clauses("context.caregivers", ctx.caregivers))
        facts.caregivers.append(fact)
        return
    if intake.age_on() >= 18:
        return
    clauses = _clauses("notes", intake.notes)
    notes = [c for c in clauses if _CAREGIVER.search(c[1][c[2] : c[3]])]
    if not notes:
        return
    path, text, start, _ = notes[0]
    sentence_end = text.find(". ", start)
    first = evidence(path, text, start, len(text) if sentence_end < 0 else sentence_end)
    fact = CaregiverFact(id="caregiver", source="text", text=first.quote or "", evidence=[first])
    prefs = [c for i, p in enumerate(intake.preferences) for c in _clauses(f"preferences[{i}]", p)]
    _fill(fact, clauses + [c for c in prefs if _WHO.search(c[1]) or _PRIVATE.search(c[1])])
    if fact.consent_by is None:
        who = _WHO.search(fact.text)
        fact.consent_by = who.group(1).lower() if who else None
    facts.caregivers.append(fact)
