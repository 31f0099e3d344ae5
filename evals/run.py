"""Draft every case in ``evals/cases/`` with one drafter, score each plan, and write a report.

    python -m evals [run] [--drafter offline|llm] [--name NAME] [--no-retriever]
                          [--no-retrieval-eval] [--cases DIR] [--out DIR]
    python -m evals compare RUN_A.json RUN_B.json

The report goes to ``evals/reports/<name>/``: ``run.json`` (every figure, per plan and
overall), ``report.md`` and ``chart.png``. ``compare`` puts two ``run.json`` files side by
side. The model drafter is configured like the app (``TPA_LLM_BASE_URL``, ``TPA_LLM_MODEL``
and so on); no network is used with the offline drafter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evals import case_scoring, contradictions, expectations, model_scores, scoring

ROOT = Path(__file__).resolve().parent
CASES = ROOT / "cases"
REPORTS = ROOT / "reports"


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _pct(values: list[float], q: float) -> float:
    from evals.bench_drafting import _pct as pct

    return round(pct(values, q), 1) if values else 0.0


def make_drafter(name: str) -> Any:
    """``"offline"`` as is; ``"llm"`` built once from settings so every case shares a client."""
    if name == "offline":
        return "offline"
    from assistant.cli.model_progress import ProgressLine
    from assistant.config import get_settings
    from assistant.drafting.model_path import llm_drafter

    # the configured model path; a failing model gives the offline draft, counted as such
    return llm_drafter(get_settings(), progress=ProgressLine())


def draft_cases(
    cases: list[Path], drafter: Any = "offline", retriever: Any | None = None
) -> list[dict[str, Any]]:
    """Draft each case; one row per case with the intake, result and wall time, or the
    error that stopped it."""
    from assistant import intake as intake_mod
    from assistant.drafting import draft
    from assistant.errors import AssistantError

    rows = []
    for path in cases:
        it = intake_mod.load(path)
        started = time.perf_counter()
        try:
            result = draft(it, drafter, retriever=retriever)
        except AssistantError as exc:
            rows.append({"case": path.stem, "intake": it, "error": str(exc)})
            continue
        wall = (time.perf_counter() - started) * 1000
        rows.append({"case": path.stem, "intake": it, "result": result, "wall_ms": wall})
    return rows


def score_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every per-plan score, plus between-plan similarity across the whole set."""
    from assistant.knowledge import load_cached

    kb = load_cached()
    templates = scoring.template_texts(kb)
    expected = expectations.load_all()
    plans = {r["case"]: r["result"].plan for r in rows if "result" in r}
    between = scoring.between_plan_similarity(plans)
    out = []
    for r in rows:
        if "result" not in r:
            out.append({"case": r["case"], "error": r["error"]})
            continue
        plan, report, it = r["result"].plan, r["result"].report, r["intake"]
        out.append(
            {
                "case": r["case"],
                "presentations": sorted(scoring.presentations_of(plan)),
                "validator": scoring.score_validator(report),
                "smart": scoring.score_smart(plan, report),
                "faithfulness": scoring.score_faithfulness(plan, it, kb),
                "coverage": scoring.score_coverage(plan, it),
                "individual": {
                    **scoring.score_individualisation(plan, it, templates),
                    "between_plan_similarity": between[r["case"]],
                },
                "draft": vars(scoring.DraftFigures.of(plan, r["wall_ms"])),
                "placeholders": len(plan.placeholders()),
                "model": plan.draft.model,
                "faithful": case_faithfulness(r, expected.get(r["case"])),
                "model_path": model_scores.score(plan, it, _facts_of(expected.get(r["case"]))),
            }
        )
    return out


def _facts_of(exp: expectations.Expectation | None) -> list[dict[str, Any]] | None:
    """The labelled facts of a case with an expectation file."""
    return exp.expected_facts if exp is not None and exp.expected_facts else None


def case_faithfulness(row: dict[str, Any], exp: expectations.Expectation | None) -> dict[str, Any]:
    """Does the plan use what the intake says: figures used, placeholders, consistency
    findings and, for a case with an expectation file, facts, required and forbidden content."""
    from assistant.facts import extract

    plan, report, it = row["result"].plan, row["result"].report, row["intake"]
    facts = extract(it)
    out: dict[str, Any] = {
        "figures": case_scoring.score_figures_used(plan, facts),
        "placeholders": case_scoring.score_objective_placeholders(plan),
        "consistency": case_scoring.score_consistency(report),
    }
    if exp is not None:
        out |= {
            "rule": exp.rule,
            "facts_in": exp.facts_in,
            "facts": case_scoring.score_facts(exp.expected_facts, facts),
            "content": case_scoring.score_content(plan, it, exp),
            "contradictions": contradictions.score_contradictions(plan, it, exp.contradictions),
        }
    return out


