"""Draft-quality scores for one plan, and for a set of plans drafted from the case set.

Each ``score_*`` function looks at one drafted plan next to the intake it came from and
returns plain numbers, so a report can add them up and two runs can be compared. The
checks reuse the validator where it already answers the question (the never-invent
number rule, the SMART linter, the text-agrees-with-fields rule) and are written out
here where the eval needs its own view (baseline fidelity, coverage, individualisation).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from assistant import instruments
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase
from assistant.plan import Objective, TreatmentPlan
from assistant.validation import Report, lint_objective
from assistant.validation.numbers import allowed_numbers, numbers_in

PARTS = ("metric", "baseline", "target", "timeframe", "measurement")


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------- validator


def score_validator(report: Report) -> dict[str, Any]:
    """Errors and warnings for one plan, counted by rule code."""
    return {
        "ok": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "by_rule": dict(sorted(Counter(f.rule for f in report.findings).items())),
    }


# ---------------------------------------------------------------- SMART


def _objective_state(path: str, o: Objective, report: Report) -> tuple[str, list[str]]:
    """("complete" | "placeholder" | "incomplete", parts missing or inconsistent)."""
    lint = lint_objective(o.text)
    problems: list[str] = (
        [p for p in PARTS if not lint.has(p)] if lint.kind == "objective" else [str(lint.kind)]
    )
    if any(f.rule == "MS03" for f in report.for_path(path)):
        problems.append("text-disagrees")
    if not o.timeframe.is_set:
        problems.append("timeframe-field")
    if o.direction != "achieve" and (o.baseline is None or o.target is None):
        problems.append("baseline-or-target-field")
    if problems:
        return "incomplete", problems
    structured = [m for m in (o.baseline, o.target) if m is not None and m.is_placeholder]
    if lint.placeholders or structured:
        return "placeholder", []
    return "complete", []


def score_smart(plan: TreatmentPlan, report: Report) -> dict[str, Any]:
    """Per objective: all five SMART parts in the sentence, none a placeholder, and the
    structured fields agreeing with the sentence."""
    states: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    incomplete: list[dict[str, Any]] = []
    for path, _, o in plan.objectives():
        state, problems = _objective_state(path, o, report)
        states[state] += 1
        missing.update(problems)
        if problems:
            incomplete.append({"path": path, "stage": o.stage, "problems": problems})
    return {
        "objectives": sum(states.values()),
        "complete": states["complete"],
        "placeholder": states["placeholder"],
        "incomplete": states["incomplete"],
        "missing_by_part": dict(sorted(missing.items())),
        "incomplete_objectives": incomplete,
    }


# ---------------------------------------------------------------- faithfulness


def score_faithfulness(plan: TreatmentPlan, intake: Intake, kb: KnowledgeBase) -> dict[str, Any]:
    """Numbers the plan states that no source supports, and whether every objective that
    measures with an instrument scored at intake starts from that score.

    Unlike the validator's NI01, every text is checked whoever wrote it: an eval run has
    no clinician edits, so anything unsupported is the drafter's.
    """
    allowed = allowed_numbers(plan, intake, kb)
    unsupported: list[dict[str, str]] = []
    for path, text in plan.texts():
        for n in sorted(numbers_in(text) - allowed):
            unsupported.append({"path": path, "number": _fmt(n)})
    for path, _, o in plan.objectives():
        for part, m in (("baseline", o.baseline), ("target", o.target)):
            for v in (m.value, m.high) if m is not None else ():
                if v is not None and v not in allowed:
                    unsupported.append({"path": f"{path}.{part}", "number": _fmt(v)})

    targeted = faithful = 0
    mismatches: list[dict[str, str]] = []
    for path, _, o in plan.objectives():
        inst = _instrument(o)
        scored = intake.score(inst.id) if inst is not None else None
        if scored is None:
            continue
        targeted += 1
        b = o.baseline
        if b is not None and b.value is not None and b.value == float(scored.score):
            faithful += 1
        else:
            got = "none" if b is None else b.text
            mismatches.append({"path": path, "intake": _fmt(scored.score), "baseline": got})
    return {
        "unsupported_numbers": len(unsupported),
        "unsupported": unsupported,
        "scored_objectives": targeted,
        "baseline_faithful": faithful,
        "baseline_mismatches": mismatches,
    }


def _instrument(o: Objective) -> instruments.Instrument | None:
    if o.instrument:
        return instruments.get(o.instrument)
    found = lint_objective(o.text).instrument
    return instruments.get(found) if found else None


# ---------------------------------------------------------------- coverage


_DENIES = re.compile(r"\bden(?:y|ies|ied|ial)\b", re.IGNORECASE)


def score_coverage(plan: TreatmentPlan, intake: Intake) -> dict[str, Any]:
    """Every intake diagnosis reached by a goal (or deferred with a reason); a safety
    section and an early safety objective when risk warrants one; and, when risk was not
    fully assessed, a plan that says so and never says "denies"."""
    goal_problems = {pid for g in plan.goals for pid in g.problem_ids}
    goal_codes = {c for p in plan.problems if p.id in goal_problems for c in p.diagnosis_codes}
    deferred = {d.code for d in plan.diagnoses if d.sequencing_note}
    unaddressed = [d.code for d in intake.diagnoses if d.code not in goal_codes | deferred]
    checks: dict[str, bool] = {"diagnoses": not unaddressed}

    risk = intake.risk
    if risk.warrants_safety_plan:
        s = plan.safety
        early = any(
            o.stage == "safety"
            and ((o.timeframe.by_session or 99) <= 2 or (o.timeframe.weeks or 99) <= 2)
            for _, _, o in plan.objectives()
        )
        checks["safety_section"] = s is not None and s.risk_assessed and early
    if risk.unassessed_fields:
        s = plan.safety
        said = s is not None and "not assessed" in s.summary.lower() and not s.risk_assessed
        denies = any(_DENIES.search(t) for _, t in plan.texts())
        checks["not_assessed_surfaced"] = said and not denies
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "unaddressed_diagnoses": unaddressed,
        "deferred_diagnoses": sorted(deferred),
    }


# ---------------------------------------------------------------- individualisation


_WORD = re.compile(r"[a-z]{4,}")
_COMMON = frozenset({
    "again", "will", "take", "have", "more", "less", "with", "that", "this", "from", "into",
    "back", "want", "able", "like", "just", "some", "being", "feel", "make", "better", "still",
    "every", "thing", "things", "really", "without", "would", "could", "about", "their", "them",
    "they", "what", "when", "where", "which", "while", "your",
})  # fmt: skip


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _COMMON}


def _used(phrase: str, plan_stems: set[str]) -> bool:
    """Most of a phrase's content words (first five letters) occur in the plan."""
    words = _stems(phrase)
    return not words or 2 * len(words & plan_stems) >= len(words)


