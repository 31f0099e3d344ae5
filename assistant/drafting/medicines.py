"""Medicines the client already takes for a substance use disorder.

A client who is abstinent on buprenorphine with a prescriber needs that prescriber kept in
the loop, not a referral to find one: the plan coordinates with the current prescriber and
folds the knowledge base's "refer for medication" intervention into that coordination.
"""

from __future__ import annotations

import re

from assistant.facts.model import CaseFacts, SubstanceFact
from assistant.knowledge import DraftingRules
from assistant.plan import Intervention

# a technique that sends the client to a prescriber or shares with one: the coordination
# with the current prescriber already does both
_REFERS = re.compile(
    r"\brefer(?:s|red|ral|rals|ring)?\b|\blink with\b|\bprescriber\b", re.IGNORECASE
)


def medicines_for(s: SubstanceFact, facts: CaseFacts, rules: DraftingRules) -> list[str]:
    """The medicines on record that treat this substance use (buprenorphine for opioids)."""
    names = [n.lower() for n in rules.medication.for_substance.get(s.substance, [])]
    return [m.name for m in facts.medications if any(n in m.name.lower() for n in names)]


def abstinent_on_medicine(s: SubstanceFact, facts: CaseFacts, rules: DraftingRules) -> bool:
    """Abstinent and already taking a medicine for this use: the medical step is working
    with the current prescriber, not a new withdrawal referral."""
    return s.status == "abstinent" and bool(medicines_for(s, facts, rules))


def fold_referrals(
    interventions: dict[str, Intervention],
    coordination: Intervention,
    facts: CaseFacts,
    rules: DraftingRules,
) -> None:
    """When the client already takes a medicine for their substance use, a knowledge
    intervention that would refer for one (modality in ``replaces_modalities``) is removed;
    its objectives move to the coordination with the current prescriber, and its techniques
    that are not about referring or the prescriber are kept there."""
    if not any(medicines_for(s, facts, rules) for s in facts.substances):
        return
    for key, iv in list(interventions.items()):
        if iv is coordination or iv.modality not in rules.medication.replaces_modalities:
            continue
        _, _, techniques = iv.technique.partition(": ")
        kept = [t for t in (techniques or iv.technique).split("; ") if not _REFERS.search(t)]
        if kept:
            coordination.technique = coordination.technique + "; " + "; ".join(kept)
            coordination.provenance.suggested_text = coordination.technique
        ids = [i for i in iv.objective_ids if i not in coordination.objective_ids]
        coordination.objective_ids = [*coordination.objective_ids, *ids]
        del interventions[key]
