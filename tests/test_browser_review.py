"""End to end in headless Chromium: a plan review from the inbox to a signed review version,
and its packet exported.

The GAD plan of ``tests/data/progress`` is signed through the store (with its intake, so the
same gate as in the app applies) on the day of its baseline, with a 56-day review interval,
so it is due for review on 2026-11-30, the last day of the week-8 measures file. The
clinician opens it from the inbox's "Due for review", reads it against the measures file on
the Review progress page, writes a rationale per objective and stores the review; submits
the review version from the Draft page; the supervisor sees what changed since the last
submission (each objective's new status) and approves; both sign; the clinician downloads the review packet as Markdown,
PDF and FHIR R4, and the bundle validates with fhir.resources. With
``TPA_UPDATE_SCREENSHOTS=1`` the inbox, the supervisor's view of the changes and the packet
are copied to ``docs/screenshots/``. Run ``bash .ci/browser.sh`` first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from tests.test_browser import (
    ARTIFACTS,
    PASSWORD,
    SCREENSHOTS,
    date,
    expect,
    idle,
    nav,
    no_traceback,
    pytestmark,
    shot,
    sign_in,
    sign_out,
)

pytest_plugins = ("tests.test_browser",)  # the server and page fixtures
__all__ = ["pytestmark"]

DATA = Path(__file__).parent / "data" / "progress"
MEASURES = DATA / "gad_nurse_week8.json"
BASELINE_DAY = dt.date(2026, 10, 5)


def _signed_plan_due_for_review(tmp_path: Path) -> int:
    """The GAD plan, signed by ana and sam on its baseline day. Its two skill objectives get
    week-1 baselines the intake records (a plan with placeholders cannot be signed), the
    intake's PHQ-9, which the plan does not use, is left out, and the names are samples."""
    from assistant.intake import BehaviouralBaseline as IntakeBaseline
    from assistant.intake import load as load_intake
    from assistant.plan import Baseline, load
    from assistant.store import open_store

    intake = load_intake(DATA / "gad_intake.json")
    logged = [
        IntakeBaseline(measure=m, value=1, unit="a week", source="self-monitoring log")
        for m in ("days per week of relaxation practice", "thought records per week")
    ]
    # sample names in place of the file's realistic ones (the screenshots show them)
    client = intake.client.model_copy(update={"name": "Sample Client"})
    clinician = intake.clinician.model_copy(update={"name": "Ana Silva"})
    intake = intake.model_copy(
        update={
            "client": client,
            "clinician": clinician,
            "assessments": [a for a in intake.assessments if a.instrument != "PHQ-9"],
            "baselines": [*intake.baselines, *logged],
        }
    )
    plan = load(DATA / "gad_plan.json")
    first = plan.goals[0]
    skills = [
        o.model_copy(
            update={
                "text": o.text.replace("[baseline: record in week 1]", "1 a week"),
                "baseline": Baseline(
                    value=1, text="1", date=BASELINE_DAY, source="self-monitoring log"
                ),
            }
        )
        for o in first.objectives[:2]
    ]
    plan = plan.model_copy(
        update={
            "header": plan.header.model_copy(
                update={
                    "review_interval_days": 56,
                    "client_name": client.name,
                    "clinician_name": clinician.name,
                }
            ),
            "goals": [
                first.model_copy(update={"objectives": skills + first.objectives[2:]}),
                *plan.goals[1:],
            ],
        }
    )
    store = open_store(f"sqlite:///{tmp_path / 'data' / 'plans.sqlite'}")
    ana = store.accounts.login("ana", PASSWORD)
    sam = store.accounts.login("sam", PASSWORD)
    pid = int(store.create(ana, plan, intake=intake).plan_id)
    store.submit(ana, pid)
    store.approve(sam, pid)
    store.sign(ana, pid, signed_on=BASELINE_DAY)
    store.sign(sam, pid, signed_on=BASELINE_DAY)
    store.engine.dispose()
    return pid


def _download(page: Any, label: str) -> bytes:
    with page.expect_download() as got:
        page.get_by_role("button", name=label).click()
    saved = ARTIFACTS / got.value.suggested_filename
    got.value.save_as(str(saved))
    return saved.read_bytes()


def _load_measures(page: Any) -> None:
    date(page, "Review date", "2026-11-30")
    page.locator("input[type='file']").set_input_files(str(MEASURES))
    idle(page)


def _open_on_draft(page: Any) -> None:
    nav(page, "Draft")
    opener = page.get_by_role("button", name="Open this plan")
    if not opener.is_visible():  # a plan is open already, so the list starts folded
        page.get_by_text("Open one of your saved plans").click()
        idle(page)
    opener.click()
    idle(page)


