"""Clinical consistency: risk read as widely as the case records it.

Risk to others (impaired driving, violence) gets an objective or an action; the safety
section does not contradict what the case records; safety steps already taken are
reviewed and kept, not asked for again; withdrawal means a medical evaluation; and
nothing the intake rules out becomes an objective.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.facts.model import RiskToOthersFact
from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule
from assistant.validation.rules_consistency import (
    affirms,
    objective_text,
    words_pattern,
)

# ---------------------------------------------------------------- CF09 risk to others

_RISK_WORDS = {
    "impaired_driving": r"driv\w*|vehicle|car keys|behind the wheel",
    "violence": r"violen\w*|aggress\w*|anger|hit\w*|assault\w*|fights?|harm to others",
    "threats": r"threat\w*|violen\w*|aggress\w*|anger",
    "child_safety": r"child\w*|son|daughter|safeguard\w*|protective services|parenting",
}
_KIND_WORDS = {
    "impaired_driving": "driving while impaired",
    "violence": "violence",
    "threats": "threats to others",
    "child_safety": "a child's safety",
}


_VIOLENT = re.compile(r"push|shov|hit|punch|slap|kick|threat|violen|aggress|assault|weapon", re.I)


def _addresses(r: RiskToOthersFact, text: str) -> bool:
    """``text`` is about this risk: its kind's words, or (for another kind) at least two of
    the recorded words ('pushed his partner' -> an objective about the partner and pushing)."""
    words = _RISK_WORDS.get(r.kind)
    if words is None and _VIOLENT.search(r.text):
        words = _RISK_WORDS["violence"]
    if words is not None and re.search(rf"\b(?:{words})\b", text, re.IGNORECASE):
        return True
    stems = {w[:5] for w in re.findall(r"[a-z]+", r.text.lower()) if len(w) >= 5}
    found = {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 5} & stems
    return len(found) >= min(2, len(stems)) > 0


@rule("CF09", "consistency.risk-to-others-absent")
def risk_to_others_absent(ctx: Context) -> Iterator[Hit]:
    """Risk to others recorded in the case (driving after drinking, violence, a child's safety)
    gets an objective, an intervention or a safety action of its own.

    Bad: 'drives after drinking' recorded; the plan says nothing about driving.
    Good: 'Agree a no-drive plan (keys handed over, ride home arranged) by session 2 and check it at each session.'
    """
    facts = ctx.facts
    if facts is None:
        return
    for r in facts.risk_to_others:
        if any(_addresses(r, text) for _, text in ctx.targets):
            continue
        what = _KIND_WORDS.get(r.kind, "risk to others")
        yield (
            "safety",
            f"The case records {what} ('{r.text}'), but no objective, intervention or "
            "safety action addresses it: add one.",
        )


# ---------------------------------------------------------------- CF10 contradictions

_NONE_TO_OTHERS = re.compile(
    r"(?:harm|risk|danger|violence)\s+to\s+others\W{0,3}\s*(?:none|nil|no\b|not\b|denie[sd])|"
    r"\bno\s+(?:known\s+|current\s+)?(?:risk|harm|danger)\s+to\s+others|"
    r"\bnot\s+a\s+(?:risk|danger)\s+to\s+others|"
    r"\bden(?:ies|ied)\s+(?:any\s+)?(?:harm|risk|violence)\s+to\s+others",
    re.IGNORECASE,
)


def records_overdose_risk(notes: str, words: list[str]) -> bool:
    """The risk notes record overdose risk (a past overdose, lost tolerance), not 'no
    overdoses'. The drafter and CF10 read them the same way."""
    if not notes or not words:
        return False
    return affirms(notes, _overdose_pattern(tuple(sorted(words, key=len, reverse=True))))


@lru_cache(maxsize=8)
def _overdose_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


@rule("CF10", "consistency.safety-contradicts-risk")
def safety_contradicts_risk(ctx: Context) -> Iterator[Hit]:
    """The safety section does not contradict the risk the case records: with risk to others
    recorded, it never says there is none, nor rates the overall risk as none identified;
    with overdose risk in the risk notes, the risk is not rated none identified either.

    Bad: driving after drinking recorded; the safety section reads 'Harm to others: none reported.'
    Good: 'Harm to others: drives after drinking (recorded at intake); no homicidal ideation.'
    """
    facts = ctx.facts
    s = ctx.plan.safety
    kb = ctx.knowledge
    rules = kb.rules if kb is not None else None
    if (
        s is not None
        and s.risk_level == "none_identified"
        and ctx.intake is not None
        and ctx.intake.risk is not None
        and rules is not None
        and rules.overdose is not None
        and records_overdose_risk(ctx.intake.risk.notes, rules.overdose.words)
    ):
        yield (
            "safety.risk_level",
            "The risk level is 'none identified', but the risk notes record overdose risk: "
            "rate the risk with the reasons and keep the overdose steps.",
        )
    if facts is None or s is None or not facts.risk_to_others:
        return
    recorded = "; ".join(r.text for r in facts.risk_to_others)
    texts = [("safety.summary", s.summary)] + [
        (f"safety.actions[{j}]", a) for j, a in enumerate(s.actions)
    ]
    for path, text in texts:
        if _NONE_TO_OTHERS.search(text):
            yield (
                path,
                f"This says there is no risk to others, but the case records: {recorded}. "
                "Correct the safety section.",
            )
    if s.risk_level == "none_identified":
        yield (
            "safety.risk_level",
            f"The risk level is 'none identified', but the case records risk to others "
            f"({recorded}): rate the risk with the reasons.",
        )


# ---------------------------------------------------------------- CF11 steps already taken

_REDO = {
    "safety_plan": re.compile(
        r"\b(?:write|create|develop|draft|make|build|complete|construct)\b[^.;]{0,40}safety plan",
        re.IGNORECASE,
    ),
    "means_restriction": re.compile(
        r"\b(?:remove|removal of|take away|store|lock (?:up|away))\b[^.;]{0,40}"
        r"(?:firearms?|guns?|weapons?)",
        re.IGNORECASE,
    ),
    "naloxone": re.compile(
        r"\b(?:get|obtain|prescribe|provide|supply|train\w*)\b[^.;]{0,40}naloxone", re.IGNORECASE
    ),
}
_KEEPS = re.compile(
    r"\b(?:review\w*|updat\w*|revisit\w*|keep\w*|check\w*|existing|already|current|"
    r"confirm\w*|maintain\w*|written at intake)\b",
    re.IGNORECASE,
)
_STEP_WORDS = {
    "safety_plan": "a safety plan",
    "means_restriction": "the means already removed",
    "naloxone": "naloxone",
}


@lru_cache(maxsize=8192)
def _asks_again(text: str, pat: re.Pattern[str]) -> bool:
    """A clause of ``text`` asks for the step ``pat`` names without keeping the one in place."""
    return any(
        pat.search(clause) and not _KEEPS.search(clause) for clause in re.split(r"[.;]\s+", text)
    )


@rule("CF11", "consistency.safety-step-redone")
def safety_step_redone(ctx: Context) -> Iterator[Hit]:
    """Safety steps already taken (a safety plan written at intake, a firearm removed, a
    naloxone kit at home) are reviewed and kept, not asked for again as if they were new.

    Bad: 'safety plan written at intake' recorded; an action 'Write a Stanley-Brown safety plan by session 2.'
    Good: 'Review the safety plan written at intake at session 1 and update it as risk changes.'
    """
    facts = ctx.facts
    if facts is None:
        return
    texts = list(ctx.targets)
    if ctx.plan.safety is not None:
        texts.append(("safety.summary", ctx.plan.safety.summary))
    for step in facts.safety_steps:
        pat = _REDO.get(step.kind)
        if pat is None:
            continue
        for path, text in texts:
            if _asks_again(text, pat):
                yield (
                    path,
                    f"The case records {_STEP_WORDS[step.kind]} already in place "
                    f"('{step.text}'): review and keep it rather than starting again.",
                )


# ---------------------------------------------------------------- CF12 withdrawal

_MEDICAL = re.compile(
    r"medical(?:ly)?\s+(?:evaluation|assessment|review|referral|work-?up|check|supervised|managed)|"
    r"withdrawal\s+(?:assessment|management|risk|evaluation|monitoring)|\bdetox\w*|physician|"
    r"doctor|prescriber|primary care|\bGP\b|addiction (?:medicine|prescriber|specialist)|"
    r"\bCIWA|\bCOWS\b",
    re.IGNORECASE,
)


@rule("CF12", "consistency.withdrawal-without-medical-step")
def withdrawal_without_medical_step(ctx: Context) -> Iterator[Hit]:
    """Withdrawal history or current withdrawal signs (e.g. morning tremor with heavy drinking)
    mean a medical evaluation before anything else: the plan has that step.

    Bad: morning tremor recorded with 30 drinks a week; the plan starts with drink-reduction targets.
    Good: 'Refer to primary care for a withdrawal assessment before any cut in drinking (at intake).'
    """
    facts = ctx.facts
    if facts is None or not facts.withdrawal_concern:
        return
    if any(affirms(text, _MEDICAL) for _, text in ctx.targets):
        return
    which = [s for s in facts.substances if s.withdrawal in ("history", "current_signs")]
    what = ", ".join(
        f"{s.substance} ({'current signs' if s.withdrawal == 'current_signs' else 'history'})"
        for s in which
    )
    yield (
        "interventions",
        f"The case records withdrawal for {what}, but the plan has no medical evaluation: "
        "add a referral for a withdrawal assessment as the first step.",
    )


# ---------------------------------------------------------------- CF13 ruled out

_CONCEPTS = {
    "purging": r"purg\w*|vomit\w*|laxatives?|diuretics?|compensatory behaviou?rs?",
    "vomiting": r"vomit\w*|purg\w*",
    "bingeing": r"binge\w*|bingeing",
    "binge eating": r"binge\w*|bingeing",
    "panic attacks": r"panic attacks?",
    "self-harm": r"self[- ]?harm\w*|cutting|self[- ]injur\w*",
    "nightmares": r"nightmares?",
    "hallucinations": r"hallucinat\w*|hearing voices",
}


def concept_pattern(concept: str) -> re.Pattern[str]:
    words = _CONCEPTS.get(concept.lower())
    if words is None:
        return words_pattern(concept)
    return re.compile(rf"\b(?:{words})", re.IGNORECASE)


@rule("CF13", "consistency.ruled-out-target")
def ruled_out_target(ctx: Context) -> Iterator[Hit]:
    """No goal or objective is about something the intake rules out ('no purging', 'denies
    vomiting'): a template written for another presentation does not fit this person.

    Bad: the intake says 'no purging'; an objective 'Cut purging episodes from [baseline] to 0'.
    Good: objectives about the binges and the regular eating the intake does record.
    """
    facts = ctx.facts
    if facts is None:
        return
    for r in facts.ruled_out:
        pat = concept_pattern(r.concept)
        for gi, g in enumerate(ctx.plan.goals):
            places = [(f"goals[{gi}].statement", g.statement)] + [
                (f"goals[{gi}].objectives[{oi}]", objective_text(o))
                for oi, o in enumerate(g.objectives)
            ]
            for path, text in places:
                if affirms(text, pat):
                    yield (
                        path,
                        f"The intake rules out {r.concept}, but this is about it: remove it, "
                        "or correct the case facts if the intake is wrong.",
                    )
