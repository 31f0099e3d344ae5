"""The app's entry: page set-up, navigation by role, and the guard around every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant import logs
from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.text import escape_markdown
from assistant.ui import common, workcopy

# Served by the app itself: the content-security policy allows no icon from elsewhere.
ICON = Path(__file__).resolve().parent / "icon.png"


def _pages(role: str | None) -> dict[str, st.Page]:
    from assistant.ui import (
        draft_page,
        export_page,
        history_page,
        inbox_page,
        intake_page,
        progress_page,
        review_page,
        signin_page,
    )

    signin = st.Page(
        signin_page.page,
        title="Sign in" if role is None else "Account",
        icon=":material/login:",
        url_path="signin",
        default=role is None,
    )
    if role is None:
        return {"signin": signin}
    pages = {
        "inbox": st.Page(inbox_page.page, title="Inbox", icon=":material/inbox:", url_path="inbox"),
        "intake": st.Page(
            intake_page.page,
            title="Intake",
            icon=":material/assignment:",
            url_path="intake",
            default=True,
        ),
        "draft": st.Page(
            draft_page.page, title="Draft", icon=":material/edit_note:", url_path="draft"
        ),
    }
    if role == "supervisor":
        pages["review"] = st.Page(
            review_page.page, title="Review", icon=":material/rate_review:", url_path="review"
        )
    pages["export"] = st.Page(
        export_page.page, title="Export", icon=":material/download:", url_path="export"
    )
    pages["progress"] = st.Page(
        progress_page.page, title="Review progress", icon=":material/trending_down:",
        url_path="progress",
    )  # fmt: skip
    pages["history"] = st.Page(
        history_page.page, title="History", icon=":material/history:", url_path="history"
    )
    pages["signin"] = signin
    return pages


def _waiting(me: object) -> bool:
    """Something is in the signed-in person's inbox (then sign-in opens it)."""
    from assistant.ui import inbox_page

    try:
        return bool(len(inbox_page.gather(me)))
    except Exception:  # the inbox is a convenience: sign-in goes on without it
        return False


def _sidebar() -> None:
    me = common.user()
    with st.sidebar:
        if me is None:
            st.caption("Not signed in.")
            return
        st.markdown(f"**{escape_markdown(me.display)}**  \n{me.role}")
        if st.button("Sign out", key="sidebar_signout", icon=":material/logout:"):
            common.store().accounts.logout(me)  # the address's token no longer signs in
            workcopy.forget()
            st.session_state.clear()
            st.rerun()
        st.caption("Drafts are suggestions for a licensed clinician to review and sign.")


def run() -> None:
    st.set_page_config(page_title="Treatment plan assistant", page_icon=str(ICON), layout="wide")
    logs.configure(get_settings().log_level)
    try:
        me = common.user()
        if me is None and (me := workcopy.resume()) is not None:  # a reload: same session
            st.session_state["user"] = me
            if workcopy.restore(me):
                common.flash("info", "Your work was put back as you left it.")
        if me is not None:
            workcopy.remember(me)
        pages = _pages(None if me is None else me.role)
        st.session_state["_pages"] = pages
        nav = st.navigation(list(pages.values()))
        if st.session_state.pop("_after_signin", False) and "intake" in pages:
            if workcopy.restore(me):
                common.flash("info", "Your unsaved work from last time was put back.")
            st.switch_page(pages["inbox"] if _waiting(me) else pages["intake"])
        _sidebar()
        nav.run()
        if me is not None and st.session_state.get("user") is not None:
            workcopy.autosave(me)
    except AssistantError as exc:  # e.g. the plan database cannot be reached: say so
        common.show_assistant_error(exc)
    except Exception as exc:  # never a traceback on the page
        common.report_unexpected(exc, "app")
