"""What the model path is for, scored per plan and overall, so drafters can be compared.

Per plan: the model's requests (count, the largest request's input tokens), its edits
proposed and kept and why the rest were discarded, the facts the plan was drafted from
scored against the labelled facts, and individualisation: the client's circumstances named
in the plan, items still worded exactly as the knowledge template, and the reading grade of
the client copy. An offline plan scores the same way (no calls, no edits), so a column for
the offline drafter sits beside the model's.
"""

from __future__ import annotations

from typing import Any

from assistant.facts.model import CaseFacts
from assistant.facts.scoring import score as score_facts
from assistant.intake import Intake
from assistant.plan import TreatmentPlan
from evals.scoring import _stems, _used

# a discarded edit's reason -> a short category for the report
_REASONS = [
    ("adds figure", "adds a figure"),
    ("drops figure", "drops a figure"),
    ("placeholder", "drops a placeholder"),
    ("locked", "touches the locked safety goal"),
    ("as absent", "writes a risk as absent"),
    ("'denies'", "uses 'denies'"),
    ("instruction", "instruction-like or planted text"),
    ("hidden characters", "hidden characters"),
    ("word for word", "fact quote not in the intake"),
    ("already in the case facts", "fact already known"),
    ("may not add this kind", "fact of a kind the model may not add"),
    ("validator", "brought a validator error"),
    ("not on the list", "intervention not among the options"),
    ("not an objective", "unknown or locked objective"),
    ("no such", "unknown item"),
    ("not used", "answer not in the required structure"),
]


def reason(text: str) -> str:
    """The category of one discarded edit's reason."""
    low = text.lower()
    return next((label for key, label in _REASONS if key in low), "other")


def _circumstances(facts: CaseFacts | None) -> list[str]:
    """The person's circumstances as short phrases: work, caregivers, referral, substances,
    medications, what they want and what they decline."""
    if facts is None:
        return []
    out: list[str] = []
    if facts.occupation is not None and facts.occupation.text:
        out.append(facts.occupation.text)
    if facts.legal is not None and facts.legal.referred_by:
        out.append(facts.legal.referred_by)
    out += [c.text for c in facts.caregivers]
    out += [s.substance for s in facts.substances]
    out += [m.name for m in facts.medications]
    out += [p.target or p.text for p in facts.preferences if p.kind in ("refusal", "wants")]
    return [x for x in dict.fromkeys(out) if x and x.strip()]


def score(
    plan: TreatmentPlan, intake: Intake, expected_facts: list[dict[str, Any]] | None
) -> dict[str, Any]:
    from assistant.export.client_copy import reading_grade
    from assistant.export.client_copy import text as client_copy

    calls = plan.draft.model_calls
    per_request = [c.input_tokens / c.attempts for c in calls if c.attempts]
    discarded = [d for c in calls for d in c.discarded if "answer" not in d.split(":")[0]]
    why: dict[str, int] = {}
    for d in discarded:
        why[reason(d)] = why.get(reason(d), 0) + 1
    items: list[Any] = [*plan.problems, *plan.goals, *(o for _, _, o in plan.objectives())]
    stems = _stems(" ".join(t for _, t in plan.texts()))
    circ = _circumstances(plan.case_facts)
    out: dict[str, Any] = {
        "calls": sum(c.attempts for c in calls),
        "requests": [
            {
                "task": c.task,
                "outcome": c.outcome,
                "attempts": c.attempts,
                "input_tokens": c.input_tokens,
                "output_tokens": c.output_tokens,
                "seconds": c.seconds,
            }
            for c in calls
        ],
        "max_request_tokens": round(max(per_request), 1) if per_request else 0,
        "edits_proposed": sum(c.edits_proposed for c in calls),
        "edits_kept": sum(c.edits_kept for c in calls),
        "discarded_by_reason": why,
        "model_failure": plan.draft.model_failure,
        "input_tokens": plan.draft.input_tokens,
        "output_tokens": plan.draft.output_tokens,
        "model_facts": sum(
            f.source == "model" for f in (plan.case_facts or CaseFacts()).all_facts()
        ),
        "circumstances": len(circ),
        "circumstances_named": sum(_used(c, stems) for c in circ),
        "items": len(items),
        "template_items": sum(i.provenance.source == "knowledge" for i in items),
        "reading_grade": round(reading_grade(client_copy(plan)), 1),
    }
    if expected_facts is not None and plan.case_facts is not None:
        recall, precision = score_facts(expected_facts, plan.case_facts)
        out |= {"fact_recall": recall, "fact_precision": precision}
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall figures over the plans' ``model_path`` scores."""

    def total(key: str) -> float:
        return sum(r[key] for r in rows)

    def share(a: float, b: float) -> float | None:
        return round(a / b, 4) if b else None

    labelled = [r for r in rows if "fact_recall" in r]
    used = [r for r in rows if r["calls"]]
    why: dict[str, int] = {}
    for r in rows:
        for k, v in r["discarded_by_reason"].items():
            why[k] = why.get(k, 0) + v
    return {
        "model_calls_per_plan": share(total("calls"), len(rows)),
        "max_request_tokens": max((r["max_request_tokens"] for r in rows), default=0),
        "model_edits_proposed": int(total("edits_proposed")),
        "model_edits_kept_share": share(total("edits_kept"), total("edits_proposed")),
        "model_failures": sum(bool(r["model_failure"]) for r in rows),
        "model_facts_per_plan": share(total("model_facts"), len(rows)),
        "plan_fact_recall": share(sum(r["fact_recall"] for r in labelled), len(labelled)),
        "plan_fact_precision": share(sum(r["fact_precision"] for r in labelled), len(labelled)),
        "circumstances_named_share": share(total("circumstances_named"), total("circumstances")),
        "template_items_share": share(total("template_items"), total("items")),
        "client_copy_grade": share(total("reading_grade"), len(rows)),
        "tokens_per_draft": share(
            sum(r.get("input_tokens", 0) + r.get("output_tokens", 0) for r in used), len(used)
        ),
        "discarded_by_reason": dict(sorted(why.items(), key=lambda kv: -kv[1])),
    }


