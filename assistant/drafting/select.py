"""Choosing what to draft from: which knowledge records fit which problems, and which
interventions the client's preferences allow.

Everything here is deterministic: diagnosis codes choose the candidate records, the
client's age and words break ties between records that share a code, and retrieval
scores (when a retriever is given) break what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.intake import Intake, PresentingProblem
from assistant.knowledge import InterventionOption, KnowledgeBase, Presentation
from assistant.text import suffix_stem

_WORD = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "not",
        "no",
        "but",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "him",
        "i",
        "me",
        "my",
        "we",
        "our",
        "about",
        "after",
        "before",
        "over",
        "under",
        "more",
        "most",
        "less",
        "than",
        "very",
        "most",
        "days",
        "since",
    ]
)

PERINATAL = re.compile(
    r"\b(postpartum|post-partum|postnatal|perinatal|antenatal|pregnan\w*|newborn|baby|"
    r"gave birth|after (?:the |her )?birth|breastfeed\w*)\b",
    re.IGNORECASE,
)


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def overlap(a: str, b: str) -> float:
    """Share of ``a``'s content words (stemmed) that also occur in ``b``."""
    wa = {suffix_stem(w, min_left=4, y_for_ies=False) for w in words(a)}
    wb = {suffix_stem(w, min_left=4, y_for_ies=False) for w in words(b)}
    if not wa:
        return 0.0
    return len(wa & wb) / len(wa)


def presentation_text(p: Presentation) -> str:
    return " ".join([p.title, p.summary, *p.lay_terms, *p.problem.must_capture])


def problem_text(pp: PresentingProblem) -> str:
    return " ".join([pp.summary, pp.duration or "", *pp.symptoms, *pp.functional_impact])


@dataclass
class ProblemGroup:
    """One plan problem: a knowledge record, the diagnoses it covers, the intake problems."""

    presentation: Presentation | None
    codes: list[str]
    labels: list[str]
    intake_problems: list[int] = field(default_factory=list)
    primary: bool = False
    reason: str = ""


def _candidates(kb: KnowledgeBase, code: str) -> list[Presentation]:
    exact = [p for p in kb.presentations.values() if code in p.codes]
    return exact or kb.for_code(code)


def choose_presentation(
    kb: KnowledgeBase, intake: Intake, code: str, retrieval_rank: dict[str, float]
) -> tuple[Presentation | None, str]:
    """The record that fits ``code`` for this client, with the reason it was chosen."""
    cands = _candidates(kb, code)
    if not cands:
        return None, f"no knowledge record lists {code}"
    if len(cands) == 1:
        return cands[0], f"record lists {code}"
    age = intake.age_on()
    text = " ".join(problem_text(p) for p in intake.presenting_problems) + " " + intake.notes
    perinatal = bool(PERINATAL.search(text)) or intake.score("EPDS") is not None

    def fit(p: Presentation) -> tuple[float, float, float]:
        special = 0.0
        if p.id.startswith("adolescent"):
            special = 1.0 if age < 18 else -1.0
        elif p.id.startswith("perinatal"):
            special = 1.0 if perinatal else -1.0
        return (special, retrieval_rank.get(p.id, 0.0), overlap(text, presentation_text(p)))

    best = max(cands, key=fit)
    why = f"record lists {code}"
    if best.id.startswith("adolescent"):
        why += f"; client is {age}"
    elif best.id.startswith("perinatal"):
        why += "; perinatal context in the intake"
    return best, why


def group_problems(
    kb: KnowledgeBase, intake: Intake, retrieval_rank: dict[str, float] | None = None
) -> list[ProblemGroup]:
    """Group diagnoses by the record that covers them, then attach intake problems."""
    rank = retrieval_rank or {}
    groups: list[ProblemGroup] = []
    by_record: dict[str, ProblemGroup] = {}
    for d in intake.ordered_diagnoses():
        pres, why = choose_presentation(kb, intake, d.code, rank)
        key = pres.id if pres else f"code:{d.code}"
        if key in by_record:
            by_record[key].codes.append(d.code)
            by_record[key].labels.append(d.label)
            continue
        g = ProblemGroup(
            presentation=pres,
            codes=[d.code],
            labels=[d.label],
            primary=d is intake.primary_diagnosis,
            reason=why,
        )
        by_record[key] = g
        groups.append(g)

    # attach each presenting problem to the group whose record it reads most like
    for i, pp in enumerate(intake.presenting_problems):
        text = problem_text(pp)
        scores = []
        for gi, g in enumerate(groups):
            basis = presentation_text(g.presentation) if g.presentation else " ".join(g.labels)
            basis += " " + " ".join(g.labels)
            scores.append(
                (
                    overlap(text, basis)
                    + 0.5 * rank.get(g.presentation.id if g.presentation else "", 0.0),
                    -gi,
                )
            )
        best = max(range(len(groups)), key=lambda gi: scores[gi])
        groups[best].intake_problems.append(i)

    # a group left without a problem takes the nearest problem from a group that holds
    # more than one (so one problem is not written out twice, under two diagnoses); only
    # when every group holds a single problem is the nearest one shared
    unassigned = [g for g in groups if not g.intake_problems]
    for g in unassigned:
        basis = presentation_text(g.presentation) if g.presentation else " ".join(g.labels)
        basis += " " + " ".join(g.labels)
        ranked = sorted(
            range(len(intake.presenting_problems)),
            key=lambda i: -overlap(problem_text(intake.presenting_problems[i]), basis),
        )
        movable = [
            i
            for i in ranked
            if any(i in o.intake_problems and len(o.intake_problems) > 1 for o in groups)
        ]
        if movable:
            for o in groups:
                if movable[0] in o.intake_problems:
                    o.intake_problems.remove(movable[0])
            g.intake_problems.append(movable[0])
        elif ranked:
            g.intake_problems.append(ranked[0])
    return groups


