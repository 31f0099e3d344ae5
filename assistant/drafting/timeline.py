"""The plan's timeline: how long, how often, how many sessions, when it is reviewed.

One coherent course per plan: the main record's session range and frequency, shortened to
a mandate's deadline, replaced by the programme's days and hours when the level of care is
intensive; review dates never fall after the deadline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from assistant.drafting import casefit, compose
from assistant.drafting.select import Preferences
from assistant.facts.model import CaseFacts
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase, Presentation
from assistant.plan import Timeline, placeholder

# "(about 28 weeks in all)": a length that no longer holds once the course is shortened
_WEEKS_ASIDE = re.compile(r"\s*\([^()]*\b\d+ weeks[^()]*\)")


def build_timeline(
    kb: KnowledgeBase,
    intake: Intake,
    records: list[Presentation],
    weeks: int,
    prefs: Preferences,
    facts: CaseFacts,
    fit: Callable[[str], str | None] | None,
    interval_days: int,
) -> Timeline:
    """The plan's timeline: the main record's course, shortened to a mandate's deadline, the
    dose an intensive level of care sets, and review dates on or before the deadline."""
    if not records:
        return Timeline(
            discharge_criteria=[placeholder("discharge", "state measurable criteria")],
            review_dates=_review_dates(intake, [], weeks, interval_days),
        )
    main = records[0]
    tl = main.timeline
    review_weeks = sorted({w for p in records for w in p.timeline.review_weeks if w <= weeks})
    criteria: list[str] = []
    for p in records:
        criteria.extend(" ".join(c.split()) for c in p.timeline.discharge_criteria)
    rules = kb.rules
    if fit is not None:
        criteria = [c for c in map(fit, criteria) if c]
    freq = tl.frequency
    minutes = tl.session_minutes
    lo = tl.sessions.min
    hi = max(p.timeline.sessions.max for p in records)
    if weeks < tl.weeks:
        # a shorter course (a deadline) scales the session estimate with it
        lo = max(1, min(lo, round(lo * weeks / tl.weeks)))
        hi = max(lo, min(hi, weeks))
        freq = _WEEKS_ASIDE.sub("", freq)
    ordered = casefit.ordered_sessions(facts)
    if ordered is not None:
        lo, hi = min(lo, ordered), min(hi, ordered)
    lvl = casefit.level_of_care(facts, rules) if rules else None
    if lvl is not None and lvl.discharge_criteria:
        steps = [" ".join(c.split()) for c in lvl.discharge_criteria]
        r = intake.risk
        if r is not None and r.fully_assessed and not r.warrants_safety_plan:
            # no suicide risk and no safety plan in this plan: that criterion does not apply
            steps = [c for c in steps if "suicid" not in c.lower()]
        criteria = steps + [
            f"after step-down: {c}" if _longer_than(c, weeks) else c for c in criteria
        ]
    if lvl is not None:
        dose = casefit.programme_dose(facts, lvl, weeks)
        freq, minutes, lo, hi = (
            dose.frequency,
            dose.session_minutes,
            dose.sessions_min,
            dose.sessions_max,
        )
    if prefs.scheduling:
        freq += " (client's limits: " + "; ".join(prefs.scheduling) + ")"
    review = _review_dates(intake, review_weeks, weeks, interval_days)
    return Timeline(
        estimated_sessions_min=lo,
        estimated_sessions_max=hi,
        estimated_weeks=weeks,
        session_type="group" if lvl is not None else "individual",
        session_minutes=minutes,
        session_frequency=freq,
        review_dates=casefit.bound_dates(review, facts),
        discharge_criteria=list(dict.fromkeys(criteria)),
        provenance=compose.knowledge_provenance(main.id, main.version, f"{main.id}.timeline", ""),
    )


_WINDOW = re.compile(
    r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+"
    r"(?:consecutive\s+|straight\s+)?(?P<unit>weeks?|months?)\b"
    r"|\b(?:last|past)\s+(?P<month>month)\b",
    re.IGNORECASE,
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip


def _longer_than(criterion: str, weeks: int) -> bool:
    """True when the criterion needs a run of time longer than ``weeks`` ('four weeks
    running', 'in the last month'): it cannot be met inside a programme that short."""
    for m in _WINDOW.finditer(criterion):
        if m["month"]:
            need = 4
        else:
            n = int(m["n"]) if m["n"].isdigit() else _WORDS[m["n"].lower()]
            need = n * (4 if m["unit"].lower().startswith("month") else 1)
        if need > weeks:
            return True
    return False


def _review_dates(
    intake: Intake, review_weeks: list[int], weeks: int, interval_days: int
) -> list[date]:
    start = intake.intake_date
    dates = [start + timedelta(weeks=w) for w in review_weeks]
    end = start + timedelta(weeks=weeks)
    if not dates or dates[-1] < end:
        dates.append(end)
    # no gap longer than the review interval
    out = []
    prev = start
    for d in sorted(set(dates)):
        while (d - prev).days > interval_days:
            prev = prev + timedelta(days=interval_days)
            out.append(prev)
        out.append(d)
        prev = d
    return out
