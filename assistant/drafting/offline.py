"""The offline drafter: composes a plan from the intake and the knowledge base alone.

No network, no model, same plan for the same intake. It is also the starting point the
LLM drafter improves on, and the fallback when a model's draft does not pass the gate.
"""

from __future__ import annotations

from assistant import notices as notices_mod
from assistant.drafting import casefit, compose, measures, safety
from assistant.drafting.choose import ObjectivePicker, renumber
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
    Provenance,
    TreatmentPlan,
    placeholder,
)

# The intake may leave out who assessed the client; the plan asks for it instead of guessing.
CLINICIAN_PLACEHOLDER = "[clinician: name and credentials]"


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
        facts = facts or extract(intake)
        self._trauma = TraumaChoice(self.kb.rules)
        notices = notices_mod.notices(intake)
        skip_paths = {n.path for n in notices if n.kind == "instruction"}
        warnings = [f"{n.path}: {n.message}" for n in notices]
        prefs = read_preferences(
            [p for j, p in enumerate(intake.preferences) if f"preferences[{j}]" not in skip_paths]
        )
        groups = group_problems(self.kb, intake, retrieval_rank)
        records = [g.presentation for g in groups if g.presentation is not None]
        weeks = max((p.timeline.weeks for p in records), default=12)
        bound = casefit.weeks_to_deadline(facts, intake.intake_date)
        lvl = casefit.level_of_care(facts, self.kb.rules) if self.kb.rules else None
        if lvl is not None:
            weeks = min(weeks, lvl.programme_weeks or weeks)
        if bound is not None:
            weeks = min(weeks, bound)
        mod = self.kb.modules.get(safety.SAFETY_MODULE)
        picker = ObjectivePicker(
            intake,
            facts,
            self.kb.rules,
            weeks,
            (mod.id, mod.version) if mod else ("", 0),
            targets=self.kb.targets(),
        )

        problems: list[Problem] = []
        goals: list[Goal] = []
        interventions: dict[str, Intervention] = {}
        group_texts = [
            " ".join(problem_text(intake.presenting_problems[i]) for i in g.intake_problems)
            + " "
            + (compose_basis(g))
            for g in groups
        ]
        client_goals = compose.assign_client_goals(intake, group_texts, skip_paths)

        has_safety = intake.risk.warrants_safety_plan
        offset = 1 if has_safety else 0
        for gi, g in enumerate(groups):
            pid = f"P{gi + 1}"
            problems.append(self._problem(intake, g, pid, skip_paths))
            if g.presentation is None:
                goals.append(self._uncovered_goal(g, pid, offset + len(goals) + 1))
                warnings.append(
                    f"No knowledge record covers {', '.join(g.codes)}: goals and objectives for it "
                    "are placeholders for the clinician; nothing was borrowed from an unrelated record."
                )
                continue
            for goal in self._goals(
                picker,
                g.presentation,
                pid,
                offset + len(goals),
                client_goals[gi],
                prefs,
                interventions,
                warnings,
                [
                    f
                    for i in g.intake_problems
                    for j, f in enumerate(intake.presenting_problems[i].functional_impact)
                    if f"presenting_problems[{i}].functional_impact[{j}]" not in skip_paths
                ],
            ):
                goals.append(goal)

        picker.finish(goals, groups, interventions)
        if has_safety:
            goals.insert(
                0, safety.safety_goal(self.kb, intake, problems[0].id, interventions, facts)
            )
        renumber(goals, interventions)
        self._trauma.name_chosen(goals)
        plan_safety = safety.section(intake, facts, self.kb.rules)

        timeline = build_timeline(
            self.kb,
            intake,
            records,
            weeks,
            prefs,
            facts,
            picker.fit_text,
            self.review_interval_days,
        )
        if self.kb.rules is not None:
            casefit.programme_interventions(interventions, facts, self.kb.rules)
        sequencing = order_of_work(intake, groups, facts, self.kb.rules)
        sequencing += picker.notes + self._trauma.notes
        plan = TreatmentPlan(
            header=Header(
                client_name=intake.client.name,
                client_dob=intake.client.date_of_birth,
                record_id=intake.client.record_id,
                pronouns=intake.client.pronouns,
                clinician_name=intake.clinician.name if intake.clinician else CLINICIAN_PLACEHOLDER,
                clinician_credentials=intake.clinician.credentials if intake.clinician else None,
                clinician_license=intake.clinician.license_number if intake.clinician else None,
                created=intake.intake_date,
                review_interval_days=self.review_interval_days,
                payer=intake.payer,
                setting=intake.setting,
            ),
            diagnoses=[
                PlanDiagnosis(
                    code=d.code, label=d.label or d.code, primary=d is intake.primary_diagnosis
                )
                for d in intake.ordered_diagnoses()
            ],
            problems=problems,
            goals=goals,
            interventions=list(interventions.values()),
            timeline=timeline,
            strengths=list(intake.strengths),
            sequencing=sequencing,
            safety=plan_safety,
            draft=DraftInfo(
                drafter=self.name,
                knowledge_hash=self.kb.content_hash,
                retrieved=list(retrieved or []),
                warnings=list(dict.fromkeys(warnings + picker.warnings)),
            ),
            monitored_measures=measures.monitored_measures(
                facts, [o for g in goals for o in g.objectives], self.kb.rules
            ),
            case_facts=facts,
        )
        return plan

    # ------------------------------------------------------------------ parts

    def _problem(self, intake: Intake, g: ProblemGroup, pid: str, skip_paths: set[str]) -> Problem:
        pps = [intake.presenting_problems[i] for i in g.intake_problems]
        inst_ids = _instruments_for(g.presentation, intake)
        statement = compose.problem_statement(
            intake, pps, g.codes, g.labels, inst_ids, skip_paths, g.intake_problems
        )
        impact = [f for pp in pps for f in pp.functional_impact]
        if g.presentation is not None:
            prov = compose.knowledge_provenance(
                g.presentation.id, g.presentation.version, None, statement
            )
            prov.note = f"composed from the intake; {g.reason}"
        else:
            prov = Provenance(
                source="intake",
                authorship="suggested",
                suggested_text=statement,
                note="composed from the intake; no knowledge record fits",
            )
        return Problem(
            id=pid,
            statement=statement,
            diagnosis_codes=list(g.codes),
            functional_impact=impact,
            provenance=prov,
        )

    def _uncovered_goal(self, g: ProblemGroup, pid: str, n: int) -> Goal:
        gid = f"G{n}"
        text = placeholder("goal", f"write a goal for {', '.join(g.codes)} with the client")
        obj = Objective(
            id=f"{gid}.O1",
            text=placeholder(
                "objective", "metric, baseline, target, timeframe and how it is measured"
            ),
            direction="decrease",
            provenance=Provenance(
                source="rule", authorship="suggested", note="no knowledge record fits"
            ),
        )
        return Goal(
            id=gid,
            statement=text,
            problem_ids=[pid],
            objectives=[obj],
            provenance=Provenance(source="rule", authorship="suggested", suggested_text=text),
        )

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


def compose_basis(g: ProblemGroup) -> str:
    if g.presentation is None:
        return " ".join(g.labels)
    return " ".join([g.presentation.title, *g.presentation.lay_terms, *g.labels])


def _instruments_for(pres: Presentation | None, intake: Intake) -> list[str]:
    ids: list[str] = []
    if pres is not None:
        ids = [o.instrument for o in pres.objectives if o.instrument]
    # scores the intake holds that this record's objectives do not name are still shown once,
    # on the first problem that could use them
    return list(dict.fromkeys(ids))
