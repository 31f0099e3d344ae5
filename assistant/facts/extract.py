"""Read an intake into :class:`CaseFacts`.

Structured fields are read here. Free text (notes, risk notes, history, medications,
preferences) is read by :mod:`assistant.facts.text` for what the structured fields leave
unsaid; a structured field always wins over a fact read from text.
"""

from __future__ import annotations

import re

from assistant import instruments
from assistant.facts.circumstances import (
    legal_from_text,
    level_of_care_hours,
    occupation_from_text,
    perinatal_from_diagnoses,
)
from assistant.facts.model import (
    BaselineFact,
    CaseFacts,
    ClientGoalFact,
    Evidence,
    LegalFact,
    LevelOfCareFact,
    MeasureFact,
    OccupationFact,
    PopulationFact,
    RiskToOthersFact,
    SafetyStepFact,
    SubstanceFact,
)
from assistant.facts.preferences import preferences
from assistant.facts.text import add_text_facts, substances_from_diagnoses
from assistant.intake import Intake

_WINDOW = re.compile(r"\b(per|a|each|every|in the|over the|during the|past|last)\b", re.I)
_EARLIER = re.compile(
    r"\b(?:before|prior to|until|preceding|leading up to)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
    r"(?:detox\w*|admission|treatment|jail|arrest|release|hospital\w*|discharge|program\w*|"
    r"rehab\w*|surgery|birth|pregnancy|quitting|stopping|abstinence|sobriety)\b",
    re.I,
)


def extract(intake: Intake) -> CaseFacts:
    """The case facts of ``intake`` (deterministic, offline)."""
    facts = CaseFacts(
        measures=_measures(intake),
        baselines=_baselines(intake),
        level_of_care=_level_of_care(intake),
        population=_population(intake),
        client_goals=[
            ClientGoalFact(
                id=f"client_goal:{i}", text=g, evidence=[Evidence(path=f"client_goals[{i}]")]
            )
            for i, g in enumerate(intake.client_goals)
        ],
    )
    ctx = getattr(intake, "context", None)
    if ctx is not None:
        _from_context(ctx, facts)
    substances_from_diagnoses(intake, facts)
    perinatal_from_diagnoses(intake, facts)
    level_of_care_hours(intake, facts)
    legal_from_text(intake, facts)
    occupation_from_text(intake, facts)
    preferences(intake.preferences, intake.notes, facts)
    add_text_facts(intake, facts)
    _goal_baselines(facts)
    return facts


_STOP = {
    "the",
    "a",
    "an",
    "to",
    "of",
    "on",
    "in",
    "at",
    "my",
    "and",
    "or",
    "for",
    "with",
    "without",
    "again",
    "get",
    "back",
    "go",
    "be",
    "per",
    "time",
    "times",
}


_SAME = {"asleep": "sleep", "drunk": "drink", "drank": "drink", "drinks": "drink"}
# Words too general to tie a goal to a measure ("late fees" is not "late arrivals").
_GENERIC = {
    "night",
    "late",
    "team",
    "work",
    "every",
    "stop",
    "never",
    "normal",
    "again",
    "person",
    "people",
    "month",
    "weeks",
    "times",
    "more",
    "less",
    "often",
}


def goal_words(text: str) -> set[str]:
    """Content-word stems; a word right after 'without' or 'no' is what the goal is free of,
    not what it measures ('sleep without alcohol')."""
    words = re.findall(r"[a-z]+", text.lower())
    out = set()
    for i, w in enumerate(words):
        w = _SAME.get(w, w)
        if w in _STOP or w in _GENERIC or len(w) <= 3:
            continue
        if i and words[i - 1] in ("without", "no"):
            continue
        out.add(w[:5])
    return out


def _goal_baselines(facts: CaseFacts) -> None:
    """Link a client goal to the current behavioural baseline sharing most of its words."""
    for goal in facts.client_goals:
        words = goal_words(goal.text)
        best = max(
            (b for b in facts.baselines if b.current),
            key=lambda b: len(words & goal_words(b.measure)),
            default=None,
        )
        if best is not None and words & goal_words(best.measure):
            goal.baseline = f"{best.measure}: {best.value} {best.unit}".strip()


def _measures(intake: Intake) -> list[MeasureFact]:
    out = []
    for i, a in enumerate(intake.assessments):
        inst = instruments.get(a.instrument)
        out.append(
            MeasureFact(
                id=f"measure:{inst.id if inst else a.instrument}:{i}",
                evidence=[Evidence(path=f"assessments[{i}]")],
                instrument=inst.id if inst else a.instrument,
                name_as_written=a.instrument,
                score=float(a.score),
                date=a.date,
                validated=inst is not None and not inst.categorical,
                range_text=inst.range_text if inst else None,
                severity=inst.band(a.score) if inst else None,
            )
        )
    return out


