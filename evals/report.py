"""Eval reports: a terminal table, ``run.json``, ``report.md`` and ``chart.png``; and two runs
side by side (``python -m evals compare A/run.json B/run.json``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from evals import model_scores

# (key in summary, label, format, which way is better)
METRICS: list[tuple[str, str, str, str]] = [
    ("plans", "plans drafted", "int", ""),
    ("failed_drafts", "drafts that failed", "int", "lower"),
    ("error_free_share", "plans with no validator errors", "pct", "higher"),
    ("errors_per_plan", "validator errors per plan", "num", "lower"),
    ("warnings_per_plan", "validator warnings per plan", "num", "lower"),
    ("objectives", "objectives", "int", ""),
    ("smart_complete_share", "SMART complete objectives", "pct", "higher"),
    ("smart_placeholder_share", "objectives waiting on a placeholder", "pct", "lower"),
    ("smart_incomplete_share", "objectives missing a part", "pct", "lower"),
    ("placeholders_per_plan", "placeholders per plan", "num", "lower"),
    ("unsupported_numbers", "numbers with no source (must be 0)", "int", "lower"),
    ("baseline_fidelity", "baselines equal to the intake score", "pct", "higher"),
    ("coverage_share", "plans with full coverage", "pct", "higher"),
    ("coverage_diagnoses", "  every diagnosis addressed", "pct", "higher"),
    ("coverage_safety_section", "  safety section when risk warrants", "pct", "higher"),
    ("coverage_not_assessed_surfaced", "  'not assessed' stated when it was", "pct", "higher"),
    ("template_similarity", "similarity to nearest template", "num", "lower"),
    ("between_plan_similarity", "similarity between plans, same presentation", "num", "lower"),
    ("strengths_used_share", "intake strengths used", "pct", "higher"),
    ("client_words_used_share", "client's own words used", "pct", "higher"),
    ("figures_used_share", "recorded scores and baselines used", "pct", "higher"),
    ("measures_used_share", "  scored measures used", "pct", "higher"),
    ("baselines_used_share", "  behavioural baselines used", "pct", "higher"),
    ("objective_placeholder_share", "objectives with a placeholder", "pct", "lower"),
    ("consistency_findings_per_plan", "consistency (CF) findings per plan", "num", "lower"),
    ("consistency_errors_per_plan", "consistency (CF) errors per plan", "num", "lower"),
    ("labelled_cases", "cases with expected facts and content", "int", ""),
    ("fact_recall", "fact recall (labelled cases)", "pct", "higher"),
    ("fact_precision", "fact precision (labelled cases)", "pct", "higher"),
    ("required_hit_share", "required content found", "pct", "higher"),
    ("forbidden_violations", "forbidden content present", "int", "lower"),
    ("cases_with_violations", "cases with forbidden content", "int", "lower"),
    (
        "contradictions_refused_share",
        "plans edited to contradict the case, refused",
        "pct",
        "higher",
    ),
    ("retrieval_hit@1", "retrieval hit@1", "pct", "higher"),
    ("retrieval_hit@3", "retrieval hit@3", "pct", "higher"),
    ("retrieval_mrr", "retrieval MRR", "num", "higher"),
    ("linter_accuracy", "SMART linter accuracy", "pct", "higher"),
    ("latency_p50_ms", "draft time p50 (ms)", "ms", "lower"),
    ("latency_p95_ms", "draft time p95 (ms)", "ms", "lower"),
    ("input_tokens", "input tokens (all plans)", "int", "lower"),
    ("output_tokens", "output tokens (all plans)", "int", "lower"),
    ("cost_usd", "cost (USD, all plans)", "usd", "lower"),
    ("repair_rounds_mean", "repair rounds per plan", "num", "lower"),
    ("fell_back", "model drafts that fell back to offline", "int", "lower"),
]

# what the model path is for (evals.model_scores), after the shared scores
METRICS += model_scores.METRICS

CHART = [
    "error_free_share", "smart_complete_share", "baseline_fidelity", "coverage_share",
    "strengths_used_share", "client_words_used_share", "template_similarity",
    "between_plan_similarity", "retrieval_hit@1", "retrieval_mrr", "linter_accuracy",
    "figures_used_share", "objective_placeholder_share", "fact_recall", "fact_precision",
    "required_hit_share", "contradictions_refused_share",
]  # fmt: skip


def fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "ms":
        return f"{value:,.1f}"
    if kind == "usd":
        return f"${value:.4f}"
    return f"{value:.3f}"


def _rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    return [(label, fmt(summary[k], kind)) for k, label, kind, _ in METRICS if k in summary]


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells))
    return "\n".join(out)


def _title(run: dict[str, Any]) -> str:
    r = run["run"]
    model = f", model {r['model']}" if r.get("model") else ""
    return f"{r['name']}: {r['drafter']} drafter{model}, {r['cases']} cases, {r['date']}"


def terminal(run: dict[str, Any]) -> str:
    rows = [list(r) for r in _rows(run["summary"])]
    rules = ", ".join(f"{k} {v}" for k, v in run.get("findings_by_rule", {}).items()) or "none"
    return f"{_title(run)}\n{_table(['score', 'value'], rows)}\nfindings by rule: {rules}"


def markdown(run: dict[str, Any]) -> str:
    lines = [
        f"# Eval run {run['run']['name']}",
        "",
        _title(run),
        "",
        f"Machine: {run['run']['machine']}",
    ]
    lines += ["", "| score | value |", "|---|---:|"]
    lines += [f"| {label.strip()} | {value} |" for label, value in _rows(run["summary"])]
    lines += ["", "## Validator findings by rule", "", "| rule | findings |", "|---|---:|"]
    lines += [f"| {k} | {v} |" for k, v in run.get("findings_by_rule", {}).items()]
    lines += ["", "## Per plan", ""]
    lines += [
        "| case | errors | warnings | SMART complete | placeholders | unsupported numbers "
        "| coverage | template sim. | ms |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for p in run["plans"]:
        if "error" in p:
            lines.append(f"| {p['case']} | draft failed: {p['error']} |||||||")
            continue
        s = p["smart"]
        lines.append(
            f"| {p['case']} | {p['validator']['errors']} | {p['validator']['warnings']} "
            f"| {s['complete']}/{s['objectives']} | {p['placeholders']} "
            f"| {p['faithfulness']['unsupported_numbers']} "
            f"| {'yes' if p['coverage']['ok'] else 'no'} "
            f"| {p['individual']['template_similarity_mean']:.2f} | {p['draft']['latency_ms']:.0f} |"
        )
    return "\n".join(lines + _faithful_lines(run)) + "\n"


def _faithful_lines(run: dict[str, Any]) -> list[str]:
    """Per case: does the plan use what the intake says (facts, figures, content)."""
    rows = [p for p in run["plans"] if "faithful" in p]
    if not rows:
        return []
    lines = ["", "## Case faithfulness", ""]
    lines += [
        "| case | rule | fact recall / precision | figures used | objectives with a "
        "placeholder | CF findings | required found | forbidden present | contradictions refused |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes: list[str] = []
    for p in rows:
        f = p["faithful"]
        fig, ph = f["figures"], f["placeholders"]
        used = (
            f"{fig['measures_used'] + fig['baselines_used']}/{fig['measures'] + fig['baselines']}"
        )
        facts = content = forbidden = refused = "-"
        if "facts" in f:
            facts = f"{f['facts']['recall']:.2f} / {f['facts']['precision']:.2f}"
            c = f["content"]
            content, forbidden = f"{c['required_hit']}/{c['required']}", str(c["violations"])
            k = f.get("contradictions") or {}
            if k.get("contradictions"):
                refused = f"{k['refused']}/{k['contradictions']}"
            for name in c["missed"]:
                notes.append(f"- {p['case']}: missing: {name}")
            for name in dict.fromkeys(v["name"] for v in c["violated"]):
                notes.append(f"- {p['case']}: forbidden: {name}")
            for name in f.get("contradictions", {}).get("missed", []):
                notes.append(f"- {p['case']}: contradiction not refused: {name}")
        lines.append(
            f"| {p['case']} | {f.get('rule', '-')} | {facts} | {used} "
            f"| {ph['with_placeholder']}/{ph['objectives']} | {f['consistency']['findings']} "
            f"| {content} | {forbidden} | {refused} |"
        )
    if notes:
        lines += [
            "",
            "### Required content missing, forbidden content, contradictions passed",
            "",
            *notes,
        ]
    return lines


def chart(runs: list[dict[str, Any]], path: Path) -> None:
    """Horizontal bars of the 0-1 scores, one bar per run, and findings by rule."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in CHART if any(r["summary"].get(k) is not None for r in runs)]
    labels = {k: label.strip() for k, label, _, _ in METRICS}
    better = {k: b for k, _, _, b in METRICS}
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 0.45 * len(keys) + 2.5), width_ratios=[3, 2])
    height = 0.8 / len(runs)
    for i, run in enumerate(runs):
        vals = [run["summary"].get(k) or 0.0 for k in keys]
        ys = [n + i * height for n in range(len(keys))]
        ax.barh(ys, vals, height=height, label=run["run"]["name"])
    ax.set_yticks([n + 0.4 - height / 2 for n in range(len(keys))])
    ax.set_yticklabels([f"{labels[k]} ({better[k]} is better)" for k in keys], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title("Draft quality (0-1)")
    ax.legend(fontsize=8, loc="lower right")
    rules = sorted({k for r in runs for k in r.get("findings_by_rule", {})})
    for i, run in enumerate(runs):
        counts = [run.get("findings_by_rule", {}).get(k, 0) for k in rules]
        ax2.barh([n + i * height for n in range(len(rules))], counts, height=height)
    ax2.set_yticks([n + 0.4 - height / 2 for n in range(len(rules))])
    ax2.set_yticklabels(rules, fontsize=8)
    ax2.invert_yaxis()
    ax2.set_title("Validator findings by rule (all plans)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(run: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    (folder / "report.md").write_text(markdown(run), encoding="utf-8")
    chart([run], folder / "chart.png")
    return folder


# ---------------------------------------------------------------- compare


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[list[str]]:
    """Rows of (score, A, B, change, verdict) for every score either run has."""
    rows = []
    for key, label, kind, better in METRICS:
        va, vb = a["summary"].get(key), b["summary"].get(key)
        if va is None and vb is None:
            continue
        change, verdict = "", ""
        if va is not None and vb is not None and va != vb:
            delta = vb - va
            change = f"{100 * delta:+.1f} pts" if kind == "pct" else f"{delta:+,.3g}"
            if better:
                verdict = "better" if (delta > 0) == (better == "higher") else "worse"
        rows.append([label, fmt(va, kind), fmt(vb, kind), change, verdict])
    return rows


def compare_markdown(a: dict[str, Any], b: dict[str, Any]) -> str:
    head = f"| score | A: {a['run']['name']} | B: {b['run']['name']} | change | |"
    lines = [
        f"# {a['run']['name']} vs {b['run']['name']}",
        "",
        f"A: {_title(a)}",
        f"B: {_title(b)}",
        "",
    ]
    lines += [head, "|---|---:|---:|---:|---|"]
    lines += ["| " + " | ".join([r[0].strip(), *r[1:]]) + " |" for r in compare(a, b)]
    return "\n".join(lines) + "\n"


def _load(path: Path) -> dict[str, Any]:
    if path.is_dir():
        path = path / "run.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"cannot read eval run {path}: {exc}") from None
    if "summary" not in data or "run" not in data:
        raise SystemExit(
            f"{path} is not an eval run (no summary): use a run.json from python -m evals"
        )
    return data


def compare_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m evals compare", description="Two eval runs side by side."
    )
    ap.add_argument("run_a", type=Path, help="run.json (or its folder) of the first run")
    ap.add_argument("run_b", type=Path, help="run.json (or its folder) of the second run")
    ap.add_argument(
        "more", type=Path, nargs="*", help="more runs, e.g. offline, local model, endpoint"
    )
    ap.add_argument("--out", type=Path, help="folder for compare.md and compare.png")
    args = ap.parse_args(argv)
    a, b = _load(args.run_a), _load(args.run_b)
    if args.more:
        return side_by_side_main([a, b, *(_load(m) for m in args.more)], args.out)
    print(f"A: {_title(a)}\nB: {_title(b)}")
    print(_table(["score", "A", "B", "change", ""], compare(a, b)))
    out = args.out or Path(__file__).resolve().parent / "reports" / (
        f"compare-{a['run']['name']}-vs-{b['run']['name']}"
    )
    out.mkdir(parents=True, exist_ok=True)
    verdicts = _verdict_lines([a, b])
    print("\n".join(["", *verdicts]))
    (out / "compare.md").write_text(
        compare_markdown(a, b) + "\n".join(["", *verdicts, ""]), encoding="utf-8"
    )
    chart([a, b], out / "compare.png")
    print(f"\ncomparison: {out}/compare.md, compare.png")
    return 0


# ---------------------------------------------------------------- several runs side by side


def side_by_side(runs: list[dict[str, Any]]) -> list[list[str]]:
    """Rows of (score, run 1, run 2, ...) for every score any run has."""
    rows = []
    for key, label, kind, _ in METRICS:
        values = [r["summary"].get(key) for r in runs]
        if all(v is None for v in values):
            continue
        rows.append([label, *(fmt(v, kind) for v in values)])
    return rows


def _verdict_lines(runs: list[dict[str, Any]]) -> list[str]:
    """Plainly: where each later run does not beat the first, and why model edits went."""
    lines = ["Against " + runs[0]["run"]["name"] + ":"]
    lines += model_scores.plain_verdicts(runs, METRICS) or ["- every later run beats it."]
    why = model_scores.discard_lines(runs)
    if why:
        lines += ["", "Why model edits were discarded:", *why]
    return lines


def side_by_side_main(runs: list[dict[str, Any]], out: Path | None) -> int:
    header = ["score", *(r["run"]["name"] for r in runs)]
    for i, r in enumerate(runs):
        print(f"{chr(65 + i)}: {_title(r)}")
    rows = side_by_side(runs)
    verdicts = _verdict_lines(runs)
    print(_table(header, rows))
    print("\n".join(["", *verdicts]))
    folder = out or Path(__file__).resolve().parent / "reports" / (
        "compare-" + "-vs-".join(r["run"]["name"] for r in runs)
    )
    folder.mkdir(parents=True, exist_ok=True)
    md = ["# " + " vs ".join(r["run"]["name"] for r in runs), ""]
    md += [f"- {_title(r)}" for r in runs]
    md += ["", "| " + " | ".join(header) + " |", "|---" + "|---:" * len(runs) + "|"]
    md += ["| " + " | ".join([row[0].strip(), *row[1:]]) + " |" for row in rows]
    (folder / "compare.md").write_text("\n".join([*md, "", *verdicts, ""]), encoding="utf-8")
    chart(runs, folder / "compare.png")
    print(f"\ncomparison: {folder}/compare.md, compare.png")
    return 0
