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


def test_the_nlp_pipeline_loads_without_spacys_command_line_and_it_can_still_be_imported() -> None:
    code = (
        "import sys; from assistant.facts import nlp; p = nlp.pipeline();"
        "print(sorted(m for m in sys.modules if m.startswith('spacy.cli')));"
        "doc = p('No withdrawal seizures. Morning shakes most days.');"
        "print([(e.text, e._.is_negated) for e in doc.ents]);"
        "import spacy.cli; print(hasattr(spacy.cli, 'download'))"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert res.returncode == 0, res.stderr[-2000:]
    cli_modules, mentions, real_cli = res.stdout.strip().splitlines()[-3:]
    assert cli_modules == "[]", f"spaCy's command line was loaded: {cli_modules}"
    assert mentions == "[('withdrawal seizures', True), ('Morning shakes', False)]"
    assert real_cli == "True", "importing spacy.cli afterwards did not give the real one"
