"""Drafting rules over the case facts: what this person's circumstances change in a plan.

Each function reads :class:`~assistant.facts.model.CaseFacts` and the drafting rules in
``knowledge/rules/`` and returns plan items or wording: the dose the level of care sets,
the mandate's outer bound and release scope, maintenance for an abstinent substance,
the medical step for withdrawal, risk to others, and the notes a clinician needs
(caregivers, the trauma-therapy alternative). Work wording is in
:mod:`assistant.drafting.workfit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.drafting import medicines
from assistant.facts.model import BaselineFact, CaseFacts, RiskToOthersFact, SubstanceFact
from assistant.knowledge import DraftingRules, LevelOfCare
from assistant.plan import Baseline, Intervention, Objective, Provenance, Target, Timeframe
from assistant.text import fmt

RULES_ID = "drafting-rules"


def rule_provenance(rules: DraftingRules, item: str, text: str) -> Provenance:
    """Provenance of an item a drafting rule wrote; :func:`cite` ties it to the knowledge
    record of the problem it serves, whose figures it uses."""
    return Provenance(
        source="rule",
        authorship="suggested",
        suggested_text=text,
        note=f"drafting rule {rules.id} v{rules.version}: {item}",
    )


def cite(prov: Provenance, record_id: str, version: int) -> Provenance:
    return prov.model_copy(
        update={"source": "knowledge", "record_id": record_id, "record_version": version}
    )


def _clean(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- level of care and mandate


@dataclass
class Dose:
    frequency: str
    session_minutes: int
    weeks: int
    sessions_min: int
    sessions_max: int
    step_down: str


def level_of_care(facts: CaseFacts, rules: DraftingRules) -> LevelOfCare | None:
    """The programme's dose when the case records an intensive level of care."""
    lvl = rules.level(facts.level_of_care.setting)
    return lvl if lvl.intensive else None


def programme_dose(facts: CaseFacts, lvl: LevelOfCare, weeks_cap: int) -> Dose:
    """One coherent total for an intensive programme: days a week x weeks, hours a day."""
    days = facts.level_of_care.days_per_week or lvl.days_per_week
    hours = facts.level_of_care.hours_per_day or lvl.hours_per_day
    weeks = min(lvl.programme_weeks or weeks_cap, weeks_cap)
    freq = lvl.frequency.format(days=days, hours=fmt(hours) if hours else "several")
    minutes = int(hours * 60) if hours else lvl.session_minutes
    return Dose(
        frequency=freq,
        session_minutes=min(minutes, 240),
        weeks=weeks,
        sessions_min=days * weeks,
        sessions_max=days * weeks,
        step_down=_clean(lvl.step_down),
    )


