"""The person's circumstances read from text: mandate, occupation, programme hours,
perinatal status. Each fact quotes the words it came from; structured fields win.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.facts.model import CaseFacts, Evidence, LegalFact, OccupationFact
from assistant.facts.quotes import clause, evidence
from assistant.intake import Intake
from assistant.text import number_value

_N = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven)"
_DAYS = re.compile(
    _N + r"\s+(?:days|mornings|afternoons|evenings|sessions)\s+(?:a|per|each)\s+week", re.I
)
_HOURS = re.compile(_N + r"\s+hours\s+(?:(?:a|per|each)\s+(?:day|session)|each)\b", re.I)

_MANDATE = re.compile(
    r"\b(drug court|court-mandated|court mandated|mandated|court|probation|parole|judge)\b",
    re.I,
)
_DEADLINE = re.compile(r"\bby\s+(\d{4}-\d{2}-\d{2})\b")
_REQUIRES = re.compile(
    r"\b(?:requires|required|ordered|court order)\s*:?\s+(.+?)(?=[.;]\s|[.;]?$)", re.I
)
_NOT_A_REQUIREMENT = re.compile(r"^(?:and|nothing|no more|what|that|him|her|them)\b", re.I)
_RELEASE_PAREN = re.compile(r"\brelease\b[^.;(]*\(([^)]+)\)", re.I)
_RELEASE_ALLOWS = re.compile(
    r"\brelease\b[^.;]*?\ballow(?:s|ing)\s+([^.;(]+?)"
    r"(?:\s+to (?:go|be sent|be shared|be released) to\b[^.;(]*)?(?=[.;(]|$)",
    re.I,
)
_RELEASE_MAY = re.compile(
    r"\b(?:agreed|consented|consents|agrees) (?:that )?([\w ,]+?) may be "
    r"(?:reported|shared|released|disclosed|sent)\b",
    re.I,
)
_PAST_YEAR = re.compile(r"\b(?:in|during)\s+((?:19|20)\d\d)\b")

_PERINATAL_CODES = ("F53", "O99.3", "O90.6")
_BIRTH = re.compile(
    r"\b(?:baby|son|daughter)\s+born\b|\bafter (?:her|the|his|their) (?:\w+'s )?birth\b"
    r"|\bbreastfeeding\b|\bweeks pregnant\b",
    re.I,
)

# (status, pattern) in priority order: the first that matches wins.
_OCCUPATION: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "retired",
        re.compile(r"\bretired(?: (?!in\b|last\b|at\b|from\b)[a-z-]+)?\b|\bretirement\b", re.I),
    ),
    (
        "unemployed",
        re.compile(
            r"\b(?:unemployed|made redundant|lost (?:his|her|their|a|the) (?:[\w-]+ )?job|"
            r"out of work)\b",
            re.I,
        ),
    ),
    (
        "student",
        re.compile(
            r"\b(?:[\w-]+ )?(?:university|college|school) student\b|\buniversity modules?\b"
            r"|\bstudent\b|\blectures\b",
            re.I,
        ),
    ),
    (
        "employed",
        re.compile(
            r"\bworks (?:as|at|in|rotating|remotely|from home)(?: [\w-]+){0,5}|\bstable employment\b"
            r"|\b(?:she|he|they|who) works(?: [\w-]+){0,4}|\b(?:for|at|to|from) work\b"
            r"|\b(?:sales|new|steady|full-time|part-time|office|warehouse) job\b|\bpromotion\b"
            r"|\bteam meetings?\b|\bstaff canteen\b|\bcolleagues\b"
            r"|\breduced (?:her|his|their) (?:working )?hours\b"
            r"|\b(?:at|to) work\b|\bwork days\b|\b[\w-]+ shifts?\b|\bjob history\b"
            r"|\b(?:accountant|nurse|teacher|paramedic|engineer|mechanic|electrician|tester|"
            r"cashier|manager|clerk)\b",
            re.I,
        ),
    ),
)


_SOMEONE_ELSE = re.compile(
    r"\b(?:husband|wife|partner|boyfriend|girlfriend|father|mother|dad|mum|mom|brother|"
    r"sister|son|daughter|friend|parents?|flatmate|housemate|colleague)(?:'s)?\b",
    re.I,
)


def about_someone_else(text: str, at: int) -> bool:
    """True when the clause before ``at`` names another person first ("her husband is at
    work", "his father retired"), so what follows is not about the client."""
    start = max(text.rfind(";", 0, at), text.rfind(". ", 0, at)) + 1
    return _SOMEONE_ELSE.search(text, start, at) is not None


def level_of_care_hours(intake: Intake, facts: CaseFacts) -> None:
    """Days a week and hours a day of a programme, when the notes say so."""
    loc = facts.level_of_care
    for path, text in (("notes", intake.notes), *_preferences(intake)):
        days = _DAYS.search(text or "")
        if not days or loc.days_per_week is not None:
            continue
        hours = _HOURS.search(text, days.end(), days.end() + 40)
        end = hours.end() if hours else days.end()
        loc.days_per_week = int(number_value(days.group(1)))
        if hours:
            loc.hours_per_day = number_value(hours.group(1))
        loc.evidence.append(evidence(path, text, days.start(), end))


def _preferences(intake: Intake) -> list[tuple[str, str]]:
    return [(f"preferences[{i}]", p) for i, p in enumerate(intake.preferences)]


def _legal_texts(intake: Intake) -> list[tuple[str, str]]:
    out = [("notes", intake.notes), *_preferences(intake)]
    out += [
        (f"presenting_problems[{i}].summary", p.summary)
        for i, p in enumerate(intake.presenting_problems)
    ]
    return [(p, t) for p, t in out if t]


def legal_from_text(intake: Intake, facts: CaseFacts) -> None:
    """A mandate, its deadline, requirements and release scope from the notes."""
    year = intake.intake_date.year
    for path, text in _legal_texts(intake):
        for m in _MANDATE.finditer(text):
            ev = clause(path, text, m.start(), m.end())
            quote = ev.quote or ""
            past = _PAST_YEAR.search(quote)
            if past and int(past.group(1)) < year:
                continue
            legal = facts.legal
            if legal is None:
                legal = facts.legal = LegalFact(id="legal", source="text")
            if ev not in legal.evidence:
                legal.evidence.append(ev)
            structured = any(e.path.startswith("context.") for e in legal.evidence)
            if not structured:
                legal.mandated = True
                if legal.referred_by is None:
                    legal.referred_by = _referrer(quote)
            deadline = _DEADLINE.search(quote)
            if deadline and legal.deadline is None:
                legal.deadline = dt.date.fromisoformat(deadline.group(1))
            for req in _REQUIRES.finditer(quote):
                for part in re.split(r"\s+and\s+", req.group(1)):
                    part = part.strip(" .")
                    if _NOT_A_REQUIREMENT.match(part):
                        continue
                    if part and part not in legal.requirements:
                        legal.requirements.append(part)
        release = (
            _RELEASE_PAREN.search(text) or _RELEASE_ALLOWS.search(text) or _RELEASE_MAY.search(text)
        )
        if release and facts.legal is not None and facts.legal.release_scope is None:
            ev = evidence(path, text, *release.span(1))
            facts.legal.release_scope = ev.quote
            facts.legal.evidence.append(ev)


def _referrer(quote: str) -> str:
    """The first referrer the words name ("Court order: ... the probation officer" is the
    court's order)."""
    low = quote.lower()
    found = [(low.find(n), -len(n), n) for n in ("drug court", "probation", "parole", "court")]
    first = min((f for f in found if f[0] >= 0), default=None)
    return first[2] if first else "court"


def occupation_from_text(intake: Intake, facts: CaseFacts) -> None:
    """Retired, unemployed, student or working, from what the intake says in passing."""
    if facts.occupation is not None:
        return
    texts: list[tuple[str, str]] = []
    for i, p in enumerate(intake.presenting_problems):
        texts.append((f"presenting_problems[{i}].summary", p.summary))
        texts += [
            (f"presenting_problems[{i}].functional_impact[{j}]", t)
            for j, t in enumerate(p.functional_impact)
        ]
    texts += [(f"strengths[{i}]", s) for i, s in enumerate(intake.strengths)]
    texts += [("notes", intake.notes), *_preferences(intake)]
    for status, pattern in _OCCUPATION:
        for path, text in texts:
            m = next(
                (
                    x
                    for x in pattern.finditer(text or "")
                    if not about_someone_else(text, x.start())
                ),
                None,
            )
            if m:
                ev = evidence(path, text, m.start(), m.end())
                facts.occupation = OccupationFact(
                    id="occupation",
                    source="text",
                    status=status,
                    text=ev.quote or "",
                    evidence=[ev],
                )
                return


def perinatal_from_diagnoses(intake: Intake, facts: CaseFacts) -> None:
    pop = facts.population
    if pop is None:
        return
    for i, d in enumerate(intake.diagnoses):
        if d.code.startswith(_PERINATAL_CODES):
            pop.perinatal = True
            pop.evidence.append(Evidence(path=f"diagnoses[{i}]"))
            return
    for i, p in enumerate(intake.presenting_problems):
        m = _BIRTH.search(p.summary)
        if m:
            pop.perinatal = True
            pop.evidence.append(
                evidence(f"presenting_problems[{i}].summary", p.summary, m.start(), m.end())
            )
            return
