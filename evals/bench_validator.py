"""How many plans the validator checks per second on one core, on plans it has not seen.

    python -m evals.bench_validator [--seconds 3] [--with-facts]

The offline drafter drafts every case in ``evals/cases`` once; the benchmark then
validates, in turn, new plan objects rebuilt from those drafts' JSON (a fresh object
each time, as a plan read back from the store is), so nothing is reused by object
identity. Each plan is checked against its intake (also a new object). Building the
objects is not timed; only ``validate`` is, in CPU time.

By default each plan carries the case facts it was drafted from (as a drafted or stored
plan does), so the case-facts stage is not part of the figure. ``--with-facts`` drops
them, so every validation also reads the intake's free text for its facts. Goal (issue 15): at least 2,000 plans/s.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"
GOAL_PLANS_PER_S = 2000.0


@dataclass(frozen=True)
class Source:
    """One drafted case, as text, so each timed plan (and intake) is a new object."""

    plan_json: str
    intake_json: str


def sources(with_facts: bool = False, cases: Path = CASES) -> list[Source]:
    """Draft every case once (offline, no index) and keep the plan and intake as JSON."""
    from assistant import intake as intake_mod
    from assistant.drafting import draft

    out = []
    for path in sorted(cases.glob("*.json")):
        plan = draft(intake_mod.load(path)).plan
        if with_facts:
            plan.case_facts = None
        out.append(Source(plan.model_dump_json(), path.read_text(encoding="utf-8")))
    return out


def plans_per_second(srcs: list[Source], seconds: float, new_intakes: bool = False) -> float:
    """Distinct plans validated per CPU second against their intakes; each plan and each
    intake is a new object built before its validation starts, outside the timed part.

    The validator keeps what it read from an intake under the intake's content (a plan is
    checked against the same intake at every edit), so intakes recur here as they do in
    use. ``new_intakes`` empties those tables before every check, inside the timed part:
    the figure for a first check of an intake."""
    from assistant import intake as intake_mod
    from assistant.plan import TreatmentPlan
    from assistant.validation import forget_intakes, validate

    n, spent = 0, 0.0
    while n == 0 or spent < seconds:
        batch = [
            (TreatmentPlan.model_validate_json(s.plan_json), intake_mod.loads(s.intake_json))
            for s in srcs
        ]
        for plan, intake in batch:
            start = time.process_time()
            if new_intakes:
                forget_intakes()
            validate(plan, intake)
            spent += time.process_time() - start
            n += 1
    return n / spent


def describe(with_facts: bool) -> str:
    return (
        "plans with no case facts, each with a new intake (facts read every time)"
        if with_facts
        else "plans with their case facts (the facts stage is not timed)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="CPU seconds of validation")
    ap.add_argument(
        "--with-facts",
        action="store_true",
        help="read the case facts from a fresh intake in every validation",
    )
    args = ap.parse_args(argv)
    srcs = sources(args.with_facts)
    plans_per_second(srcs[:1], 0.0)  # load the knowledge base, registry and NLP pipeline
    per_s = plans_per_second(srcs, args.seconds)
    first = plans_per_second(srcs, args.seconds, new_intakes=True)
    met = "met" if per_s >= GOAL_PLANS_PER_S else "NOT met"
    print(
        f"{len(srcs)} distinct drafted plans, {describe(args.with_facts)}: "
        f"{per_s:,.0f} plans/s on one core (goal >= {GOAL_PLANS_PER_S:,.0f}: {met}); "
        f"{first:,.0f} plans/s when each check is the first of its intake"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
