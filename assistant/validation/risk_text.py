"""What a sentence asserts about risk: a small ConText-style reader.

ConText (Chapman et al.) decides whether a clinical concept is negated by looking for
trigger phrases before it ("denies", "no", "negative for") or after it ("… is
unnecessary", "SI: none") within the same clause, where words such as "but" or "however"
end the trigger's reach, and where pseudo-triggers ("not assessed", "not ruled out") are
not negations at all. This module applies that to five risk concepts — suicidal ideation,
self-harm, homicidal ideation, risk in general and safety planning — on text already in
the normal form of :func:`assistant.text.normalise`, so a zero-width space or a Cyrillic
letter cannot hide a word from it.

Two readers vote, and either one finding a negation of suicidal ideation, self-harm or
homicidal ideation is enough (a missed negation of recorded risk is the costly error): the
patterns below, and medspaCy's own ConText with its packaged English rules — the same vendored medspaCy the case facts use
(:mod:`assistant.facts.nlp`) — over target rules for the same five concepts. The
pipeline is built lazily, once per process, from ``spacy.blank("en")``: nothing is
downloaded.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from assistant.text import normalise

Concept = Literal[
    "suicidal ideation", "self-harm", "homicidal ideation", "risk", "safety planning"
]  # fmt: skip

_SI = (
    r"(?:active\s+|passive\s+|current\s+|ongoing\s+)*(?:suicidal(?:\s+(?:ideation|thoughts?|"
    r"ideas?|intent|plans?|urges?|behaviou?rs?|feelings?))?|suicidality|suicide(?:\s+(?:risk|"
    r"ideation|attempts?|thoughts?|plans?))?|(?-i:SI)|thoughts?\s+of\s+(?:suicide|death|dying|"
    r"ending\s+(?:his|her|their|my)\s+life|killing\s+(?:him|her|them|my)sel(?:f|ves))|"
    r"(?:passive\s+)?death\s+wish(?:es)?|wish(?:es|ing)?\s+to\s+(?:be\s+)?dead|"
    r"wish(?:es|ing)?\s+(?:he|she|they|I)\s+(?:was|were)\s+dead)"
)
_CONCEPTS: dict[Concept, re.Pattern[str]] = {
    "suicidal ideation": re.compile(rf"\b{_SI}\b", re.IGNORECASE),
    "self-harm": re.compile(
        r"\b(?:self[- ]?harm\w*|self[- ]?injur\w*|self[- ]?mutilat\w*|(?-i:NSSI)|cutting)\b",
        re.IGNORECASE,
    ),
    "homicidal ideation": re.compile(
        r"\b(?:homicid\w*(?:\s+(?:ideation|thoughts?|intent))?|(?-i:HI)|thoughts?\s+of\s+"
        r"(?:harming|hurting|killing)\s+(?:others|someone|anyone)|harm(?:ing)?\s+(?:to\s+)?others)\b",
        re.IGNORECASE,
    ),
    "risk": re.compile(
        r"\b(?:(?:current|acute|imminent|any|immediate)\s+)*(?:risk|danger\s+to\s+(?:self|others)"
        r"|safety\s+(?:concerns?|issues?|risks?))\b(?!\s+(?:level|assessment|screen\w*|factors?"
        r"|rating|category))",
        re.IGNORECASE,
    ),
    "safety planning": re.compile(
        r"\b(?:safety[- ]plan(?:ning|s)?|crisis\s+plan(?:ning|s)?|risk\s+(?:monitoring|"
        r"screening)|lethal[- ]means\s+counsel+ing)\b",
        re.IGNORECASE,
    ),
}

_PSEUDO = re.compile(
    r"\bnot\s+(?:yet\s+|been\s+|fully\s+)*(?:assessed|asked|rated|screened|explored|evaluated"
    r"|addressed|ruled\s+out|excluded|only|clear)\b|\bno\s+(?:change|increase|decrease)\b"
    r"|\bwhether\s+or\s+not\b|\bif\s+not\b|\bnot\s+(?:be\s+)?known\b|\bunknown\b"
    r"|\b(?:be|to\s+be)\s+(?:rated|assessed)\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|denial\s+of|no(?:\s+(?:evidence|signs?|reports?|history|"
    r"indication)\s+of)?|not|never|without|negative\s+for|neg\s+for|free\s+(?:of|from)|absence"
    r"\s+of|absent|rules?\s+out|ruled\s+out|nor|none|no\s+longer|n't|"
    r"(?:does|do|did|has|have|is|are|was|were)\s*not|neither)\b",
    re.IGNORECASE,
)
_AFTER = re.compile(
    r"\s*(?:(?:was|were|is|are|has\s+been|have\s+been|being|seems?|appears?)\s+)?"
    r"(?:\w+\s+){0,2}?(?:denied|absent|none|nil|negative|neg|ruled\s+out|resolved|unnecessary|"
    r"not\s+(?:present|reported|endorsed|indicated|needed|necessary|required|warranted|"
    r"applicable|a\s+concern|an\s+issue)|no\s+longer\s+\w+|n/a)\b",
    re.IGNORECASE,
)
_TERMINATOR = re.compile(
    r"[;:.!?\n]|\b(?:but|however|although|though|yet|except|apart\s+from|aside\s+from|which|"
    r"who|whereas|while|whose|since|because|still|other\s+than)\b",
    re.IGNORECASE,
)
# a wished-for or conditional state ("will be free of SI", "until no SI for 8 weeks") is a
# goal, not a statement that the risk is absent now (ConText's "hypothetical")
_HYPOTHETICAL = re.compile(
    r"\b(?:will|would|shall|until|aims?|goals?|hopes?|wants?|so\s+that|in\s+which|when|if|"
    r"unless|criteri(?:on|a)|target)\b",
    re.IGNORECASE,
)
# how far a trigger reaches forward: a list of symptoms ("denies SI, self-harm or HI") for
# the risks themselves; a few words ("does not need a safety plan") for the general ones
_REACH = {"risk": 3, "safety planning": 3}
_MAX_GAP_WORDS = 8
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class RiskStatement:
    """A risk concept written as absent ("negative for SI") in one sentence."""

    concept: Concept
    phrase: str  # the concept as written, e.g. "active suicidal ideation"
    sentence: str
    hypothetical: bool = False  # a goal or condition ("will be free of SI"), not a finding

    @property
    def qualified(self) -> str | None:
        """'active' or 'plan' when the negation is about a narrower thing than the concept
        ("no active SI", "no suicidal plan"), which can be true with passive ideation."""
        if self.concept != "suicidal ideation":
            return None
        low = self.phrase.lower()
        if re.search(r"\b(?:plans?|intent|attempts?|behaviou?rs?)\b", low):
            return "plan"
        if re.search(r"\bactive\b", low):
            return "active"
        return None


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _negated_before(clause_before: str, reach: int) -> bool:
    """A negation trigger at most ``reach`` words before the concept, no terminator between."""
    last = None
    for m in _BEFORE.finditer(clause_before):
        last = m
    if last is None:
        return False
    gap = clause_before[last.end() :]
    return not _TERMINATOR.search(gap) and len(gap.split()) <= reach


def _negated_after(after: str) -> bool:
    """A trigger right after the concept ("… is unnecessary", "SI: denied")."""
    rest = after.lstrip()
    if rest[:1] in (":", "-", "="):
        rest = rest[1:]
    end = _TERMINATOR.search(rest)
    return _AFTER.match(rest[: end.start()] if end else rest) is not None


# ---------------------------------------------------------------- medspaCy's ConText

_TARGETS: dict[Concept, tuple[str, ...]] = {
    "suicidal ideation": (
        "suicidal ideation", "SI", "suicidal thoughts", "suicidal thinking", "thoughts of suicide",
        "suicidality", "death wishes", "death wish", "wish to be dead", "suicide risk",
        "suicidal intent", "suicidal plan", "suicidal urges", "thoughts of ending her life",
        "thoughts of ending his life", "thoughts of ending their life",
    ),
    "self-harm": ("self-harm", "self harm", "self-injury", "self injury", "NSSI", "cutting"),
    "homicidal ideation": ("homicidal ideation", "homicidal thoughts", "HI"),
    "risk": ("current risk", "acute risk", "imminent risk", "risk", "danger to self"),
    "safety planning": ("safety planning", "safety plan", "crisis plan", "crisis planning"),
}  # fmt: skip
_EXTRA_RULES = (
    ("unnecessary", "NEGATED_EXISTENCE", "BACKWARD"),
    ("not needed", "NEGATED_EXISTENCE", "BACKWARD"),
    ("not necessary", "NEGATED_EXISTENCE", "BACKWARD"),
    ("not required", "NEGATED_EXISTENCE", "BACKWARD"),
    ("not indicated", "NEGATED_EXISTENCE", "BACKWARD"),
    ("negative for", "NEGATED_EXISTENCE", "FORWARD"),
    ("reports no", "NEGATED_EXISTENCE", "FORWARD"),
)
_LOCK = threading.Lock()
_NLP: Any = None
_UNAVAILABLE = False


def _pipeline() -> Any:
    """spaCy blank English + sentencizer + medspaCy target matcher and ConText, or None
    when spaCy is not installed (the patterns then read alone)."""
    global _NLP, _UNAVAILABLE
    if _NLP is None and not _UNAVAILABLE:
        with _LOCK:
            if _NLP is None and not _UNAVAILABLE:
                try:
                    import spacy

                    from assistant._vendor.medspacy.context import ConTextRule
                    from assistant._vendor.medspacy.target_matcher import TargetRule
                except ImportError:
                    _UNAVAILABLE = True
                    return None
                nlp = spacy.blank("en")
                nlp.add_pipe("sentencizer")
                matcher: Any = nlp.add_pipe("medspacy_target_matcher")
                matcher.add([TargetRule(p, c) for c, ps in _TARGETS.items() for p in ps])
                context: Any = nlp.add_pipe("medspacy_context")
                context.add([ConTextRule(lit, cat, direction=d) for lit, cat, d in _EXTRA_RULES])
                _NLP = nlp
    return _NLP


def _context_negations(sentence: str) -> list[tuple[Concept, str, int]]:
    """(concept, phrase with its qualifier, start) for each concept medspaCy's ConText
    reads as negated in ``sentence``."""
    nlp = _pipeline()
    if nlp is None:
        return []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        doc = nlp(sentence)
    out: list[tuple[Concept, str, int]] = []
    for ent in doc.ents:
        if not ent._.is_negated:
            continue
        before = re.search(
            r"((?:active|passive|current|ongoing)\s+)+$", sentence[: ent.start_char], re.I
        )
        start = before.start() if before else ent.start_char
        out.append((ent.label_, sentence[start : ent.end_char], start))
    return out


@lru_cache(maxsize=8192)
def negated_risk(text: str) -> tuple[RiskStatement, ...]:
    """Every risk concept ``text`` writes as absent, after normalisation."""
    out: list[RiskStatement] = []
    for sentence in _SENTENCE.split(normalise(text)):
        work = _blank(sentence, _PSEUDO)
        found: set[tuple[str, int]] = set()
        named = False
        for concept, pattern in _CONCEPTS.items():
            for m in pattern.finditer(work):
                named = True
                start = 0
                for t in _TERMINATOR.finditer(work, 0, m.start()):
                    if t.group(0) != ":":
                        start = t.end()
                reach = _REACH.get(concept, _MAX_GAP_WORDS)
                if _negated_before(work[start : m.start()], reach) or _negated_after(
                    work[m.end() :]
                ):
                    wished = bool(_HYPOTHETICAL.search(work[: m.start()]))
                    phrase = sentence[m.start() : m.end()]
                    out.append(RiskStatement(concept, phrase, sentence, wished))
                    found.add((concept, m.start()))
        if named:  # the second reader, only where a concept is named at all
            for concept, phrase, at in _context_negations(work):
                if concept in _REACH:  # medspaCy's scope runs on past "and hold a safety plan"
                    continue
                if (concept, at) in found or any(
                    c == concept and abs(a - at) <= len(phrase) for c, a in found
                ):
                    continue
                wished = bool(_HYPOTHETICAL.search(work[:at]))
                out.append(
                    RiskStatement(concept, sentence[at : at + len(phrase)], sentence, wished)
                )
    return tuple(out)
