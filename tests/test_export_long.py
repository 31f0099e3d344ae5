"""Long text in exports: the longest accepted fields render in every format, and on the
Export page a format that fails is named while the others stay available."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from assistant import review
from assistant.export import FORMATS, render
from assistant.intake_types import MAX_TEXT
from assistant.plan import TreatmentPlan
from tests.store_fixtures import example_plan
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]


def _long_plan(n: int) -> TreatmentPlan:
    plan = example_plan()
    path, _, o = review.find_item(plan, "obj-1-1")
    words = "and write down each episode of worry in the diary with its time and trigger "
    text = ("Reduce worry " + words * (n // len(words) + 1))[:n]
    plan = review._replace(plan, path, o.model_copy(update={"text": text}))
    p = plan.problems[0]
    return review._replace(plan, "problems[0]", p.model_copy(update={"statement": "x" * n}))


@pytest.mark.parametrize("n", [3_000, MAX_TEXT])
def test_every_format_renders_a_very_long_objective(n: int) -> None:
    plan = _long_plan(n)
    for fmt in FORMATS:
        assert render(plan, fmt), fmt


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_long_objective_wraps_in_the_pdf_and_keeps_all_its_words() -> None:
    data = render(_long_plan(3_000), "pdf")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    text = " ".join(out.stdout.decode().split())
    assert text.count("episode of worry") >= 30  # the whole sentence, not cut off
    lines = out.stdout.decode().splitlines()
    assert max(len(line) for line in lines) < 200  # wrapped, not one endless line


def test_a_failing_format_is_named_and_the_others_still_download(
    accounts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.ui import export_page

    def broken(plan: Any, fmt: str, intake: Any = None) -> bytes:
        if fmt == "pdf":
            raise ValueError("row too high")
        return render(plan, fmt, intake=intake)

    export_page._render.clear()
    monkeypatch.setattr(export_page, "render", broken)
    accounts["store"].create(accounts["ana"], example_plan())
    at = goto(sign_in(app(), "ana"), "export")
    no_exceptions(at)
    keys = {b.key for b in at.get("download_button")}
    assert keys == {f"ex_dl.{f}" for f in FORMATS if f != "pdf"}
    assert any(e.startswith("PDF could not be made") for e in texts(at, "error"))
    assert "Client copy" in texts(at, "subheader")
    export_page._render.clear()
