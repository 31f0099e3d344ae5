"""Exports: Markdown, DOCX, PDF, JSON and the client copy; drafts are always marked."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from pathlib import Path

import pytest
from docx import Document as read_docx
from typer.testing import CliRunner

from assistant import plan as plan_mod
from assistant import review
from assistant.export import FORMATS, is_final, render
from assistant.export.client_copy import reading_grade
from assistant.plan import Signature, TreatmentPlan

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import EXAMPLE_PLANS, FakeValidator, example_plan, suggested_plan  # noqa: E402

SECTIONS = [
    "Diagnoses",
    "Problems",
    "Goals and objectives",
    "Interventions",
    "Timeline",
    "Discharge criteria",
    "Safety",
    "Strengths",
    "Signatures",
]


def _signed(plan: TreatmentPlan) -> TreatmentPlan:
    sig = Signature(
        role="clinician", name="Jonah Whitlow", credentials="LPC", signed_on=dt.date(2026, 9, 10)
    )
    return plan.model_copy(update={"status": "signed", "signatures": [sig]})


def _pdf_text(data: bytes) -> str:
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


@pytest.fixture(scope="module")
def has_pdftotext() -> bool:
    import shutil

    return shutil.which("pdftotext") is not None


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_markdown_has_every_section_and_objective_detail(path: Path) -> None:
    plan = plan_mod.load(path)
    md = render(plan, "md").decode()
    for section in SECTIONS:
        assert f"## {section}" in md, section
    for _, _, o in plan.objectives():
        assert o.id in md
        if o.baseline:
            assert o.baseline.text.replace("|", "\\|") in md
        assert o.timeframe.text() in md
    for d in plan.diagnoses:
        assert d.code in md
    assert "DRAFT — not final" in md


def test_only_a_signed_plan_that_passes_the_check_is_final() -> None:
    plan = example_plan()
    ok = FakeValidator()
    assert not is_final(plan, ok)
    assert is_final(_signed(plan), ok)
    failing = FakeValidator()
    failing.fail()
    assert not is_final(_signed(plan), failing), "validator errors never export as final"
    claimed = plan.model_copy(update={"status": "signed"})
    assert not is_final(claimed, ok), "status alone, without a clinician signature, is not enough"
    assert "DRAFT" not in render(_signed(plan), "md", validator=ok).decode()
    assert "DRAFT" in render(_signed(plan), "md", validator=failing).decode()


def test_real_validator_decides_finality() -> None:
    assert is_final(_signed(example_plan()))
    assert not is_final(example_plan())


def test_docx_contains_sections_tables_and_the_draft_mark() -> None:
    doc = read_docx(io.BytesIO(render(example_plan(), "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    for section in SECTIONS:
        assert section in text
    assert "DRAFT — not final" in text
    assert "DRAFT — not final" in doc.sections[0].header.paragraphs[0].text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "F41.1" in cells and "Baseline" in cells


def test_pdf_draft_and_final(has_pdftotext: bool) -> None:
    draft = render(example_plan(), "pdf")
    final = render(_signed(example_plan()), "pdf", validator=FakeValidator())
    assert draft.startswith(b"%PDF") and final.startswith(b"%PDF")
    if not has_pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed: only the PDF header was checked")
    text = _pdf_text(draft)
    for section in SECTIONS:
        assert section in text
    assert "DRAFT — not final" in text and "Ines Calder" in text
    assert "≥" in _pdf_text(render(example_plan("example_mdd"), "pdf")), "Unicode survives"
    assert "DRAFT" not in _pdf_text(final)


def test_pdf_without_a_unicode_font_falls_back_to_latin1(
    monkeypatch: pytest.MonkeyPatch, has_pdftotext: bool
) -> None:
    """With no Unicode font the PDF is written in a core font: every section is still
    there and readable, and the symbols it cannot show are spelt out, not lost."""
    if not has_pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF cannot be read back")
    plan = example_plan("example_mdd")
    assert "≥" in render(plan, "md").decode(), "the example must carry a symbol to replace"
    monkeypatch.setattr("assistant.export.pdf.find_font", lambda: None)
    text = _pdf_text(render(plan, "pdf"))
    for section in SECTIONS:
        assert section in text
    assert "DRAFT - not final" in text
    assert ">=" in text and "≥" not in text
    words = " ".join(text.split())
    for d in plan.diagnoses:
        assert d.code in words
    for goal in plan.goals:
        assert " ".join(goal.statement.split()[:4]) in words


def test_rejected_items_are_left_out_of_documents() -> None:
    plan = review.reject(suggested_plan(), "int-2")
    technique = suggested_plan().interventions[1].technique
    assert technique not in render(plan, "md").decode()
    assert technique in render(suggested_plan(), "md").decode()


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_client_copy_is_plain_and_readable(path: Path) -> None:
    plan = plan_mod.load(path)
    text = render(plan, "client").decode()
    grade = reading_grade(text)
    assert grade <= 8.5, f"reading grade {grade}"
    assert not re.search(r"\b[A-Z]\d{2}\.\d", text), "no diagnosis codes"
    for jargon in (
        "ICD",
        "LOINC",
        "GAD-7",
        "PHQ-9",
        "PCL-5",
        "CBT",
        "psychoeducation",
        "objective",
    ):
        assert jargon not in text, jargon
    assert plan.header.client_name.split()[0] in text
    assert "988" in text


def test_reading_grade_tells_hard_text_from_easy() -> None:
    easy = "We will meet each week. You will learn ways to calm down."
    hard = (
        "Psychoeducational interventions targeting maladaptive cognitive appraisals will facilitate "
        "amelioration of generalized anxiety symptomatology and functional impairment."
    )
    assert reading_grade(easy) < 6 < 14 < reading_grade(hard)


def test_unknown_format_is_refused() -> None:
    from assistant.errors import PlanError

    with pytest.raises(PlanError, match="use one of md, docx, pdf, json, fhir, client"):
        render(example_plan(), "rtf")


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_export_writes_each_format(tmp_path: Path, fmt: str) -> None:
    import typer

    from assistant.cli import store as store_cli

    app = typer.Typer()
    store_cli.register(app)
    src = tmp_path / "plan.json"
    src.write_text(example_plan().dumps())
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(app, ["export", str(src), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 200
    if fmt in ("json", "fhir"):
        json.loads(out.read_text())


def test_exports_do_not_log_identifiers(caplog: pytest.LogCaptureFixture) -> None:
    plan = example_plan()
    with caplog.at_level(logging.DEBUG, logger="assistant"):
        for fmt in FORMATS:
            render(plan, fmt, validator=FakeValidator())
    logged = caplog.text
    for secret in (plan.header.client_name, plan.header.record_id, "1986-05-19"):
        assert secret not in logged
