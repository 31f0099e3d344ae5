"""The offline drafter: composes a plan from the intake and the knowledge base alone.

No network, no model, same plan for the same intake. It is also the starting point the
LLM drafter improves on, and the fallback when a model's draft does not pass the gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import notices as notices_mod
from assistant.drafting import casefit, client_goals, compose, measures, problems, safety
from assistant.drafting.choose import Candidate, ObjectivePicker, renumber
from assistant.drafting.problems import compose_basis as compose_basis
from assistant.drafting.select import (
    Preferences,
    ProblemGroup,
    allowed,
    group_problems,
    preference_score,
    problem_text,
    read_preferences,
)
from assistant.drafting.sequencing import order_of_work
from assistant.drafting.timeline import build_timeline
from assistant.drafting.trauma import TraumaChoice
from assistant.facts import extract
from assistant.facts.model import CaseFacts
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase, ObjectiveTemplate, Presentation
from assistant.plan import (
    DraftInfo,
    Goal,
    Header,
    Intervention,
    Objective,
    PlanDiagnosis,
    Problem,
    Safety,
    Timeline,
    TreatmentPlan,
)

# The intake may leave out who assessed the client; the plan asks for it instead of guessing.
CLINICIAN_PLACEHOLDER = "[clinician: name and credentials]"


@dataclass
class _Draft:
    """What one draft carries from stage to stage."""

    intake: Intake
    facts: CaseFacts
    skip_paths: set[str]
    warnings: list[str]
    prefs: Preferences
    groups: list[ProblemGroup]
    records: list[Presentation]
    weeks: int
    problems: list[Problem] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    interventions: dict[str, Intervention] = field(default_factory=dict)


class OfflineDrafter:
    name = "offline"

    def __init__(self, knowledge: KnowledgeBase, review_interval_days: int = 90):
        self.kb = knowledge
        self.review_interval_days = review_interval_days
        self._trauma = TraumaChoice(knowledge.rules)

    # ------------------------------------------------------------------ entry

    def compose(
        self,
        intake: Intake,
        retrieval_rank: dict[str, float] | None = None,
        retrieved: list[str] | None = None,
        facts: CaseFacts | None = None,
    ) -> TreatmentPlan:
        """Draft the plan in stages: read the intake, write each problem with its goals,
        finish the goals (safety first, then numbering), lay out the timeline and the
        order of work, and assemble the plan."""
        facts = facts or extract(intake)
        self._trauma = TraumaChoice(self.kb.rules)
        d = self._read(intake, facts, retrieval_rank)
        picker = self._picker(d)
        self._problems_and_goals(d, picker)
        self._finish_goals(d, picker)
        plan_safety = safety.section(intake, facts, self.kb.rules)
        timeline = build_timeline(
            self.kb,
            intake,
            d.records,
            d.weeks,
            d.prefs,
            facts,
            picker.fit_text,
            self.review_interval_days,
        )
        if self.kb.rules is not None:
            casefit.programme_interventions(d.interventions, facts, self.kb.rules)
        sequencing = order_of_work(intake, d.groups, facts, self.kb.rules)
        sequencing += picker.notes + self._trauma.notes
        return self._assemble(d, picker, plan_safety, timeline, sequencing, retrieved)

    # ------------------------------------------------------------------ stages

    def _read(
        self, intake: Intake, facts: CaseFacts, retrieval_rank: dict[str, float] | None
    ) -> _Draft:
        """What the draft starts from: the intake's notices and preferences, its problems
        grouped under knowledge records, and the weeks the plan may span."""
        notices = notices_mod.notices(intake)
        skip_paths = {n.path for n in notices if n.kind == "instruction"}
        prefs = read_preferences(
            [p for j, p in enumerate(intake.preferences) if f"preferences[{j}]" not in skip_paths]
        )
        groups = group_problems(self.kb, intake, retrieval_rank)
        records = [g.presentation for g in groups if g.presentation is not None]
        return _Draft(
            intake=intake,
            facts=facts,
            skip_paths=skip_paths,
            warnings=[f"{n.path}: {n.message}" for n in notices],
            prefs=prefs,
            groups=groups,
            records=records,
            weeks=self._weeks(intake, facts, records),
        )

    def _weeks(self, intake: Intake, facts: CaseFacts, records: list[Presentation]) -> int:
        """The records' longest timeline, shortened to the level of care's programme and
        to a deadline the case states."""
        weeks = max((p.timeline.weeks for p in records), default=12)
        bound = casefit.weeks_to_deadline(facts, intake.intake_date)
        lvl = casefit.level_of_care(facts, self.kb.rules) if self.kb.rules else None
        if lvl is not None:
            weeks = min(weeks, lvl.programme_weeks or weeks)
        if bound is not None:
            weeks = min(weeks, bound)
        return weeks

    def _picker(self, d: _Draft) -> ObjectivePicker:
        mod = self.kb.modules.get(safety.SAFETY_MODULE)
        return ObjectivePicker(
            d.intake,
            d.facts,
            self.kb.rules,
            d.weeks,
            (mod.id, mod.version) if mod else ("", 0),
            targets=self.kb.targets(),
        )

    def _problems_and_goals(self, d: _Draft, picker: ObjectivePicker) -> None:
        """One problem per group, with the goals its record offers (placeholders when no
        record covers it); the client's own goals go to the problem they read most like."""
        intake = d.intake
        group_texts = [
            " ".join(problem_text(intake.presenting_problems[i]) for i in g.intake_problems)
            + " "
            + (compose_basis(g))
            for g in d.groups
        ]
        client_goals = compose.assign_client_goals(intake, group_texts, d.skip_paths)
        offset = 1 if intake.risk.warrants_safety_plan else 0
        for gi, g in enumerate(d.groups):
            pid = f"P{gi + 1}"
            d.problems.append(problems.problem(intake, g, pid, d.skip_paths))
            if g.presentation is None:
                d.goals.append(problems.uncovered_goal(g, pid, offset + len(d.goals) + 1))
                d.warnings.append(
                    f"No knowledge record covers {', '.join(g.codes)}: goals and objectives for it "
                    "are placeholders for the clinician; nothing was borrowed from an unrelated record."
                )
                continue
            d.goals.extend(
                self._goals(
                    picker,
                    g.presentation,
                    pid,
                    offset + len(d.goals),
                    client_goals[gi],
                    d.prefs,
                    d.interventions,
                    d.warnings,
                    problems.impacts(intake, g, d.skip_paths),
                )
            )

    def _finish_goals(self, d: _Draft, picker: ObjectivePicker) -> None:
        """Let the picker add what the goals still lack, put the safety goal first when
        the risk calls for one, and number goals and interventions in order."""
        picker.finish(d.goals, d.groups, d.interventions)
        client_goals.add_objectives(
            d.goals, d.interventions, d.intake, self.kb.rules, d.weeks, d.skip_paths
        )
        if d.intake.risk.warrants_safety_plan:
            d.goals.insert(
                0,
                safety.safety_goal(self.kb, d.intake, d.problems[0].id, d.interventions, d.facts),
            )
        renumber(d.goals, d.interventions)
        self._trauma.name_chosen(d.goals)

    def _assemble(
        self,
        d: _Draft,
        picker: ObjectivePicker,
        plan_safety: Safety,
        timeline: Timeline,
        sequencing: list[str],
        retrieved: list[str] | None,
    ) -> TreatmentPlan:
        """The plan from its parts, with how it was drafted and the measures it monitors."""
        intake = d.intake
        return TreatmentPlan(
            header=_header(intake, self.review_interval_days),
            diagnoses=[
                PlanDiagnosis(
                    code=dx.code, label=dx.label or dx.code, primary=dx is intake.primary_diagnosis
                )
                for dx in intake.ordered_diagnoses()
            ],
            problems=d.problems,
            goals=d.goals,
            interventions=list(d.interventions.values()),
            timeline=timeline,
            strengths=list(intake.strengths),
            sequencing=sequencing,
            safety=plan_safety,
            draft=DraftInfo(
                drafter=self.name,
                knowledge_hash=self.kb.content_hash,
                retrieved=list(retrieved or []),
                warnings=list(dict.fromkeys(d.warnings + picker.warnings)),
            ),
            monitored_measures=measures.monitored_measures(
                d.facts, [o for g in d.goals for o in g.objectives], self.kb.rules
            ),
            case_facts=d.facts,
        )

    # ------------------------------------------------------------------ parts

    def _goals(
        self,
        picker: ObjectivePicker,
        pres: Presentation,
        pid: str,
        start: int,
        client_goals: list[str],
        prefs: Preferences,
        interventions: dict[str, Intervention],
        warnings: list[str],
        impacts: list[str],
    ) -> list[Goal]:
        """Up to two of the record's goals, each with the objectives the picker chose. The
        client's own goals go to the first; a goal without them says what the problem
        costs the client now."""
        out: list[Goal] = []
        used_client_goals = False
        for gt in pres.goals[:2]:
            fitted = picker.fit_text(" ".join(gt.text.split()))
            if fitted is None and out:
                continue
            chosen = picker.pick(pres, gt)
            if not chosen and out:
                continue
            if not chosen:
                chosen = picker.pick(pres, gt, keep_placeholders=True)
            if not chosen:
                continue
            gid = f"G{start + len(out) + 1}"
            cg = client_goals if not used_client_goals else []
            used_client_goals = used_client_goals or bool(cg)
            own_impacts = [] if cg else impacts[2 * len(out) : 2 * len(out) + 2]
            statement = compose.goal_statement(
                fitted or f"{pres.title}: the difficulties the client describes ease.",
                cg,
                own_impacts,
            )
            objectives = self._objectives(pres, chosen, gid, prefs, interventions, warnings)
            out.append(
                Goal(
                    id=gid,
                    statement=statement,
                    problem_ids=[pid],
                    client_words="; ".join(cg) or None,
                    objectives=objectives,
                    provenance=compose.knowledge_provenance(
                        pres.id, pres.version, gt.id, statement
                    ),
                )
            )
            picker.goal_made(out[-1], pres)
        return out

    def _objectives(
        self,
        pres: Presentation,
        chosen: list[Candidate],
        gid: str,
        prefs: Preferences,
        interventions: dict[str, Intervention],
        warnings: list[str],
    ) -> list[Objective]:
        """The goal's objectives, numbered, each with an intervention the client's
        preferences allow (a warning when none does)."""
        objectives = []
        for k, cand in enumerate(chosen):
            oid = f"{gid}.O{k + 1}"
            objective = cand.objective(oid, pres)
            if cand.template is not None:
                ivs = self._interventions_for(
                    pres, cand.template, prefs, interventions, oid, warnings
                )
                if not ivs:
                    warnings.append(
                        f"{oid}: every intervention for this objective conflicts with a "
                        "stated preference; discuss options with the client."
                    )
            warnings.extend(cand.warnings)
            objectives.append(objective)
        return objectives

    def _interventions_for(
        self,
        pres: Presentation,
        tmpl: ObjectiveTemplate,
        prefs: Preferences,
        interventions: dict[str, Intervention],
        objective_id: str,
        warnings: list[str],
    ) -> list[str]:
        options = {i.id: i for i in pres.interventions}
        listed = [options[i] for i in tmpl.interventions if i in options]
        ok = [o for o in listed if allowed(o, prefs)[0]]
        if not ok:
            ok = [o for o in pres.interventions if allowed(o, prefs)[0]][:1]
        for o in listed:
            ok_o, why = allowed(o, prefs)
            if not ok_o:
                warnings.append(f"{o.name} not proposed: {why}.")
        ok.sort(key=lambda o: -preference_score(o, prefs))
        ok = self._trauma.narrow(pres, ok, prefs)
        chosen = ok[:1]
        for o in chosen:
            compose.add_intervention(
                pres.id, pres.version, o, objective_id, interventions, prefs.scheduling
            )
        return [o.id for o in chosen]


def _header(intake: Intake, review_interval_days: int) -> Header:
    """Who the plan is for and by whom; a placeholder asks for a clinician the intake omits."""
    clinician = intake.clinician
    return Header(
        client_name=intake.client.name,
        client_dob=intake.client.date_of_birth,
        record_id=intake.client.record_id,
        pronouns=intake.client.pronouns,
        clinician_name=clinician.name if clinician else CLINICIAN_PLACEHOLDER,
        clinician_credentials=clinician.credentials if clinician else None,
        clinician_license=clinician.license_number if clinician else None,
        created=intake.intake_date,
        review_interval_days=review_interval_days,
        payer=intake.payer,
        setting=intake.setting,
    )
