"""Retrieval quality on ``evals/retrieval.jsonl``: hit@1, hit@3 and MRR, overall and split
into lay (client's words) and clinical queries.

A query is a hit at k when its expected presentation id is among the first k distinct
records the retriever returns. The index is built in a temporary directory so the run
does not touch the user's own index.

    python -m evals.retrieval_eval [--json] [--misses] [--file evals/retrieval.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "retrieval.jsonl"


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            case = json.loads(line)
            missing = {"query", "expected"} - set(case)
            if missing:
                raise SystemExit(f"{path.name} line {n}: missing {sorted(missing)}")
            cases.append(case)
    return cases


def _summary(ranks: list[int | None]) -> dict[str, float | int]:
    n = len(ranks)
    if not n:
        return {"n": 0, "hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0}
    return {
        "n": n,
        "hit@1": round(sum(1 for r in ranks if r is not None and r <= 1) / n, 3),
        "hit@3": round(sum(1 for r in ranks if r is not None and r <= 3) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 3),
    }


def evaluate(cases: list[dict[str, Any]], data_dir: Path) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.retrieval import Retriever

    retriever = Retriever(settings=Settings(data_dir=data_dir, chroma_host=None))
    info = retriever.ensure_index()
    rows = []
    for case in cases:
        codes = [case["code"]] if case.get("code") else []
        hits = retriever.records(case["query"], codes=codes, k=20)
        ids = [h.record_id for h in hits]
        rank = ids.index(case["expected"]) + 1 if case["expected"] in ids else None
        rows.append({**case, "rank": rank, "top3": ids[:3], "top_score": hits[0].score})
    lay = [r["rank"] for r in rows if r.get("lay")]
    clinical = [r["rank"] for r in rows if not r.get("lay")]
    return {
        "documents": info.documents,
        "overall": _summary([r["rank"] for r in rows]),
        "lay": _summary(lay),
        "clinical": _summary(clinical),
        "misses": [r for r in rows if r["rank"] != 1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--misses", action="store_true", help="list queries not ranked first")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"no eval data at {args.file}", file=sys.stderr)
        return 2
    cases = load_cases(args.file)
    with tempfile.TemporaryDirectory(prefix="tpa-eval-") as tmp:
        result = evaluate(cases, Path(tmp))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{len(cases)} queries over {result['documents']} documents")
    for name in ("overall", "lay", "clinical"):
        s = result[name]
        print(
            f"  {name:9} n={s['n']:3}  hit@1={s['hit@1']:.3f}  hit@3={s['hit@3']:.3f}  "
            f"MRR={s['mrr']:.3f}"
        )
    if args.misses:
        for r in result["misses"]:
            print(
                f"  rank {r['rank']}: expected {r['expected']}, got {r['top3']} | {r['query'][:70]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
