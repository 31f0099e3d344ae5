"""The Streamlit app, page by page, through ``streamlit.testing.v1.AppTest``.

Each test runs the real ``app.py`` against its own data directory (a fresh SQLite store).
The knowledge index is never built here: the retriever is replaced by a small fake, so the
whole file stays fast; the real index is exercised by the retrieval tests and the browser
test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from assistant.retrieval import Hit, IntakeMatches
from tests.conftest import INTAKES

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PASSWORD = "correct horse battery"
GAD = INTAKES / "gad_nurse.json"
# Its draft keeps one visible placeholder (the mutual-support meetings have no baseline).
WITH_GAP = INTAKES / "aud_with_anxiety.json"
TIMEOUT = 60


# ---------------------------------------------------------------- fixtures and helpers


class FakeRetriever:
    """Answers alternatives searches with fixed knowledge items (no index, no model)."""

    def for_intake(self, intake: Any, k: int = 8) -> IntakeMatches:
        n = len(intake.presenting_problems)
        return IntakeMatches(
            presentations=[], hits=[], no_close_template=False, per_problem=[[]] * n
        )

    def search(self, query: str, codes: Any = (), k: int = 5, kinds: Any = None) -> list[Hit]:
        ids = {
            # the first of each is already in the GAD draft, so it must not be offered
            "objective": ["gad.obj.sleep-onset", "insomnia.obj.diary"],
            "goal": ["gad.goal.worry", "insomnia.goal.sleep"],
            "intervention": [],
        }[list(kinds or ["objective"])[0]]
        return [
            Hit(
                id=i,
                record_id=i.split(".")[0],
                record_version=1,
                title=f"Generalized anxiety disorder: {i}",
                kind=list(kinds or ["objective"])[0],
                score=0.8,
                reason="code F41.1 matches",
                below_floor=False,
            )
            for i in ids
        ]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data directory per test, with the fake retriever in place of the index."""
    from assistant.config import get_settings
    from assistant.ui import common

    monkeypatch.setenv("TPA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    monkeypatch.setattr(common, "retriever", lambda: FakeRetriever())
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.fixture
def accounts(data_dir: Path) -> dict[str, Any]:
    """A supervisor and a clinician supervised by them, made through the store API."""
    from assistant.store import open_store

    store = open_store()
    store.accounts.init(
        "sam", PASSWORD, role="supervisor", full_name="Sam Reyes", credentials="PhD"
    )
    sup = store.accounts.login("sam", PASSWORD)  # signed-in sessions: what store calls take
    store.accounts.add(
        sup, "ana", PASSWORD, full_name="Ana Silva", credentials="LCSW", supervisor="sam"
    )
    return {"store": store, "sam": sup, "ana": store.accounts.login("ana", PASSWORD)}


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    return at.run()


def goto(at: AppTest, url_path: str) -> AppTest:
    """Open one of the app's pages (AppTest.switch_page only knows file pages)."""
    at._page_hash = calc_hash(url_path)
    return at.run()


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]|~#>$])")


def seen(markdown: str) -> str:
    """What a reader sees of Markdown the app escaped (``\\[0\\]`` shows as ``[0]``)."""
    return _MD_ESCAPE.sub(r"\1", markdown).replace("&lt;", "<").replace("&amp;", "&")


def texts(at: AppTest, kind: str) -> list[str]:
    return [seen(str(e.value)) for e in getattr(at, kind)]


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def load_intake(at: AppTest, path: Path = GAD) -> AppTest:
    goto(at, "intake")
    at.file_uploader(key="intake_upload").set_value(
        (path.name, path.read_bytes(), "application/json")
    )
    at.run()
    at.button(key="intake_upload_go").click()
    return at.run()


def draft_plan(at: AppTest) -> AppTest:
    goto(at, "draft")
    at.button(key="draft_go").click()
    return at.run()


def item_key(at: AppTest, item_id: str, part: str) -> str:
    """The current widget key of one item's box (keys change when the item changes)."""
    wanted = f".{item_id}.{part}"
    for w in [*at.text_input, *at.text_area, *at.button]:
        if w.key and w.key.startswith("ed.") and w.key.endswith(wanted):
            return str(w.key)
    raise AssertionError(f"no widget for {item_id} {part}")


