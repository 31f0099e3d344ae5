"""How many plans the validator checks per second on one core.

``python -m evals.bench_validator [--seconds 3]`` validates the guide's MDD example plan
(6 objectives, safety section, intake) in a loop and prints plans per second. Each run
builds a fresh context, so per-plan work is measured; per-record caches stay warm, as in
a long-running app.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant import intake as intake_mod
from assistant import plan as plan_mod
from assistant.validation import validate

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--plan", default="example_mdd")
    args = ap.parse_args(argv)
    plan = plan_mod.load(DATA / "plans" / f"{args.plan}.json")
    intake = intake_mod.load(DATA / "intakes" / f"{args.plan}.json")
    # suggested items, so the never-invent check does its full work
    for _, _, o in plan.objectives():
        o.provenance.source = "knowledge"
        o.provenance.authorship = "suggested"
    validate(plan, intake)  # warm caches (knowledge base, regexes)
    n, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < args.seconds:
        validate(plan, intake)
        n += 1
    print(
        f"validated {n} plans in {elapsed:.2f} s of CPU time: {n / elapsed:,.0f} plans/s (one core)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
