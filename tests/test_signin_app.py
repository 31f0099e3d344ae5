"""The app's side of signing in: idle sign-out, password change, the admin-only account form,
and audited downloads of stored plans (``AppTest``, a fresh SQLite store per test)."""

from __future__ import annotations

from typing import Any

from tests.test_app import PASSWORD, accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]  # fixtures used below


def test_the_app_signs_out_after_30_idle_minutes(accounts: dict[str, Any]) -> None:
    sessions = accounts["store"].accounts.sessions
    now = [5000.0]
    sessions.clock = lambda: now[0]
    try:
        at = sign_in(app(), "ana")
        assert texts(at, "title") == ["Intake"]
        now[0] += 29 * 60
        at.run()
        assert texts(at, "title") == ["Intake"], "29 minutes: still signed in"
        now[0] += 31 * 60
        at.run()
        no_exceptions(at)
        assert "user" not in at.session_state
        assert any("signed out after a time without activity" in t for t in texts(at, "info"))
    finally:
        import time

        sessions.clock = time.monotonic


def test_a_clinician_changes_their_password_in_the_app(accounts: dict[str, Any]) -> None:
    at = goto(sign_in(app(), "ana"), "signin")
    assert "Add a clinician you supervise" not in texts(at, "subheader"), "not an administrator"
    new = "a different long passphrase"
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input(new)
    at.text_input(key="pw_new2").input(new)
    next(b for b in at.button if b.label == "Change the password").click().run()
    no_exceptions(at)
    assert "Your password was changed." in texts(at, "success")
    assert accounts["store"].accounts.login("ana", new).username == "ana"


def test_downloads_of_a_stored_plan_are_audited(accounts: dict[str, Any]) -> None:
    from tests.store_fixtures import example_plan

    store, ana = accounts["store"], accounts["ana"]
    pid = store.create(ana, example_plan()).plan_id
    at = goto(sign_in(app(), "ana"), "export")
    no_exceptions(at)
    assert {b.key for b in at.get("download_button")} >= {"ex_dl.pdf", "ex_dl.md"}
    store.record_export(ana, pid, 1, "pdf")
    assert ("ana", "export", "pdf (app download)") in [
        (a.username, a.action, a.detail) for a in store.audit(ana, pid)
    ]