def _baselines(intake: Intake) -> list[BaselineFact]:
    out = []
    for i, b in enumerate(intake.baselines):
        low, high = b.bounds()
        unit = b.unit or ""
        out.append(
            BaselineFact(
                id=f"baseline:{i}",
                evidence=[Evidence(path=f"baselines[{i}]")],
                measure=b.measure,
                value=str(b.value),
                low=low,
                high=high,
                unit=unit,
                window=unit if _WINDOW.search(unit) else None,
                current=not (_EARLIER.search(f"{b.measure} {unit}") or _before(unit)),
                measured_by=b.source or "",
            )
        )
    return out


def _before(unit: str) -> bool:
    """A unit such as 'in the 30 days before ...' dates the figure to an earlier period."""
    return bool(re.search(r"\b(?:before|prior to|preceding)\b", unit, re.I))


def _level_of_care(intake: Intake) -> LevelOfCareFact:
    if intake.setting is None:
        return LevelOfCareFact(id="level_of_care")
    return LevelOfCareFact(
        id="level_of_care", setting=intake.setting, evidence=[Evidence(path="setting")]
    )


def _population(intake: Intake) -> PopulationFact:
    age = intake.age_on()
    band = (
        "child"
        if age < 13
        else "adolescent"
        if age < 18
        else "older_adult"
        if age >= 65
        else "adult"
    )
    return PopulationFact(
        id="population",
        age=age,
        age_band=band,
        evidence=[Evidence(path="client.date_of_birth")],
    )


_OCCUPATION = (
    ("retired", "retired"),
    ("student", "student"),
    ("unemployed", "unemployed"),
    ("on leave", "on_leave"),
    ("homemaker", "homemaker"),
)


def _from_context(ctx: object, facts: CaseFacts) -> None:
    occupation = getattr(ctx, "occupation", None)
    if occupation:
        status = "employed"
        low = occupation.lower()
        for word, name in _OCCUPATION:
            if low.startswith(word) or f" {word}" in f" {low}".split("(")[0]:
                status = name
                break
        facts.occupation = OccupationFact(
            id="occupation",
            status=status,
            text=occupation,
            evidence=[Evidence(path="context.occupation")],
        )
    legal = getattr(ctx, "legal", None)
    if legal is not None:
        facts.legal = LegalFact(
            id="legal",
            mandated=bool(legal.mandated),
            referred_by=legal.referred_by,
            deadline=legal.deadline,
            release_scope=legal.release_scope,
            evidence=[Evidence(path="context.legal")],
        )
    for i, s in enumerate(getattr(ctx, "substance_status", None) or []):
        facts.substances.append(
            SubstanceFact(
                id=f"substance:{s.substance.lower()}",
                substance=s.substance.lower(),
                status=s.status or "unknown",
                since=s.since,
                withdrawal=s.withdrawal or "unknown",
                evidence=[Evidence(path=f"context.substance_status[{i}]")],
            )
        )
    for i, text in enumerate(getattr(ctx, "safety_steps_taken", None) or []):
        low = text.lower()
        kind = (
            "safety_plan"
            if "safety plan" in low
            else "naloxone"
            if "naloxone" in low
            else "means_restriction"
            if any(
                w in low
                for w in ("firearm", "gun", "rifle", "medication", "lock", "removed", "sharps")
            )
            or re.search(r"\b(?:moved|stored|kept) (?:to|with|at|away)\b", low)
            else "other"
        )
        facts.safety_steps.append(
            SafetyStepFact(
                id=f"safety_step:{i}",
                kind=kind,
                text=text,
                evidence=[Evidence(path=f"context.safety_steps_taken[{i}]")],
            )
        )
    for i, text in enumerate(getattr(ctx, "risk_to_others", None) or []):
        low = text.lower()
        kind = (
            "impaired_driving"
            if "driv" in low
            else "violence"
            if re.search(
                r"\b(?:hit|hits|assaulted (?:his|her|their|a)|violen\w*|fight\w*|push\w*|"
                r"shov\w*|slap\w*|punch\w*|kick\w*|chok\w*|strangl\w*)\b",
                low,
            )
            else "threats"
            if "threat" in low
            else "other"
        )
        facts.risk_to_others.append(
            RiskToOthersFact(
                id=f"risk_to_others:{i}",
                kind=kind,
                text=text,
                evidence=[Evidence(path=f"context.risk_to_others[{i}]")],
            )
        )
