"""Safety between reviews and measure-cadence guardrails.

Safety: a risk item answered above 0 (PHQ-9 item 9, EPDS item 10) when item scores are given,
a session note that records risk, or reliable deterioration on any objective flags the plan
for review now, with the safety section to be updated.

Cadence: an objective measured by a questionnaire whose recall period is longer than the
review window cannot show change by the review; the sheet's recorded alternative is offered.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant import instruments
from assistant.plan import TreatmentPlan
from assistant.progress import thresholds
from assistant.progress.engine import ObjectiveProgress
from assistant.progress.findings import Finding
from assistant.progress.measures import MeasuresFile

REVIEW_NOW = "Review the plan now and update its safety section."
_RISK = re.compile(
    r"\b(suicid\w*|self[- ]?harm\w*|thoughts? of (?:death|dying|killing \w+|ending \w+ life)"
    r"|wish(?:es|ed)? (?:to be|(?:he|she|they|I) (?:was|were)) dead|kill(?:ing)? (?:my|him|her|them)self"
    r"|overdos\w*|homicid\w*|(?:hurt|harm)(?:ing)? (?:someone|others|other people))\b",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(no|denies|denied|denying|without|not|nor|never)\b[^.;]*$", re.IGNORECASE)
# "suicidal ideation: none", "self-harm - denied": the answer follows the topic
_ANSWER_NO = re.compile(
    r"^\s*(?:ideation|thoughts|urges|risk)?\s*[:\-–—=]?\s*(?:none|no|nil|denied|negative|absent)\b",
    re.IGNORECASE,
)
# services and documents, not a report of risk
_NOT_RISK = re.compile(
    r"^\s*(?:and crisis lifeline|crisis lifeline|lifeline|hotline|prevention|risk (?:screen|assessment))",
    re.IGNORECASE,
)


def risk_phrase(text: str) -> str | None:
    """The phrase with which a note records risk, unless the sentence denies it ("denies SI",
    "suicidal ideation: none") or names a service or a screen ("988 Suicide and Crisis Lifeline").
    """
    for m in _RISK.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind(";", 0, m.start())) + 1
        after = text[m.end() : m.end() + 40]
        if _DENIED.search(text[start : m.start()]) or _ANSWER_NO.search(after):
            continue
        if _NOT_RISK.search(after):
            continue
        return m.group(0)
    return None


def safety_findings(
    plan: TreatmentPlan,
    measures: MeasuresFile,
    progress: list[ObjectiveProgress],
    *,
    as_of: dt.date,
) -> list[Finding]:
    start = plan.header.created
    out: list[Finding] = []
    for e in measures.entries:
        if e.items is None or e.instrument is None or not start < e.date <= as_of:
            continue
        t = thresholds.for_instrument(e.instrument)
        if t is None or t.items is None or t.items.risk_item is None:
            continue
        answer = e.items[t.items.risk_item - 1]
        if answer > 0:
            inst = instruments.get(e.instrument)
            out.append(
                Finding(
                    code="risk_item_positive",
                    severity="review_now",
                    session_date=e.date,
                    message=f"{inst.id if inst else e.instrument} item {t.items.risk_item} was "
                    f"answered {answer:g} on {e.date}. {REVIEW_NOW}",
                )
            )
    for s in measures.sessions:
        if not start < s.date <= as_of:
            continue
        phrase = risk_phrase(s.note)
        if phrase:
            out.append(
                Finding(
                    code="risk_note",
                    severity="review_now",
                    session_date=s.date,
                    message=f"The note records risk ('{phrase}').{_on_file(plan)} {REVIEW_NOW}",
                )
            )
    for p in progress:
        if p.reliable_change == "deteriorated" and p.latest is not None:
            out.append(
                Finding(
                    code="reliable_deterioration",
                    severity="review_now",
                    session_date=p.latest.date,
                    objective_id=p.id,
                    message=f"{p.measure} shows reliable deterioration for {p.id} "
                    f"({p.reliable_change_basis}). {REVIEW_NOW}",
                )
            )
    return out


def _on_file(plan: TreatmentPlan) -> str:
    """What the plan's safety section already records, so the reader can judge a rise."""
    sf = plan.safety
    if sf is None or not sf.risk_assessed:
        return " The plan records no risk assessment."
    if sf.suicidal_ideation in ("none", "none_reported", "not_assessed"):
        return ""
    return (
        f" The safety section already records suicidal ideation ({sf.suicidal_ideation}): "
        "check whether risk has risen."
    )


def cadence_findings(plan: TreatmentPlan, review_days: int) -> list[Finding]:
    out = []
    for _, _, o in plan.objectives():
        t = thresholds.for_instrument(o.instrument)
        if t is None or t.recall_days is None or t.recall_days <= review_days:
            continue
        inst = instruments.get(o.instrument or "")
        name = inst.id if inst else o.instrument
        alt = t.alternative
        advice = (
            f" Track {alt.text} instead ({alt.source}, {alt.confidence} confidence)."
            if alt
            else " The facts sheet records no alternative; choose a measure with a shorter "
            "recall period."
        )
        out.append(
            Finding(
                code="measure_cannot_show_change",
                objective_id=o.id,
                message=f"{name} asks about the past {_period(t.recall_days)}, so it cannot show "
                f"change within a {review_days}-day review.{advice}",
                alternative=alt.text if alt else None,
            )
        )
    return out


def _period(days: int) -> str:
    if days >= 365:
        return "year"
    if days >= 180:
        return "6 months"
    return f"{days} days"
