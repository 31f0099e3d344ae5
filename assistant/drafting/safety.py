"""The safety section and, when risk warrants it, the safety goal.

Risk is reported exactly as assessed. A field that was not assessed is written as
"not assessed" with a request to complete it; the drafter never writes "denies". The
overall risk level is a clinical judgement, so it is left as a placeholder for the
clinician whenever any risk is present.
"""

from __future__ import annotations

from assistant.drafting import casefit, compose
from assistant.facts.model import CaseFacts
from assistant.intake import Intake
from assistant.knowledge import DraftingRules, KnowledgeBase, Module
from assistant.plan import (
    Baseline,
    Goal,
    Intervention,
    Objective,
    RiskLevel,
    Safety,
    Target,
    Timeframe,
    placeholder,
)
from assistant.validation.rules_consistency_risk import records_overdose_risk

SAFETY_MODULE = "safety-planning"
_BASELINE_HINTS = {
    "safety-planning.obj.safety-plan": "note any safety plan already in place",
    "safety-planning.obj.cssrs": "record the first C-SSRS result",
    "safety-planning.obj.means": "note the methods named and any steps already taken",
}


def _baseline_text(template_id: str, intake: Intake, done: object | None) -> str:
    """What the intake already says about this safety objective (never a guess)."""
    if done is not None:
        return f"already in place at intake: {getattr(done, 'text', '')}"
    if template_id == "safety-planning.obj.cssrs":
        r = intake.risk
        si = _SI_WORDS[r.suicidal_ideation]
        si = si if "suicidal ideation" in si else f"suicidal ideation {si}"
        sh = _SH_WORDS[r.self_harm]
        sh = sh if "self-harm" in sh else f"self-harm {sh}"
        return f"intake risk screen: {si}, {sh}"
    if template_id in _BASELINE_HINTS:
        return "none recorded at intake"
    return placeholder("baseline", "note what is already in place")


_SI_WORDS = {
    "none": "none reported",
    "passive": "passive suicidal ideation (wish to be dead, no active thoughts of acting)",
    "active_without_plan": "active suicidal ideation without a plan",
    "active_with_plan": "active suicidal ideation with a plan",
    "not_assessed": "not assessed",
}
_SH_WORDS = {
    "none": "none reported",
    "past": "past self-harm, none current",
    "current": "current self-harm",
    "not_assessed": "not assessed",
}


def _hi_words(v: bool | str) -> str:
    if v == "not_assessed":
        return "not assessed"
    return "present" if v is True else "none reported"


def section(
    intake: Intake, case: CaseFacts | None = None, rules: DraftingRules | None = None
) -> Safety:
    r = intake.risk
    others = "; ".join(x.text for x in case.risk_to_others) if case else ""
    facts = (
        f"Suicidal ideation: {_SI_WORDS[r.suicidal_ideation]}. Self-harm: {_SH_WORDS[r.self_harm]}. "
        f"Homicidal ideation: {_hi_words(r.homicidal_ideation)}."
    )
    if others:
        facts += f" Risk to others recorded at intake: {others}."
    if case is not None and case.safety_steps:
        facts += (
            " Safety steps already taken: " + "; ".join(s.text for s in case.safety_steps) + "."
        )
    notes = f" Clinician's notes: {r.notes.strip()}" if r.notes.strip() else ""
    actions: list[str] = []
    protective = list(intake.strengths)
    if not r.fully_assessed:
        missing = ", ".join(r.unassessed_fields)
        summary = (
            f"Risk not assessed at intake for: {missing}. {facts}{notes} The plan cannot be "
            "finalised until the risk assessment is complete."
        )
        actions.append(
            placeholder(
                "risk",
                f"complete the assessment of {missing} (for example the C-SSRS screener) before finalising",
            )
        )
        level: RiskLevel = "not_assessed"
    elif r.warrants_safety_plan:
        summary = f"Risk present at intake. {facts}{notes}"
        level = "to_be_rated"
        actions.append(placeholder("risk level", "rate low, moderate or high with the reasons"))
    elif others:
        summary = f"Risk to others recorded at intake. {facts}{notes}"
        level = "to_be_rated"
        actions.append(placeholder("risk level", "rate low, moderate or high with the reasons"))
    elif rules is not None and rules.overdose is not None and _overdose(r.notes, rules):
        summary = f"{rules.overdose.summary} {facts}{notes}"
        level = "to_be_rated"
        actions.append(placeholder("risk level", "rate low, moderate or high with the reasons"))
        actions.append(" ".join(rules.overdose.action.split()))
    else:
        summary = f"Risk screened at intake. {facts}{notes}"
        level = "none_identified"
        actions.append(
            "Repeat the risk screen at each plan review and whenever the clinical picture changes."
        )
    steps = case.safety_steps if case else []
    kinds = {s.kind for s in steps}
    if r.warrants_safety_plan:
        actions[:0] = [
            "Write a Stanley-Brown safety plan with the client by session 2 and give the client a copy."
            if "safety_plan" not in kinds
            else "Keep the safety plan already written ("
            + "; ".join(s.text for s in steps if s.kind == "safety_plan")
            + "): review it with the client at session 1 and at every session while risk is present.",
            "Screen with the C-SSRS (since-last-visit version) at every session and update the safety plan when risk rises.",
            "Lethal-means counselling: agree voluntary steps that limit access to the methods the client names."
            if "means_restriction" not in kinds
            else "Lethal means: check at each session that the steps already taken ("
            + "; ".join(s.text for s in steps if s.kind == "means_restriction")
            + ") stay in place, and ask about any other methods.",
            "Crisis contacts on the safety plan, including the 988 Suicide and Crisis Lifeline.",
        ]
    if case is not None and rules is not None:
        covered = {"safety_plan", "means_restriction"} if r.warrants_safety_plan else set()
        actions += casefit.safety_step_actions(case, rules, skip=covered)
        actions += casefit.withdrawal_actions(case, rules)
        actions += casefit.risk_actions(case, rules)
    return Safety(
        risk_assessed=r.fully_assessed,
        suicidal_ideation=r.suicidal_ideation,
        self_harm=r.self_harm,
        homicidal_ideation=_hi_words(r.homicidal_ideation).replace(" ", "_")
        if not others
        else "risk_to_others_recorded",
        risk_level=level,
        summary=summary,
        actions=actions,
        reassessment="every session while risk is present (C-SSRS since last visit)"
        if r.warrants_safety_plan
        else "at each plan review",
        protective_factors=protective,
    )


