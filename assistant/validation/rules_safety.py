"""Rules about risk and safety, and payer-specific requirements."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.text import normalise
from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule
from assistant.validation.risk_text import negated_risk

_RISK_MEASURE = re.compile(
    r"\b(c-?ssrs|columbia|asq|sbq-?r|phq-9 item 9|item 9|risk (?:screen|assessment|check))",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(every|each|weekly|daily|fortnightly|monthly|at all|per)\s*(session|contact|visit|week|day)?",
    re.IGNORECASE,
)
_DENIES = re.compile(r"\bden(?:y|ies|ied|ial)\b", re.IGNORECASE)
_FIELD_WORDS = {
    "suicidal ideation": re.compile(r"suicid|kill|end (?:his|her|their|my) life|death", re.I),
    "self-harm": re.compile(r"self[- ]?harm|cutting|injur", re.I),
    "homicidal ideation": re.compile(r"homicid|harm (?:to )?others|violence", re.I),
}
_ACTIVE = ("passive", "active_without_plan", "active_with_plan")


def _warrants(ctx: Context) -> bool:
    if ctx.intake is not None:
        return ctx.intake.risk.warrants_safety_plan
    s = ctx.plan.safety
    return s is not None and (s.suicidal_ideation in _ACTIVE or s.self_harm == "current")


def _unassessed(ctx: Context) -> list[str]:
    if ctx.intake is not None:
        return ctx.intake.risk.unassessed_fields
    s = ctx.plan.safety
    if s is None or s.risk_assessed:
        return []
    return [label for label, value in (("suicidal ideation", s.suicidal_ideation),
            ("self-harm", s.self_harm), ("homicidal ideation", s.homicidal_ideation))
            if value == "not_assessed"] or ["suicidal ideation", "self-harm", "homicidal ideation"]  # fmt: skip


@rule("SF01", "safety.section-missing")
def section_missing(ctx: Context) -> Iterator[Hit]:
    """When the intake shows suicidal ideation or current self-harm, the plan has a safety
    section that records the risk as assessed.

    Bad: passive suicidal ideation at intake; the plan has no safety section.
    Good: a safety section with risk_assessed true, the level and the actions.
    """
    if not _warrants(ctx):
        return
    s = ctx.plan.safety
    if s is None:
        yield (
            "safety",
            "The intake shows suicidal ideation or self-harm, but the plan has no safety section.",
        )
    elif not s.risk_assessed:
        yield (
            "safety.risk_assessed",
            "The intake shows suicidal ideation or self-harm: record "
            "the risk assessment in the safety section.",
        )


@rule("SF02", "safety.objective-missing")
def objective_missing(ctx: Context) -> Iterator[Hit]:
    """When risk warrants it, a safety-planning objective is due within the first two sessions.

    Bad: passive ideation at intake and a safety plan due by session 6 (or none).
    Good: 'Write a Stanley-Brown safety plan with the client by session 2.'
    """
    if not _warrants(ctx):
        return
    for _, _, o in ctx.objectives:
        tf = o.timeframe
        early = (tf.by_session is not None and tf.by_session <= 2) or (
            tf.weeks is not None and tf.weeks <= 2
        )
        if o.stage == "safety" and early:
            return
    yield (
        "goals",
        "The intake shows suicidal ideation or self-harm: add a safety-planning "
        "objective due by session 2.",
    )


@rule("SF03", "safety.monitoring-missing")
def monitoring_missing(ctx: Context) -> Iterator[Hit]:
    """When risk warrants it, the plan monitors risk with a named measure and a frequency
    (an objective or safety action naming the C-SSRS or another measure).

    Bad: a safety plan objective and no ongoing risk screening.
    Good: 'Screen with the C-SSRS at every session.'
    """
    if not _warrants(ctx):
        return
    for _, _, o in ctx.objectives:
        blob = " ".join(filter(None, (o.text, o.instrument, o.metric, o.measurement)))
        if _RISK_MEASURE.search(blob) and (o.frequency or _FREQUENCY.search(blob)):
            return
    s = ctx.plan.safety
    for a in [*(s.actions if s else []), (s.reassessment or "") if s else ""]:
        if _RISK_MEASURE.search(a) and _FREQUENCY.search(a):
            return
    yield (
        "safety",
        "The plan does not say how risk will be monitored: name a measure (e.g. "
        "the C-SSRS) and how often it is used.",
    )


@rule("SF04", "safety.not-assessed-unstated")
def not_assessed_unstated(ctx: Context) -> Iterator[Hit]:
    """When risk was not fully assessed, the plan says so ('not assessed') and asks for the
    assessment in an action. With no intake, the plan must still record risk.

    Bad: intake without a risk section; the plan's safety section says risk is low.
    Good: 'Risk not assessed at intake (suicidal ideation, self-harm).' with the action
    'Complete a risk assessment at the next contact.'
    """
    if ctx.intake is None and ctx.plan.safety is None:
        yield (
            "safety",
            "The plan does not record risk: add a safety section (risk assessed or not assessed).",
        )
        return
    missing = _unassessed(ctx)
    if not missing:
        return
    s, fields = ctx.plan.safety, ", ".join(missing)
    if s is None:
        yield (
            "safety",
            f"Risk was not assessed ({fields}): add a safety section that says so "
            "and asks for the assessment.",
        )
        return
    if s.risk_assessed and ctx.intake is not None:
        yield (
            "safety.risk_assessed",
            f"The intake did not assess {fields}, but the plan records risk as assessed.",
        )
    if "not assessed" not in s.summary.lower():
        yield "safety.summary", f"Say plainly that risk was not assessed ({fields})."
    if not any(re.search(r"\bassess", a, re.I) for a in s.actions):
        yield "safety.actions", "Add an action asking for the risk assessment to be completed."


def _safety_texts(ctx: Context) -> list[tuple[str, str]]:
    """Every text that states something about the client now (discharge criteria are
    conditions to reach, not statements), with the safety section's reassessment and
    protective factors."""
    out = [(p, t) for p, t in ctx.texts if not p.startswith("timeline.discharge_criteria")]
    s = ctx.plan.safety
    if s is not None:
        if s.reassessment:
            out.append(("safety.reassessment", s.reassessment))
        out += [(f"safety.protective_factors[{j}]", f) for j, f in enumerate(s.protective_factors)]
    return out


_CONCEPT_FIELD = {
    "suicidal ideation": "suicidal ideation",
    "self-harm": "self-harm",
    "homicidal ideation": "homicidal ideation",
}


@rule("SF05", "safety.denies-unassessed")
def denies_unassessed(ctx: Context) -> Iterator[Hit]:
    """The plan never writes as absent ('denies', 'no', 'negative for') a risk that was not
    assessed. The text is read in its normal form, so hidden characters change nothing.

    Bad: 'Client denies suicidal ideation.' or 'No current risk.' when suicidal ideation
    was not assessed.
    Good: 'Suicidal ideation not assessed; assess at the next session.'
    """
    missing = _unassessed(ctx)
    if not missing:
        return
    for path, text in _safety_texts(ctx):
        for st in negated_risk(text):
            field = _CONCEPT_FIELD.get(st.concept)
            if st.hypothetical and field is not None:
                continue
            if field is None or field in missing:
                what = field if field in missing else ", ".join(missing)
                yield (
                    path,
                    f"This writes '{st.phrase}' as absent, but {what} was not "
                    "assessed: write 'not assessed' instead.",
                )
                break
        else:
            for sentence in re.split(r"(?<=[.;!?])\s+", normalise(text)):
                if _DENIES.search(sentence) and not any(
                    w.search(sentence) for w in _FIELD_WORDS.values()
                ):
                    yield (
                        path,
                        f"This says the client denies something, but {', '.join(missing)} "
                        "was not assessed: write 'not assessed' instead.",
                    )
                    break


def _present(ctx: Context) -> dict[str, str]:
    """Each risk recorded as present (intake or plan), with how it reads."""
    out: dict[str, str] = {}
    r = ctx.intake.risk if ctx.intake is not None else None
    s = ctx.plan.safety
    si = [v for v in (r.suicidal_ideation if r else None, s.suicidal_ideation if s else None)
          if v in _ACTIVE]  # fmt: skip
    if si:
        out["suicidal ideation"] = max(si, key=_ACTIVE.index)
    if (r is not None and r.self_harm == "current") or (s is not None and s.self_harm == "current"):
        out["self-harm"] = "current"
    if (r is not None and r.homicidal_ideation is True) or (
        s is not None and s.homicidal_ideation == "present"
    ):
        out["homicidal ideation"] = "present"
    return out


def _contradicts(concept: str, qualified: str | None, present: dict[str, str]) -> str | None:
    """What the negation contradicts, or None when it is consistent with the record."""
    if concept in ("risk", "safety planning"):
        return next(iter(present), None)
    level = present.get(concept)
    if level is None:
        return None
    if concept == "suicidal ideation" and (
        (qualified == "active" and level == "passive")
        or (qualified == "plan" and level in ("passive", "active_without_plan"))
    ):
        return None
    return concept


@rule("SF06", "safety.risk-negated")
def risk_negated(ctx: Context) -> Iterator[Hit]:
    """No text writes a recorded risk as absent, or safety planning as unneeded, by any
    wording ('negative for SI', 'reports no suicidal ideation', 'no current risk',
    'safety planning is unnecessary'), after Unicode normalisation. A narrower negation
    that fits the record stays ('no active SI' with passive ideation).

    Bad: passive suicidal ideation recorded; a goal reads 'Safety planning is unnecessary.'
    Good: 'Passive suicidal ideation, no plan or intent; safety plan by session 2.'
    """
    present = _present(ctx)
    if not present:
        return
    for path, text in _safety_texts(ctx):
        for st in negated_risk(text):
            hit = _contradicts(st.concept, st.qualified, present)
            if hit is None or (st.hypothetical and st.concept in _CONCEPT_FIELD):
                continue
            level = present[hit].replace("_", " ")
            yield (
                path,
                f"This writes '{st.phrase}' as absent or unneeded, but the record shows "
                f"{hit} ({level}): state the risk as recorded.",
            )
            break


@rule("PY01", "payer.session-details")
def session_details(ctx: Context) -> Iterator[Hit]:
    """The plan states session type, session length and frequency (payers that require it).

    Bad: no session length.
    Good: individual sessions of 50 minutes, weekly.
    """
    tl = ctx.plan.timeline
    for field, label in (("session_type", "session type"), ("session_minutes", "session length"),
                         ("session_frequency", "session frequency")):  # fmt: skip
        if not getattr(tl, field):
            yield f"timeline.{field}", f"This payer requires the {label}."


@rule("PY02", "payer.duration")
def duration(ctx: Context) -> Iterator[Hit]:
    """The estimated duration is stated and under the payer's limit (Medicare: under 52 weeks).

    Bad: no estimated length, or 60 weeks.
    Good: an estimated 18 weeks.
    """
    limit = int(ctx.param("max_plan_weeks", 52))
    weeks = ctx.plan.timeline.estimated_weeks
    if weeks is None:
        yield "timeline.estimated_weeks", "This payer requires the estimated length of treatment."
    elif weeks >= limit:
        yield (
            "timeline.estimated_weeks",
            f"The estimated length is {weeks} weeks; this payer "
            f"requires less than {limit} weeks (plan a review and renewal instead).",
        )


@rule("PY03", "payer.credentials")
def credentials(ctx: Context) -> Iterator[Hit]:
    """The header gives the clinician's credentials (payers that require it).

    Bad: clinician name with no credentials.
    Good: Dana Okafor, LCSW.
    """
    if not (ctx.plan.header.clinician_credentials or "").strip():
        yield "header.clinician_credentials", "This payer requires the clinician's credentials."
