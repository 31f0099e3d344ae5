"""Order of work for co-occurring problems, and adaptations for this client, both taken
from the knowledge records (never written by the drafter itself)."""

from __future__ import annotations

from assistant.drafting import casefit
from assistant.drafting.select import ProblemGroup
from assistant.facts.model import CaseFacts
from assistant.intake import Intake
from assistant.knowledge import DraftingRules, Presentation
from assistant.plan import placeholder


def order_of_work(
    intake: Intake,
    groups: list[ProblemGroup],
    facts: CaseFacts | None = None,
    rules: DraftingRules | None = None,
) -> list[str]:
    """Order-of-work notes for co-occurring problems, the record's adaptations for this
    client (adolescent, older adult, mandated, perinatal), and what the case facts add: a
    mandate's end date and release scope, a minor's caregivers, a programme's step-down."""
    recs = [g.presentation for g in groups if g.presentation is not None]
    out: list[str] = []
    primary = recs[0] if recs else None
    for other in recs[1:]:
        assert primary is not None
        notes = _pair_notes(primary, other, safety=intake.risk.warrants_safety_plan)
        if notes:
            out.append(f"{primary.title} and {other.title}: " + " ".join(notes))
        else:
            out.append(
                f"{primary.title} and {other.title}: no ordering note in the knowledge base; "
                + placeholder(
                    "sequencing", "say which comes first and why, or work on both together"
                )
            )
    for key, why in _adaptation_keys(intake, facts):
        for rec in recs:
            text = rec.adaptations.get(key)
            if text:
                out.append(f"Adaptation ({why}), {rec.title}: {' '.join(text.split())}")
    if facts is not None and rules is not None:
        out += casefit.mandate_notes(facts, rules)
        out += casefit.preference_notes(facts, rules)
        out += casefit.caregiver_notes(facts, rules)
        lvl = casefit.level_of_care(facts, rules)
        if lvl is not None and lvl.step_down:
            out.append(f"After the {lvl.label}: {' '.join(lvl.step_down.split())}")
    return out


def _pair_notes(a: Presentation, b: Presentation, safety: bool) -> list[str]:
    """The sequencing notes of either record that speak about the other, best first."""
    scored: list[tuple[int, int, str]] = []
    for own, other in ((a, b), (b, a)):
        words = _topic_words(other)
        for n in own.sequencing:
            low = n.lower()
            hits = sum(1 for w in words if w in low)
            if hits == 0 or (low.startswith("safety") and not safety):
                continue
            scored.append((-hits, len(scored), " ".join(n.split())))
    scored.sort()
    return [n for _, _, n in scored[:2]]


_MANDATED = ("court", "mandated", "probation", "parole", "required by", "ordered")


def _adaptation_keys(intake: Intake, facts: CaseFacts | None = None) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    age = intake.age_on()
    if age < 18:
        keys += [("adolescent", "adolescent client"), ("caregiver", "adolescent client")]
    elif age >= 65:
        keys.append(("older_adult", "older adult"))
    if facts is not None and facts.population is not None and facts.population.perinatal:
        keys.append(("perinatal", "pregnant or in the year after birth"))
    text = " ".join([intake.notes, intake.treatment_history, *intake.preferences]).lower()
    if any(w in text for w in _MANDATED) or (facts and facts.legal and facts.legal.mandated):
        keys.append(("mandated", "treatment is mandated"))
    return keys


_GENERIC = {"disorder", "disorders", "major", "persistent", "specific", "adult", "other", "related"}
_TOPICS = {
    "alcohol": {"substance", "drinking", "alcohol"},
    "cannabis": {"substance", "cannabis"},
    "opioid": {"substance", "opioid"},
    "ptsd": {"trauma"},
    "gad": {"anxiety", "worry"},
    "mdd": {"depression", "depressive"},
    "pdd": {"depression", "depressive"},
    "adolescent-depression": {"depression"},
    "perinatal-depression": {"depression", "perinatal", "postnatal"},
    "insomnia": {"sleep", "insomnia"},
    "panic": {"panic"},
    "social-anxiety": {"social anxiety"},
    "ocd": {"obsessive", "compulsive", "ocd"},
    "bpd-self-harm": {"self-harm", "dbt"},
    "eating-binge-bulimia": {"eating", "binge"},
    "bipolar": {"bipolar", "mania"},
}


def _topic_words(p: Presentation) -> set[str]:
    base = {w for w in p.title.lower().replace("-", " ").split() if len(w) > 4} - _GENERIC
    return base | _TOPICS.get(p.id, set())