def test_plan_review_from_inbox_to_signed_version_and_packet(page: Any, tmp_path: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    pid = _signed_plan_due_for_review(tmp_path)

    # the inbox lists the plan as due for review and leads to the Review progress page
    sign_in(page, "ana")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Due for review \(1\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"review due 2026-11-30"))).to_be_visible()
    shot(page, "05-inbox", full=False)
    page.get_by_role("link", name="Go to Review progress").click()
    expect(page.get_by_role("heading", name="Review progress")).to_be_visible()
    idle(page)

    # read against the week-8 measures: GAD-7 15 -> 7 is pre-filled as met
    _load_measures(page)
    expect(
        page.get_by_text(re.compile(r"GAD-7: 15 \(2026-10-05\) to 7 \(2026-11-30\)"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Store the review")).to_be_disabled()
    rationales = page.get_by_label("Rationale", exact=True)
    expect(rationales).to_have_count(5)
    for n in range(5):
        rationales.nth(n).fill("Read against the week-8 measures with the client.")
        rationales.nth(n).press("Tab")
        idle(page)
    page.get_by_role("button", name="Store the review").click()
    expect(
        page.get_by_text(re.compile(r"stores the review of version \d+ as a draft"))
    ).to_be_visible()
    no_traceback(page)

    # the review version goes through the same steps as any plan
    _open_on_draft(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile(r"submitted to your supervisor"))).to_be_visible()
    sign_out(page)

    sign_in(page, "sam")
    expect(page.get_by_text(re.compile(r"Awaiting your review \(1\)"))).to_be_visible()
    nav(page, "Review")
    changes = page.get_by_text(re.compile(r"What changed since the last submission"))
    expect(changes).to_be_visible()
    # the dispositions show as status changes, objective by objective
    expect(page.get_by_text("Goal 1, objective 3").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"status met")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"status partially met")).first).to_be_visible()
    changes.scroll_into_view_if_needed()
    page.evaluate(
        "(y) => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, y)",
        int(changes.bounding_box()["y"]) - 80,
    )
    shot(page, "06-review-diff", full=False)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile(rf"Plan {pid} approved"))).to_be_visible()
    sign_out(page)

    sign_in(page, "ana")
    _open_on_draft(page)
    page.get_by_label("Type your full name", exact=True).fill("Ana Silva")
    page.get_by_label("Type your full name", exact=True).press("Tab")
    page.get_by_text("I have reviewed this plan in full").click()
    idle(page)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text(re.compile(rf"Plan {pid} signed"))).to_be_visible()
    sign_out(page)

    sign_in(page, "sam")
    nav(page, "Review")
    page.get_by_text(re.compile(r"Approved plans waiting for signatures \(1\)")).click()
    idle(page)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(
        page.get_by_text(re.compile(rf"Plan {pid} signed as supervisor \(signed\)"))
    ).to_be_visible()
    no_traceback(page)
    sign_out(page)

    # the signed review's packet, for the same measures file
    sign_in(page, "ana")
    nav(page, "Review progress")
    _load_measures(page)
    expect(page.get_by_role("heading", name="Review packet")).to_be_visible()
    expect(page.get_by_text(re.compile(r"as of 2026-11-30 \(signed\)"))).to_be_visible()
    md = _download(page, "Download packet: Markdown").decode("utf-8")
    assert "| G1.O3 | GAD-7: 15 (2026-10-05) to 7 (2026-11-30)" in md
    assert "Disposition: **met**" in md
    assert "Read against the week-8 measures with the client." in md
    pdf = _download(page, "Download packet: PDF")
    assert pdf.startswith(b"%PDF")
    fhir = _download(page, "Download packet: FHIR R4 Bundle")
    Bundle.model_validate_json(fhir)  # raises when the bundle is not valid FHIR R4
    entries = [e["resource"] for e in json.loads(fhir)["entry"]]
    careplans = [r for r in entries if r["resourceType"] == "CarePlan"]
    review_plan = next(r for r in careplans if r.get("replaces"))
    assert review_plan["status"] == "active"
    goals = {r["description"]["text"][:40]: r for r in entries if r["resourceType"] == "Goal"}
    gad = next(g for t, g in goals.items() if t.startswith("Bring the GAD-7"))
    assert gad["lifecycleStatus"] == "completed"
    assert gad["achievementStatus"]["coding"][0]["code"] == "achieved"
    [provenance] = [r for r in entries if r["resourceType"] == "Provenance"]
    who = {a["who"].get("display") for a in provenance["agent"]}
    assert {"Ana Silva, LCSW", "Sam Reyes, PhD"} <= who
    heading = page.get_by_role("heading", name="Review packet")
    heading.scroll_into_view_if_needed()
    page.evaluate(
        "(y) => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, y)",
        int(heading.bounding_box()["y"]) - 200,
    )
    shot(page, "07-review-packet", full=False)
    no_traceback(page)

    if os.environ.get("TPA_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / "05-inbox.png", SCREENSHOTS / "inbox.png")
        shutil.copy(ARTIFACTS / "06-review-diff.png", SCREENSHOTS / "review-diff.png")
        shutil.copy(ARTIFACTS / "07-review-packet.png", SCREENSHOTS / "review-packet.png")
