"""Sign in with a store account; on first run, create the first account (no default password,
the administrator); change your password. Sessions end after the idle time (30 minutes)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.errors import AssistantError
from assistant.store.accounts import MIN_PASSWORD, ROLES
from assistant.text import escape_markdown
from assistant.ui import common


def _first_account() -> None:
    st.info(
        "There are no accounts yet. Create the first one: it can be a supervisor (who can then "
        "review plans) or a clinician, and it is the administrator who adds every other "
        "account. No default password exists."
    )
    with st.form("first_account"):
        username = st.text_input(
            "User name",
            key="first_username",
            help="2-40 lower-case letters, digits, '.', '_' or '-'.",
        )
        full_name = st.text_input("Full name (as on signatures)", key="first_full_name")
        credentials = st.text_input("Credentials (e.g. LCSW, PhD)", key="first_credentials")
        role = st.selectbox("Role", ROLES, index=1, key="first_role")
        pw = st.text_input(
            f"Password (at least {MIN_PASSWORD} characters)", type="password", key="first_pw"
        )
        pw2 = st.text_input("Password again", type="password", key="first_pw2")
        go = st.form_submit_button("Create the account and sign in", type="primary")
    if go:
        if pw != pw2:
            st.error("The two passwords are not the same: type them again.")
            return
        try:
            accounts = common.store().accounts
            accounts.init(
                username, pw, role=role, full_name=full_name, credentials=credentials or None
            )
            acc = accounts.login(username, pw)
        except AssistantError as exc:
            common.show_assistant_error(exc)
            return
        st.session_state["user"] = acc
        st.session_state["_after_signin"] = True
        common.flash("success", f"Account {acc.username} created; you are signed in.")
        st.rerun()


def _add_supervisee(me: Any) -> None:
    """An administrator who supervises adds a clinician they supervise (``user add``)."""
    st.subheader("Add a clinician you supervise")
    with st.form("add_clinician", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("User name", key="new_username")
        full_name = c2.text_input("Full name", key="new_full_name")
        credentials = c3.text_input("Credentials", key="new_credentials")
        c1, c2 = st.columns(2)
        pw = c1.text_input(
            f"First password (at least {MIN_PASSWORD} characters)", type="password", key="new_pw"
        )
        pw2 = c2.text_input("Password again", type="password", key="new_pw2")
        go = st.form_submit_button("Add the clinician")
    if go:
        if pw != pw2:
            st.error("The two passwords are not the same: type them again.")
            return
        try:
            acc = common.store().accounts.add(
                me,
                username,
                pw,
                role="clinician",
                full_name=full_name,
                credentials=credentials or None,
                supervisor=me.username,
            )
        except AssistantError as exc:
            common.show_assistant_error(exc)
            return
        st.success(
            f"Added {escape_markdown(acc.username)}; their plans will come to you for review."
        )
    mine = common.store().accounts.supervisees(me)
    if mine:
        st.caption("You supervise: " + ", ".join(escape_markdown(a.display) for a in mine))


def _change_password(me: Any) -> None:
    st.subheader("Change your password")
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password", key="pw_current")
        c1, c2 = st.columns(2)
        new = c1.text_input(
            f"New password (at least {MIN_PASSWORD} characters)", type="password", key="pw_new"
        )
        new2 = c2.text_input("New password again", type="password", key="pw_new2")
        go = st.form_submit_button("Change the password")
    if go:
        if new != new2:
            st.error("The two new passwords are not the same: type them again.")
            return
        try:
            common.store().accounts.change_password(me, current, new)
        except AssistantError as exc:
            common.show_assistant_error(exc)
            return
        st.success("Your password was changed.")


def _sign_in() -> None:
    with st.form("sign_in"):
        username = st.text_input("User name", key="signin_username")
        password = st.text_input("Password", type="password", key="signin_password")
        go = st.form_submit_button("Sign in", type="primary")
    if go:
        if not username.strip() or not password:
            st.error("Type your user name and password.")
            return
        try:
            acc = common.store().accounts.login(username, password)
        except AssistantError as exc:
            common.show_assistant_error(exc)
            return
        for k in list(st.session_state.keys()):
            if k not in ("_pages",):
                del st.session_state[k]
        st.session_state["user"] = acc
        st.session_state["_after_signin"] = True
        st.rerun()


@common.guarded
def page() -> None:
    st.title("Treatment plan assistant")
    st.caption(
        "Drafts are suggestions for a licensed clinician to review, change and sign; they are "
        "not clinical advice."
    )
    common.show_flash()
    me = common.user()
    if me is not None:
        st.success(f"Signed in as {escape_markdown(me.display)} ({me.role}).")
        if st.button("Sign out", key="signout"):
            common.store().accounts.logout(me)
            st.session_state.clear()
            st.rerun()
        if me.role == "supervisor" and me.is_admin:
            _add_supervisee(me)
        _change_password(me)
        return
    if not common.store().accounts.count():
        _first_account()
    else:
        _sign_in()
