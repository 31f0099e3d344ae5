"""Which objectives a goal gets, read against the case facts.

Objectives whose metric the intake measured come first; tasks with a stated result next;
an objective still waiting on a figure is kept only when a goal would otherwise have fewer
than two. Templates the case rules out (a purging objective after "no purging"), that need
something the client refused, or that are about work for a person who does not work, are
not drafted. A substance the client is abstinent from gets maintenance, never reduction.
After the goals are made, :meth:`ObjectivePicker.finish` (:mod:`assistant.drafting.additions`)
adds what the case itself calls for: an objective for every baseline no template used, a medical evaluation first for
withdrawal, an objective for risk to others, and coordination with a prescriber.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.drafting import asides, casefit, compose, measures, workfit
from assistant.drafting.additions import CaseAdditions
from assistant.facts.model import CaseFacts
from assistant.intake import Intake
from assistant.knowledge import (
    BehaviouralTarget,
    DraftingRules,
    GoalTemplate,
    Module,
    ObjectiveTemplate,
    Presentation,
)
from assistant.plan import Goal, Intervention, Objective
from assistant.validation.rules_consistency import affirms
from assistant.validation.rules_consistency_risk import concept_pattern
from assistant.validation.rules_consistency_treatment import refusal_pattern

MAX_OBJECTIVES_PER_GOAL = 4
MIN_OBJECTIVES_PER_GOAL = 1
STAGE_ORDER = {"safety": 0, "skills": 1, "application": 2, "outcome": 3}
_RANK = {"measured": 0, "task": 1, "placeholder": 2}


@dataclass
class Candidate:
    """One objective a goal could get: from a template (``filled``) or already built."""

    kind: str  # measured | task | placeholder
    stage: str
    template: ObjectiveTemplate | None = None
    filled: compose.Filled | None = None
    built: Objective | None = None
    warnings: list[str] = field(default_factory=list)

    def objective(self, oid: str, pres: Presentation) -> Objective:
        if self.built is not None:
            return self.built.model_copy(update={"id": oid})
        assert self.template is not None and self.filled is not None
        f, t = self.filled, self.template
        return Objective(
            id=oid,
            text=f.text,
            metric=f.metric,
            instrument=f.instrument,
            baseline=f.baseline,
            target=f.target,
            direction=f.direction,
            timeframe=f.timeframe,
            measurement=t.measurement,
            frequency=t.frequency,
            stage=t.stage,
            provenance=compose.knowledge_provenance(pres.id, pres.version, t.id, f.text),
        )


def _kind(f: compose.Filled) -> str:
    if f.baseline_id is not None or (f.instrument and f.baseline.value is not None):
        return "measured"  # an intake figure: kept even while its target waits on the clinician
    if f.baseline.is_placeholder or f.target.is_placeholder:
        return "placeholder"
    if f.baseline.source == compose.NOT_TAUGHT:
        # a count that starts at 0 because the therapy teaches it: a skill objective the
        # record's goal lists, not an intake figure
        return "task"
    return "measured" if f.baseline.value is not None else "task"


class ObjectivePicker(CaseAdditions):
    """The template objectives each goal gets; :meth:`finish` (from
    :class:`~assistant.drafting.additions.CaseAdditions`) adds what the case calls for."""

    def __init__(
        self,
        intake: Intake,
        facts: CaseFacts,
        rules: DraftingRules | None,
        weeks: int,
        safety_module: tuple[str, int] = ("safety-planning", 1),
        targets: Sequence[tuple[Module, BehaviouralTarget]] = (),
    ) -> None:
        self.intake, self.facts, self.rules, self.weeks = intake, facts, rules, weeks
        self.targets = targets  # cited first targets for composed objectives
        self.baselines = measures.current_baselines(facts, rules)
        self.used: set[str] = set()
        # (instrument, weeks) of the score objectives already drafted
        self._score_windows: set[tuple[str, int | None]] = set()
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self._maintained: set[str] = set()
        self._goals: list[tuple[Goal, Presentation]] = []
        self._refused = [(r, _refused_pattern(r.target)) for r in facts.refusals() if r.target]
        self._ruled_out = [(r.concept, concept_pattern(r.concept)) for r in facts.ruled_out]
        if rules is not None and facts.abstinent_substances:
            words = "|".join(re.escape(w) for w in rules.abstinence.moderation_words)
            self._ruled_out.append(("moderation", re.compile(rf"\b(?:{words})", re.I)))
        self._safety_id, self._safety_version = safety_module

    # ------------------------------------------------------------ per goal

    def fit_text(self, text: str) -> str | None:
        """``text`` as it fits this person: work wording, and an aside about something the
        client refused or the intake rules out taken out; None when it cannot fit."""
        if self.rules is not None:
            fitted = workfit.fit_work_wording(text, self.facts, self.rules)
            if fitted is None:
                return None
            text = fitted
        for _, pat in [*self._refused_pats(), *self._ruled_out]:
            text = asides.strip_asides(text, pat)
            if affirms(text, pat):
                return None
        return text

    def _wanted(self, t: ObjectiveTemplate) -> bool:
        """The template is about something the client asked for ('open to SMART Recovery')."""
        text = f"{t.text} {t.metric}".lower()
        for p in self.facts.preferences:
            if p.kind != "wants":
                continue
            name = re.sub(
                r"^(?:open to|wants?|prefers?|would like|will try|keen on)\s+",
                "",
                (p.target or p.text).lower(),
            )
            if len(name) > 3 and name in text:
                return True
        return False

    def _refused_pats(self) -> list[tuple[str, re.Pattern[str]]]:
        return [(r.target or "", p) for r, p in self._refused]

    def _excluded(self, t: ObjectiveTemplate) -> str | None:
        about = f"{t.text} {t.metric}"
        for concept, pat in self._ruled_out:
            if affirms(about, pat):
                return f"{t.id} not drafted: the intake rules out {concept}"
        for ref, pat in self._refused:
            if affirms(about, pat):
                return (
                    f"{t.id} not drafted because of the client's stated preference "
                    f"('{ref.text}'): is there another way to reach this objective that the "
                    "client accepts?"
                )
        return None

    def _candidate(self, pres: Presentation, t: ObjectiveTemplate) -> Candidate | None:
        rules = self.rules
        substance = casefit.substance_for(pres.id, self.facts, rules) if rules else None
        if (
            rules is not None
            and substance is not None
            and substance.status == "abstinent"
            and t.id in rules.abstinence.skip_templates
        ):
            return None
        text = " ".join(t.text.split())
        for _, pat in [*self._refused_pats(), *self._ruled_out]:
            text = asides.strip_asides(text, pat)
        if text != " ".join(t.text.split()):
            t = t.model_copy(update={"text": text})
        why = self._excluded(t)
        if why:
            self.warnings.append(why)
            return None
        fitted = self.fit_text(text)
        if fitted is None:
            return None
        if t.instrument and 2 * self.weeks < t.timeframe_weeks:
            # a score target set for a course of t.timeframe_weeks is not realistic in a plan
            # under half as long (a short programme, a near deadline): the score is monitored
            self.warnings.append(
                f"{t.id} not drafted: its {t.instrument} target is set for {t.timeframe_weeks} "
                f"weeks and this plan runs {self.weeks}; the score is monitored instead."
            )
            return None
        if fitted != text:
            t = t.model_copy(update={"text": fitted})
        if (
            rules is not None
            and substance is not None
            and substance.status == "abstinent"
            and casefit.counts_use(f"{t.metric} {t.baseline_measure or ''}", rules)
        ):
            if substance.substance in self._maintained:
                return None
            self._maintained.add(substance.substance)
            zero = next(
                (
                    b
                    for b in self.baselines
                    if b.id not in self.used
                    and b.high == 0
                    and casefit.counts_use(f"{b.measure} {b.unit}", rules)
                ),
                None,
            )
            built = casefit.maintenance_objective(
                substance, rules, "new", self.weeks, self.intake.intake_date, zero
            )
            if zero is not None:
                self.used.add(zero.id)
            return Candidate(kind="measured", stage="outcome", built=built, template=t)
        f, _ = compose.fill_objective(
            t, self.intake, self.weeks, self.facts, self.used, self.baselines
        )
        if f is None:
            return None
        return Candidate(kind=_kind(f), stage=t.stage, template=t, filled=f, warnings=f.warnings)

    def pick(
        self, pres: Presentation, gt: GoalTemplate, keep_placeholders: bool = False
    ) -> list[Candidate]:
        templates = {o.id: o for o in pres.objectives}
        cands = [c for oid in gt.objectives if (c := self._candidate(pres, templates[oid]))]
        for c in cands:
            if c.kind == "placeholder" and c.template is not None and self._wanted(c.template):
                c.kind = "task"  # the client asked for this; the clinician fills the figure
        ranked = sorted(cands, key=lambda c: _RANK[c.kind])
        chosen = []
        for c in ranked:
            if c.kind != "measured":
                continue
            key = _score_window(c)
            if key is not None and key in self._score_windows:
                continue  # a second target on the same score over the same weeks is redundant
            if key is not None:
                self._score_windows.add(key)
            chosen.append(c)
        for c in ranked:
            if c in chosen:
                continue
            if (
                c.kind == "task"
                and len(chosen) < MAX_OBJECTIVES_PER_GOAL
                or (
                    c.kind == "placeholder"
                    and len(chosen) < MIN_OBJECTIVES_PER_GOAL
                    and (chosen or keep_placeholders)
                )
            ):
                chosen.append(c)
        if not any(c.kind != "placeholder" for c in chosen) and not keep_placeholders:
            chosen = []
        for c in cands:
            if c not in chosen and c.filled is not None and c.filled.baseline_id:
                self.used.discard(c.filled.baseline_id)  # the figure goes to another objective
        return sorted(chosen, key=lambda c: STAGE_ORDER[c.stage])

    def goal_made(self, goal: Goal, pres: Presentation) -> None:
        self._goals.append((goal, pres))


def _refused_pattern(target: str) -> re.Pattern[str]:
    """What a refused element looks like in a plan: 'group sessions' refuses any group."""
    if re.search(r"\bgroups?\b", target, re.I):
        return re.compile(r"\bgroups?\b", re.I)
    return refusal_pattern(target)


def _score_window(c: Candidate) -> tuple[str, int | None] | None:
    """The instrument and the weeks a score objective runs over (PHQ-9 below 10 and PHQ-9
    below 5 both within 8 weeks share one)."""
    if c.filled is None or c.filled.instrument is None:
        return None
    return c.filled.instrument, c.filled.timeframe.weeks


def renumber(goals: list[Goal], interventions: dict[str, Intervention]) -> None:
    """Goals G1.., objectives G1.O1.., interventions I1.., links kept."""
    mapping: dict[str, str] = {}
    for gi, g in enumerate(goals):
        gid = f"G{gi + 1}"
        new_objs = []
        for oi, o in enumerate(g.objectives):
            new_id = f"{gid}.O{oi + 1}"
            mapping[o.id] = new_id
            new_objs.append(o.model_copy(update={"id": new_id}))
        g.id = gid
        g.objectives = new_objs
    for k, iv in enumerate(interventions.values()):
        iv.id = f"I{k + 1}"
        iv.objective_ids = list(dict.fromkeys(mapping.get(i, i) for i in iv.objective_ids))
