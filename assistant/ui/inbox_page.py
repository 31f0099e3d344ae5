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
    today = today or dt.date.today()
    store = common.store()
    box = Inbox()
    for p in store.plans(me):
        mine = p.owner == me.username
        if mine and p.status == "returned":
            box.returned.append(p)
        elif not mine and p.status == "submitted":
            box.to_review.append(p)
        elif p.status == "approved":
            box.to_sign.append(p)
        elif p.status == "signed":
            nxt = _next_review(store.get(me, p.plan_id).plan, today)
            if nxt is not None and nxt <= today + DUE_WITHIN:
                box.due.append((p, nxt))
    return box


def _next_review(plan: Any, today: dt.date) -> dt.date | None:
    dates = sorted(plan.timeline.review_dates)
    upcoming = [d for d in dates if d >= today - dt.timedelta(days=90)]
    return upcoming[0] if upcoming else None


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
            _row(p, f"review due {when.isoformat()}")
