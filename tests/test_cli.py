"""The command line: help everywhere, clear one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

import json
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


def test_commands_that_need_no_index_do_not_import_chromadb() -> None:
    code = (
        "import sys; from assistant.cli import _register, app; _register();"
        "from typer.testing import CliRunner;"
        f"CliRunner().invoke(app, ['check-intake', {str(INTAKES / 'gad_nurse.json')!r}]);"
        "CliRunner().invoke(app, ['lint-objective', 'reduce GAD-7 from 16 to below 10 within 8 weeks']);"
        "print(sorted(m for m in ('chromadb', 'onnxruntime', 'langchain_openai', 'openai') if m in sys.modules))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.stdout.strip() == "[]", res.stdout + res.stderr