def weeks_to_deadline(facts: CaseFacts, start: date) -> int | None:
    """Whole weeks from ``start`` to a mandate's deadline (the plan's outer bound)."""
    if facts.legal is None or facts.legal.deadline is None:
        return None
    return max(1, (facts.legal.deadline - start).days // 7)


def bound_dates(dates: list[date], facts: CaseFacts) -> list[date]:
    """Review dates on or before a mandate's deadline (the deadline itself is the last)."""
    if facts.legal is None or facts.legal.deadline is None:
        return dates
    deadline = facts.legal.deadline
    kept = [d for d in dates if d <= deadline]
    if len(kept) < len(dates) and (not kept or kept[-1] < deadline):
        kept.append(deadline)
    return kept


def mandate_notes(facts: CaseFacts, rules: DraftingRules) -> list[str]:
    legal = facts.legal
    if legal is None or not (legal.mandated or legal.deadline or legal.release_scope):
        return []
    who = legal.referred_by or "the referrer"
    out = []
    if legal.deadline is not None:
        out.append(
            _clean(rules.mandate.sequencing.format(referred_by=who, deadline=legal.deadline))
        )
    if legal.requirements:
        out.append(
            _clean(
                rules.mandate.requirements.format(
                    referred_by=who, requirements="; ".join(dict.fromkeys(legal.requirements))
                )
            )
        )
    ordered = ordered_sessions(facts)
    if ordered is not None:
        out.append(_clean(rules.mandate.sessions_scope.format(referred_by=who, sessions=ordered)))
    if legal.release_scope:
        out.append(_clean(rules.mandate.release.format(referred_by=who, scope=legal.release_scope)))
    else:
        out.append(_clean(rules.mandate.release_unknown.format(referred_by=who)))
    return out


_SESSIONS = re.compile(r"\b(\d+)\s+(?:weekly\s+|individual\s+|outpatient\s+)*sessions\b", re.I)


def ordered_sessions(facts: CaseFacts) -> int | None:
    """The number of sessions a mandate orders, when the client asks for only what it
    requires (a scope preference); None otherwise."""
    if facts.legal is None or not any(p.kind == "scope" for p in facts.preferences):
        return None
    found = [int(m.group(1)) for r in facts.legal.requirements for m in _SESSIONS.finditer(r)]
    return min(found) if found else None


def preference_notes(facts: CaseFacts, rules: DraftingRules) -> list[str]:
    out = []
    for p in facts.preferences:
        wording = rules.preferences.get(p.kind)
        if wording:
            out.append(_clean(wording.format(text=p.text.rstrip("."))))
    return out


# ---------------------------------------------------------------- substances


def substance_for(record_id: str, facts: CaseFacts, rules: DraftingRules) -> SubstanceFact | None:
    name = rules.abstinence.presentations.get(record_id)
    return facts.substance(name) if name else None


def counts_use(text: str, rules: DraftingRules) -> bool:
    low = text.lower()
    return not re.search(r"crav|urge|confiden", low) and any(
        w in low for w in rules.abstinence.use_words
    )


def maintenance_objective(
    s: SubstanceFact,
    rules: DraftingRules,
    oid: str,
    weeks: int,
    start: date,
    zero: BaselineFact | None = None,
) -> Objective:
    """Keep abstinence: 0 days of use, with a relapse-prevention plan (never a reduction).
    ``zero`` is the intake's own count of use since stopping, when it has one."""
    since = s.since.isoformat() if s.since else "the date recorded at intake"
    r = rules.abstinence
    text = _clean(
        r.maintenance.format(substance=s.substance, since=since, weeks=weeks, source=r.source)
    )
    return Objective(
        id=oid,
        text=text,
        metric=r.maintenance_metric.format(substance=s.substance),
        baseline=Baseline(
            value=0, text="0", date=s.since or start, source=f"case facts: abstinent since {since}"
        )
        if zero is None
        else Baseline(value=0, text=zero.value, date=start, source=zero.measured_by),
        target=Target(value=0, text="0", comparator="="),
        direction="achieve",
        timeframe=Timeframe(weeks=weeks),
        measurement=r.source,
        frequency="every session",
        stage="outcome",
        provenance=rule_provenance(rules, "abstinence.maintenance", text),
    )


def withdrawal_reason(s: SubstanceFact) -> str:
    return "current withdrawal signs" if s.withdrawal == "current_signs" else "withdrawal history"


def withdrawal_objective(s: SubstanceFact, rules: DraftingRules, oid: str) -> Objective:
    w = rules.withdrawal
    wording = w.objective_abstinent if s.status == "abstinent" else w.objective
    text = _clean(wording.format(substance=s.substance, reason=withdrawal_reason(s)))
    return Objective(
        id=oid,
        text=text,
        metric=w.objective_metric,
        baseline=Baseline(value=None, text="not yet assessed by a physician"),
        target=Target(value=None, text="assessment done by session 1", comparator="="),
        direction="achieve",
        timeframe=Timeframe(by_session=1),
        measurement="referral and the physician's reply in the record",
        frequency="once, then whenever withdrawal signs or use change",
        stage="safety",
        provenance=rule_provenance(rules, "withdrawal.objective", text),
    )


def withdrawal_intervention(
    rules: DraftingRules, iid: str, objective_ids: list[str]
) -> Intervention:
    iv = rules.withdrawal.intervention
    return Intervention(
        id=iid,
        modality=iv.modality,
        technique=_clean(iv.technique),
        frequency=iv.frequency,
        objective_ids=objective_ids,
        provenance=rule_provenance(rules, "withdrawal.intervention", _clean(iv.technique)),
    )


def withdrawal_actions(facts: CaseFacts, rules: DraftingRules) -> list[str]:
    out = []
    for s in facts.substances:
        if s.withdrawal not in ("history", "current_signs"):
            continue
        if medicines.abstinent_on_medicine(s, facts, rules):
            wording = rules.withdrawal.safety_action_on_medication
            meds = ", ".join(dict.fromkeys(medicines.medicines_for(s, facts, rules)))
        elif s.status == "abstinent":
            wording, meds = rules.withdrawal.safety_action_abstinent, ""
        else:
            wording, meds = rules.withdrawal.safety_action, ""
        out.append(
            _clean(
                wording.format(substance=s.substance, reason=withdrawal_reason(s), medications=meds)
            )
        )
    return out


# ---------------------------------------------------------------- medication, caregivers


def medication_intervention(
    facts: CaseFacts, rules: DraftingRules, iid: str, objective_ids: list[str]
) -> Intervention | None:
    if not facts.medications:
        return None
    names = ", ".join(dict.fromkeys(m.name for m in facts.medications))
    prescribers = [m.prescriber for m in facts.medications if m.prescriber]
    if prescribers:
        names += f" (prescriber: {', '.join(dict.fromkeys(prescribers))})"
    iv = rules.medication.intervention
    technique = _clean(iv.technique.format(medications=names))
    return Intervention(
        id=iid,
        modality=iv.modality,
        technique=technique,
        frequency=iv.frequency,
        objective_ids=objective_ids,
        provenance=rule_provenance(rules, "medication.intervention", technique),
    )


def caregiver_notes(facts: CaseFacts, rules: DraftingRules) -> list[str]:
    minor = facts.population is not None and facts.population.age < 18
    if not minor:
        return []
    if facts.caregivers:
        parts = []
        for c in facts.caregivers:
            parts.append(c.text.strip().rstrip("."))
            if c.confidentiality and c.confidentiality.strip() not in c.text:
                parts.append(c.confidentiality.strip().rstrip("."))
        text = ". ".join(parts) + "."
        return [_clean(rules.caregivers.sequencing.format(text=text))]
    return [_clean(rules.caregivers.missing)]


# ---------------------------------------------------------------- risk to others, safety steps


_VIOLENCE = re.compile(
    r"\b(?:push\w*|shov\w*|hit\w*|punch\w*|slap\w*|kick\w*|assault\w*|violen\w*|fight\w*|"
    r"grab\w*|chok\w*|threat\w*|weapon\w*)\b",
    re.IGNORECASE,
)
_DRIVING = re.compile(r"\bdriv\w*|behind the wheel", re.IGNORECASE)


def _risk_rule(r: RiskToOthersFact, rules: DraftingRules) -> tuple[str, str]:
    kind: str = r.kind
    if kind in ("other", "threats"):
        if _DRIVING.search(r.text):
            kind = "impaired_driving"
        elif _VIOLENCE.search(r.text):
            kind = "violence"
    if kind not in rules.risk_to_others:
        kind = "other"
    return kind, kind


def risk_objectives(
    facts: CaseFacts, rules: DraftingRules, first_oid: int, gid: str
) -> list[Objective]:
    out: list[Objective] = []
    seen: set[str] = set()
    substance = next((s.substance for s in facts.substances), "alcohol or drug")
    for r in facts.risk_to_others:
        kind, _ = _risk_rule(r, rules)
        if kind in seen:
            continue
        seen.add(kind)
        rr = rules.risk_to_others[kind]
        text = _clean(rr.objective.format(substance=substance))
        session = 2 if kind == "impaired_driving" else 3
        out.append(
            Objective(
                id=f"{gid}.O{first_oid + len(out)}",
                text=text,
                metric=rr.metric,
                baseline=Baseline(
                    value=0, text="0", source=f"no plan recorded at intake; risk: {r.text}"
                ),
                target=Target(
                    value=None, text=f"plan written by session {session}", comparator="="
                ),
                direction="achieve",
                timeframe=Timeframe(by_session=session),
                measurement="session check-in",
                frequency="every session",
                stage="safety",
                provenance=rule_provenance(rules, f"risk_to_others.{kind}", text),
            )
        )
    return out


def risk_actions(facts: CaseFacts, rules: DraftingRules) -> list[str]:
    out = []
    for r in facts.risk_to_others:
        kind, _ = _risk_rule(r, rules)
        out.append(_clean(rules.risk_to_others[kind].action.format(text=r.text)))
    return out


def safety_step_actions(
    facts: CaseFacts, rules: DraftingRules, skip: set[str] | None = None
) -> list[str]:
    """Keep-and-review actions for safety steps already taken (``skip``: kinds the safety
    plan's own actions already keep)."""
    return [
        _clean(rules.safety_steps.get(s.kind, rules.safety_steps["other"]).format(text=s.text))
        for s in facts.safety_steps
        if s.kind not in (skip or set())
    ]


def programme_interventions(
    interventions: dict[str, Intervention], facts: CaseFacts, rules: DraftingRules
) -> None:
    """Under an intensive level of care every therapy is delivered within the programme's
    days, not as a separate weekly course of its own (one coherent total per plan)."""
    lvl = level_of_care(facts, rules)
    if lvl is None:
        return
    for iv in interventions.values():
        course = iv.frequency and re.search(r"\bweekly\b|\bsessions\b", iv.frequency)
        if course and not iv.provenance.note.startswith("drafting rule"):
            iv.frequency = f"within the {lvl.label}'s days, as the programme schedules it"
