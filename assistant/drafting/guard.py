"""What a model sees, what it may not change, and why an edit is refused.

The LLM drafter hands every proposed edit to :func:`refusal`; a non-empty answer is the
reason the edit is discarded (recorded on the draft). The safety goal, its objectives,
the safety section and the risk level are locked: :func:`locked_items` names them and
:func:`reaches_for_locked` reads the raw reply for any attempt to set them anyway.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from assistant.drafting.figures import DENIES, numbers, show
from assistant.intake import Intake
from assistant.notices import INSTRUCTION_LIKE
from assistant.plan import PLACEHOLDER, TreatmentPlan
from assistant.text import has_hidden_characters, normalise
from assistant.validation.risk_text import negated_risk

SAFETY_RECORD = "safety-planning"
_ALLOWED_KEYS = {"problems", "goals", "objectives", "interventions"}
_SAFETY_KEYS = re.compile(r"safety|risk|suicid|self[-_ ]?harm|homicid|crisis", re.IGNORECASE)


def locked_items(plan: TreatmentPlan) -> set[str]:
    """Ids of the safety goal(s) and their objectives: no model edit reaches them."""
    out: set[str] = set()
    for g in plan.goals:
        safety = g.provenance.record_id == SAFETY_RECORD or any(
            o.stage == "safety" or o.provenance.record_id == SAFETY_RECORD for o in g.objectives
        )
        if safety:
            out.add(g.id)
            out |= {o.id for o in g.objectives}
    return out


def reaches_for_locked(raw: str) -> list[str]:
    """Reasons for every part of a raw model reply that tries to set something outside the
    editable fields (the safety section, the risk level): those parts are ignored."""
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    out = []
    for key in sorted(set(data) - _ALLOWED_KEYS):
        what = "the safety section or risk level" if _SAFETY_KEYS.search(key) else f"'{key}'"
        out.append(f"model tried to change {what}: discarded (the model may not edit it)")
    return out


def injected_phrases(intake: Intake) -> list[str]:
    """Sentences of the intake's free text that read like instructions to the software."""
    out: list[str] = []
    for _, text in intake.free_text():
        norm = normalise(text)
        if INSTRUCTION_LIKE.search(norm):
            out += [s for s in re.split(r"(?<=[.!?])\s+", norm) if len(s.split()) >= 3]
    return out


def _shares_run(text: str, phrases: Iterable[str], run: int = 4) -> bool:
    words = re.findall(r"[a-z0-9']+", text.lower())
    grams = {" ".join(words[i : i + run]) for i in range(len(words) - run + 1)}
    for p in phrases:
        pw = re.findall(r"[a-z0-9']+", p.lower())
        if any(" ".join(pw[i : i + run]) in grams for i in range(len(pw) - run + 1)):
            return True
    return False


def refusal(
    old: str,
    new: str,
    *,
    allowed_numbers: set[float],
    keep_figures: bool,
    injected: list[str],
) -> str | None:
    """Why the edit ``old`` -> ``new`` must be discarded, or None when it may stand."""
    if has_hidden_characters(new):
        return "contains hidden characters or look-alike letters"
    extra = numbers(new) - numbers(old) - allowed_numbers
    if extra:
        return f"adds figure(s) {show(extra)} not in the data"
    if keep_figures and not numbers(old) <= numbers(new):
        return f"drops figure(s) {show(numbers(old) - numbers(new))}"
    if not set(PLACEHOLDER.findall(old)) <= set(PLACEHOLDER.findall(new)):
        return "drops a placeholder the clinician must fill"
    norm = normalise(new)
    if DENIES.search(norm):
        return "uses 'denies'"
    before = {(s.concept, s.hypothetical) for s in negated_risk(old)}
    for st in negated_risk(new):
        if (st.concept, st.hypothetical) not in before:
            return f"writes '{st.phrase}' as absent, which only the clinician may record"
    if INSTRUCTION_LIKE.search(norm):
        return "contains instruction-like text"
    if injected and _shares_run(norm, injected) and not _shares_run(normalise(old), injected):
        return "follows an instruction found in the intake text"
    return None


def clinical_view(intake: Intake) -> dict[str, Any]:
    """What the model may see: clinical content only, no header identifiers."""
    data = intake.model_dump(mode="json", exclude={"client", "clinician"})
    age = intake.age_on()
    data["age"] = age if age <= 89 else "90 or older"  # Safe Harbor: no age above 89
    if intake.client.pronouns:
        data["pronouns"] = intake.client.pronouns
    return data


def draft_view(plan: TreatmentPlan, locked: set[str]) -> dict[str, Any]:
    """The draft the model may reword: the locked safety goal is left out."""
    return {
        "problems": [
            {"id": p.id, "statement": p.statement, "codes": p.diagnosis_codes}
            for p in plan.problems
        ],
        "goals": [
            {
                "id": g.id,
                "statement": g.statement,
                "client_words": g.client_words,
                "objectives": [
                    {
                        "id": o.id,
                        "text": o.text,
                        "metric": o.metric,
                        "baseline": o.baseline.text if o.baseline else None,
                        "target": o.target.text if o.target else None,
                        "timeframe": o.timeframe.text(),
                    }
                    for o in g.objectives
                ],
            }
            for g in plan.goals
            if g.id not in locked
        ],
    }
