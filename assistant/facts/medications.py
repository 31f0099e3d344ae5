"""Medicines from the ``medications`` field and treatment history: name, dose, prescriber.

Names the clinical NLP pipeline knows are read with its judgement of negation and history
("Sertraline stopped in 2020" is not a current medicine); other items of the medications
list ("a statin", "Prenatal vitamins only") are read from the list's own shape.
"""

from __future__ import annotations

import re

from assistant.facts import nlp
from assistant.facts.model import CaseFacts, Evidence, MedicationFact
from assistant.facts.quotes import evidence

_DOSE = re.compile(r"\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?\s?(?:mg|mcg|µg|g|ml)\b", re.I)
_PRESCRIBER = re.compile(
    r"(?:prescribed by|started [\w\s]*?by|prescriber(?: is)? at|prescriber:?)\s+"
    r"(?:the |her |his |their |a )?([A-Za-z][\w\s'-]*?)(?=[,.;)]|$)"
    r"|\((GP|psychiatry|psychiatrist|primary care|PCP)\)"
    r"|\bby (GP|psychiatry|psychiatrist|primary care|the programme psychiatrist)\b",
    re.I,
)
_NONE = re.compile(r"^\s*(none|nil|no medications?)\b", re.I)


def medication_mention(facts: CaseFacts, path: str, text: str, m: nlp.Mention) -> None:
    """A current medicine the drug list names, with dose and prescriber when written."""
    sentence_end = m.sent_start + len(m.sentence)
    if path == "medications" and _NONE.match(text):
        return
    name = m.text.lower()
    after = text[m.end : sentence_end]
    nxt = re.search(r"[,;]", after)
    dose = _DOSE.search(after[: nxt.start()] if nxt and path == "medications" else after)
    ev = evidence(path, text, m.start, m.end + dose.end() if dose else m.end)
    prescriber = _prescriber(m.sentence)
    existing = next((f for f in facts.medications if f.name == name), None)
    if existing is None:
        facts.medications.append(_medicine(name, dose, prescriber, ev))
        return
    existing.dose = existing.dose or (dose.group(0) if dose else None)
    existing.prescriber = existing.prescriber or prescriber
    existing.evidence.append(ev)


def _prescriber(sentence: str) -> str | None:
    """Who prescribes the medicine the sentence names, when it says."""
    pres = _PRESCRIBER.search(sentence)
    found = next((g for g in pres.groups() if g), None) if pres else None
    return found.strip() if found else None


def _medicine(
    name: str, dose: re.Match[str] | None, prescriber: str | None, ev: Evidence
) -> MedicationFact:
    return MedicationFact(
        id=f"medication:{name}",
        source="text",
        name=name,
        dose=dose.group(0) if dose else None,
        prescriber=prescriber,
        evidence=[ev],
    )


_SEGMENT = re.compile(r"(?:[^;,.]|\.(?=\S))+")
_AND = re.compile(r"\s+and\s+")
_NOT_A_MED = re.compile(
    r"^(?:none|no|nil|not|nothing|considering|considered|consider|may|might|could|possible|"
    r"plans?|planned|awaiting|stopped|previously|past|off|was|had|will|would|rarely|"
    r"prescribed|follow-up|followed|see|also)\b",
    re.I,
)
_MED_NAME = re.compile(
    r"^(?:(?P<article>a|an)\s+)?(?P<name>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2}?)"
    r"(?=\s+\d|\s+(?:only|daily|nightly|tablets?|once|twice|at night|as needed|from|by)\b|\s*$)"
)


def other_medications(text: str, found: list[nlp.Mention], facts: CaseFacts) -> None:
    """Medicines in the ``medications`` field that the drug list does not name ("a statin",
    "Prenatal vitamins only"); negated, planned or stopped ones are left out."""
    if not text.strip():
        return
    for seg in _SEGMENT.finditer(text):
        pos = seg.start()
        for part in _AND.split(seg.group(0)):
            start = text.index(part, pos)
            pos = start + len(part)
            stripped = part.strip()
            start += len(part) - len(part.lstrip())
            if not stripped or _NOT_A_MED.match(stripped):
                continue
            if any(m.start < start + len(stripped) and m.end > start for m in found):
                continue
            m = _MED_NAME.match(stripped)
            if m is None:
                continue
            if not (m.group("article") or stripped[0].isupper() or _DOSE.search(stripped)):
                continue
            name = m.group("name").lower()
            if any(f.name == name for f in facts.medications):
                continue
            dose = _DOSE.search(stripped)
            s0 = start + (m.start("name"))
            ev = evidence("medications", text, s0, start + len(stripped))
            facts.medications.append(_medicine(name, dose, _prescriber(_sentence(text, start)), ev))


def _sentence(text: str, at: int) -> str:
    left = max(text.rfind(". ", 0, at), text.rfind("; ", 0, at))
    right = min(
        (i for i in (text.find(". ", at), text.find("; ", at)) if i >= 0), default=len(text)
    )
    return text[left + 1 : right]
