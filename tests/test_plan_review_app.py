"""The Review progress page (``AppTest``): a signed plan read against a measures file, a
disposition and rationale per objective, a contradiction shown and blocking until justified,
and the review stored as a new draft version linked to the signed one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from assistant.plan import load
from assistant.store import PlanStore
from assistant.store.reviews import reviews_of
from tests.store_fixtures import FakeValidator
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]

DATA = Path(__file__).parent / "data" / "progress"
MEASURES = DATA / "gad_nurse_week8.json"
AS_OF = dt.date(2026, 11, 30)


def _signed(accounts: dict[str, Any]) -> tuple[PlanStore, int]:
    """The GAD plan, signed by ana and her supervisor (the gate's findings are not what this
    page is about, so it is signed through a store whose validator finds nothing)."""
    store = PlanStore(accounts["store"].engine, validator=FakeValidator())
    ana, sam = accounts["ana"], accounts["sam"]
    pid = store.create(ana, load(DATA / "gad_plan.json")).plan_id
    store.submit(ana, pid)
    store.approve(sam, pid)
    store.sign(ana, pid, signed_on=dt.date(2026, 10, 5))
    store.sign(sam, pid, signed_on=dt.date(2026, 10, 5))
    return store, pid


def test_review_progress_stores_a_review_version(accounts: dict[str, Any]) -> None:
    store, pid = _signed(accounts)
    at = goto(sign_in(app(), "ana"), "progress")
    no_exceptions(at)
    assert texts(at, "title") == ["Review progress"]
    at.date_input(key="pr_as_of").set_value(AS_OF)
    at.file_uploader(key="pr_up").set_value(
        (MEASURES.name, MEASURES.read_bytes(), "application/json")
    )
    at.run()
    no_exceptions(at)
    assert at.selectbox(key="pr_disp.G1.O3").value == "met"  # pre-filled from the numbers
    assert any("GAD-7: 15 (2026-10-05) to 7 (2026-11-30)" in m for m in texts(at, "markdown"))
    assert at.button(key="pr_store").disabled  # no rationale yet
    assert any("G1.O3 needs a rationale" in e for e in texts(at, "error"))
    for obj in ("G1.O1", "G1.O2", "G1.O3", "G2.O1", "G2.O2"):
        at.text_input(key=f"pr_why.{obj}").input("As the measures show.")
    at.selectbox(key="pr_disp.G1.O3").set_value("not_met")
    at.run()
    assert any("RV06: G1.O3 is marked not met" in e for e in texts(at, "error"))
    assert at.button(key="pr_store").disabled
    at.text_input(key="pr_just.G1.O3").input("Avoids night shifts still.")
    at.run()
    assert not texts(at, "error") and not at.button(key="pr_store").disabled
    at.button(key="pr_store").click().run()
    no_exceptions(at)
    assert any(
        f"Plan {pid} version 6 stores the review of version 5 as a draft" in s
        for s in texts(at, "success")
    )
    [record] = reviews_of(store, accounts["ana"], pid)
    assert (record.version, record.reviews_version) == (6, 5)
    assert {d.objective_id: d.justification for d in record.dispositions}["G1.O3"] == (
        "Avoids night shifts still."
    )
    assert "You have no signed plans to review." in texts(at, "info")  # it is a draft now
