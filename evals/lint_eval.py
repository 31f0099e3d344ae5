"""Score the SMART linter against the labelled objectives in ``evals/objectives.jsonl``.

``python -m evals.lint_eval [--data FILE] [--json OUT] [--show-errors]`` prints the share of
objectives where the kind and all five present/missing flags match the label, then precision
and recall for detecting each missing part.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.validation.smart import PARTS, lint_objective

DATA = Path(__file__).resolve().parent / "objectives.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path.name} line {n}: not valid JSON ({exc.msg})") from None
    return rows


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    exact = kind_ok = 0
    counts = {p: {"tp": 0, "fp": 0, "fn": 0} for p in PARTS}
    wrong: list[dict[str, Any]] = []
    for row in rows:
        res = lint_objective(row["text"])
        flags_ok = True
        for p in PARTS:
            want_missing = not row["has"][p]
            got_missing = not res.has(p)
            c = counts[p]
            if got_missing and want_missing:
                c["tp"] += 1
            elif got_missing:
                c["fp"] += 1
            elif want_missing:
                c["fn"] += 1
            flags_ok &= want_missing == got_missing
        k_ok = res.kind == row["kind"]
        kind_ok += k_ok
        if k_ok and flags_ok:
            exact += 1
        else:
            wrong.append(
                {
                    "text": row["text"],
                    "kind": [row["kind"], res.kind],
                    "has": {
                        p: [row["has"][p], res.has(p)] for p in PARTS if row["has"][p] != res.has(p)
                    },
                }
            )
    per_part = {}
    for p, c in counts.items():
        prec = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        rec = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        per_part[p] = {"precision": round(prec, 3), "recall": round(rec, 3), **c}
    n = len(rows)
    return {
        "n": n,
        "accuracy": round(exact / n, 4) if n else 0.0,
        "kind_accuracy": round(kind_ok / n, 4) if n else 0.0,
        "missing_detection": per_part,
        "errors": wrong,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, help="write the full result as JSON here")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    result = evaluate(load(args.data))
    print(f"objectives: {result['n']}")
    print(f"accuracy (kind and all five parts right): {result['accuracy']:.3f}")
    print(f"kind accuracy: {result['kind_accuracy']:.3f}")
    print("missing-part detection   precision  recall")
    for p, m in result["missing_detection"].items():
        print(f"  {p:<22} {m['precision']:>9.3f} {m['recall']:>7.3f}")
    if args.show_errors:
        for w in result["errors"]:
            print(json.dumps(w), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
