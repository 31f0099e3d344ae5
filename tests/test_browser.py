"""End to end in a real browser: headless Chromium (Debian's package) driven by Playwright.

A clinician signs in, fills an intake, drafts, accepts and edits suggestions, fixes a
validator finding and submits; the supervisor returns the plan with a comment; the
clinician fixes it and submits again; the supervisor approves; the plan is exported.
Screenshots go to ``artifacts/browser/``; with ``TPA_UPDATE_SCREENSHOTS=1`` the Draft and
Review ones are also copied to ``docs/screenshots/`` for the README. Install the browser with ``bash .ci/browser.sh``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: run `bash .ci/browser.sh` to install Debian's chromium",
    ),
]

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the playwright package is not installed (pip install -e '.[test]')",
)
expect = playwright_api.expect
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port, on a fresh data directory that
    already holds a supervisor (sam) and a clinician (ana) made through the store API."""
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TPA_LLM"))}
    env["TPA_DATA_DIR"] = str(data)
    env.pop("DATABASE_URL", None)
    env.pop("TPA_DATABASE_URL", None)
    from assistant.config import get_settings
    from assistant.store import open_store

    store = open_store(f"sqlite:///{data / 'plans.sqlite'}")
    store.accounts.init(
        "sam", PASSWORD, role="supervisor", full_name="Sam Reyes", credentials="PhD"
    )
    admin = store.accounts.login("sam", PASSWORD)
    store.accounts.add(
        admin, "ana", PASSWORD, full_name="Ana Silva", credentials="LCSW", supervisor="sam"
    )
    store.engine.dispose()
    get_settings.cache_clear()
    port = _free_port()
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.fileWatcherType", "none",
            "--client.toolbarMode", "minimal",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "streamlit.log", ARTIFACTS / "streamlit.log")


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        pg.goto(server)
        try:
            yield pg
        finally:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "last.png"), full_page=True)
            context.close()
        browser.close()


# ---------------------------------------------------------------- steps


def shot(page: Any, name: str, *, full: bool = True) -> Path:
    """Save a screenshot; ``full`` grows the window to the page's height first (Streamlit
    scrolls inside its main area, so a plain full-page shot would stop at the window)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    idle(page)
    size = page.viewport_size
    if full:
        height = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
        page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    if full:
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
    return path


def idle(page: Any) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            return state && !['running', 'rerunRequested', 'initial'].includes(state)
                && !document.querySelector('[data-stale="true"]');
        }""",
        timeout=120_000,
    )
    page.wait_for_timeout(200)


def no_traceback(page: Any) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Something went wrong inside the assistant").count() == 0


def sign_in(page: Any, user: str) -> None:
    page.get_by_label("User name", exact=True).fill(user)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # sign-in opens the inbox when something waits, the intake otherwise
    expect(page.get_by_role("heading", name=re.compile(r"^(Intake|Inbox)$"))).to_be_visible()
    idle(page)


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    idle(page)


def nav(page: Any, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title).first).to_be_visible()
    idle(page)


def typed(page: Any, label: str, text: str, *, nth: int = 0) -> None:
    box = page.get_by_label(label, exact=True).nth(nth)
    box.fill(text)
    box.press("Tab")
    idle(page)


def choose(page: Any, label: str, option: str, *, scope: Any = None) -> None:
    """Pick an option in a Streamlit selectbox: open it, filter by typing, click the option."""
    where = scope or page
    box = where.get_by_role("combobox", name=label, exact=True).first
    box.click()
    opt = page.get_by_role("option", name=option, exact=True).first
    if not opt.is_visible():
        box.press("ArrowDown")
    opt.click()
    idle(page)


def date(page: Any, label: str, value: str) -> None:
    """Type a date into Streamlit's segmented date field (year, month, day)."""
    box = page.get_by_label(label, exact=True).first
    box.get_by_role("spinbutton").first.click()
    page.keyboard.type(value.replace("-", ""), delay=30)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    idle(page)


def card(page: Any, item_id: str) -> Any:
    return page.locator(f".st-key-card-{item_id.replace('.', '-')}")


def objectives_to_edit(page: Any) -> list[str]:
    """Ids of the objective cards, those whose wording still holds a baseline placeholder
    first (the drafter leaves one only where the intake has no figure)."""
    gaps, rest = [], []
    cards = page.locator("[class*='st-key-card-G']")
    for n in range(cards.count()):
        m = re.search(r"st-key-card-(G\d+)-(O\d+)\b", cards.nth(n).get_attribute("class") or "")
        if m is None:
            continue
        item = f"{m.group(1)}.{m.group(2)}"
        wording = card(page, item).get_by_label("Objective wording", exact=True).input_value()
        (gaps if "[baseline:" in wording else rest).append(item)
    out = gaps + rest
    assert len(out) >= 2, f"expected two objectives to edit, found {out}"
    return out


def edit_objective(page: Any, item: str, figure: str, addition: str) -> str:
    """Fill the objective's baseline placeholder with ``figure`` (its finding then goes), or,
    when it has none, add ``addition`` to its wording; save the edit; the new wording."""
    obj = card(page, item)
    wording = obj.get_by_label("Objective wording", exact=True)
    text = wording.input_value()
    gap = "[baseline:" in text
    if gap:
        assert obj.get_by_text(re.compile(r"PH01")).count() >= 1
        new = re.sub(r"\[baseline:[^\]]*\]", figure, text)
    else:
        new = text.rstrip(".") + ". " + addition
    wording.fill(new)
    wording.press("Tab")
    idle(page)
    if gap:
        obj.get_by_label("Baseline figure", exact=True).fill(figure.split()[0])
        obj.get_by_label("Baseline figure", exact=True).press("Tab")
        idle(page)
    obj.get_by_role("button", name="Save edit").click()
    idle(page)
    obj = card(page, item)
    expect(obj.get_by_text("Edited", exact=True)).to_be_visible()
    if gap:
        assert obj.get_by_text(re.compile(r"PH01")).count() == 0, "the finding should be gone"
    return new


