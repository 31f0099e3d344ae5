"""Facts read from the intake's free text, each quoting the words it came from.

The clinical NLP pipeline (:mod:`assistant.facts.nlp`) finds concept mentions and tells
affirmed, current mentions from negated, historical, hypothetical and family ones. The
readers here turn current mentions into facts; negated mentions of a symptom become
ruled-out facts. A fact the structured fields already hold is never added again: structured
fields win.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.facts import nlp
from assistant.facts.caregivers import caregivers
from assistant.facts.circumstances import about_someone_else
from assistant.facts.medications import medication_mention, other_medications
from assistant.facts.model import (
    CaseFacts,
    Evidence,
    RiskToOthersFact,
    RuledOutFact,
    SafetyStepFact,
    SubstanceFact,
    Withdrawal,
)
from assistant.facts.quotes import clause
from assistant.intake import Intake

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")

# ICD-10-CM substance-use blocks and the name used in facts.
_SUD = {
    "F10": "alcohol",
    "F11": "opioids",
    "F12": "cannabis",
    "F13": "sedatives",
    "F14": "cocaine",
    "F15": "stimulants",
    "F16": "hallucinogens",
}
_USE_WORDS = {
    "alcohol": ("drink", "alcohol", "beer", "wine"),
    "opioids": ("opioid", "fentanyl", "heroin", "oxycodone"),
    "cannabis": ("cannabis", "joint", "thc", "weed"),
    "cocaine": ("cocaine", "crack"),
    "stimulants": ("stimulant", "methamphetamine", "amphetamine"),
}
_RULED_CONCEPT = {
    "self-induced vomiting": "vomiting",
    "laxatives": "laxative use",
    "laxative": "laxative use",
    "diuretics": "diuretic use",
    "diuretic": "diuretic use",
    "access to firearms": "firearm access",
    "firearms": "firearm access",
    "firearm": "firearm access",
    "past attempts": "suicide attempts",
    "psychotic symptoms": "psychotic features",
}
_STEP_KIND = {
    "SAFETY_PLAN": "safety_plan",
    "MEANS": "means_restriction",
    "NALOXONE": "naloxone",
    "CRISIS": "crisis_contacts",
}
_STEP_DONE = re.compile(
    r"\b(written|wrote|completed|complete|done|in place|made|developed|agreed|given|has|have|"
    r"carries|kept|locked|reduced|removed|stored)\b",
    re.I,
)


def free_text(intake: Intake) -> dict[str, str]:
    """Every free-text field the readers look at, keyed by its intake path."""
    texts = {
        "notes": intake.notes,
        "risk.notes": intake.risk.notes,
        "treatment_history": intake.treatment_history,
        "medications": intake.medications,
    }
    for i, p in enumerate(intake.presenting_problems):
        texts[f"presenting_problems[{i}].summary"] = p.summary
        for j, s in enumerate(p.symptoms):
            texts[f"presenting_problems[{i}].symptoms[{j}]"] = s
        texts[f"presenting_problems[{i}].client_words"] = p.client_words or ""
    return {k: v for k, v in texts.items() if v and v.strip()}


def substances_from_diagnoses(intake: Intake, facts: CaseFacts) -> None:
    """One substance fact for each substance-use diagnosis the context does not cover."""
    for i, d in enumerate(intake.diagnoses):
        name = _SUD.get(d.code[:3])
        if name is None or facts.substance(name) is not None:
            continue
        fact = SubstanceFact(
            id=f"substance:{name}", substance=name, evidence=[Evidence(path=f"diagnoses[{i}]")]
        )
        for j, b in enumerate(facts.baselines):
            words = _USE_WORDS.get(name, ())
            if b.current and b.high > 0 and any(w in b.measure.lower() for w in words):
                fact.status = "current_use"
                fact.evidence.append(
                    Evidence(path=b.evidence[0].path if b.evidence else f"baselines[{j}]")
                )
                break
        facts.substances.append(fact)


def add_text_facts(intake: Intake, facts: CaseFacts) -> None:
    """Read the free text of ``intake`` into ``facts`` (structured facts already there win)."""
    texts = free_text(intake)
    found = nlp.read(texts, year=intake.intake_date.year)
    structured_steps: set[str] = {s.kind for s in facts.safety_steps if s.kind != "other"}
    structured_risks = {r.kind for r in facts.risk_to_others if r.kind != "other"}
    for path, mentions in found.items():
        text = texts[path]
        for m in mentions:
            if m.label == "WITHDRAWAL_SIGN":
                _withdrawal(facts, path, text, m)
            elif (
                m.label == "ABSTINENT"
                and path != "treatment_history"  # past treatment, not the present state
                and (m.current or _self_negating(m))
            ):
                _abstinent(facts, path, text, m)
            elif m.label in ("IMPAIRED_DRIVING", "VIOLENCE") and m.current:
                kind = "impaired_driving" if m.label == "IMPAIRED_DRIVING" else "violence"
                if kind in structured_risks or any(r.kind == kind for r in facts.risk_to_others):
                    continue
                ev = clause(path, text, m.start, m.end)
                facts.risk_to_others.append(
                    RiskToOthersFact(
                        id=f"risk_to_others:{kind}",
                        source="text",
                        kind=kind,
                        text=ev.quote or m.text,
                        evidence=[ev],
                    )
                )
            elif m.label in _STEP_KIND:
                _safety_step(facts, structured_steps, path, text, m)
            elif m.label == "RULED" and m.negated and not m.family:
                _ruled_out(facts, path, text, m)
            elif (
                m.label == "MEDICATION"
                and m.current
                and path
                in (
                    "medications",
                    "treatment_history",
                )
            ):
                medication_mention(facts, path, text, m)
            elif (
                m.label == "PERINATAL"
                and m.current
                and facts.population is not None
                and not facts.population.perinatal
            ):
                facts.population.perinatal = True
                facts.population.evidence.append(clause(path, text, m.start, m.end))
    other_medications(intake.medications, found.get("medications", []), facts)
    _alcohol_from_text(intake, facts)
    caregivers(intake, facts)


def _self_negating(m: nlp.Mention) -> bool:
    """'has not had a drink since ...' carries its own negation: ConText's reading of the
    'not' inside it is not a denial of abstinence."""
    own = re.search(r"\b(?:not|no|stopped|quit)\b", m.text, re.I) is not None
    return own and not (m.historical or m.hypothetical or m.family)


def _ruled_out(facts: CaseFacts, path: str, text: str, m: nlp.Mention) -> None:
    concept = _RULED_CONCEPT.get(m.text.lower(), m.text.lower())
    if concept == "seizures":
        concept = "withdrawal seizures"
    if not facts.is_ruled_out(concept):
        facts.ruled_out.append(
            RuledOutFact(
                id=f"ruled_out:{concept}",
                source="text",
                concept=concept,
                evidence=[clause(path, text, m.start, m.end)],
            )
        )


def _target_substance(facts: CaseFacts) -> SubstanceFact | None:
    return facts.substance("alcohol") or (facts.substances[0] if facts.substances else None)


def _withdrawal(facts: CaseFacts, path: str, text: str, m: nlp.Mention) -> None:
    if m.negated and not m.family and m.text.lower() != "withdrawal":
        _ruled_out(facts, path, text, m)  # "no withdrawal seizures"
    sub = _target_substance(facts)
    if sub is None or m.hypothetical or m.family:
        return
    if sub.source == "structured" and sub.withdrawal != "unknown" and _from_context(sub):
        return
    if m.negated:
        if sub.withdrawal == "unknown" and m.text.lower() == "withdrawal":
            sub.withdrawal = "none"
            sub.evidence.append(clause(path, text, m.start, m.end))
        return
    level: Withdrawal = "history" if m.historical else "current_signs"
    if sub.withdrawal in ("unknown", "none") or (
        level == "current_signs" and sub.withdrawal == "history"
    ):
        sub.withdrawal = level
        sub.evidence.append(clause(path, text, m.start, m.end))


def _from_context(sub: SubstanceFact) -> bool:
    return any(e.path.startswith("context.") for e in sub.evidence)


def _abstinent(facts: CaseFacts, path: str, text: str, m: nlp.Mention) -> None:
    sub = _target_substance(facts)
    if sub is None or _from_context(sub):
        return
    ev = clause(path, text, m.start, m.end)
    sub.status = "abstinent"
    date = _DATE.search(ev.quote or "")
    if date:
        sub.since = dt.date.fromisoformat(date.group(1))
    sub.evidence.append(ev)


def _safety_step(
    facts: CaseFacts, structured: set[str], path: str, text: str, m: nlp.Mention
) -> None:
    kind = _STEP_KIND[m.label]
    if m.negated or m.hypothetical or m.historical or kind in structured:
        return
    ev = clause(path, text, m.start, m.end)
    if kind == "safety_plan" and not _STEP_DONE.search(ev.quote or ""):
        return
    if any(s.kind == kind for s in facts.safety_steps):
        return
    facts.safety_steps.append(
        SafetyStepFact(
            id=f"safety_step:{kind}",
            source="text",
            kind=kind,
            text=ev.quote or m.text,
            evidence=[ev],
        )
    )


_DRINKS = re.compile(
    r"\b(?:drinks|drinking)\s+(?:about\s+)?(?:\d+(?:-\d+)?|a|one|two|three|four|five|six)\s+"
    r"(?:beers?|glass(?:es)? of wine|bottles? of wine|pints?|cans|drinks|shots)\b"
    r"|\bdrinks (?:heavily|daily|every (?:day|night|evening)|most (?:nights|evenings|days))\b",
    re.I,
)
_NEGATION = re.compile(r"\b(?:no|not|never|denies|stopped|quit|no longer)\b", re.I)


def _alcohol_from_text(intake: Intake, facts: CaseFacts) -> None:
    """Current drinking named in a presenting problem when no alcohol diagnosis covers it."""
    if facts.substance("alcohol") is not None:
        return
    for i, p in enumerate(intake.presenting_problems):
        m = _DRINKS.search(p.summary)
        if m is None:
            continue
        ev = clause(f"presenting_problems[{i}].summary", p.summary, m.start(), m.end())
        before = p.summary[ev.start or 0 : m.start()]
        if _NEGATION.search(before) or about_someone_else(p.summary, m.start()):
            continue
        facts.substances.append(
            SubstanceFact(
                id="substance:alcohol",
                source="text",
                substance="alcohol",
                status="current_use",
                evidence=[ev],
            )
        )
        return