_DONE_TEXT = {
    "safety-planning.obj.safety-plan": (
        "safety_plan",
        "Complete an update of the safety plan already written (baseline: 1 plan, written before "
        "this plan) with the client by session {target}, so that 1 current plan is held by the "
        "client, and change it whenever risk changes, as recorded in the safety plan.",
    ),
    "safety-planning.obj.means": (
        "means_restriction",
        "Complete the safety plan's section on lethal means with the steps already taken "
        "(baseline: {count} recorded at intake; target: every one still in place) by session "
        "{target}, confirming that each is still in place and adding steps for any other method "
        "the client names, as recorded in the safety plan.",
    ),
}


def safety_goal(
    kb: KnowledgeBase,
    intake: Intake,
    problem_id: str,
    interventions: dict[str, Intervention],
    case: CaseFacts | None = None,
) -> Goal:
    mod = kb.modules[SAFETY_MODULE]
    assert isinstance(mod, Module)
    gid = "G1"
    objectives: list[Objective] = []
    steps: dict[str, object] = {s.kind: s for s in case.safety_steps} if case else {}
    for k, tmpl in enumerate(mod.objectives):
        oid = f"{gid}.O{k + 1}"
        text = " ".join(tmpl.text.split())
        kind, done_text = _DONE_TEXT.get(tmpl.id, ("", ""))
        done = steps.get(kind)
        if done is not None:
            n = sum(1 for s in case.safety_steps if s.kind == kind) if case else 1
            text = done_text.replace("{count}", f"{n} step" + ("s" if n > 1 else ""))
        if tmpl.target.value is not None:
            session = int(tmpl.target.value)
            text = text.replace("{target}", str(session))
            timeframe = Timeframe(by_session=session)
            target = Target(value=None, text=f"done by session {session}", comparator="=")
        else:
            timeframe = Timeframe(by_session=1)
            target = Target(value=None, text="done at every session", comparator="=")
            if "session 1" not in text:
                text = text.rstrip(".") + ", starting by session 1."
        baseline = Baseline(value=None, text=_baseline_text(tmpl.id, intake, done))
        if done is None and kind:
            # nothing recorded at intake: the count starts from none
            baseline = Baseline(value=0, text="0", source="none recorded at intake")
            text = text.rstrip(".") + " (baseline 0 at intake)."
        text = compose.complete_sentence(text, timeframe, tmpl.measurement)
        objectives.append(
            Objective(
                id=oid,
                text=text,
                metric=tmpl.metric,
                baseline=baseline,
                target=target,
                direction="achieve",
                timeframe=timeframe,
                measurement=tmpl.measurement,
                frequency=tmpl.frequency,
                stage="safety",
                provenance=compose.knowledge_provenance(mod.id, mod.version, tmpl.id, text),
            )
        )
        for iid in tmpl.interventions:
            opt = next(i for i in mod.interventions if i.id == iid)
            compose.add_intervention(mod.id, mod.version, opt, oid, interventions, [])
    statement = (
        "Stay safe while treatment takes effect: the client has a written plan for moments of crisis "
        "and risk is checked at every contact."
    )
    return Goal(
        id=gid,
        statement=statement,
        problem_ids=[problem_id],
        objectives=objectives,
        provenance=compose.knowledge_provenance(mod.id, mod.version, None, statement),
    )


def _overdose(notes: str, rules: DraftingRules) -> bool:
    """The risk notes record overdose risk (not 'no overdoses')."""
    assert rules.overdose is not None
    return records_overdose_risk(notes, rules.overdose.words)
