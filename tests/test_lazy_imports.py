"""Light commands start fast: they do not load the index, model or NLP libraries.

One table instead of a copy of the same subprocess check in each concern's tests. Each
row runs in a fresh interpreter and names the heavy modules it must leave unloaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, INTAKES

ROOT = Path(__file__).resolve().parents[1]
INDEX = ("chromadb", "onnxruntime", "bm25s")
MODEL = ("langchain", "langchain_openai", "langchain_core", "openai")
NLP = ("spacy", "medspacy")

_CLI = (
    "import sys; from typer.testing import CliRunner; from assistant.cli import _register, app;"
    "_register(); res = CliRunner().invoke(app, {args!r}); assert res.exit_code in (0, 1), res.output;"
)

CASES = {
    "check-intake": (
        _CLI.format(args=["check-intake", str(INTAKES / "gad_nurse.json")]),
        INDEX + MODEL,
    ),
    "lint-objective": (
        _CLI.format(args=["lint-objective", "reduce GAD-7 from 16 to below 10 within 8 weeks"]),
        INDEX + MODEL,
    ),
    "rules": (_CLI.format(args=["rules"]), INDEX + MODEL),
    "validate": (
        _CLI.format(args=["validate", str(DATA / "plans" / "example_gad.json")]),
        INDEX + MODEL,
    ),
    "knowledge check": (_CLI.format(args=["knowledge", "check"]), INDEX + MODEL),
    "import retrieval and embeddings": (
        "import sys, assistant.cli.retrieval, assistant.retrieval, assistant.embeddings;",
        INDEX,
    ),
    "import the facts stage": ("import sys, assistant.facts;", NLP),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_light_commands_leave_heavy_libraries_unloaded(name: str) -> None:
    code, heavy = CASES[name]
    code += f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip().splitlines()[-1] == "[]", f"{name} loaded {res.stdout.strip()}"
