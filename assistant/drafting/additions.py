"""What the case itself adds to the goals once they are made, whatever the templates said.

:class:`CaseAdditions` is the second half of :class:`~assistant.drafting.choose.ObjectivePicker`:
after the templates' objectives are chosen, :meth:`CaseAdditions.finish` adds an objective
for every baseline no template used, a medical evaluation first for withdrawal, an objective
for risk to others and coordination with a prescriber, then leaves out any technique the
client refused or the intake rules out, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.drafting import asides, casefit, measures, medicines
from assistant.drafting.select import ProblemGroup, overlap, presentation_text
from assistant.facts.model import BaselineFact, CaseFacts, PreferenceFact
from assistant.intake import Intake
from assistant.knowledge import BehaviouralTarget, DraftingRules, Module, Presentation
from assistant.plan import Goal, Intervention, Provenance
from assistant.validation.rules_consistency import affirms

Made = list[tuple[Goal, Presentation | None]]


class CaseAdditions:
    """The case's own objectives and interventions; the picker supplies the state below."""

    intake: Intake
    facts: CaseFacts
    rules: DraftingRules | None
    weeks: int
    baselines: list[BaselineFact]
    used: set[str]
    warnings: list[str]
    _goals: list[tuple[Goal, Presentation]]
    _refused: list[tuple[PreferenceFact, re.Pattern[str]]]
    _ruled_out: list[tuple[str, re.Pattern[str]]]
    _safety_id: str
    _safety_version: int
    targets: Sequence[tuple[Module, BehaviouralTarget]]

    def finish(
        self, goals: list[Goal], groups: list[ProblemGroup], interventions: dict[str, Intervention]
    ) -> None:
        rules = self.rules
        if rules is None or not goals:
            return
        made: Made = [(g, p) for g, p in self._goals if g in goals] or [(goals[0], None)]
        for b in self.baselines:
            if b.id in self.used:
                continue
            goal, _ = max(
                made,
                key=lambda gp: overlap(
                    b.measure,
                    " ".join([presentation_text(gp[1]) if gp[1] else "", gp[0].statement]),
                ),
            )
            n = len(goal.objectives) + 1
            pres = next((p for g, p in made if g is goal), None)
            obj = measures.composed_objective(
                b,
                rules,
                f"{goal.id}.X{n}",
                self.intake.intake_date,
                _weeks_for(pres, self.weeks),
                targets=self.targets,
                facts=self.facts,
            )
            if pres is not None and obj.provenance.record_id is None:
                # a cited target keeps its own record: the figure is allowed through it
                obj.provenance = casefit.cite(obj.provenance, pres.id, pres.version)
            goal.objectives = [*goal.objectives, obj]
            self.used.add(b.id)
            _link_to_goal(obj.id, goal, interventions)
        self._withdrawal(made, rules, interventions)
        self._risk_to_others(made, rules, interventions)
        first = made[0][0]
        ids = [o.id for o in first.objectives if o.instrument] or [first.objectives[0].id]
        iv = casefit.medication_intervention(self.facts, rules, f"I{len(interventions) + 1}", ids)
        if iv is not None:
            iv.provenance = self._cite(iv.provenance, made, first)
            interventions["drafting-rules.medication"] = iv
            medicines.fold_referrals(interventions, iv, self.facts, rules)
        self._honour_refusals(interventions)

    def _goal_for_substance(self, made: Made, substance: str) -> Goal:
        rules = self.rules
        assert rules is not None
        for g, p in made:
            if p is not None and rules.abstinence.presentations.get(p.id) == substance:
                return g
        return made[0][0]

    def _withdrawal(
        self, made: Made, rules: DraftingRules, interventions: dict[str, Intervention]
    ) -> None:
        ids: list[str] = []
        for s in self.facts.substances:
            if s.withdrawal not in ("history", "current_signs"):
                continue
            if medicines.abstinent_on_medicine(s, self.facts, rules):
                continue  # the coordination with the current prescriber is the medical step
            goal = self._goal_for_substance(made, s.substance)
            obj = casefit.withdrawal_objective(s, rules, f"{goal.id}.W{len(ids) + 1}")
            obj.provenance = self._cite(obj.provenance, made, goal)
            goal.objectives = [obj, *goal.objectives]
            ids.append(obj.id)
        if ids:
            iv = casefit.withdrawal_intervention(rules, f"I{len(interventions) + 1}", ids)
            iv.provenance = self._cite(iv.provenance, made, made[0][0])
            interventions["drafting-rules.withdrawal"] = iv

    def _cite(self, prov: Provenance, made: Made, goal: Goal) -> Provenance:
        pres = next((p for g, p in made if g is goal and p is not None), None)
        return casefit.cite(prov, pres.id, pres.version) if pres is not None else prov

    def _risk_to_others(
        self, made: Made, rules: DraftingRules, interventions: dict[str, Intervention]
    ) -> None:
        if not self.facts.risk_to_others:
            return
        substance = next((s.substance for s in self.facts.substances), "alcohol")
        goal = self._goal_for_substance(made, substance)
        objs = casefit.risk_objectives(self.facts, rules, 1, f"{goal.id}.R")
        for o in objs:
            o.provenance = casefit.cite(o.provenance, self._safety_id, self._safety_version)
        goal.objectives = [*objs, *goal.objectives]
        for o in objs:
            _link_to_goal(o.id, goal, interventions)

    def _honour_refusals(self, interventions: dict[str, Intervention]) -> None:
        """Leave out any technique the client refused or the intake rules out; say so."""
        pats = [(f"the client said '{r.text}'", p) for r, p in self._refused]
        pats += [(f"the intake rules out {c}", p) for c, p in self._ruled_out]
        for key, iv in list(interventions.items()):
            head, _, rest = iv.technique.partition(": ")
            for why, pat in pats:
                stripped = asides.strip_asides(head, pat)
                if stripped != head:
                    head = stripped
                    iv.technique = f"{head}: {rest}" if rest else head
                    iv.provenance.suggested_text = iv.technique
                if affirms(f"{iv.modality}. {head}", pat):
                    del interventions[key]
                    self.warnings.append(
                        f"{head} not proposed: {why}. Which alternative does the client accept?"
                    )
                    break
                items = [t for t in rest.split("; ") if t]
                kept = [t for t in items if not affirms(t, pat)]
                if len(kept) < len(items):
                    dropped = "; ".join(t for t in items if t not in kept)
                    rest = "; ".join(kept)
                    iv.technique = f"{head}: {rest}"
                    iv.provenance.suggested_text = iv.technique
                    self.warnings.append(
                        f"{head} usually includes '{dropped}', but {why}: left out. "
                        "Discuss with the client whether the approach still fits without it."
                    )


def _weeks_for(pres: Presentation | None, cap: int) -> int:
    """The timeframe for an objective composed from a baseline: the problem record's own
    outcome timeframe (so the figure is the record's), within the plan's length."""
    if pres is None:
        return cap
    outcome = [o.timeframe_weeks for o in pres.objectives if o.stage == "outcome"]
    return min(max(outcome, default=pres.timeline.weeks), cap)


def _link_to_goal(oid: str, goal: Goal, interventions: dict[str, Intervention]) -> None:
    mine = {o.id for o in goal.objectives}
    for iv in interventions.values():
        if mine & set(iv.objective_ids):
            iv.objective_ids = [*iv.objective_ids, oid]
            return
