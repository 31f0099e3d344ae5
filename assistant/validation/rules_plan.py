"""Rules about the plan as a whole: links between items, header, end, safety, payer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule
from assistant.validation.smart import instrument_pattern


@rule("LK01", "link.problem-diagnosis")
def problem_diagnosis(ctx: Context) -> Iterator[Hit]:
    """Every problem links to a diagnosis listed in the plan.

    Bad: a problem with no diagnosis code, or with F41.1 when the plan lists only F32.1.
    Good: a problem with diagnosis_codes [F41.1] in a plan that lists F41.1.
    """
    codes = {d.code for d in ctx.plan.diagnoses}
    for i, p in enumerate(ctx.plan.problems):
        if not p.diagnosis_codes:
            yield f"problems[{i}].diagnosis_codes", "This problem is not linked to a diagnosis."
        for c in p.diagnosis_codes:
            if c not in codes:
                yield (
                    f"problems[{i}].diagnosis_codes",
                    f"This problem links to {c}, which is not among the plan's diagnoses.",
                )


@rule("LK02", "link.diagnosis-unaddressed")
def diagnosis_unaddressed(ctx: Context) -> Iterator[Hit]:
    """Every diagnosis is addressed by a problem with a goal, or says why it is deferred.

    Bad: F10.20 listed, but no problem or goal addresses it and no sequencing note.
    Good: F10.20 with a problem and goal, or a sequencing note ('treated after detox').
    """
    goal_problems = {pid for g in ctx.plan.goals for pid in g.problem_ids}
    addressed = {c for p in ctx.plan.problems if p.id in goal_problems for c in p.diagnosis_codes}
    for i, d in enumerate(ctx.plan.diagnoses):
        if d.code not in addressed and not (d.sequencing_note or "").strip():
            yield (
                f"diagnoses[{i}]",
                f"{d.code} is not addressed by any problem and goal: add "
                "them, or record why it is deferred (sequencing note).",
            )


@rule("LK03", "link.goal-problem")
def goal_problem(ctx: Context) -> Iterator[Hit]:
    """Every goal links to at least one problem in the plan.

    Bad: a goal with no problem_ids, or naming a problem id that does not exist.
    Good: a goal with problem_ids [prob-1].
    """
    ids = {p.id for p in ctx.plan.problems}
    for gi, g in enumerate(ctx.plan.goals):
        if not g.problem_ids:
            yield f"goals[{gi}].problem_ids", "This goal is not linked to a problem."
        for pid in g.problem_ids:
            if pid not in ids:
                yield (
                    f"goals[{gi}].problem_ids",
                    f"This goal links to problem '{pid}', which is not in the plan.",
                )


@rule("LK04", "link.intervention-objective")
def intervention_objective(ctx: Context) -> Iterator[Hit]:
    """Every intervention serves at least one objective that exists in the plan.

    Bad: an intervention with no objective_ids, or naming a removed objective.
    Good: an intervention with objective_ids [obj-1-1].
    """
    for i, iv in enumerate(ctx.plan.interventions):
        if not iv.objective_ids:
            yield (
                f"interventions[{i}].objective_ids",
                "This intervention is not linked to an objective: say which objective it serves.",
            )
        for oid in iv.objective_ids:
            if oid not in ctx.objective_ids:
                yield (
                    f"interventions[{i}].objective_ids",
                    f"This intervention links to objective '{oid}', which is not in the plan.",
                )


@rule("LK05", "link.objective-without-intervention")
def objective_without_intervention(ctx: Context) -> Iterator[Hit]:
    """Every objective has at least one intervention working toward it.

    Bad: an objective no intervention lists.
    Good: the objective's id appears in some intervention's objective_ids.
    """
    served = {oid for iv in ctx.plan.interventions for oid in iv.objective_ids}
    for path, _, o in ctx.objectives:
        if o.id not in served:
            yield (
                path,
                "No intervention is linked to this objective: add the technique that "
                "will help the client reach it.",
            )


@rule("LK06", "link.duplicate-id")
def duplicate_id(ctx: Context) -> Iterator[Hit]:
    """Item ids are unique, so links point at one item.

    Bad: two objectives both with id obj-1.
    Good: obj-1-1 and obj-1-2.
    """
    plan = ctx.plan
    ids = [p.id for p in plan.problems] + [iv.id for iv in plan.interventions]
    for g in plan.goals:
        ids.append(g.id)
        ids += [o.id for o in g.objectives]
    if len(set(ids)) == len(ids):
        return
    counts = Counter(item.id for _, _, item in ctx.plan.items())
    seen: set[str] = set()
    for path, _, item in ctx.plan.items():
        if counts[item.id] > 1 and item.id in seen:
            yield f"{path}.id", f"The id '{item.id}' is used more than once."
        seen.add(item.id)


@rule("HD01", "header.incomplete")
def header_incomplete(ctx: Context) -> Iterator[Hit]:
    """The header identifies the client (name, record number) and the clinician.

    Bad: an empty clinician name.
    Good: client name, record id, clinician name and creation date all filled in.
    """
    h = ctx.plan.header
    for field, label in (("client_name", "client's name"), ("record_id", "record number"),
                         ("clinician_name", "clinician's name")):  # fmt: skip
        if not getattr(h, field).strip():
            yield f"header.{field}", f"The {label} is missing."


@rule("HD02", "review.schedule-missing")
def review_schedule_missing(ctx: Context) -> Iterator[Hit]:
    """The plan sets review dates (or at least a review interval).

    Bad: no review dates and no review interval.
    Good: review dates 2026-10-13 and 2026-11-24.
    """
    if not ctx.plan.timeline.review_dates and not ctx.plan.header.review_interval_days:
        yield "timeline.review_dates", "The plan has no review dates: set when it will be reviewed."


_MEASURABLE = re.compile(r"\d|\b(zero|no longer|none)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _measurable(criterion: str) -> bool:
    """The criterion names a number, 'zero'/'none', or an instrument (read once per text)."""
    return bool(_MEASURABLE.search(criterion) or instrument_pattern().search(criterion))


@rule("HD03", "discharge.unmeasurable")
def discharge_unmeasurable(ctx: Context) -> Iterator[Hit]:
    """The plan has discharge criteria, and at least one names a score, count or instrument
    with a number.

    Bad: 'client feels better'.
    Good: 'GAD-7 below 5 for 3 consecutive sessions'.
    """
    crit = ctx.plan.timeline.discharge_criteria
    if not crit:
        yield (
            "timeline.discharge_criteria",
            "The plan has no discharge criteria: say what 'done' looks like.",
        )
    elif not any(_measurable(c) for c in crit):
        yield (
            "timeline.discharge_criteria",
            "No discharge criterion can be measured: name a "
            "score, count or observable behaviour with a number.",
        )


@rule("HD04", "signature.missing")
def signature_missing(ctx: Context) -> Iterator[Hit]:
    """A signed plan carries the clinician's signature with credentials, and the
    supervisor's co-signature when a supervisor is named.

    Bad: status signed with no clinician signature.
    Good: a clinician signature with credentials LCSW (and the supervisor's, if named).
    """
    if not ctx.signing:
        return
    sigs = ctx.plan.signatures
    clin = [s for s in sigs if s.role == "clinician"]
    if not clin:
        yield "signatures", "The clinician has not signed the plan."
    elif not any((s.credentials or "").strip() for s in clin):
        yield "signatures", "The clinician's signature has no credentials (e.g. LCSW, PsyD)."
    if ctx.plan.header.supervisor_name and not any(s.role == "supervisor" for s in sigs):
        yield "signatures", "A supervisor is named, but has not co-signed the plan."


@rule("HD05", "plan.core-missing")
def core_missing(ctx: Context) -> Iterator[Hit]:
    """The plan has at least one diagnosis, problem and goal.

    Bad: a plan with diagnoses but no goals.
    Good: a diagnosis, a problem linked to it, and a goal linked to the problem.
    """
    for field, label in (("diagnoses", "diagnosis"), ("problems", "problem"), ("goals", "goal")):
        if not getattr(ctx.plan, field):
            yield field, f"The plan has no {label}."
