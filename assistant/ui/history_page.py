"""History: a plan's versions, its audit trail, and any two versions side by side
(the app's face over ``plan history``, ``plan audit`` and :func:`assistant.plandiff.compare`)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant import plandiff
from assistant.text import escape_markdown as esc
from assistant.ui import common, items


def _compare(me: Any, plan_id: int, versions: list[int]) -> None:
    st.subheader("Compare two versions")
    c1, c2 = st.columns(2)
    a = c1.selectbox("From version", versions, index=max(0, len(versions) - 2), key="hist_a")
    b = c2.selectbox("To version", versions, index=len(versions) - 1, key="hist_b")
    if a is None or b is None:
        return
    if a == b:
        st.caption("Choose two different versions.")
        return
    store = common.store()
    before, after = store.get(me, plan_id, int(a)).plan, store.get(me, plan_id, int(b)).plan
    found = plandiff.compare(before, after)
    if not found:
        st.caption(f"Versions {a} and {b} say the same.")
        return
    for ch in found:
        with st.container(border=True):
            st.markdown(f"**{esc(ch.where)}** — {ch.what}")
            left, right = st.columns(2)
            left.caption(f"Version {a}")
            left.markdown(esc(ch.before) or "—")
            right.caption(f"Version {b}")
            right.markdown(
                items.word_diff(ch.before, ch.after)
                if ch.before and ch.after
                else esc(ch.after) or "—",
                unsafe_allow_html=True,
            )


@common.guarded
def page() -> None:
    me = common.require_user()
    st.title("History")
    rows = common.store().plans(me)
    if not rows:
        st.info("There are no stored plans yet.")
        return
    pick = st.selectbox(
        "Plan",
        rows,
        key="hist_pick",
        format_func=lambda p: f"Plan {p.plan_id} · {p.client_name} · {p.owner} · {p.status}",
    )
    if pick is None:
        return
    store = common.store()
    history = store.history(me, pick.plan_id)
    st.subheader("Versions")
    st.dataframe(
        [
            {
                "Version": v.version,
                "Status": v.status,
                "Saved by": v.saved_by,
                "Saved at (UTC)": f"{v.saved_at:%Y-%m-%d %H:%M}",
                "Note": v.note,
            }
            for v in history
        ],
        hide_index=True,
        use_container_width=True,
    )
    if len(history) > 1:
        _compare(me, pick.plan_id, [v.version for v in history])
    with st.expander("Audit trail"):
        st.dataframe(
            [
                {
                    "When (UTC)": f"{a.at:%Y-%m-%d %H:%M:%S}",
                    "Who": a.username,
                    "Action": a.action,
                    "Version": a.version,
                    "Detail": a.detail,
                }
                for a in store.audit(me, pick.plan_id)
            ],
            hide_index=True,
            use_container_width=True,
        )
