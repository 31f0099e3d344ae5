"""Retrieval speed: full index build time, warm query latency (p50/p95) and peak memory.

Goals: a full build under 60 s on 2 cores; a warm query under 20 ms at the median.

    python -m evals.bench_retrieval [--queries 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from evals.retrieval_eval import DATA, load_cases


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(n_queries: int) -> dict[str, float | int | str]:
    from assistant.config import Settings
    from assistant.retrieval import Retriever

    queries = [c["query"] for c in load_cases(DATA)] if DATA.exists() else ["worry and tension"]
    with tempfile.TemporaryDirectory(prefix="tpa-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), chroma_host=None)
        start = time.perf_counter()
        retriever = Retriever(settings=settings)
        info = retriever.ensure_index(rebuild=True)
        build = time.perf_counter() - start
        start = time.perf_counter()
        reopened = Retriever(settings=settings).ensure_index()
        reopen = time.perf_counter() - start
        for q in queries[:5]:  # warm up
            retriever.search(q)
        latencies = []
        for i in range(n_queries):
            q = queries[i % len(queries)]
            t = time.perf_counter()
            retriever.search(q, k=5)
            latencies.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for q in queries[:20]:
            retriever.records(q, k=5)
        records_ms = (time.perf_counter() - t) * 1000 / min(20, len(queries))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
    return {
        "documents": info.documents,
        "build_s": round(build, 2),
        "reopen_s": round(reopen, 2),
        "reopen_rebuilt": str(reopened.built),
        "queries": n_queries,
        "query_p50_ms": round(_percentile(latencies, 0.5), 2),
        "query_p95_ms": round(_percentile(latencies, 0.95), 2),
        "records_mean_ms": round(records_ms, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "cpus": os.cpu_count() or 0,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.queries)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"index build: {result['build_s']} s for {result['documents']} documents "
        f"(goal < 60 s); reopen without rebuild: {result['reopen_s']} s"
    )
    print(
        f"warm query ({result['queries']}): p50 {result['query_p50_ms']} ms (goal < 20 ms), "
        f"p95 {result['query_p95_ms']} ms; record ranking mean {result['records_mean_ms']} ms"
    )
    print(
        f"peak memory: {result['peak_rss_mb']} MB; {result['cpus']} CPUs, "
        f"load average {result['load_avg_1m']} at the end"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