METRICS: list[tuple[str, str, str, str]] = [
    ("model_calls_per_plan", "model requests per plan", "num", ""),
    ("max_request_tokens", "largest request (input tokens)", "int", "lower"),
    ("tokens_per_draft", "tokens per model draft (in + out)", "int", "lower"),
    ("model_edits_proposed", "model edits proposed", "int", ""),
    ("model_edits_kept_share", "model edits kept after the checks", "pct", "higher"),
    ("model_failures", "drafts where the model failed (offline given)", "int", "lower"),
    ("model_facts_per_plan", "facts added by the model per plan", "num", ""),
    ("plan_fact_recall", "fact recall, facts the plan used", "pct", "higher"),
    ("plan_fact_precision", "fact precision, facts the plan used", "pct", "higher"),
    ("circumstances_named_share", "client's circumstances named", "pct", "higher"),
    ("template_items_share", "items still in template wording", "pct", "lower"),
    ("client_copy_grade", "client copy reading grade", "num", "lower"),
]


def discard_lines(runs: list[dict[str, Any]]) -> list[str]:
    """Why model edits were discarded, per run, as report lines."""
    lines = []
    for r in runs:
        why = r["summary"].get("discarded_by_reason") or {}
        if why:
            said = ", ".join(f"{k} {v}" for k, v in why.items())
            lines.append(f"- {r['run']['name']}: {said}")
    return lines


def plain_verdicts(
    runs: list[dict[str, Any]], metrics: list[tuple[str, str, str, str]]
) -> list[str]:
    """For each run after the first (the offline baseline): the scores where it does not
    beat the baseline, said plainly."""
    base = runs[0]
    lines = []
    for r in runs[1:]:
        worse, same, beats = [], [], []
        for key, label, _, better in metrics:
            a, b = base["summary"].get(key), r["summary"].get(key)
            if not better or a is None or b is None or key in ("max_request_tokens",):
                continue
            if key in ("tokens_per_draft", "input_tokens", "output_tokens", "cost_usd"):
                continue
            if a == b:
                same.append(label.strip())
            elif (b > a) != (better == "higher"):
                worse.append(label.strip())
            else:
                beats.append(label.strip())
        name, base_name = r["run"]["name"], base["run"]["name"]
        if beats:
            lines.append(f"- {name} beats {base_name} on: {', '.join(beats)}.")
        if worse:
            lines.append(f"- {name} is worse than {base_name} on: {', '.join(worse)}.")
        if same:
            lines.append(f"- {name} does not beat {base_name} on: {', '.join(same)}.")
    return lines
