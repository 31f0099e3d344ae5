"""The validator's public behaviour: example plans pass, vague plans fail, the report API,
profiles, the rule page, the CLI and the linter on the labelled objectives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import intake as intake_mod
from assistant import plan as plan_mod
from assistant.errors import ConfigError
from assistant.plan import Objective, Provenance
from assistant.validation import RULES, lint_objective, profiles, rules_markdown, validate

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
EXAMPLES = ["example_gad", "example_mdd", "example_ptsd", "example_aud_anxiety"]


def _pair(name: str) -> tuple[plan_mod.TreatmentPlan, intake_mod.Intake]:
    return plan_mod.load(DATA / "plans" / f"{name}.json"), intake_mod.load(
        DATA / "intakes" / f"{name}.json"
    )


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("profile", ["default", "medicare", "commercial-90d"])
def test_guide_example_plans_have_no_errors(name: str, profile: str) -> None:
    plan, intake = _pair(name)
    report = validate(plan, intake, profile)
    assert report.ok, [f.line() for f in report.errors]
    assert validate(plan, None, profile).ok


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Client will manage anxiety better", "MS01"),
        ("Client will learn relaxation techniques", "MS01"),
        ("Client will stop avoiding situations", "MS01"),
        ("Client will feel less depressed", "MS01"),
        ("Client will be more active", "MS01"),
        ("Client will think more positively", "MS01"),
        ("Client will process trauma", "MS01"),
        ("Client will sleep better", "MS01"),
        ("Client will feel safer", "MS01"),
        ("Client will reduce drinking", "MS01"),
        ("Client will identify triggers", "MS01"),
        ("Client will attend support groups", "GI01"),
    ],
)
def test_guide_avoid_objectives_fail(text: str, rule: str) -> None:
    plan, intake = _pair("example_gad")
    plan.goals[0].objectives[0] = Objective(
        id="obj-1-1", text=text, provenance=Provenance(source="clinician")
    )
    report = validate(plan, intake)
    assert not report.ok
    assert rule in {
        f.rule for f in report.for_path("goals[0].objectives[0]") if f.severity == "error"
    }


def test_report_api() -> None:
    plan, intake = _pair("example_mdd")
    plan.goals[1].objectives[0].timeframe.by_session = 6
    plan.timeline.discharge_criteria = []
    report = validate(plan, intake)
    assert not report.ok
    assert {f.rule for f in report.errors} == {"SF02", "HD03", "MS03"}  # text still says session 2
    assert report.for_path("timeline")[0].rule == "HD03"
    assert report.for_path("goal") == []  # prefixes match whole path segments only
    data = report.to_json()
    assert data["ok"] is False
    assert set(data["findings"][0]) == {"rule", "name", "severity", "path", "message"}
    assert validate(plan, intake).to_json() == data  # same answer every time


def test_signing_turns_placeholders_into_errors() -> None:
    plan, intake = _pair("example_gad")
    plan.goals[0].objectives[3].text = (
        plan.goals[0].objectives[3].text.replace("45 minutes", "[baseline: ask client]")
    )
    assert {f.severity for f in validate(plan, intake).findings if f.rule == "PH01"} == {"warning"}
    signing = validate(plan, intake, for_signing=True)
    assert {f.severity for f in signing.findings if f.rule == "PH01"} == {"error"}


def test_profiles() -> None:
    assert profiles.available_profiles()[0] == "default"
    assert {"default", "medicare", "commercial-90d"} <= set(profiles.available_profiles())
    default = profiles.load("default")
    assert set(default.severities) == set(RULES), "default must set every rule explicitly"
    assert profiles.load("medicare").severity("PY02") == "error"
    assert default.severity("PY02") == "off"
    with pytest.raises(ConfigError, match="medicare"):
        profiles.load("medicaid-xyz")


def test_rules_page_is_current() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rules_markdown(), "run: python -m assistant rules --markdown > docs/rules.md"
    for code, r in RULES.items():
        assert r.example("Bad") and r.example("Good"), f"{code} docstring needs Bad:/Good:"


@pytest.mark.parametrize(
    ("text", "kind", "present"),
    [
        ("reduce GAD-7 from 16 to below 10 within 8 weeks", "objective", "MBTFS"),
        ("from 4-5 panic attacks per week to 0-1 by session 12", "objective", "MBTF"),
        (
            "Client has a score of 16 on the GAD-7 and will reach below 10 by session 12",
            "objective",
            "MBTFS",
        ),
        (
            "Cut drinks per week to 7 within 3 months, as measured by Timeline Followback",
            "objective",
            "MTFS",
        ),
        ("PHQ-9 below 10 by 2027-02-01 (baseline: 19)", "objective", "MBTFS"),
        (
            "Worry time down to 20 minutes a day (baseline: 50 minutes) within six weeks, per worry log",
            "objective",
            "MBTFS",
        ),
        (
            "Reduce binge episodes by 50% from 6 per week by week 10, on food records",
            "objective",
            "MBTFS",
        ),
        (
            'Complete the client\'s own goal, "go back to choir", within 16 weeks (baseline 0: '
            '"stopped going to choir" at intake), as recorded in the client\'s activity log.',
            "objective",
            "MBTFS",
        ),
        ("Complete their goals within 12 weeks, as recorded in notes", "vague", "FS"),
        ("attend weekly CBT sessions", "intervention", ""),
        ("Client will feel less depressed", "vague", ""),
    ],
)
def test_lint_objective(text: str, kind: str, present: str) -> None:
    res = lint_objective(text)
    assert res.kind == kind
    letters = dict(
        zip("MBTFS", ("metric", "baseline", "target", "timeframe", "measurement"), strict=True)
    )
    assert {letters[c] for c in present} == {p for p in letters.values() if res.has(p)}
    assert res.missing == [p for p in letters.values() if not res.has(p)]
    assert res.to_json()["ok"] is (kind == "objective" and len(present) == 5)


def test_lint_placeholder_is_present_but_unfilled() -> None:
    res = lint_objective(
        "Reduce panic attacks from [baseline: ask client] to 1 per week within 8 weeks, per panic log"
    )
    assert res.parsed["baseline"] == "[baseline: ask client]"
    assert res.ok and [f.severity for f in res.findings] == ["warning"]


def test_lint_eval_accuracy() -> None:
    from evals.lint_eval import DATA as OBJECTIVES
    from evals.lint_eval import evaluate, load

    result = evaluate(load(OBJECTIVES))
    assert result["n"] >= 50 and result["accuracy"] >= 0.95, result["errors"][:5]


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys, typer\n"
        "from assistant.cli import validation\n"
        "app = typer.Typer(); validation.register(app)\n"
        "app(sys.argv[1:])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=stdin,
        timeout=60,
    )


def test_cli_exit_codes_and_output(tmp_path: Path) -> None:
    ok = _cli(
        "validate",
        str(DATA / "plans/example_mdd.json"),
        "--intake",
        str(DATA / "intakes/example_mdd.json"),
        "--json",
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    bad = json.loads((DATA / "plans/example_gad.json").read_text())
    bad["timeline"]["discharge_criteria"] = []
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    res = _cli("validate", str(tmp_path / "bad.json"))
    assert res.returncode == 1 and "HD03" in res.stdout
    (tmp_path / "broken.json").write_text("{")
    res = _cli("validate", str(tmp_path / "broken.json"))
    assert res.returncode == 2 and "treatment-plan/1" in res.stderr
    assert _cli("validate", str(tmp_path / "bad.json"), "--profile", "nope").returncode == 2


def test_cli_lint_and_rules() -> None:
    res = _cli("lint-objective", "Client will feel less depressed", "--json")
    assert res.returncode == 1 and json.loads(res.stdout)["kind"] == "vague"
    res = _cli(
        "lint-objective",
        "--file",
        "-",
        stdin="Reduce GAD-7 from 16 to below 10 within 8 weeks\nattend weekly CBT sessions\n",
    )
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["kind"] for x in lines] == ["objective", "intervention"] and res.returncode == 1
    res = _cli("rules")
    assert res.returncode == 0 and all(code in res.stdout for code in RULES)
