"""End to end in headless Chromium: an objective's target edited in its field changes the
sentence and the export; a reload mid-draft loses nothing; an objective is added and
removed; return → fix → resubmit, and the supervisor sees what changed; an over-long
objective leaves the other formats exportable. Run with ``bash .ci/browser.sh`` first."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.test_browser import (
    ARTIFACTS,
    PASSWORD,
    card,
    choose,
    expect,
    idle,
    nav,
    no_traceback,
    pytestmark,
    sign_in,
    sign_out,
)

pytest_plugins = ("tests.test_browser",)  # the server and page fixtures
__all__ = ["pytestmark"]


def _store(tmp_path: Path) -> Any:
    from assistant.store import open_store

    return open_store(f"sqlite:///{tmp_path / 'data' / 'plans.sqlite'}")


def _download(page: Any, label: str) -> str:
    with page.expect_download() as got:
        page.get_by_role("button", name=label).click()
    saved = ARTIFACTS / got.value.suggested_filename
    got.value.save_as(str(saved))
    return saved.read_text(encoding="utf-8")


def test_edit_parts_reload_add_remove_resubmit_diff(page: Any, tmp_path: Path) -> None:
    from tests.store_fixtures import example_plan

    store = _store(tmp_path)
    ana = store.accounts.login("ana", PASSWORD)
    store.create(ana, example_plan())
    store.engine.dispose()

    sign_in(page, "ana")
    nav(page, "Draft")
    page.get_by_role("button", name="Open this plan").click()
    idle(page)
    obj = card(page, "obj-1-1")
    obj.get_by_label("Target figure", exact=True).fill("8")
    obj.get_by_label("Target figure", exact=True).press("Tab")
    idle(page)
    obj.get_by_role("button", name="Save edit").click()
    idle(page)
    wording = card(page, "obj-1-1").get_by_label("Objective wording", exact=True)
    expect(wording).to_have_value(re.compile(r"under 8"))
    no_traceback(page)

    # a reload keeps the session and the unsaved edit
    assert "s=" in page.url
    page.reload()
    idle(page)
    expect(page.get_by_role("heading", name="Draft")).to_be_visible()
    wording = card(page, "obj-1-1").get_by_label("Objective wording", exact=True)
    expect(wording).to_have_value(re.compile(r"under 8"))

    # add an objective, then remove it
    page.get_by_text("Add an objective to Goal 1").click()
    page.get_by_label("New objective", exact=True).fill(
        "Reduce panic attacks from 4 to 1 or fewer a week within 6 weeks, as recorded in a diary."
    )
    page.get_by_role("button", name="Add objective").click()
    idle(page)
    expect(card(page, "obj-1-5")).to_be_visible()
    card(page, "obj-1-5").get_by_role("button", name="Remove").click()
    idle(page)
    expect(card(page, "obj-1-5")).to_have_count(0)

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile(r"submitted to your supervisor"))).to_be_visible()
    nav(page, "Export")
    body = _download(page, "Download Markdown")
    assert "under 8" in body  # the sentence and the parts agree in the export
    sign_out(page)

    # the supervisor returns it; the clinician fixes and resubmits
    sign_in(page, "sam")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    nav(page, "Review")
    target = page.locator(".st-key-rv-obj-1-4")
    target.get_by_placeholder("Comment on obj-1-4").fill("Aim for 15 minutes.")
    choose(page, "Reason", "Missing target", scope=target)
    target.get_by_role("button", name="Add comment").click()
    idle(page)
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    page.get_by_role("button", name=re.compile(r"Return to the clinician")).click()
    expect(page.get_by_text(re.compile(r"returned to ana"))).to_be_visible()
    sign_out(page)

    sign_in(page, "ana")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    nav(page, "Draft")  # the plan she had open is open again, as it now stands
    expect(page.get_by_text("Aim for 15 minutes.").first).to_be_visible()
    obj = card(page, "obj-1-4")
    obj.get_by_label("Target figure", exact=True).fill("15 minutes or less")
    obj.get_by_label("Target figure", exact=True).press("Tab")
    idle(page)
    obj.get_by_role("button", name="Save edit").click()
    idle(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile(r"submitted to your supervisor"))).to_be_visible()
    sign_out(page)

    sign_in(page, "sam")
    nav(page, "Review")
    expect(page.get_by_text(re.compile(r"What changed since the last submission"))).to_be_visible()
    expect(page.get_by_text("Goal 1, objective 4").first).to_be_visible()
    no_traceback(page)


def _download_bytes(page: Any, label: str) -> bytes:
    with page.expect_download() as got:
        page.get_by_role("button", name=label).click()
    saved = ARTIFACTS / got.value.suggested_filename
    got.value.save_as(str(saved))
    return saved.read_bytes()


def test_over_long_objective_still_exports_markdown_pdf_and_fhir(page: Any, tmp_path: Path) -> None:
    import json

    from fhir.resources.R4B.bundle import Bundle

    from tests.store_fixtures import example_plan

    store = _store(tmp_path)
    ana = store.accounts.login("ana", PASSWORD)
    store.create(ana, example_plan())
    store.engine.dispose()
    # the objective's own sentence (so the wording check still passes), then a long account
    # of how each practice is logged: over 3,000 characters in one objective
    note = " Each practice is logged in the diary with its time, place and the worry it followed."

    sign_in(page, "ana")
    nav(page, "Draft")
    page.get_by_role("button", name="Open this plan").click()
    idle(page)
    wording = card(page, "obj-1-2").get_by_label("Objective wording", exact=True)
    long_text = wording.input_value().rstrip() + note * 40
    assert len(long_text) > 3_000
    wording.fill(long_text)
    wording.press("Tab")
    idle(page)
    card(page, "obj-1-2").get_by_role("button", name="Save edit").click()
    idle(page)
    saved = card(page, "obj-1-2").get_by_label("Objective wording", exact=True).first
    expect(saved).to_have_value(long_text)
    no_traceback(page)

    nav(page, "Export")  # the plan open on the Draft page, with the long objective
    expect(page.get_by_text(re.compile(r"could not be made"))).to_have_count(0)
    md = _download_bytes(page, "Download Markdown").decode("utf-8")
    assert long_text in " ".join(md.split())
    pdf = _download_bytes(page, "Download PDF")
    assert pdf.startswith(b"%PDF") and len(pdf) > 2_000
    fhir = _download_bytes(page, "Download FHIR R4 Bundle")
    Bundle.model_validate_json(fhir)  # raises when the bundle is not valid FHIR R4
    goals = [
        e["resource"]["description"]["text"]
        for e in json.loads(fhir)["entry"]
        if e["resource"]["resourceType"] == "Goal"
    ]
    assert long_text in goals
    no_traceback(page)
