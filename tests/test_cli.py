"""The command line: help everywhere, clear one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import _register, app
from tests.conftest import INTAKES

_register()
runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.parametrize(
    "cmd",
    [
        [],
        ["schema"],
        ["check-intake"],
        ["draft"],
        ["validate"],
        ["lint-objective"],
        ["rules"],
        ["index"],
        ["retrieve"],
        ["export"],
        ["local-model"],
        ["local-model", "install"],
    ],
)
def test_every_command_has_help(cmd: list[str]) -> None:
    res = runner.invoke(app, [*cmd, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


@pytest.mark.parametrize("name", ["intake", "plan"])
def test_schema_prints_json_schema(name: str) -> None:
    res = runner.invoke(app, ["schema", name])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["title"].startswith(f"treatment-{name}/1")
    assert "properties" in data


def test_check_intake_valid_exits_zero_with_notes() -> None:
    res = run("check-intake", str(INTAKES / "hostile_notes.json"))
    assert res.returncode == 0
    assert "valid" in res.stdout and "instruction" in res.stdout


def test_check_intake_refused_exits_two_listing_every_problem() -> None:
    res = run("check-intake", str(INTAKES / "invalid" / "future_dates.json"))
    assert res.returncode == 2
    assert "client.date_of_birth: must be in the past" in res.stderr
    assert "intake_date: must not be in the future" in res.stderr
    assert "Traceback" not in res.stderr


def test_check_intake_json_output() -> None:
    res = run("check-intake", str(INTAKES / "invalid" / "score_out_of_range.json"), "--json")
    assert res.returncode == 2
    assert json.loads(res.stdout) == {
        "ok": False,
        "problems": ["assessments[0].score: PHQ-9 scores run 0-27; got 31"],
        "notices": [],
    }


def test_missing_file_is_one_clear_line() -> None:
    res = run("check-intake", "/no/such/file.json")
    assert res.returncode == 2
    assert "cannot read" in res.stderr and "Traceback" not in res.stderr


def test_draft_writes_a_plan_and_reports_the_gate(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    res = run("draft", str(INTAKES / "gad_nurse.json"), "--no-retrieval", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "validator: 0 error(s)" in res.stderr
    assert json.loads(out.read_text())["schema"] == "treatment-plan/1"


def test_draft_refuses_a_bad_intake_with_exit_two() -> None:
    res = run("draft", str(INTAKES / "invalid" / "truncated.json"), "--no-retrieval")
    assert res.returncode == 2 and "not valid JSON" in res.stderr


def test_llm_drafter_without_configuration_says_how_to_fix() -> None:
    res = run("draft", str(INTAKES / "gad_nurse.json"), "--drafter", "llm", "--no-retrieval")
    assert res.returncode == 2
    assert "OPENAI_API_KEY" in res.stderr and "offline drafter" in res.stderr
    assert "Traceback" not in res.stderr


# ---------------------------------------------------------------- hostile input, named refusals


def _hostile(tmp_path: Path, kind: str) -> Path:
    """An intake path that once crashed or hung the CLI (issue 12, items 7, 9, 16)."""
    if kind == "device":
        return Path("/dev/urandom")
    if kind == "folder":
        return tmp_path
    path = tmp_path / f"{kind}.json"
    if kind == "fifo":
        os.mkfifo(path)
        return path
    text = (INTAKES / "gad_nurse.json").read_text()
    path.write_text(
        {
            "duplicate": text.replace(
                '"self_harm": "none"', '"self_harm": "current", "self_harm": "none"'
            ),
            "nested": text.replace('"notes": ""', '"notes": ' + "[" * 50_000 + "]" * 50_000),
            "digits": text.replace('"score": 15', '"score": ' + "9" * 5000),
            "nul": text.replace('"notes": ""', '"notes": "a\\u0000b"'),
            "yes": text.replace('"primary": true', '"primary": "yes"'),
            "fraction": text.replace('"score": 8', '"score": 8.5'),
            "bidi": text.replace('"name": "Maren Holt"', '"name": "\\u202eMaren"'),
        }[kind]
    )
    return path


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("device", "is not a regular file"),
        ("fifo", "is not a regular file"),
        ("folder", "is a folder"),
        ("duplicate", "risk.self_harm: appears twice"),
        ("nested", "notes: nested more than 12 levels deep"),
        ("digits", "assessments[0].score: is a number 5,000 characters long"),
        ("nul", "notes: contains a NUL character"),
        ("yes", "diagnoses[0].primary: must be true or false"),
        ("fraction", "assessments[1].score: PHQ-9 scores are whole numbers; got 8.5"),
        ("bidi", "client.name: contains a text-direction override"),
    ],
)
def test_hostile_intakes_get_a_named_refusal_and_exit_two(
    tmp_path: Path, kind: str, named: str
) -> None:
    path = _hostile(tmp_path, kind)
    for args in (["check-intake", str(path)], ["draft", str(path), "--no-retrieval"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, res.output
        assert isinstance(res.exception, SystemExit), res.exception  # refused, not crashed
        assert named in res.output, res.output


def test_an_intake_without_a_clinician_drafts_with_one_given(tmp_path: Path) -> None:
    data = json.loads((INTAKES / "gad_nurse.json").read_text())
    del data["clinician"]
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data))
    res = runner.invoke(app, ["check-intake", str(path)])
    assert res.exit_code == 0 and "No clinician is recorded" in res.output
    out = tmp_path / "plan.json"
    res = runner.invoke(
        app,
        ["draft", str(path), "--no-retrieval", "-o", str(out), "--clinician", "Ana Silva",
         "--credentials", "LCSW"],
    )  # fmt: skip
    assert "plan written" in res.output, res.output
    header = json.loads(out.read_text())["header"]
    assert (header["clinician_name"], header["clinician_credentials"]) == ("Ana Silva", "LCSW")
    assert "HD01" not in res.output
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert {p.name for p in tmp_path.iterdir()} == {"intake.json", "plan.json"}  # no temp file


def test_draft_output_is_refused_by_name_before_drafting(tmp_path: Path) -> None:
    intake = tmp_path / "intake.json"
    intake.write_bytes((INTAKES / "gad_nurse.json").read_bytes())
    before = intake.read_bytes()
    link = tmp_path / "same.json"
    link.symlink_to(intake)
    for output, named in (
        (intake, "is the input file intake.json"),
        (link, "is the input file intake.json"),
        (tmp_path / "no" / "such" / "plan.json", "the folder"),
        (tmp_path, "is a folder"),
    ):
        res = run("draft", str(intake), "--no-retrieval", "-o", str(output))
        assert res.returncode == 2, res.stderr
        assert "error: output: " in res.stderr and named in res.stderr
        assert "plan written" not in res.stderr and "went wrong" not in res.stderr
    assert intake.read_bytes() == before


def test_a_write_the_system_refuses_is_one_line_and_exit_two(tmp_path: Path) -> None:
    res = run("draft", str(INTAKES / "gad_nurse.json"), "--no-retrieval", "-o", "/proc/plan.json")
    assert res.returncode == 2, res.stderr
    assert "error: could not read or write" in res.stderr and "Traceback" not in res.stderr


def test_export_never_writes_over_the_intake_it_was_given(tmp_path: Path) -> None:
    intake = tmp_path / "intake.json"
    intake.write_bytes((INTAKES / "gad_nurse.json").read_bytes())
    plan = tmp_path / "plan.json"
    res = runner.invoke(app, ["draft", str(intake), "--no-retrieval", "-o", str(plan)])
    assert plan.exists(), res.output
    before = intake.read_bytes()
    res = run("export", str(plan), "--format", "json", "--intake", str(intake), "-o", str(intake))
    assert res.returncode == 2 and "is the input file intake.json" in res.stderr, res.stderr
    assert intake.read_bytes() == before
