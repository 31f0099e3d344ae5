"""Progress-engine accuracy on ``evals/progress_cases/``: statuses, reliable change and flags.

Each case is a plan (from ``plans/``, optionally with objectives edited), a measures file and
the labels a clinician would give: the suggested status and reliable-change category of named
objectives, and the findings expected (code with session date or objective id). The report gives
accuracy per status label and per reliable-change label, and for each finding code its recall
(expected findings found) and precision (findings raised that were expected).

    python -m evals.progress_eval [--json] [--misses]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from assistant.plan import TreatmentPlan
from assistant.progress.measures import parse
from assistant.progress.report import assess

CASES = Path(__file__).resolve().parent / "progress_cases"


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    missing = {"plan", "as_of", "measures", "expected"} - set(case)
    if missing:
        raise SystemExit(f"{path.name}: missing {sorted(missing)}")
    return case


def _plan(case: dict[str, Any]) -> TreatmentPlan:
    data = json.loads((CASES / "plans" / case["plan"]).read_text(encoding="utf-8"))
    edits = case.get("edit_objectives", {})
    for goal in data["goals"]:
        for obj in goal["objectives"]:
            obj.update(edits.get(obj["id"], {}))
    return TreatmentPlan.model_validate(data)


def _key(f: Any) -> tuple[str, str]:
    where = f.session_date.isoformat() if f.session_date else f.objective_id
    if f.code in ("objective_untouched", "reliable_deterioration", "measure_cannot_show_change"):
        where = f.objective_id
    return f.code, str(where)


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    as_of = dt.date.fromisoformat(case["as_of"])
    report = assess(_plan(case), parse(case["measures"], today=as_of), as_of=as_of)
    by_id = {o.id: o for o in report.objectives}
    got_flags = {_key(f) for f in report.notes + report.safety + report.cadence}
    want = case["expected"]
    return {
        "statuses": [
            (k, v, by_id[k].suggested_status if k in by_id else None)
            for k, v in want.get("statuses", {}).items()
        ],
        "reliable_change": [
            (k, v, by_id[k].reliable_change if k in by_id else None)
            for k, v in want.get("reliable_change", {}).items()
        ],
        "expected_flags": {tuple(f) for f in want.get("flags", [])},
        "flags": got_flags,
    }


def evaluate(paths: list[Path] | None = None) -> dict[str, Any]:
    paths = paths or sorted(CASES.glob("*.json"))
    per_status: defaultdict[str, list[bool]] = defaultdict(list)
    per_rc: defaultdict[str, list[bool]] = defaultdict(list)
    flag_tp: defaultdict[str, int] = defaultdict(int)
    flag_fn: defaultdict[str, int] = defaultdict(int)
    flag_fp: defaultdict[str, int] = defaultdict(int)
    misses: list[str] = []
    for path in paths:
        r = run_case(load_case(path))
        for table, rows in ((per_status, r["statuses"]), (per_rc, r["reliable_change"])):
            for k, want, got in rows:
                table[want].append(want == got)
                if want != got:
                    misses.append(f"{path.stem} {k}: expected {want}, got {got}")
        for code, where in r["expected_flags"] | r["flags"]:
            hit = (code, where) in r["flags"]
            expected = (code, where) in r["expected_flags"]
            if hit and expected:
                flag_tp[code] += 1
            elif expected:
                flag_fn[code] += 1
                misses.append(f"{path.stem}: missed {code} at {where}")
            else:
                flag_fp[code] += 1
                misses.append(f"{path.stem}: unexpected {code} at {where}")
    codes = sorted(set(flag_tp) | set(flag_fn) | set(flag_fp))

    def _acc(rows: list[bool]) -> dict[str, float | int]:
        return {"n": len(rows), "accuracy": round(sum(rows) / len(rows), 3)}

    all_status = [x for rows in per_status.values() for x in rows]
    return {
        "cases": len(paths),
        "status": {k: _acc(v) for k, v in sorted(per_status.items())},
        "status_overall": _acc(all_status),
        "reliable_change": {k: _acc(v) for k, v in sorted(per_rc.items())},
        "flags": {
            c: {
                "expected": flag_tp[c] + flag_fn[c],
                "raised": flag_tp[c] + flag_fp[c],
                "recall": round(flag_tp[c] / (flag_tp[c] + flag_fn[c]), 3)
                if flag_tp[c] + flag_fn[c]
                else None,
                "precision": round(flag_tp[c] / (flag_tp[c] + flag_fp[c]), 3)
                if flag_tp[c] + flag_fp[c]
                else None,
            }
            for c in codes
        },
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--misses", action="store_true", help="list every miss")
    args = ap.parse_args(argv)
    result = evaluate()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"progress eval over {result['cases']} cases")
    print("suggested status        n  accuracy")
    for k, v in result["status"].items():
        print(f"  {k:<20} {v['n']:>3}  {v['accuracy']:.3f}")
    print("reliable change         n  accuracy")
    for k, v in result["reliable_change"].items():
        print(f"  {k:<20} {v['n']:>3}  {v['accuracy']:.3f}")
    print("finding                          expected raised recall precision")
    for k, v in result["flags"].items():
        rec = "—" if v["recall"] is None else f"{v['recall']:.3f}"
        pre = "—" if v["precision"] is None else f"{v['precision']:.3f}"
        print(f"  {k:<30} {v['expected']:>8} {v['raised']:>6} {rec:>6} {pre:>9}")
    if args.misses or result["misses"]:
        print(f"{len(result['misses'])} miss(es)")
        for m in result["misses"]:
            print(f"  {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