def badge_of(at: AppTest, item_id: str) -> str:
    plan = at.session_state["plan"]
    from assistant import review

    return review.find_item(plan, item_id)[2].provenance.authorship


# ---------------------------------------------------------------- sign in


def test_first_run_offers_to_create_the_first_account(data_dir: Path) -> None:
    at = app()
    no_exceptions(at)
    assert any("no accounts yet" in t for t in texts(at, "info"))
    assert not at.text_input(key="first_pw").value  # no password is suggested
    at.text_input(key="first_username").input("sam")
    at.text_input(key="first_full_name").input("Sam Reyes")
    at.text_input(key="first_pw").input(PASSWORD)
    at.text_input(key="first_pw2").input(PASSWORD + "x")
    at.button[0].click().run()
    assert "The two passwords are not the same: type them again." in texts(at, "error")
    at.text_input(key="first_pw").input("short")
    at.text_input(key="first_pw2").input("short")
    at.button[0].click().run()
    assert any("too short" in t for t in texts(at, "error"))
    at.text_input(key="first_pw").input(PASSWORD)
    at.text_input(key="first_pw2").input(PASSWORD)
    at.button[0].click().run()
    no_exceptions(at)
    assert at.session_state["user"].username == "sam"
    assert at.session_state["user"].role == "supervisor"
    assert texts(at, "title") == ["Intake"]


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ana", "wrong password!", "The user name or password is not right"),
        ("nobody", PASSWORD, "The user name or password is not right"),
        ("", "", "Type your user name and password."),
    ],
)
def test_sign_in_refuses_bad_credentials(
    accounts: dict[str, Any], username: str, password: str, message: str
) -> None:
    at = sign_in(app(), username, password)
    no_exceptions(at)
    assert message in texts(at, "error")
    assert "user" not in at.session_state
    assert texts(at, "title") == ["Treatment plan assistant"]


