"""Inbox: what is waiting for the signed-in person: plans returned to them, plans awaiting
their review or signature, and signed plans due for review within two weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from assistant.text import escape_markdown as esc
from assistant.ui import common

DUE_WITHIN = dt.timedelta(days=14)


@dataclass
class Inbox:
    returned: list[Any] = field(default_factory=list)
    to_review: list[Any] = field(default_factory=list)
    to_sign: list[Any] = field(default_factory=list)
    due: list[tuple[Any, dt.date]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.returned) + len(self.to_review) + len(self.to_sign) + len(self.due)


def gather(me: Any, today: dt.date | None = None) -> Inbox:
    """What waits for ``me``. Review due dates come from the store's schedule (the payer
    profile's interval, or an earlier planned review, counted from signing)."""
    from assistant.store.review_due import due_reviews

    today = today or dt.date.today()
    store = common.store()
    box = Inbox()
    due = {
        d.plan_id: d
        for d in due_reviews(store, me, as_of=today, window_days=DUE_WITHIN.days)
        if d.state != "in_review"
    }
    for p in store.plans(me):
        mine = p.owner == me.username
        if mine and p.status == "returned":
            box.returned.append(p)
        elif not mine and p.status == "submitted":
            box.to_review.append(p)
        elif p.status == "approved":
            box.to_sign.append(p)
        elif p.status == "signed" and p.plan_id in due:
            box.due.append((p, due[p.plan_id].due))
    return box


def _row(p: Any, note: str = "") -> None:
    st.markdown(
        f"Plan {p.plan_id} · {esc(p.client_name)} · {esc(p.owner)} · version {p.version}"
        + (f" · {esc(note)}" if note else "")
    )


@common.guarded
def page() -> None:
    me = common.require_user()
    st.title("Inbox")
    common.show_flash()
    box = gather(me)
    if not len(box):
        st.info("Nothing is waiting for you.")
    sections = (
        ("Returned to you", box.returned, "draft", "Open it on the Draft page to fix and resend."),
        ("Awaiting your review", box.to_review, "review", ""),
        ("Awaiting a signature", box.to_sign, "draft" if me.role != "supervisor" else "review", ""),
    )
    for title, rows, page_name, hint in sections:
        if not rows:
            continue
        st.subheader(f"{title} ({len(rows)})")
        for p in rows:
            _row(p)
        if hint:
            st.caption(hint)
        common.page_link(page_name, f"Go to {page_name.capitalize()}", ":material/arrow_forward:")
    if box.due:
        st.subheader(f"Due for review ({len(box.due)})")
        for p, when in box.due:
            late = " (overdue)" if when < dt.date.today() else ""
            _row(p, f"review due {when.isoformat()}{late}")
        st.caption("Read each plan against its measures and store the review as a new version.")
        common.page_link("progress", "Go to Review progress", ":material/arrow_forward:")
