"""The review packet on the Review progress page (``AppTest``): once a review is stored, the
page offers its packet as Markdown, PDF and FHIR R4 for the measures file it was decided on,
and refuses another measures file in one line where the buttons would be."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.plan import load
from assistant.progress import measures as measures_mod
from assistant.store import PlanStore, reviews
from tests.store_fixtures import FakeValidator
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts
from tests.test_plan_review_app import _signed

__all__ = ["accounts", "data_dir"]

DATA = Path(__file__).parent / "data" / "progress"
MEASURES = DATA / "gad_nurse_week8.json"
AS_OF = dt.date(2026, 11, 30)


def _reviewed_and_signed(accounts: dict[str, Any]) -> tuple[PlanStore, int]:
    """The GAD plan signed, reviewed against week 8 (G1.O3 met) and the review signed,
    through a store whose validator finds nothing (the gate is not this page's concern)."""
    store, pid = _signed(accounts)
    ana, sam = accounts["ana"], accounts["sam"]
    measures = measures_mod.load(MEASURES, today=max(AS_OF, dt.date.today()))
    _, prefilled = reviews.prepare(store, ana, pid, measures, as_of=AS_OF)
    chosen = [d.model_copy(update={"rationale": "As the measures show."}) for d in prefilled]
    reviews.start_review(store, ana, pid, measures, chosen, as_of=AS_OF)
    store.submit(ana, pid)
    store.approve(sam, pid)
    store.sign(ana, pid, credentials="LCSW")
    store.sign(sam, pid, credentials="PhD")
    return store, pid


def _page_with(accounts: dict[str, Any], name: str, data: bytes) -> Any:
    at = goto(sign_in(app(), "ana"), "progress")
    at.date_input(key="pr_as_of").set_value(AS_OF)
    at.file_uploader(key="pr_up").set_value((name, data, "application/json"))
    at.run()
    no_exceptions(at)
    return at


def test_a_signed_review_offers_its_packet_in_three_formats(accounts: dict[str, Any]) -> None:
    _, pid = _reviewed_and_signed(accounts)
    at = _page_with(accounts, MEASURES.name, MEASURES.read_bytes())
    assert "Review packet" in texts(at, "subheader")
    assert any("review of version 5 as of 2026-11-30 (signed)" in c for c in texts(at, "caption"))
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) == {"pr_packet.md", "pr_packet.pdf", "pr_packet.fhir"}
    labels = {b.proto.label for b in buttons.values()}
    assert labels == {
        "Download packet: Markdown",
        "Download packet: PDF",
        "Download packet: FHIR R4 Bundle",
    }
    # the only errors are the new review's dispositions still wanting a rationale
    assert all(e.startswith("RV") for e in texts(at, "error")), texts(at, "error")


def test_another_measures_file_is_refused_in_one_line(accounts: dict[str, Any]) -> None:
    _reviewed_and_signed(accounts)
    other = json.loads(MEASURES.read_text(encoding="utf-8"))
    other["entries"] = other["entries"][:-1]  # the last reading left out: not the same file
    at = _page_with(accounts, "other.json", json.dumps(other).encode("utf-8"))
    [error] = [e for e in texts(at, "error") if e.startswith("Measures file")]
    assert error.startswith("Measures file: it is not the file the review of 2026-11-30")
    assert "\n" not in error
    assert not at.get("download_button")
    # the page goes on: a new review of the signed review version can still be started
    assert at.selectbox(key="pr_disp.G1.O3").value == "met"


def test_a_packet_format_that_fails_is_named_and_the_others_download(
    accounts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.store import review_packet

    real = review_packet.render

    def broken(packet: Any, fmt: str) -> bytes:
        if fmt == "pdf":
            raise ValueError("row too high")
        return real(packet, fmt)

    _reviewed_and_signed(accounts)
    monkeypatch.setattr(review_packet, "render", broken)
    at = _page_with(accounts, MEASURES.name, MEASURES.read_bytes())
    assert any(e.startswith("Packet PDF could not be made") for e in texts(at, "error"))
    assert {b.key for b in at.get("download_button")} == {"pr_packet.md", "pr_packet.fhir"}


def test_a_plan_never_reviewed_has_no_packet(accounts: dict[str, Any]) -> None:
    _signed(accounts)
    at = _page_with(accounts, MEASURES.name, MEASURES.read_bytes())
    assert "Review packet" not in texts(at, "subheader")
    assert not at.get("download_button")
    assert "Dispositions" in texts(at, "subheader")


def test_the_packet_bundle_validates_and_names_who_signed(accounts: dict[str, Any]) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from assistant.store import review_packet

    store, pid = _reviewed_and_signed(accounts)
    measures = measures_mod.load(MEASURES, today=max(AS_OF, dt.date.today()))
    got = review_packet.latest_review(store, accounts["ana"], pid, measures)
    assert got is not None and got.signed
    data = review_packet.render(got, "fhir")
    Bundle.model_validate_json(data)  # raises when the bundle is not valid FHIR R4
    res = {e["resource"]["resourceType"]: e["resource"] for e in json.loads(data)["entry"]}
    assert res["CarePlan"]["status"] == "active" and res["CarePlan"]["replaces"]
    who = {a["who"].get("display") for a in res["Provenance"]["agent"]}
    assert {"Ana Silva, LCSW", "Sam Reyes, PhD"} <= who
    md = review_packet.render(got, "md").decode("utf-8")
    assert "| G1.O3 | GAD-7: 15 (2026-10-05) to 7 (2026-11-30)" in md
    assert review_packet.render(got, "pdf").startswith(b"%PDF")


def test_the_inbox_leads_a_due_review_to_the_review_progress_page(
    accounts: dict[str, Any],
) -> None:
    store = PlanStore(accounts["store"].engine, validator=FakeValidator())
    ana, sam = accounts["ana"], accounts["sam"]
    pid = store.create(ana, load(DATA / "gad_plan.json")).plan_id
    store.submit(ana, pid)
    store.approve(sam, pid)
    on = dt.date.today() - dt.timedelta(days=85)  # due within the inbox's two weeks
    store.sign(ana, pid, signed_on=on)
    store.sign(sam, pid, signed_on=on)
    at = sign_in(app(), "ana")
    no_exceptions(at)
    assert texts(at, "title") == ["Inbox"]
    assert "Due for review (1)" in texts(at, "subheader")
    links = [str(link.proto.label) for link in at.get("page_link")]
    assert "Go to Review progress" in links
