"""The golden thread: progress notes checked against the plan and the measures.

- a note that cites no active objective, or an objective the plan does not have;
- an active objective no session has worked on for ``untouched_weeks`` weeks;
- an intervention named in a note that the plan does not contain;
- a note copied forward from an earlier one (see :mod:`assistant.progress.copies`);
- a note that says the client is progressing while the measures show no reliable change or
  deterioration at that date: every objective the note cites (or, when it cites none, every
  objective measured with a cited reliable-change figure) shows no improvement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from assistant.plan import TreatmentPlan
from assistant.progress.copies import Copy, NoteRef, find_copies
from assistant.progress.engine import assess_objective
from assistant.progress.findings import Finding
from assistant.progress.matching import match_entries
from assistant.progress.measures import MeasuresFile, Session

ACTIVE = ("not_started", "in_progress", "partially_met")
UNTOUCHED_WEEKS = 4

_PROGRESS = re.compile(
    r"\b(progress(?:ing|ed)?(?: well)?|making (?:good )?progress|improv(?:ing|ed|ement)|doing (?:well|better)"
    r"|much better|going well|on track)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(no|not|little|without|lack of|limited|slow|minimal|for|any|if)\s+(\w+\s+)?$", re.I
)
_NOT_A_CLAIM = re.compile(
    r"^\s+(notes?|reports?|reviews?|monitoring|measures?|toward|towards)\b", re.I
)
_WORD = re.compile(r"[a-z0-9]+")


def _stem(w: str) -> str:
    w = w.replace("iour", "ior")
    return w[:-1] if len(w) > 3 and w.endswith("s") else w


def _tokens(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower())}


def claims_progress(text: str) -> str | None:
    """The phrase with which a note claims progress, unless it is negated ("no progress"), a
    question or a hope ("any improvement", "room for improvement"), or the name of a document
    ("progress note")."""
    for m in _PROGRESS.finditer(text):
        before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 12]
        if not _NEGATION.search(before) and not _NOT_A_CLAIM.search(after):
            return m.group(0)
    return None


def _in_plan(name: str, plan: TreatmentPlan) -> bool:
    want = _tokens(name)
    return bool(want) and any(
        want <= _tokens(f"{iv.modality} {iv.technique}") for iv in plan.interventions
    )


def golden_thread(
    plan: TreatmentPlan,
    measures: MeasuresFile,
    *,
    as_of: dt.date,
    untouched_weeks: int = UNTOUCHED_WEEKS,
) -> list[Finding]:
    sessions = [s for s in measures.sessions if s.date <= as_of]
    if not sessions:
        return []
    objectives = {o.id: o for _, _, o in plan.objectives()}
    active = {k for k, o in objectives.items() if o.status in ACTIVE}
    out: list[Finding] = []
    last_touch: dict[str, dt.date] = {}
    for s in sessions:
        unknown = [k for k in s.objectives if k not in objectives]
        for k in s.objectives:
            if k in objectives:
                last_touch[k] = max(last_touch.get(k, s.date), s.date)
        if unknown:
            out.append(
                Finding(
                    code="unknown_objective_cited",
                    session_date=s.date,
                    message=f"The note cites {', '.join(unknown)}, which the plan does not have; "
                    "cite the plan's objective ids.",
                )
            )
        if not any(k in active for k in s.objectives):
            what = "no objective" if not s.objectives else "no active objective"
            out.append(
                Finding(
                    code="no_objective_cited",
                    session_date=s.date,
                    message=f"The note cites {what} of the plan; say which objective the session "
                    "worked on.",
                )
            )
        for name in s.interventions:
            if not _in_plan(name, plan):
                out.append(
                    Finding(
                        code="intervention_not_in_plan",
                        session_date=s.date,
                        message=f"'{name}' is not an intervention in the plan; add it to the plan "
                        "or name the planned intervention used.",
                    )
                )
    limit = dt.timedelta(weeks=untouched_weeks)
    for k in sorted(active):
        last = last_touch.get(k)
        since = last or plan.header.created
        if as_of - since >= limit:
            when = f"since {last}" if last else f"since the plan started on {plan.header.created}"
            out.append(
                Finding(
                    code="objective_untouched",
                    session_date=last,
                    objective_id=k,
                    message=f"No session note has worked on {k} {when} "
                    f"({(as_of - since).days // 7} weeks).",
                )
            )
    out += copy_forward(sessions)
    out += narrative_contradictions(plan, measures, sessions)
    return out


def copy_forward(
    sessions: list[Session], client: str = "client", clinician: str = ""
) -> list[Finding]:
    refs = [
        NoteRef(key=str(i), client=client, date=s.date, text=s.note, clinician=clinician)
        for i, s in enumerate(sessions)
    ]
    return [_copied(c, f"the note of {c.earlier.date}") for c in find_copies(refs)]


def _copied(c: Copy, earlier: str) -> Finding:
    """A copy-forward finding: the note repeats ``earlier`` (word for word or nearly)."""
    how = "word for word" if c.identical else f"{c.similarity:.0%} alike"
    return Finding(
        code="copy_forward",
        session_date=c.note.date,
        copied_from=c.earlier.date,
        similarity=c.similarity,
        copied_span=c.span,
        message=f"The note repeats {earlier} ({how}); write what happened in this session.",
    )


def copy_forward_across(
    caseload: Sequence[tuple[TreatmentPlan, MeasuresFile]],
) -> dict[str, list[Finding]]:
    """Copy-forward over several clients: per record id, the notes that repeat an earlier note
    for the same client or, written by the same clinician, for another client (who is not named).
    """
    refs: list[NoteRef] = []
    for plan, m in caseload:
        rid = plan.header.record_id
        refs += [
            NoteRef(f"{rid}#{i}", rid, s.date, s.note, plan.header.clinician_name)
            for i, s in enumerate(m.sessions)
        ]
    out: dict[str, list[Finding]] = {plan.header.record_id: [] for plan, _ in caseload}
    for c in find_copies(refs):
        other = "" if c.earlier.client == c.note.client else " for another client"
        out[c.note.client].append(_copied(c, f"a note written on {c.earlier.date}{other}"))
    return out


def narrative_contradictions(
    plan: TreatmentPlan, measures: MeasuresFile, sessions: list[Session]
) -> list[Finding]:
    by_obj, _ = match_entries(plan, measures)
    goals = {o.id: g.id for _, g, o in plan.objectives()}
    objectives = {o.id: o for _, _, o in plan.objectives()}
    out = []
    for s in sessions:
        phrase = claims_progress(s.note)
        if phrase is None:
            continue
        cited = [k for k in s.objectives if k in objectives]
        readings = [
            assess_objective(objectives[k], goals[k], by_obj[k], plan.header.created, s.date)
            for k in cited or objectives
        ]
        if cited and any(r.suggested_status in ("met", "improving") for r in readings):
            continue  # the claim may be about any objective the note names
        judged = [r for r in readings if r.reliable_change != "unknown"]
        if not judged or any(r.reliable_change == "improved" or r.target_met for r in judged):
            continue
        first = judged[0]
        assert first.baseline is not None and first.latest is not None
        word = first.reliable_change.replace("_", " ")
        out.append(
            Finding(
                code="narrative_contradicts_measures",
                session_date=s.date,
                objective_id=first.id,
                message=f"The note says '{phrase}', but {first.measure} "
                f"({first.baseline.value:g} to {first.latest.value:g} by {first.latest.date}) "
                f"shows {word}; describe the change the measures show.",
            )
        )
    return out