def fill_intake(page: Any) -> None:
    typed(page, "Client name", "Maren Holt")
    date(page, "Date of birth", "1990-03-14")
    typed(page, "Record number", "MRN-20417")
    typed(
        page,
        "Summary (your description)",
        "Hard-to-control worry about work and family most days for a year; restless, "
        "tense, sleeps badly.",
    )
    typed(page, "Duration", "12 months")
    typed(page, "In the client's words", "My brain never clocks out.")
    typed(page, "Find a code by code or words", "generalized anxiety")
    expect(page.get_by_role("combobox", name="Matching codes")).to_be_visible()
    page.get_by_role("button", name="Add this diagnosis").click()
    idle(page)
    expect(page.get_by_label("Code", exact=True)).to_have_value("F41.1")
    page.get_by_role("button", name="Add an assessment").click()
    idle(page)
    choose(page, "Instrument", "GAD-7")
    typed(page, "Score", "15")
    expect(page.get_by_text(re.compile(r"GAD-7 15 of 0-21"))).to_be_visible()
    choose(page, "Suicidal ideation", "None")
    choose(page, "Self-harm", "None")
    choose(page, "Homicidal ideation", "No")
    typed(page, "The client's goals, in their words (one a line)", "leave work on time")
    shot(page, "01-intake")
    page.get_by_role("button", name="Check and use this intake").click()
    expect(page.get_by_text("This intake is ready for drafting.")).to_be_visible()
    no_traceback(page)


# ---------------------------------------------------------------- the journey


def test_clinician_and_supervisor_journey(page: Any) -> None:
    sign_in(page, "ana")
    fill_intake(page)

    nav(page, "Draft")
    page.get_by_text("Rank knowledge with the local index").click()  # no index build here
    idle(page)
    page.get_by_role("button", name="Draft the plan").click()
    expect(page.get_by_text("Draft ready. Review each suggestion")).to_be_visible(timeout=120_000)
    no_traceback(page)

    # accept the problem statement as it stands
    card(page, "P1").get_by_role("button", name="Accept").click()
    idle(page)
    expect(card(page, "P1").get_by_text("Accepted", exact=True)).to_be_visible()

    # edit an objective (filling its baseline placeholder, a PH01 finding, when it has one)
    first, second = objectives_to_edit(page)[:2]
    edit_objective(page, first, "1 day a week", "Reviewed with the client in session 1.")
    no_traceback(page)
    shot(page, "02-draft")
    goal = card(page, "G1")
    goal.scroll_into_view_if_needed()
    page.evaluate(
        "(y) => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, y)",
        int(goal.bounding_box()["y"]) - 80,
    )
    shutil.copy(shot(page, "02-draft-view", full=False), ARTIFACTS / "draft.png")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile(r"submitted to your supervisor"))).to_be_visible()
    sign_out(page)

    # the supervisor returns it with a comment
    sign_in(page, "sam")
    nav(page, "Review")
    expect(page.get_by_role("combobox", name=re.compile(r"Submitted plans \(1\)"))).to_be_visible()
    target = page.locator(f".st-key-rv-{second.replace('.', '-')}")
    target.get_by_placeholder(f"Comment on {second}").fill(
        "Add the starting count from the first week."
    )
    choose(page, "Reason", "Missing baseline", scope=target)
    target.get_by_role("button", name="Add comment").click()
    idle(page)
    expect(page.get_by_text("Comments to send (1)")).to_be_visible()
    shot(page, "03-review")
    card_top = page.locator(f".st-key-rv-{first.replace('.', '-')}")
    card_top.scroll_into_view_if_needed()
    page.evaluate(
        "(y) => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, y)",
        page.evaluate("() => 0") + int(card_top.bounding_box()["y"]) - 80,
    )
    shutil.copy(shot(page, "03-review-view", full=False), ARTIFACTS / "review.png")
    page.get_by_role("button", name=re.compile(r"Return to the clinician")).click()
    expect(page.get_by_text(re.compile(r"returned to ana with 1 comment"))).to_be_visible()
    sign_out(page)

    # the clinician fixes the objective the comment is about, and submits again
    sign_in(page, "ana")
    nav(page, "Draft")
    opener = page.get_by_role("button", name="Open this plan")
    if not opener.is_visible():  # the last plan was put back, so the list starts folded
        page.get_by_text("Open one of your saved plans").click()
        idle(page)
    opener.click()
    idle(page)
    expect(page.get_by_text("Add the starting count from the first week.")).to_be_visible()
    fixed = edit_objective(page, second, "0 a week", "Starting count taken in the first week.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile(r"submitted to your supervisor"))).to_be_visible()
    sign_out(page)

    # the supervisor approves
    sign_in(page, "sam")
    nav(page, "Review")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile(r"Plan 1 approved"))).to_be_visible()
    no_traceback(page)

    # and exports it
    nav(page, "Export")
    expect(page.get_by_text(re.compile(r"approved, not signed"))).to_be_visible()
    with page.expect_download() as got:
        page.get_by_role("button", name="Download Markdown").click()
    download = got.value
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(str(saved))
    body = saved.read_text(encoding="utf-8")
    assert "Maren Holt" in body and fixed.split(". ")[-1] in body
    expect(page.get_by_role("heading", name="Client copy")).to_be_visible()
    shot(page, "04-export")
    no_traceback(page)

    if os.environ.get("TPA_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / "draft.png", SCREENSHOTS / "draft.png")
        shutil.copy(ARTIFACTS / "review.png", SCREENSHOTS / "review.png")
