"""What a supervisor needs beside the items on the Review page: the whole plan (diagnoses,
risk and safety, timeline, discharge, baselines and targets), the previous round's
comments, and what changed since the last submission (:func:`assistant.plandiff.compare`)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant import plandates, plandiff, planedit
from assistant.text import escape_markdown as esc
from assistant.ui import items


def whole_plan(plan: Any) -> None:
    st.subheader("The whole plan")
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Diagnoses**")
        for d in plan.diagnoses:
            role = "primary" if d.primary else "secondary"
            st.markdown(f"- {esc(d.code)} {esc(d.label)} ({role})")
        if not plan.diagnoses:
            st.caption("No diagnosis recorded.")
        t = plan.timeline
        st.markdown("**Timeline**")
        st.markdown(esc(plandiff.timeline_text(plan)))
        st.markdown("**Discharge criteria**")
        for c in t.discharge_criteria:
            st.markdown(f"- {items.highlighted(c)}", unsafe_allow_html=True)
        if not t.discharge_criteria:
            st.caption("None written.")
    with c2:
        st.markdown("**Risk and safety**")
        s = plan.safety
        if s is None:
            st.warning("No safety section.")
        else:
            st.markdown(
                f"Suicidal ideation: {esc(s.suicidal_ideation.replace('_', ' '))} · self-harm: "
                f"{esc(s.self_harm.replace('_', ' '))} · harm to others: "
                f"{esc(s.homicidal_ideation.replace('_', ' '))} · risk level: "
                f"**{esc(s.risk_level.replace('_', ' '))}**"
            )
            st.markdown(items.highlighted(s.summary), unsafe_allow_html=True)
            for a in s.actions:
                st.markdown(f"- {items.highlighted(a)}", unsafe_allow_html=True)
    table(plan)


def table(plan: Any) -> None:
    """One row per objective with its parts."""
    start = plandates.start(plan)
    rows = []
    for _, _, o in plan.objectives():
        b, t = o.baseline, o.target
        rows.append(
            {
                "Where": planedit.label(plan, o.id),
                "Measures": o.metric or "—",
                "Baseline": (b.text if b else "—")
                + (f" ({b.date.isoformat()})" if b and b.date else ""),
                "Baseline source": (b.source if b else "") or "—",
                "Target": t.text if t else "—",
                "Timeframe": plandates.timeframe_text(o, start),
                "Measured by": o.measurement or "—",
                "Review": o.provenance.authorship,
            }
        )
    st.markdown("**Baselines and targets**")
    if rows:
        st.dataframe(rows, hide_index=True, use_container_width=True)
    else:
        st.caption("No objectives.")


def previous_comments(comments: list[Any]) -> None:
    if not comments:
        return
    with st.expander(f"Your comments from the last round ({len(comments)})", expanded=True):
        for c in comments:
            where = c.item_id or "the whole plan"
            st.markdown(
                f"- {esc(where)} · {esc(c.reason.replace('_', ' '))}: {esc(c.comment)} "
                f"<small>({esc(c.author)})</small>",
                unsafe_allow_html=True,
            )


def last_submission(history: list[Any], current: int) -> int | None:
    """The version sent for review before the current one (None on a first submission)."""
    earlier = [v.version for v in history if v.status == "submitted" and v.version < current]
    return max(earlier) if earlier else None


def changes(before: Any, after: Any, title: str) -> None:
    found = plandiff.compare(before, after)
    st.subheader(title)
    if not found:
        st.caption("Nothing changed.")
        return
    for ch in found:
        with st.container(border=True):
            st.markdown(f"**{esc(ch.where)}** — {ch.what}")
            if ch.what == "changed":
                st.markdown(items.word_diff(ch.before, ch.after), unsafe_allow_html=True)
            else:
                st.markdown(esc(ch.after or ch.before))
