"""The Draft page's editor for the plan's timeline (sessions, frequency, length, review
dates, discharge criteria) and its safety section (risk level, summary, actions).

The changes go through :func:`assistant.planedit.set_timeline` and
:func:`assistant.planedit.set_safety`; a refusal is shown beside the Save button.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

import streamlit as st

from assistant import planedit
from assistant.errors import AssistantError
from assistant.plan import RiskLevel
from assistant.ui import common

RISK_LEVELS = list(typing.get_args(RiskLevel))


def _lines(text: str) -> list[str]:
    return [" ".join(x.split()) for x in text.splitlines() if x.strip()]


def _dates(text: str) -> list[dt.date]:
    out = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(dt.date.fromisoformat(part))
        except ValueError:
            raise AssistantError(
                f"Timeline: review dates: '{part}' is not a date: write it as YYYY-MM-DD"
            ) from None
    return out


def editor(plan: Any, by: str | None) -> None:
    g = common.gen()
    t = plan.timeline
    with st.expander("Edit the timeline and discharge criteria"):
        c1, c2, c3 = st.columns(3)
        lo = c1.number_input(
            "Sessions, at least", 1, 400, t.estimated_sessions_min, key=f"tl.lo.{g}"
        )
        hi = c2.number_input(
            "Sessions, at most", 1, 400, t.estimated_sessions_max, key=f"tl.hi.{g}"
        )
        weeks = c3.number_input("Length in weeks", 1, 260, t.estimated_weeks, key=f"tl.wk.{g}")
        freq = st.text_input("Session frequency", t.session_frequency or "", key=f"tl.fq.{g}")
        dates = st.text_input(
            "Review dates (YYYY-MM-DD, separated by commas)",
            ", ".join(d.isoformat() for d in t.review_dates),
            key=f"tl.rd.{g}",
            help="They move with the signing day when the plan is signed.",
        )
        criteria = st.text_area(
            "Discharge criteria (one a line)",
            "\n".join(t.discharge_criteria),
            key=f"tl.dc.{g}",
            height=140,
        )
        if st.button("Save the timeline", key=f"tl.go.{g}", icon=":material/save:"):
            common.apply_edit(
                lambda: planedit.set_timeline(
                    plan,
                    sessions_min=lo,
                    sessions_max=hi,
                    weeks=weeks,
                    frequency=freq,
                    review_dates=_dates(dates),
                    discharge_criteria=_lines(criteria),
                ),
                "Timeline saved",
            )
    s = plan.safety
    with st.expander("Edit the safety section"):
        level = st.selectbox(
            "Risk level",
            RISK_LEVELS,
            index=RISK_LEVELS.index(s.risk_level) if s else 0,
            key=f"sf.lv.{g}",
            format_func=lambda v: str(v).replace("_", " "),
        )
        summary = st.text_area("Summary", s.summary if s else "", key=f"sf.sm.{g}", height=120)
        actions = st.text_area(
            "Safety actions (one a line)",
            "\n".join(s.actions) if s else "",
            key=f"sf.ac.{g}",
            height=120,
        )
        if st.button("Save the safety section", key=f"sf.go.{g}", icon=":material/save:"):
            common.apply_edit(
                lambda: planedit.set_safety(
                    plan, risk_level=str(level), summary=summary, actions=_lines(actions)
                ),
                "Safety section saved",
            )
