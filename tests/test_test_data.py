"""The test data: copies of the shared intakes, and tests that do not depend on shared/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import INTAKES, SHARED

TESTS = Path(__file__).resolve().parent


def _relative(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.json")}


def test_the_copied_intakes_match_the_shared_folder() -> None:
    shared = SHARED / "intakes"
    if not shared.is_dir():
        pytest.skip(f"{shared} is absent; the copies in tests/data/shared are used as they are")
    copies, originals = _relative(INTAKES), _relative(shared)
    assert sorted(copies) == sorted(originals), "copy new or renamed shared intakes"
    changed = [name for name in originals if copies[name] != originals[name]]
    assert not changed, f"shared intakes changed since they were copied: {changed}"


def test_every_copied_intake_is_there() -> None:
    names = set(_relative(INTAKES))
    assert {"gad_nurse.json", "hostile_notes.json", "invalid/truncated.json"} <= names
    assert len([n for n in names if not n.startswith("invalid/")]) >= 8


def _reads_shared_at_import(tree: ast.Module) -> list[int]:
    """Lines of module-level statements (outside functions and classes) naming SHARED."""
    lines = []
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        if isinstance(stmt, ast.ImportFrom):
            continue
        names = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        if "SHARED" in names:
            lines.append(stmt.lineno)
    return lines


@pytest.mark.parametrize(
    "path", sorted(p for p in TESTS.glob("*.py") if p.name != "conftest.py"), ids=lambda p: p.name
)
def test_no_test_module_reads_the_shared_folder_at_import(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _reads_shared_at_import(tree) == [], f"{path.name} uses SHARED at import time"


# what a test module uses -> the marker that lets a developer leave it out with
# -m "not browser and not postgres and not local_model"
NEEDS = {
    "sync_playwright": "pytest.mark.browser",
    '"TPA_TEST_MODEL_PATH"': "pytest.mark.local_model",
    '"TPA_TEST_POSTGRES_URL"': "pytest.mark.postgres",
}


@pytest.mark.parametrize("path", sorted(TESTS.glob("*.py")), ids=lambda p: p.name)
def test_tests_that_need_a_browser_postgres_or_the_model_are_marked(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    missing = [mark for use, mark in NEEDS.items() if use in text and mark not in text]
    assert not missing, f"{path.name} needs {missing}"
