"""Clinical consistency: the plan checked against the case facts (``ctx.facts``).

The form rules ask whether a plan is well written; these ask whether it is this person's
plan. Each rule reads the :class:`~assistant.facts.model.CaseFacts` (confirmed with the
plan, else read from the intake) and the plan's text, so a model's draft and a clinician's
edit are held to the same checks. Without an intake or confirmed facts there is nothing to
compare against, and these rules stay silent.

This module holds the text helpers the family shares and the rules about circumstances:
substance status, mandate deadline, level of care and occupation. Refusals and
trauma-focused therapies are in :mod:`rules_consistency_treatment`, measures in
:mod:`rules_consistency_measures`, risk and safety in :mod:`rules_consistency_risk`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.facts.model import CaseFacts
from assistant.plan import Objective, TreatmentPlan
from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule

# ---------------------------------------------------------------- shared text helpers

# Words that, earlier in the same clause, mean a mention is not a proposal: "declines NA",
# "no purging", "rather than weekly".
_NEGATION = re.compile(
    r"\b(?:no(?![-\w])|not|never|without|denies|denied|deny|declin\w*|refus\w*|rather than|instead of|"
    r"ruled out|rules out|does not want|doesn't want|won't|unwilling)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[.;:!?]\s+|\s+but\s+|\s+-\s+|\n")


def clauses(text: str) -> list[str]:
    """``text`` split into clauses (sentences, and the parts either side of ';', ':' or 'but')."""
    return [c for c in _CLAUSE.split(text) if c.strip()]


@lru_cache(maxsize=16384)
def affirms(text: str, pattern: re.Pattern[str]) -> bool:
    """True when ``pattern`` occurs in ``text`` in a clause that does not negate it first
    ("attend NA meetings" affirms NA; "declines NA; try SMART Recovery" does not)."""
    for clause in clauses(text):
        for m in pattern.finditer(clause):
            if not _NEGATION.search(clause[: m.start()]):
                return True
    return False


def objective_text(o: Objective) -> str:
    return " ".join(filter(None, (o.text, o.metric, o.instrument, o.measurement)))


def targets(plan: TreatmentPlan) -> Iterator[tuple[str, str]]:
    """(path, text) of what the plan sets out to do: goals, objectives, interventions and
    safety actions (not problem statements, which describe the case)."""
    for gi, g in enumerate(plan.goals):
        yield f"goals[{gi}].statement", g.statement
        for oi, o in enumerate(g.objectives):
            yield f"goals[{gi}].objectives[{oi}]", objective_text(o)
    for i, iv in enumerate(plan.interventions):
        yield f"interventions[{i}]", f"{iv.modality}. {iv.technique}"
    if plan.safety is not None:
        for j, a in enumerate(plan.safety.actions):
            yield f"safety.actions[{j}]", a


@lru_cache(maxsize=4096)
def words_pattern(text: str) -> re.Pattern[str]:
    """A pattern for the words of ``text`` in order, allowing a plural 's' and any
    punctuation between them ('ASRS v1.1', 'weigh-ins')."""
    parts = [re.escape(w.rstrip("s")) + r"s?" for w in re.findall(r"[a-z0-9]+", text.lower())]
    return re.compile(r"\b" + r"[^a-z0-9]+".join(parts) + r"\b", re.IGNORECASE)


def day(d: dt.date) -> str:
    return d.isoformat()


def _facts(ctx: Context) -> CaseFacts | None:
    return ctx.facts


# ---------------------------------------------------------------- CF01 substance status

_SUBSTANCE_WORDS = {
    "alcohol": r"alcohol|drinks?|drinking|beers?|wine|spirits|binge",
    "opioids": r"opioids?|opiates?|fentanyl|heroin|oxycodone|methadone|pills",
    "cannabis": r"cannabis|marijuana|weed|thc|joints?",
    "stimulants": r"stimulants?|cocaine|crack|methamphetamine|meth|amphetamines?",
    "tobacco": r"tobacco|cigarettes?|smoking|nicotine|vaping",
    "nicotine": r"tobacco|cigarettes?|smoking|nicotine|vaping",
    "benzodiazepines": r"benzodiazepines?|benzos?|alprazolam|diazepam|clonazepam|lorazepam",
}
_NOT_USE = re.compile(r"crav|urge|confiden|coping|meeting|refusal|skill", re.IGNORECASE)
_REDUCTION = re.compile(
    r"\b(?:cut(?:ting)? (?:down|back)|reduc\w*|lower\w*|fewer|moderat\w*|low-risk (?:limit|level)|"
    r"no more than [1-9]|at most [1-9]|within (?:the |an )?(?:agreed |safe )?limit)",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def _substance_pattern(name: str) -> re.Pattern[str]:
    words = _SUBSTANCE_WORDS.get(name.lower())
    if words is None:
        words = re.escape(name.lower()[:5]) + r"\w*"
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


def abstinent_use(facts: CaseFacts, measure: str) -> bool:
    """True when ``measure`` counts use of a substance the case records as abstinent (a figure
    from before the abstinence: history, not a current baseline)."""
    return not _NOT_USE.search(measure) and any(
        _substance_pattern(s.substance).search(measure) for s in facts.abstinent_substances
    )


def _is_reduction(o: Objective) -> bool:
    t = o.target
    upper = t.high if t is not None and t.high is not None else (t.value if t else None)
    if upper == 0 and t is not None and t.comparator in ("<=", "=", "<"):
        return False  # staying at zero is maintenance, not reduction
    if o.direction == "decrease":
        return True
    return _REDUCTION.search(o.text) is not None


@rule("CF01", "consistency.reduction-while-abstinent")
def reduction_while_abstinent(ctx: Context) -> Iterator[Hit]:
    """When the case records a substance as abstinent, no objective sets a reduction target for
    its use: the work is keeping the abstinence (maintenance and relapse prevention).

    Bad: abstinent from alcohol since detox; 'Cut drinking to 7 or fewer standard drinks a week.'
    Good: 'Keep 0 drinking days a week on the Timeline Followback, with a written relapse plan.'
    """
    facts = _facts(ctx)
    if facts is None:
        return
    for s in facts.abstinent_substances:
        pat = _substance_pattern(s.substance)
        since = f" since {day(s.since)}" if s.since else ""
        for path, _, o in ctx.objectives:
            subject = o.metric or o.text
            if not pat.search(subject) or _NOT_USE.search(subject):
                continue
            if _is_reduction(o):
                yield (
                    path,
                    f"The case records {s.substance} as abstinent{since}, but this objective "
                    "sets a reduction target: set a maintenance or relapse-prevention objective "
                    "(e.g. keep 0 days of use).",
                )


# ---------------------------------------------------------------- CF02 mandate deadline


@rule("CF02", "consistency.past-mandate-deadline")
def past_mandate_deadline(ctx: Context) -> Iterator[Hit]:
    """When a mandate sets a deadline (a court or a referrer), the plan's estimated length,
    review dates and objectives' due dates all fall on or before it.

    Bad: drug court requires completion by 2027-03-01; the plan runs 24 weeks from 2026-11-09.
    Good: a 16-week plan from 2026-11-09 with its last review on 2027-02-22.
    """
    facts = _facts(ctx)
    if facts is None or facts.legal is None or facts.legal.deadline is None:
        return
    deadline = facts.legal.deadline
    who = facts.legal.referred_by or "the mandate"
    start = ctx.plan.header.created
    end = f"{who} requires completion by {day(deadline)}"
    weeks = ctx.plan.timeline.estimated_weeks
    if weeks is not None and start + dt.timedelta(weeks=weeks) > deadline:
        yield (
            "timeline.estimated_weeks",
            f"The plan runs {weeks} weeks from {day(start)}, to "
            f"{day(start + dt.timedelta(weeks=weeks))}, but {end}: shorten the timeline.",
        )
    for j, d in enumerate(ctx.plan.timeline.review_dates):
        if d > deadline:
            yield (
                f"timeline.review_dates[{j}]",
                f"This review date ({day(d)}) falls after the deadline: {end}.",
            )
    for path, _, o in ctx.objectives:
        tf = o.timeframe
        due = tf.by_date
        if due is None and tf.weeks is not None:
            due = start + dt.timedelta(weeks=tf.weeks)
        if due is not None and due > deadline:
            yield (
                f"{path}.timeframe",
                f"This objective is due {day(due)}, after the deadline: {end}.",
            )


# ---------------------------------------------------------------- CF03 level of care

_INTENSIVE = {"intensive_outpatient": "an intensive outpatient programme",
              "partial_hospitalization": "a partial hospitalisation programme"}  # fmt: skip
_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_PER_WEEK = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven)\s*(?:-\s*(?:\d+)\s*)?(?:full |half |program(?:me)? )?"
    r"(?:days?|times?|sessions?|visits?|mornings?|afternoons?|evenings?|x)\s*"
    r"(?:a|per|each|every|/)\s*week",
    re.IGNORECASE,
)
_RATES = (
    (re.compile(r"\b(?:daily|every day|each day|every weekday|each weekday|weekdays|"
                r"monday to friday)\b", re.I), 5.0),
    (re.compile(r"\btwice (?:a |per |each )?week(?:ly)?\b|\bbiweekly\b", re.I), 2.0),
    (re.compile(r"\b(?:weekly|once a week|once per week|every week|each week)\b", re.I), 1.0),
    (re.compile(r"\b(?:fortnightly|every (?:two|2|other) weeks?)\b", re.I), 0.5),
    (re.compile(r"\bmonthly|every (?:four|4) weeks\b", re.I), 0.25),
)  # fmt: skip


def contacts_per_week(text: str) -> float | None:
    """The most frequent contact rate ``text`` states, per week ('3 days a week' -> 3,
    'weekly' -> 1, 'every two weeks' -> 0.5); None when it states none."""
    found: list[float] = []
    for m in _PER_WEEK.finditer(text):
        n = m.group(1).lower()
        found.append(float(n) if n.isdigit() else float(_NUMBER[n]))
    for pat, rate in _RATES:
        if pat.search(text):
            found.append(rate)
    return max(found) if found else None


@rule("CF03", "consistency.frequency-below-level-of-care")
def frequency_below_level_of_care(ctx: Context) -> Iterator[Hit]:
    """The plan's session frequency matches the level of care: an intensive outpatient or
    partial hospitalisation programme meets several days a week, never weekly or less often.

    Bad: setting partial_hospitalization; session frequency 'weekly, 28 weeks'.
    Good: setting intensive_outpatient; '3 days a week, 3 hours a day, plus a weekly individual session'.
    """
    facts = _facts(ctx)
    if facts is None:
        return
    loc = facts.level_of_care
    what = _INTENSIVE.get(loc.setting)
    freq = ctx.plan.timeline.session_frequency
    if what is None or not freq:
        return
    rate = contacts_per_week(freq)
    if rate is None:
        return
    needed = float(loc.days_per_week) if loc.days_per_week else None
    if rate <= 1 or (needed is not None and rate < needed):
        days = f" ({loc.days_per_week} days a week)" if loc.days_per_week else ""
        yield (
            "timeline.session_frequency",
            f"The client attends {what}{days}, but the plan's session frequency is "
            f"'{freq}': state the programme's days a week (and hours) as the level of care sets them.",
        )


# ---------------------------------------------------------------- CF04 work goals

_WORK = re.compile(
    r"\b(?:at|to|from|for|with|leave|leaves|leaving|left|off|missed|miss|misses|after|before|"
    r"usual|and|or|in) work\b(?! (?:through|on|with|together|out|towards?|at)\b)|\bwork(?:ing)? (?:days?|hours|shifts?|place|load|tasks?|"
    r"performance|attendance|routines?|role|deadlines?|and|or)\b|\bworkplace\b|\bjobs?\b|"
    r"\bemploy(?:ment|er|ed)\b|\bpost-shift\b|\b(?:night|day|late|early|evening|work) shifts?\b|"
    r"\bco-?workers?\b|\bcolleagues?\b|\bpaid work\b|\b(?:return|back) to (?:paid )?work\b",
    re.IGNORECASE,
)
_NAMES_WORK = re.compile(r"\b(?:work|job|employ\w*|career|paid)\b", re.IGNORECASE)
_NOT_WORKING = {"retired": "retired", "unemployed": "not working",
                "homemaker": "not in paid work"}  # fmt: skip


def _work_targets(plan: TreatmentPlan) -> Iterator[tuple[str, str]]:
    for gi, g in enumerate(plan.goals):
        yield f"goals[{gi}].statement", re.sub(r"[\"“][^\"”]*[\"”]", "", g.statement)
        for oi, o in enumerate(g.objectives):
            yield f"goals[{gi}].objectives[{oi}]", objective_text(o)
    for j, c in enumerate(plan.timeline.discharge_criteria):
        yield f"timeline.discharge_criteria[{j}]", c


@rule("CF04", "consistency.work-goal-not-working")
def work_goal_not_working(ctx: Context) -> Iterator[Hit]:
    """A person the case records as retired, unemployed or not in paid work gets no work goal,
    objective or discharge criterion unless they name one themselves.

    Bad: a retired client; 'no more than one missed work day a month' as a discharge criterion.
    Good: the same client; 'back to the Tuesday walking group and the allotment'.
    """
    facts = _facts(ctx)
    if facts is None or facts.occupation is None:
        return
    status = _NOT_WORKING.get(facts.occupation.status)
    if status is None:
        return
    if any(_NAMES_WORK.search(g.text) for g in facts.client_goals):
        return
    for path, text in _work_targets(ctx.plan):
        if affirms(text, _WORK):
            yield (
                path,
                f"The client is {status} and names no work goal, but this sets one about "
                "work: replace it with a goal from the client's own day.",
            )


# ---------------------------------------------------------------- CF17 release scope

_REPORTING = re.compile(
    r"\b(?:report\w*|receiv\w*|releas\w*|shar(?:e|ed|ing)|disclos\w*|sent|send)\b", re.I
)
_REFERRER = re.compile(r"\b(?:court|probation|parole|referr\w*|mandat\w*|employer|board)\b", re.I)


def _stem_set(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 5}


@lru_cache(maxsize=8192)
def _reporting_clauses(text: str) -> tuple[tuple[frozenset[str], bool], ...]:
    """Each clause of ``text`` that speaks of reporting, as (its word stems, whether it names
    a referrer), read once per text."""
    out = []
    for clause in re.split(r"[.;]\s+", text):
        if _REPORTING.search(clause):
            out.append((frozenset(_stem_set(clause)), _REFERRER.search(clause) is not None))
    return tuple(out)


@rule("CF17", "consistency.release-scope-unstated")
def release_scope_unstated(ctx: Context) -> Iterator[Hit]:
    """When treatment is mandated, the plan says what is reported to the referrer (the
    release the client agreed to), so the client knows what is shared and what is not.

    Bad: drug court referral with release limited to attendance and screens; the plan never says what the court receives.
    Good: 'The drug court receives attendance, drug screen results and the discharge summary, as the client agreed; nothing else is shared.'
    """
    facts = _facts(ctx)
    if facts is None or facts.legal is None or not facts.legal.mandated:
        return
    legal = facts.legal
    who = _stem_set(legal.referred_by or "")
    scope = _stem_set(legal.release_scope or "")
    texts = [t for _, t in ctx.texts] + [t for _, t in ctx.targets]
    for text in texts:
        for words, referrer in _reporting_clauses(text):
            names_who = bool(who & words) or referrer
            if names_who and (not scope or len(scope & words) >= min(2, len(scope))):
                return
    what = f" ({legal.release_scope})" if legal.release_scope else ""
    yield (
        "sequencing",
        f"Treatment is mandated by {legal.referred_by or 'a referrer'}: write into the plan what "
        f"is reported to them{what}, as the client agreed.",
    )
