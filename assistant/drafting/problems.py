"""The plan's problems, one per group of the intake's presenting problems.

A problem states the difficulty in the client's terms with its scores and diagnoses
(``compose.problem_statement``). A group no knowledge record covers gets a goal made of
placeholders for the clinician rather than one borrowed from an unrelated record.
"""

from __future__ import annotations

from assistant.drafting import compose
from assistant.drafting.select import ProblemGroup
from assistant.intake import Intake
from assistant.knowledge import Presentation
from assistant.plan import Goal, Objective, Problem, Provenance, placeholder


def problem(intake: Intake, g: ProblemGroup, pid: str, skip_paths: set[str]) -> Problem:
    """The problem for group ``g``, credited to its record or, without one, to the intake."""
    pps = [intake.presenting_problems[i] for i in g.intake_problems]
    inst_ids = _instruments_for(g.presentation)
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


def uncovered_goal(g: ProblemGroup, pid: str, n: int) -> Goal:
    """Goal ``G<n>`` for a group no record covers: a placeholder goal and objective."""
    gid = f"G{n}"
    text = placeholder("goal", f"write a goal for {', '.join(g.codes)} with the client")
    obj = Objective(
        id=f"{gid}.O1",
        text=placeholder("objective", "metric, baseline, target, timeframe and how it is measured"),
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


def impacts(intake: Intake, g: ProblemGroup, skip_paths: set[str]) -> list[str]:
    """The functional impact of the group's problems, less what the intake says to skip."""
    return [
        f
        for i in g.intake_problems
        for j, f in enumerate(intake.presenting_problems[i].functional_impact)
        if f"presenting_problems[{i}].functional_impact[{j}]" not in skip_paths
    ]


def compose_basis(g: ProblemGroup) -> str:
    """The record's and the diagnoses' words, to match the client's own goals against."""
    if g.presentation is None:
        return " ".join(g.labels)
    return " ".join([g.presentation.title, *g.presentation.lay_terms, *g.labels])


def _instruments_for(pres: Presentation | None) -> list[str]:
    """The instruments the record's objectives name, each once; the problem statement
    shows the intake's scores on them."""
    ids: list[str] = []
    if pres is not None:
        ids = [o.instrument for o in pres.objectives if o.instrument]
    return list(dict.fromkeys(ids))