def test_pages_follow_the_role(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    assert texts(at, "title") == ["Intake"]
    goto(at, "review")  # not a clinician's page: navigation falls back to the default
    assert "Review" not in texts(at, "title")
    at = sign_in(app(), "sam")
    goto(at, "review")
    assert texts(at, "title") == ["Review"]
    assert "No plans are waiting for your review." in texts(at, "info")


# ---------------------------------------------------------------- intake


def fill_minimal(at: AppTest) -> None:
    at.text_input(key="in.client.name").input("Maren Holt")
    at.date_input(key="in.client.date_of_birth").set_value(dt.date(1990, 3, 14))
    at.text_input(key="in.client.record_id").input("MRN-20417")
    at.text_area(key="in.pp.0.summary").input("Worry most days for a year.")
    at.text_input(key="in.dx.0.code").input("F41.1")
    at.run()


def test_intake_form_makes_a_valid_intake(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    assert at.selectbox(key="in.risk.suicidal_ideation").value == "not_assessed"
    assert at.text_input(key="in.clinician.name").value == "Ana Silva"  # from the account
    fill_minimal(at)
    at.button(key="intake_check").click().run()
    no_exceptions(at)
    intake = at.session_state["intake"]
    assert intake.client.name == "Maren Holt"
    assert intake.diagnoses[0].code == "F41.1"
    assert intake.risk.suicidal_ideation == "not_assessed"
    assert "This intake is ready for drafting." in texts(at, "success")
    assert any("Risk not assessed" in w for w in texts(at, "warning"))


def test_intake_errors_appear_beside_their_fields_and_clear_when_fixed(
    accounts: dict[str, Any],
) -> None:
    at = sign_in(app(), "ana")
    at.text_input(key="in.dx.0.code").input("F99.99").run()
    assert any("not an ICD-10-CM code" in w for w in texts(at, "warning"))
    at.button(key="intake_check").click().run()
    no_exceptions(at)
    assert "intake" not in at.session_state
    placed = at.session_state["in_errors"]
    assert placed["in.client.name"] == ["Required: this must not be left empty."]
    assert placed["in.client.date_of_birth"] == ["Required: please fill this in."]
    assert any("not an ICD-10-CM code" in m for m in placed["in.dx.0.code"])
    assert any("problem" in e for e in texts(at, "error"))  # the summary at the top
    at.text_input(key="in.client.name").input("Maren Holt").run()
    assert "in.client.name" not in at.session_state["in_errors"]  # re-checked live


def test_assessment_range_and_band_are_shown_as_typed(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    at.button(key="add.assessments").click().run()
    at.selectbox(key="in.as.0.instrument").set_value("PHQ-9").run()
    assert any("PHQ-9 scores run 0-27" in c for c in texts(at, "caption"))
    at.number_input(key="in.as.0.score").set_value(31).run()
    assert "PHQ-9 scores run 0-27; 31 is outside that range." in texts(at, "error")
    at.number_input(key="in.as.0.score").set_value(17).run()
    assert "PHQ-9 17 of 0-27: **moderately severe**" in texts(at, "success")
    fill_minimal(at)
    at.number_input(key="in.as.0.score").set_value(31).run()
    at.button(key="intake_check").click().run()
    assert at.session_state["in_errors"]["in.as.0.score"] == ["PHQ-9 scores run 0-27; got 31"]
    at.button(key="rm.assessments.0").click().run()
    at.button(key="intake_check").click().run()
    assert "intake" in at.session_state


def test_diagnosis_search_by_words_fills_the_code(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    at.text_input(key="dx_search").input("generalized anxiety").run()
    assert at.selectbox(key="dx_pick").value[0] == "F41.1"
    at.button(key="dx_add").click().run()
    assert at.text_input(key="in.dx.0.code").value == "F41.1"
    assert at.text_input(key="in.dx.0.label").value == "Generalized anxiety disorder"
    at.text_input(key="dx_search").input("zzzz no such words").run()
    assert any("No billable code matches" in t for t in texts(at, "info"))


def test_uploaded_intake_fills_the_form(accounts: dict[str, Any]) -> None:
    at = load_intake(sign_in(app(), "ana"))
    no_exceptions(at)
    assert at.text_input(key="in.client.name").value == "Maren Holt"
    assert at.text_input(key="in.bl.0.measure").value == "sleep onset latency"
    assert at.selectbox(key="in.risk.homicidal_ideation").value == "no"
    assert "GAD-7 15 of 0-21: **severe**" in texts(at, "success")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("truncated.json", "not valid JSON"),
        ("score_out_of_range.json", "scores run"),
        ("bad_icd_code.json", "not an ICD-10-CM code"),
        ("future_dates.json", "future"),
        ("no_diagnosis.json", "diagnoses"),
    ],
)
def test_a_bad_intake_file_is_refused_with_reasons(
    accounts: dict[str, Any], name: str, words: str
) -> None:
    at = load_intake(sign_in(app(), "ana"), INTAKES / "invalid" / name)
    no_exceptions(at)
    errors = [e for e in texts(at, "error") if "could not be used" in e]
    assert errors and words in errors[0]
    assert "intake" not in at.session_state


# ---------------------------------------------------------------- draft


@pytest.fixture
def drafted(accounts: dict[str, Any]) -> AppTest:
    """Ana signed in, the GAD intake loaded and drafted offline."""
    at = draft_plan(load_intake(sign_in(app(), "ana")))
    no_exceptions(at)
    return at


@pytest.fixture
def drafted_with_gap(accounts: dict[str, Any]) -> AppTest:
    """Ana signed in, an intake whose draft waits on a placeholder, drafted offline."""
    at = draft_plan(load_intake(sign_in(app(), "ana"), WITH_GAP))
    no_exceptions(at)
    assert at.session_state["plan"].placeholders(), "this intake's draft should keep a gap"
    return at


def some_objective(at: AppTest) -> str:
    return str(next(o.id for _, _, o in at.session_state["plan"].objectives()))


def placeholder_objective(at: AppTest) -> str:
    plan = at.session_state["plan"]
    for _, _, o in plan.objectives():
        if o.baseline is not None and o.baseline.is_placeholder:
            return str(o.id)
    raise AssertionError("the draft has no objective waiting for a baseline")


def test_draft_shows_every_item_with_provenance_and_findings(drafted_with_gap: AppTest) -> None:
    at = drafted_with_gap
    plan = at.session_state["plan"]
    assert "Draft ready. Review each suggestion: accept, edit or reject it." in texts(at, "success")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Not reviewed"] == str(len(list(plan.items())))
    assert metrics["Placeholders"] == str(len(plan.placeholders()))
    md = " ".join(texts(at, "markdown"))
    for _, _, item in plan.items():
        assert f"{item.id}**" in md  # every item has its card
    for _, _, o in plan.objectives():  # each says where it came from
        assert f"source: {o.provenance.label()}" in md
    assert "<mark" in md  # placeholders are highlighted
    assert any("PH01" in w for w in texts(at, "warning"))  # findings beside their items
    assert "Instrument baselines and targets" in texts(at, "subheader")


def test_accept_edit_and_reject_change_the_plan_and_its_findings(
    drafted_with_gap: AppTest,
) -> None:
    at = drafted_with_gap
    at.button(key=item_key(at, "P1", "accept")).click().run()
    assert badge_of(at, "P1") == "accepted"
    oid = placeholder_objective(at)
    before = [f for f in at.session_state["plan"].placeholders() if oid.replace(".", "") or True]
    text = at.text_input(key=item_key(at, oid, "text")).value
    filled = text.split("(baseline [")[0].rstrip() + " (baseline 1 a week)."
    at.text_input(key=item_key(at, oid, "text")).input(filled)
    at.text_input(key=item_key(at, oid, "baseline")).input("1")
    at.button(key=item_key(at, oid, "edit")).click().run()
    no_exceptions(at)
    assert badge_of(at, oid) == "edited"
    plan = at.session_state["plan"]
    # the baseline placeholder (listed once, though it stood in the figure and the sentence)
    assert len(plan.placeholders()) == len(before) - 1
    assert all(not path.startswith(path_of(plan, oid)) for path, _ in plan.placeholders())
    edited = plan.objective(oid)
    assert edited.baseline.value == 1.0 and edited.provenance.suggested_text == text
    at.button(key=item_key(at, "I1", "reject")).click().run()
    assert badge_of(at, "I1") == "rejected"
    assert {m.label: m.value for m in at.metric}["Rejected"] == "1"
    at.button(key=item_key(at, "I1", "restore")).click().run()
    assert badge_of(at, "I1") == "accepted"


def path_of(plan, oid: str) -> str:  # type: ignore[no-untyped-def]
    return next(p for p, _, o in plan.objectives() if o.id == oid)


def test_objective_wording_is_linted_as_typed(drafted: AppTest) -> None:
    at = drafted
    oid = some_objective(at)
    at.text_input(key=item_key(at, oid, "text")).input("Feel less worried").run()
    no_exceptions(at)
    assert any("Nothing here can be counted" in e for e in texts(at, "error"))
    assert badge_of(at, oid) == "suggested"  # nothing applied until Save edit
    at.button(key=item_key(at, oid, "edit")).click().run()
    errors = " ".join(texts(at, "error"))
    assert "Errors" in {m.label for m in at.metric}
    assert {m.label: m.value for m in at.metric}["Errors"] != "0"  # the validator agrees
    assert "SM" in errors or "smart" in errors.lower() or "counted" in errors


def test_empty_edit_is_refused_beside_the_item(drafted: AppTest) -> None:
    at = drafted
    at.text_area(key=item_key(at, "G1", "text")).input("   ")
    at.button(key=item_key(at, "G1", "edit")).click().run()
    no_exceptions(at)
    assert any("The new wording is empty" in e for e in texts(at, "error"))
    assert badge_of(at, "G1") == "suggested"


def test_alternatives_are_one_click_away(drafted: AppTest) -> None:
    at = drafted
    plan = at.session_state["plan"]
    in_plan = {o.provenance.item_id for _, _, o in plan.objectives()}
    oid = next(o.id for _, _, o in plan.objectives() if o.provenance.source == "knowledge")
    at.button(key=item_key(at, oid, "alts")).click().run()
    no_exceptions(at)
    md = " ".join(texts(at, "markdown"))
    assert "Alternatives from the knowledge base" in md
    offered = [b for b in at.button if b.label == "Use this instead"]
    assert offered, "the knowledge base has other objectives for this plan"
    before = plan.objective(oid).provenance.item_id
    offered[0].click().run()
    no_exceptions(at)
    new = at.session_state["plan"].objective(oid)
    assert new.provenance.item_id != before
    assert new.provenance.item_id not in in_plan  # what the plan has is not offered again
    assert new.provenance.source == "knowledge" and new.provenance.authorship == "accepted"
    assert at.text_input(key=item_key(at, oid, "text")).value == new.text  # the box follows


def test_save_and_submit_make_versions_in_the_store(drafted: AppTest) -> None:
    at = drafted
    at.button(key="draft_save").click().run()
    assert "Saved as plan 1, version 1." in texts(at, "success")
    # The store checks a plan without its intake, so figures the problem statement takes
    # from the intake (40-60 minutes) only pass once the clinician has made it their own.
    box = at.text_area(key=item_key(at, "P1", "text"))
    box.input(box.value.replace("40-60 minutes", "up to an hour"))
    at.button(key=item_key(at, "P1", "edit")).click().run()
    at.button(key="draft_submit").click().run()
    no_exceptions(at)
    assert "Plan 1 submitted to your supervisor." in texts(at, "success")
    assert at.session_state["plan_status"] == "submitted"
    assert at.session_state["plan_version"] == 3  # v2: the accept, v3: submitted
    assert at.button(key="draft_save").disabled


def test_a_plan_with_errors_cannot_be_submitted(drafted: AppTest) -> None:
    at = drafted
    oid = some_objective(at)
    at.text_input(key=item_key(at, oid, "text")).input("Attend weekly therapy sessions")
    at.button(key=item_key(at, oid, "edit")).click().run()
    at.button(key="draft_submit").click().run()
    no_exceptions(at)
    assert any("error(s) to fix first" in e for e in texts(at, "error"))
    assert at.session_state.get("plan_id") is None  # nothing was saved


def test_draft_without_an_intake_points_to_the_intake_page(accounts: dict[str, Any]) -> None:
    at = goto(sign_in(app(), "ana"), "draft")
    no_exceptions(at)
    assert any("Fill in and check an intake first" in t for t in texts(at, "info"))


# ---------------------------------------------------------------- review


@pytest.fixture
def submitted(accounts: dict[str, Any]) -> dict[str, Any]:
    """Ana's GAD plan, one objective edited, saved and submitted to Sam (through the store)."""
    from assistant import intake, review
    from assistant.drafting import draft

    gad = intake.load(GAD)
    plan = draft(gad).plan
    plan = review.edit(plan, "P1", "Worry most days for about a year; checks charts after shifts.")
    plan = review.accept(plan, "G1")
    store, ana = accounts["store"], accounts["ana"]
    # kept with its intake, as the app does: the goal quotes "half an hour" from it
    saved = store.create(ana, plan, intake=gad)
    store.submit(ana, saved.plan_id)
    return {**accounts, "plan_id": saved.plan_id}


def test_review_shows_each_item_with_diff_provenance_and_findings(
    submitted: dict[str, Any],
) -> None:
    at = goto(sign_in(app(), "sam"), "review")
    no_exceptions(at)
    assert at.selectbox(key="rv_pick").value.plan_id == submitted["plan_id"]
    md = " ".join(texts(at, "markdown"))
    assert "Changed from the suggestion" in md and "<del" in md and "<ins" in md  # P1 edited
    from assistant.knowledge import load_cached

    gad = load_cached().presentations["gad"].version
    assert f"source: knowledge gad v{gad} / gad.goal.worry" in md
    from assistant import intake as intake_mod
    from assistant.validation import validate

    shown = " ".join(texts(at, "warning"))
    plan = submitted["store"].get(submitted["sam"], submitted["plan_id"]).plan
    found = validate(plan, intake_mod.load(GAD)).findings
    assert found, "the submitted plan should carry at least one finding to show"
    assert all(f.rule in shown for f in found if f.severity == "warning")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Edited"] == "1" and metrics["Accepted"] == "1"
    assert at.button(key="rv_return").disabled  # no comment yet


def test_supervisor_returns_with_a_comment_and_the_clinician_sees_it(
    submitted: dict[str, Any],
) -> None:
    at = goto(sign_in(app(), "sam"), "review")
    at.button(key="rv_add.G1.O1").click().run()
    assert "Choose a reason for the comment." in texts(at, "error")
    at.selectbox(key="rv_reason.G1.O1").set_value("missing_baseline")
    at.button(key="rv_add.G1.O1").click().run()
    assert "Write what should change before adding the comment." in texts(at, "error")
    at.text_input(key="rv_text.G1.O1").input("Add the starting count from week 1.")
    at.button(key="rv_add.G1.O1").click().run()
    assert at.text_input(key="rv_text.G1.O1").value == ""  # ready for the next comment
    assert "Comment to send (Missing baseline): Add the starting count from week 1." in texts(
        at, "info"
    )
    at.button(key="rv_return").click().run()
    no_exceptions(at)
    assert any("returned to ana with 1 comment" in s for s in texts(at, "success"))
    store = submitted["store"]
    assert store.get(submitted["sam"], submitted["plan_id"]).status == "returned"

    at = goto(sign_in(app(), "ana"), "draft")
    at.button(key="draft_open_go").click().run()
    no_exceptions(at)
    assert "Supervisor (missing baseline): Add the starting count from week 1." in texts(at, "info")
    assert not at.button(key="draft_submit").disabled  # a returned plan can be sent again


def test_supervisor_approves(submitted: dict[str, Any]) -> None:
    at = goto(sign_in(app(), "sam"), "review")
    at.button(key="rv_approve").click().run()
    no_exceptions(at)
    assert any("approved" in s for s in texts(at, "success"))
    assert "No plans are waiting for your review." in texts(at, "info")


def test_clinicians_do_not_review(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    from assistant.ui import review_page

    at.session_state["user"] = accounts["ana"]
    assert review_page  # the page exists, but is not in a clinician's navigation
    goto(at, "review")
    assert "Review" not in texts(at, "title")


# ---------------------------------------------------------------- export


def test_export_offers_every_format_and_the_client_copy(submitted: dict[str, Any]) -> None:
    at = goto(sign_in(app(), "ana"), "export")
    no_exceptions(at)
    keys = {b.key for b in at.get("download_button")}
    assert keys == {f"ex_dl.{f}" for f in ("md", "docx", "pdf", "json", "fhir", "client")}
    assert any("not signed" in w for w in texts(at, "warning"))
    assert "Client copy" in texts(at, "subheader")
    assert any("Maren" in m for m in texts(at, "markdown"))


def test_export_with_no_plan_says_so(accounts: dict[str, Any]) -> None:
    at = goto(sign_in(app(), "ana"), "export")
    assert "There is no plan to export yet: draft one first." in texts(at, "info")


# ---------------------------------------------------------------- no traceback reaches the page


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        ("assistant", "Cannot reach the plan database (test)"),
        ("other", "Something went wrong inside the assistant"),
    ],
)
def test_errors_become_messages_not_tracebacks(
    accounts: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: Any, error: str, shown: str
) -> None:
    from assistant.errors import StoreError
    from assistant.ui import common

    at = sign_in(app(), "ana")

    def broken() -> Any:
        if error == "assistant":
            raise StoreError("cannot reach the plan database (test)")
        raise RuntimeError("Maren Holt MRN-20417 leaked?")

    monkeypatch.setattr(common, "store", broken)
    goto(at, "export")
    no_exceptions(at)
    assert any(shown in e for e in texts(at, "error"))
    assert "MRN-20417" not in caplog.text  # the log names the error type, never its text


def test_a_supervisor_adds_a_clinician_they_supervise(accounts: dict[str, Any]) -> None:
    at = goto(sign_in(app(), "sam"), "signin")
    at.text_input(key="new_username").input("lee")
    at.text_input(key="new_full_name").input("Lee Park")
    at.text_input(key="new_pw").input(PASSWORD)
    at.text_input(key="new_pw2").input(PASSWORD)
    next(b for b in at.button if b.label == "Add the clinician").click().run()
    no_exceptions(at)
    assert "Added lee; their plans will come to you for review." in texts(at, "success")
    lee = accounts["store"].accounts.get("lee")
    assert lee.role == "clinician" and lee.supervisor_id == accounts["sam"].id
    at.text_input(key="new_username").input("lee")
    at.text_input(key="new_pw").input(PASSWORD)
    at.text_input(key="new_pw2").input(PASSWORD)
    next(b for b in at.button if b.label == "Add the clinician").click().run()
    assert "The user name 'lee' is already taken" in texts(at, "error")
