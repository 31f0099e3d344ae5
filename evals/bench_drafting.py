"""Benchmark: offline draft latency (warm p50/p95), cold start, and the local model.

    python -m evals.bench_drafting [--runs 50] [--local-model]

Cold start is a new process running ``python -m assistant draft`` on one case. Warm figures
draft every case in a loop in one process. With --local-model (needs
`python -m assistant local-model install` and the local-llm extra) it also drafts one
plan through the local model and prints seconds and tokens.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q * (len(values) - 1))))
    return values[k]


def cold_start(intake: Path) -> float:
    """Seconds of wall time for a new process running ``python -m assistant draft <intake>``:
    what a clinician waits for at the command line (loading, the index, case facts, the
    draft, validation and printing the plan)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "draft", str(intake)],
        capture_output=True,
        cwd=ROOT,
    )
    if done.returncode not in (0, 1):  # 1: drafted, with validator errors to show
        raise RuntimeError(f"draft failed: {done.stderr.decode(errors='replace').strip()}")
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3, help="passes over the case set")
    ap.add_argument("--local-model", action="store_true")
    args = ap.parse_args()

    from assistant import intake as intake_mod
    from assistant.drafting import draft
    from assistant.retrieval import get_retriever

    cases = sorted((ROOT / "evals" / "cases").glob("*.json"))
    intakes = [intake_mod.load(p) for p in cases]
    cold = [cold_start(cases[0]) for _ in range(5)]
    retriever = get_retriever()
    retriever.ensure_index()
    draft(intakes[0], retriever=retriever)  # warm up
    times = []
    for _ in range(args.runs):
        for it in intakes:
            t = time.perf_counter()
            draft(it, retriever=retriever)
            times.append((time.perf_counter() - t) * 1000)
    print(f"cases: {len(intakes)}  drafts: {len(times)}")
    print(
        f"offline draft warm  p50 {statistics.median(times):7.1f} ms   p95 {_pct(times, 0.95):7.1f} ms   (goal p50 <= 100 ms)"
    )
    print(
        f"cold start of 'draft' (5 runs): median {statistics.median(cold):.2f} s  "
        f"best {min(cold):.2f} s  worst {max(cold):.2f} s   (goal <= 2 s)"
    )
    if args.local_model:
        from assistant import localmodel
        from assistant.config import Settings, get_settings
        from assistant.drafting.llm import LLMDrafter

        path = localmodel.model_path(get_settings().data_dir)
        server, base = localmodel.start_server(path)
        settings = Settings(
            llm_base_url=base,
            llm_model=localmodel.MODEL_NAME,
            llm_timeout_s=900,
            llm_repair_rounds=1,
        )
        t = time.perf_counter()
        result = draft(intakes[0], LLMDrafter.from_settings(settings), retriever=retriever)
        secs = time.perf_counter() - t
        d = result.plan.draft
        print(
            f"local model: {secs:.1f} s per draft, {d.input_tokens} input + {d.output_tokens} output tokens, "
            f"{d.output_tokens / secs:.1f} output tokens/s, repair rounds {d.repair_rounds}, fell back: {d.fell_back}"
        )
        del server


if __name__ == "__main__":
    main()
