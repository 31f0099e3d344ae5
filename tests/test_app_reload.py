"""Work is never lost: a reload keeps the session (its token in the address) and puts back
the draft with its unsaved edits and the half-typed intake (``AppTest``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.store_fixtures import example_plan
from tests.test_app import (
    APP,
    TIMEOUT,
    accounts,
    app,
    data_dir,
    goto,
    no_exceptions,
    sign_in,
    texts,
)
from tests.test_app_editing import item_key

__all__ = ["accounts", "data_dir"]


def _reload(token: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = token
    at.run()
    return goto(at, page)


def test_a_reload_mid_draft_loses_nothing(accounts: dict[str, Any], data_dir: Path) -> None:
    accounts["store"].create(accounts["ana"], example_plan())
    at = goto(sign_in(app(), "ana"), "draft")
    token = at.query_params["s"]
    assert token
    at.button(key="draft_open_go").click().run()
    at.text_input(key=item_key(at, "obj-1-1", "target")).input("8")
    at.button(key=item_key(at, "obj-1-1", "edit")).click().run()
    no_exceptions(at)
    assert at.session_state["dirty"]
    working = list((data_dir / "working").glob("*.json"))
    assert len(working) == 1 and oct(working[0].stat().st_mode & 0o777) == "0o600"
    assert b"ana" not in working[0].name.encode()  # no user name in the file name

    again = _reload(token, "draft")
    no_exceptions(again)
    assert again.session_state["user"].username == "ana"
    assert texts(again, "title") == ["Draft"]
    plan = again.session_state["plan"]
    assert plan.objective("obj-1-1").target.value == 8  # the unsaved edit is back
    assert again.session_state["dirty"] and again.session_state["plan_id"] == 1


def test_a_reload_keeps_the_half_typed_intake(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    token = at.query_params["s"]
    at.text_input(key="in.client.name").input("Maren Holt").run()
    at.text_area(key="in.pp.0.summary").input("Worry most days for a year.").run()
    again = _reload(token, "intake")
    no_exceptions(again)
    assert again.text_input(key="in.client.name").value == "Maren Holt"
    assert again.text_area(key="in.pp.0.summary").value == "Worry most days for a year."


def test_an_ended_or_unknown_token_does_not_sign_in(accounts: dict[str, Any]) -> None:
    at = _reload("not-a-token", "draft")
    no_exceptions(at)
    assert "user" not in at.session_state
    at = sign_in(app(), "ana")
    token = at.query_params["s"]
    at.button(key="sidebar_signout").click().run()
    again = _reload(token, "draft")
    assert "user" not in again.session_state


def test_a_plan_with_nothing_unsaved_reopens_as_it_now_stands(accounts: dict[str, Any]) -> None:
    store, ana = accounts["store"], accounts["ana"]
    saved = store.create(ana, example_plan())
    at = goto(sign_in(app(), "ana"), "draft")
    token = at.query_params["s"]
    at.button(key="draft_open_go").click().run()
    assert not at.session_state["dirty"]
    moved = store.submit(ana, saved.plan_id)  # the stored plan moves on elsewhere
    again = _reload(token, "draft")
    no_exceptions(again)
    assert again.session_state["plan_version"] == moved.version
    assert again.session_state["plan"].status == "submitted"