def summarise(plans: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall figures: shares are 0-1, counts are totals, similarities are means."""
    ok = [p for p in plans if "error" not in p]
    n = len(ok)

    def total(section: str, key: str) -> float:
        return sum(p[section][key] for p in ok)

    objectives = total("smart", "objectives")
    checks: dict[str, list[bool]] = {}
    for p in ok:
        for k, v in p["coverage"]["checks"].items():
            checks.setdefault(k, []).append(v)
    between = [
        p["individual"]["between_plan_similarity"]
        for p in ok
        if p["individual"]["between_plan_similarity"] is not None
    ]
    latency = [p["draft"]["latency_ms"] for p in ok]
    return {
        "plans": len(plans),
        "failed_drafts": len(plans) - n,
        "error_free_share": _share(sum(p["validator"]["ok"] for p in ok), n),
        "findings_per_plan": _share(
            total("validator", "errors") + total("validator", "warnings"), n
        ),
        "errors_per_plan": _share(total("validator", "errors"), n),
        "warnings_per_plan": _share(total("validator", "warnings"), n),
        "objectives": int(objectives),
        "smart_complete_share": _share(total("smart", "complete"), objectives),
        "smart_complete_count": int(total("smart", "complete")),
        "smart_placeholder_share": _share(total("smart", "placeholder"), objectives),
        "smart_incomplete_share": _share(total("smart", "incomplete"), objectives),
        "placeholders_per_plan": _share(sum(p["placeholders"] for p in ok), n),
        "unsupported_numbers": int(total("faithfulness", "unsupported_numbers")),
        "baseline_fidelity": _share(
            total("faithfulness", "baseline_faithful"), total("faithfulness", "scored_objectives")
        ),
        "coverage_share": _share(sum(p["coverage"]["ok"] for p in ok), n),
        **{f"coverage_{k}": _share(sum(v), len(v)) for k, v in sorted(checks.items())},
        "template_similarity": _share(total("individual", "template_similarity_mean"), n),
        "between_plan_similarity": _share(sum(between), len(between)),
        "strengths_used_share": _share(
            total("individual", "strengths_used"), total("individual", "strengths")
        ),
        "client_words_used_share": _share(
            total("individual", "client_words_used"), total("individual", "client_words")
        ),
        **summarise_faithfulness([p["faithful"] for p in ok]),
        "latency_p50_ms": _pct(latency, 0.5),
        "latency_p95_ms": _pct(latency, 0.95),
        "input_tokens": int(total("draft", "input_tokens")),
        "output_tokens": int(total("draft", "output_tokens")),
        "cost_usd": round(total("draft", "cost_usd"), 4),
        "repair_rounds_mean": _share(total("draft", "repair_rounds"), n),
        "fell_back": int(total("draft", "fell_back")),
        **model_scores.summarise([p["model_path"] for p in ok]),
    }


def summarise_faithfulness(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall case-faithfulness figures; fact and content scores over the labelled cases."""
    n = len(cases)

    def total(section: str, key: str, rows: list[dict[str, Any]] = cases) -> float:
        return sum(c[section][key] for c in rows)

    labelled = [c for c in cases if "facts" in c]
    figures = total("figures", "measures") + total("figures", "baselines")
    used = total("figures", "measures_used") + total("figures", "baselines_used")
    return {
        "figures_used_share": _share(used, figures),
        "measures_used_share": _share(
            total("figures", "measures_used"), total("figures", "measures")
        ),
        "baselines_used_share": _share(
            total("figures", "baselines_used"), total("figures", "baselines")
        ),
        "objective_placeholder_share": _share(
            total("placeholders", "with_placeholder"), total("placeholders", "objectives")
        ),
        "consistency_findings_per_plan": _share(total("consistency", "findings"), n),
        "consistency_errors_per_plan": _share(total("consistency", "errors"), n),
        "labelled_cases": len(labelled),
        "fact_recall": _share(total("facts", "recall", labelled), len(labelled)),
        "fact_precision": _share(total("facts", "precision", labelled), len(labelled)),
        "required_hit_share": _share(
            total("content", "required_hit", labelled), total("content", "required", labelled)
        ),
        "forbidden_violations": int(total("content", "violations", labelled)),
        "cases_with_violations": sum(c["content"]["violations"] > 0 for c in labelled),
        "contradictions_refused_share": _share(
            total("contradictions", "refused", labelled),
            total("contradictions", "contradictions", labelled),
        ),
    }


def findings_by_rule(plans: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in plans:
        for rule, c in p.get("validator", {}).get("by_rule", {}).items():
            counts[rule] = counts.get(rule, 0) + c
    return dict(sorted(counts.items()))


def side_evals(retrieval: bool) -> dict[str, Any]:
    """The linter eval and (unless skipped) the retrieval eval, each on its own data."""
    from evals import lint_eval

    lint = lint_eval.evaluate(lint_eval.load(lint_eval.DATA))
    out: dict[str, Any] = {
        "linter": {k: lint[k] for k in ("n", "accuracy", "kind_accuracy", "missing_detection")}
    }
    if retrieval:
        from evals import retrieval_eval

        cases = retrieval_eval.load_cases(retrieval_eval.DATA)
        with tempfile.TemporaryDirectory(prefix="tpa-eval-") as tmp:
            res = retrieval_eval.evaluate(cases, Path(tmp))
        out["retrieval"] = {k: res[k] for k in ("documents", "overall", "lay", "clinical")}
    return out


def evaluate(
    drafter: Any = "offline",
    *,
    cases: Path | list[Path] = CASES,
    use_retriever: bool = True,
    retrieval_eval: bool = True,
    name: str | None = None,
) -> dict[str, Any]:
    """One full eval run, as the dictionary written to ``run.json``. ``drafter`` is
    ``"offline"``, ``"llm"`` (from settings) or a drafter object; ``cases`` a folder of
    intake files or a list of them."""
    from assistant.knowledge import load_cached

    paths = sorted(cases.glob("*.json")) if isinstance(cases, Path) else list(cases)
    if not paths:
        raise SystemExit(f"no intake files in {cases}")
    label = drafter if isinstance(drafter, str) else str(getattr(drafter, "name", "custom"))
    started = dt.datetime.now().replace(microsecond=0)
    retriever = None
    if use_retriever:
        from assistant.retrieval import get_retriever

        retriever = get_retriever()
        retriever.ensure_index()
    rows = draft_cases(
        paths, make_drafter(drafter) if isinstance(drafter, str) else drafter, retriever
    )
    plans = score_rows(rows)
    summary = summarise(plans)
    side = side_evals(retrieval_eval)
    if "retrieval" in side:
        r = side["retrieval"]["overall"]
        summary |= {
            "retrieval_hit@1": r["hit@1"],
            "retrieval_hit@3": r["hit@3"],
            "retrieval_mrr": r["mrr"],
        }
    summary["linter_accuracy"] = side["linter"]["accuracy"]
    model = next((p["model"] for p in plans if p.get("model")), None)
    return {
        "run": {
            "name": name or f"{label}-{started:%Y%m%d-%H%M%S}",
            "drafter": label,
            "model": model,
            "retriever": use_retriever,
            "date": started.isoformat(),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "knowledge_hash": load_cached().content_hash,
            "cases": len(paths),
        },
        "summary": summary,
        "findings_by_rule": findings_by_rule(plans),
        **side,
        "plans": plans,
    }


def main(argv: list[str] | None = None) -> int:
    from evals import report

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["compare"]:
        return report.compare_main(argv[1:])
    if argv[:1] == ["run"]:
        argv = argv[1:]
    ap = argparse.ArgumentParser(prog="python -m evals", description=__doc__.split("\n\n")[0])
    ap.add_argument("--drafter", choices=("offline", "llm"), default="offline")
    ap.add_argument("--name", help="run name (default: drafter and time)")
    ap.add_argument("--cases", type=Path, default=CASES, help="folder of intake files")
    ap.add_argument("--limit", type=int, help="draft only the first N cases (slow model drafters)")
    ap.add_argument("--out", type=Path, default=REPORTS, help="where run folders go")
    ap.add_argument("--no-retriever", action="store_true", help="draft without the local index")
    ap.add_argument(
        "--no-retrieval-eval", action="store_true", help="skip the retrieval eval (about a minute)"
    )
    args = ap.parse_args(argv)
    from assistant.errors import AssistantError

    try:
        run = evaluate(
            args.drafter,
            cases=sorted(args.cases.glob("*.json"))[: args.limit] if args.limit else args.cases,
            use_retriever=not args.no_retriever,
            retrieval_eval=not args.no_retrieval_eval,
            name=args.name,
        )
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    folder = report.write(run, args.out / run["run"]["name"])
    print(report.terminal(run))
    print(f"\nreport: {folder}/run.json, report.md, chart.png")
    return 0