# ---------------------------------------------------------------- preferences

_REFUSE = re.compile(
    r"(?:not keen on|no|avoid(?:ing)?|wants to avoid|does not want|doesn't want|refuses?|"
    r"declines?|not interested in|not open to|rather than|instead of|over|without)\s+"
    r"([a-z][a-z0-9 '\-]+?)(?=$|[;,.(]| if | for now| at present| yet)",
    re.IGNORECASE,
)
_PREFER = re.compile(
    r"(?:prefers?|open to|wants|would like|likes|keen on|interested in|chooses?)\s+"
    r"([a-z][a-z0-9 '\-]+?)(?=$|[;,.(]| over | rather than | instead of | if )",
    re.IGNORECASE,
)
_SCHEDULE = re.compile(
    r"\b(evening|evenings|morning|mornings|weekend|weekends|only|fortnightly|telehealth|"
    r"video|in person|in-person|interpreter|shift|childcare)\b",
    re.IGNORECASE,
)

# words in a preference that point at a tag on an intervention
_TAG_WORDS = {
    "eye movement": "eye-movements",
    "eye-movement": "eye-movements",
    "emdr": "eye-movements",
    "medication": "medication",
    "medicine": "medication",
    "pills": "medication",
    "group": "group",
    "groups": "group",
    "exposure": "exposure",
    "talking": "talking",
    "talk": "talking",
    "family": "family",
    "writing": "written",
    "written": "written",
    "homework": "written",
    "practical": "practical",
    "skills": "skills",
    "telehealth": "telehealth",
    "video": "telehealth",
    "mindfulness": "mindfulness",
    "meditation": "mindfulness",
    "relaxation": "relaxation",
}


@dataclass
class Preferences:
    refused: list[str] = field(default_factory=list)
    preferred: list[str] = field(default_factory=list)
    scheduling: list[str] = field(default_factory=list)

    def refused_tags(self) -> set[str]:
        return {t for phrase in self.refused for w, t in _TAG_WORDS.items() if w in phrase}

    def preferred_tags(self) -> set[str]:
        return {t for phrase in self.preferred for w, t in _TAG_WORDS.items() if w in phrase}


def read_preferences(items: list[str]) -> Preferences:
    prefs = Preferences()
    for raw in items:
        text = raw.strip()
        low = text.lower()
        for m in _REFUSE.finditer(low):
            phrase = m.group(1).strip()
            if phrase:
                prefs.refused.append(phrase)
        for m in _PREFER.finditer(low):
            phrase = m.group(1).strip()
            if phrase and phrase not in prefs.refused:
                prefs.preferred.append(phrase)
        if _SCHEDULE.search(low) and not _REFUSE.search(low) or re.search(r"\bonly\b", low):
            prefs.scheduling.append(text)
    return prefs


def _mentions(option: InterventionOption, phrase: str) -> bool:
    """Whether the option is the thing ``phrase`` names (its name or modality; a technique
    inside it that the client declines is left out later, not the whole option)."""
    hay = " ".join([option.name, option.modality]).lower()
    phrase = phrase.lower()
    if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", hay):
        return True
    key = [w for w in words(phrase) if w not in {"work", "based", "therapy", "sessions", "goal"}]
    return bool(key) and all(re.search(rf"(?<![a-z]){re.escape(w)}", hay) for w in key)


def allowed(option: InterventionOption, prefs: Preferences) -> tuple[bool, str]:
    """Whether the client's stated preferences allow this intervention, and why not."""
    refused_tags = prefs.refused_tags()
    hit = refused_tags & set(option.tags)
    if hit:
        return False, f"client does not want {', '.join(sorted(hit)).replace('-', ' ')}"
    for phrase in prefs.refused:
        if _mentions(option, phrase):
            # a named alternative the client does accept keeps the option (AA vs SMART Recovery)
            if any(_mentions(option, p) for p in prefs.preferred):
                continue
            return False, f"client is not open to {phrase}"
    return True, ""


def preference_score(option: InterventionOption, prefs: Preferences) -> int:
    score = len(prefs.preferred_tags() & set(option.tags))
    score += sum(1 for p in prefs.preferred if _mentions(option, p))
    return score