def template_texts(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Knowledge texts a drafter could copy, by kind: goal and objective templates (slots
    such as ``{baseline}`` left in), lower-cased."""
    goals = [g.text for p in kb.presentations.values() for g in p.goals]
    objectives = [o.text for p in kb.presentations.values() for o in p.objectives]
    objectives += [o.text for m in kb.modules.values() for o in m.objectives]
    return {
        "goal": [t.strip().lower() for t in goals if t.strip()],
        "objective": [t.strip().lower() for t in objectives if t.strip()],
    }


def nearest_template(text: str, templates: list[str]) -> float:
    """The highest difflib ratio between ``text`` and any template (0-1). Templates are
    tried in order of their cheap upper bound (``quick_ratio``) and the search stops once
    no remaining bound can beat the best ratio found."""
    sm: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, autojunk=False)
    sm.set_seq2(text.strip().lower())
    bounds = []
    for t in templates:
        sm.set_seq1(t)
        bounds.append((sm.quick_ratio(), t))
    best = 0.0
    for bound, t in sorted(bounds, reverse=True):
        if bound <= best:
            break
        sm.set_seq1(t)
        best = max(best, sm.ratio())
    return best


def score_individualisation(
    plan: TreatmentPlan, intake: Intake, templates: dict[str, list[str]]
) -> dict[str, Any]:
    """Closeness of goals and objectives to the nearest knowledge template of their kind
    (lower is better), and use of the intake's strengths and the client's own words
    (higher is better)."""
    sims = [nearest_template(g.statement, templates["goal"]) for g in plan.goals]
    sims += [nearest_template(o.text, templates["objective"]) for _, _, o in plan.objectives()]
    parts = [t for _, t in plan.texts()] + plan.strengths
    parts += [g.client_words or "" for g in plan.goals]
    stems = _stems(" ".join(parts))
    own = list(intake.client_goals) + [
        p.client_words for p in intake.presenting_problems if p.client_words
    ]
    return {
        "template_similarity_mean": round(sum(sims) / len(sims), 4) if sims else 0.0,
        "template_similarity_max": round(max(sims), 4) if sims else 0.0,
        "strengths": len(intake.strengths),
        "strengths_used": sum(_used(s, stems) for s in intake.strengths),
        "client_words": len(own),
        "client_words_used": sum(_used(w, stems) for w in own),
    }


def _tokens(plan: TreatmentPlan) -> set[str]:
    texts = [g.statement for g in plan.goals] + [o.text for _, _, o in plan.objectives()]
    return set(re.findall(r"[a-z]+", " ".join(texts).lower()))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def presentations_of(plan: TreatmentPlan) -> set[str]:
    """The knowledge presentations the plan's goals come from."""
    return {
        g.provenance.record_id
        for g in plan.goals
        if g.provenance.record_id and g.provenance.record_id != "safety-planning"
    }


def between_plan_similarity(plans: dict[str, TreatmentPlan]) -> dict[str, float | None]:
    """For each plan, the highest token Jaccard (goal and objective texts) with another plan
    drafted from the same presentation; None when no other plan shares one."""
    toks = {name: _tokens(p) for name, p in plans.items()}
    pres = {name: presentations_of(p) for name, p in plans.items()}
    out: dict[str, float | None] = dict.fromkeys(plans)
    for a, b in itertools.combinations(sorted(plans), 2):
        if pres[a] & pres[b]:
            s = round(jaccard(toks[a], toks[b]), 4)
            for name in (a, b):
                prev = out[name]
                out[name] = s if prev is None else max(prev, s)
    return out


# ---------------------------------------------------------------- model figures


@dataclass
class DraftFigures:
    latency_ms: float
    input_tokens: int
    output_tokens: int
    cost_usd: float
    repair_rounds: int
    fell_back: bool

    @classmethod
    def of(cls, plan: TreatmentPlan, wall_ms: float) -> DraftFigures:
        d = plan.draft
        return cls(
            latency_ms=round(wall_ms, 1),
            input_tokens=d.input_tokens,
            output_tokens=d.output_tokens,
            cost_usd=d.cost_usd,
            repair_rounds=d.repair_rounds,
            fell_back=d.fell_back,
        )
