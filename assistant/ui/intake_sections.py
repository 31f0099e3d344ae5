"""Intake form pieces shared by the Intake page: inline errors, text boxes, list rows, and
the diagnosis, assessment and baseline sections (with the live range check)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import streamlit as st

from assistant import codes, instruments, notices
from assistant.text import escape_markdown
from assistant.ui import common
from assistant.ui import intake_form as form

S: Final = "session"  # widgets keep their value across page switches
MIN_DATE = dt.date(1900, 1, 1)


@st.cache_data(show_spinner="Searching the ICD-10-CM code set…", max_entries=256)
def _search_codes(text: str) -> list[tuple[str, str]]:
    return [(c.code, c.title) for c in codes.search(text, limit=25)]


def errors(key: str) -> None:
    for msg in st.session_state.get("in_errors", {}).get(key, []):
        st.error(escape_markdown(msg), icon=":material/error:")


def text_box(label: str, key: str, *, area: bool = False, help: str | None = None) -> None:
    k = form.P + key
    if area:
        st.text_area(label, key=k, help=help, height=80, persist_state=S)
    else:
        st.text_input(label, key=k, help=help, persist_state=S)
    errors(k)


def date_box(
    label: str, full_key: str, *, latest: dt.date | None = None, empty: bool = True
) -> None:
    """A date field (YYYY-MM-DD, up to today or ``latest``) and its errors; it starts empty,
    or on today's date when not ``empty``."""
    st.date_input(
        label,
        key=full_key,
        value=None if empty else "today",
        min_value=MIN_DATE,
        max_value=latest or dt.date.today(),
        format="YYYY-MM-DD",
        persist_state=S,
    )
    errors(full_key)


def row_header(section: str, row: int, title: str) -> None:
    c1, c2 = st.columns([5, 1])
    c1.markdown(f"**{title}**")
    c2.button(
        "Remove",
        key=f"rm.{section}.{row}",
        on_click=common.guarded(form.remove_row),
        args=(st.session_state, section, row),
        icon=":material/delete:",
    )


def add_button(section: str, label: str) -> None:
    st.button(
        label,
        key=f"add.{section}",
        on_click=common.guarded(_add),
        args=(section,),
        icon=":material/add:",
    )


def _add(section: str) -> None:
    form.add_row(st.session_state, section)


def problems() -> None:
    st.subheader("Presenting problems")
    errors(form.section_key("presenting_problems"))
    for n, r in enumerate(form.rows(st.session_state, "presenting_problems"), 1):
        with st.container(border=True):
            row_header("presenting_problems", r, f"Problem {n}")
            k = form.row_key("presenting_problems", r, "")[len(form.P) :]
            text_box("Summary (your description)", k + "summary", area=True)
            c1, c2 = st.columns(2)
            with c1:
                text_box("Duration", k + "duration")
                text_box("Symptoms (one a line)", k + "symptoms", area=True)
            with c2:
                text_box("In the client's words", k + "client_words")
                text_box("Impact on daily life (one a line)", k + "functional_impact", area=True)
    add_button("presenting_problems", "Add a problem")


def diagnoses() -> None:
    st.subheader("Diagnoses (ICD-10-CM)")
    errors(form.section_key("diagnoses"))
    c1, c2 = st.columns([2, 3])
    with c1:
        query = st.text_input(
            "Find a code by code or words",
            key="dx_search",
            placeholder="e.g. F41.1 or generalized anxiety",
        )
    found = _search_codes(query) if query and query.strip() else []
    with c2:
        if query and not found:
            st.info("No billable code matches those words. Try fewer or other words, or the code.")
        if found:
            pick = st.selectbox(
                "Matching codes",
                found,
                key="dx_pick",
                format_func=lambda c: f"{c[0]} {c[1]}",
            )
            if st.button("Add this diagnosis", key="dx_add", icon=":material/add:") and pick:
                ss = st.session_state
                empty = [
                    r
                    for r in form.rows(ss, "diagnoses")
                    if not (ss.get(form.row_key("diagnoses", r, "code")) or "").strip()
                ]
                r = empty[0] if empty else form.add_row(ss, "diagnoses")
                ss[form.row_key("diagnoses", r, "code")] = pick[0]
                ss[form.row_key("diagnoses", r, "label")] = pick[1]
                ss[form.row_key("diagnoses", r, "primary")] = len(form.rows(ss, "diagnoses")) == 1
                st.rerun()
    for n, r in enumerate(form.rows(st.session_state, "diagnoses"), 1):
        with st.container(border=True):
            row_header("diagnoses", r, f"Diagnosis {n}")
            c1, c2, c3 = st.columns([1, 3, 1])
            k = form.row_key("diagnoses", r, "")[len(form.P) :]
            with c1:
                text_box("Code", k + "code")
            with c2:
                text_box("Label", k + "label")
            with c3:
                st.checkbox("Primary", key=form.row_key("diagnoses", r, "primary"), persist_state=S)
            code = st.session_state.get(form.row_key("diagnoses", r, "code")) or ""
            info = codes.lookup(code) if code.strip() else None
            if code.strip() and info is None:
                st.warning(f"{code} is not an ICD-10-CM code. Use the search above to find it.")
            elif info is not None:
                note = "" if info.billable else " (a category heading: pick a specific code)"
                st.caption(f"{info.code}: {info.title}{note}")
    add_button("diagnoses", "Add a diagnosis row")


def _instrument_names() -> list[str]:
    return [i.id for i in instruments.all_instruments() if not i.categorical]


def assessments() -> None:
    st.subheader("Assessments")
    errors(form.section_key("assessments"))
    names = _instrument_names()
    for n, r in enumerate(form.rows(st.session_state, "assessments"), 1):
        with st.container(border=True):
            row_header("assessments", r, f"Assessment {n}")
            c1, c2, c3 = st.columns(3)
            ik = form.row_key("assessments", r, "instrument")
            sk = form.row_key("assessments", r, "score")
            dk = form.row_key("assessments", r, "date")
            with c1:
                st.selectbox(
                    "Instrument",
                    names,
                    index=None,
                    key=ik,
                    accept_new_options=True,
                    placeholder="Choose or type a name",
                    persist_state=S,
                )
                errors(ik)
            with c2:
                st.number_input("Score", key=sk, value=None, step=1, persist_state=S)
                errors(sk)
            with c3:
                date_box("Date", dk)
            range_check(st.session_state.get(ik), st.session_state.get(sk))
    add_button("assessments", "Add an assessment")


def range_check(name: str | None, score: float | None) -> None:
    """The instrument's range and the severity band for the score, as it is typed."""
    if not name:
        return
    inst = instruments.get(name)
    if inst is None:
        st.caption(escape_markdown(notices.instrument_notice(name) or name))
        return
    if inst.categorical:
        st.warning(f"{inst.id} gives a risk category, not a score: record it under Risk.")
        return
    if score is None:
        st.caption(f"{inst.id} scores run {inst.range_text}.")
        return
    if not inst.in_range(score):
        st.error(f"{inst.id} scores run {inst.range_text}; {score:g} is outside that range.")
        return
    band = inst.band(score)
    st.success(
        f"{inst.id} {score:g} of {inst.range_text}" + (f": **{band}**" if band else ""),
        icon=":material/check:",
    )


def baselines() -> None:
    st.subheader("Behavioural baselines")
    st.caption("Counts the client or a log gives, e.g. panic attacks: 4-5 per week (panic log).")
    for n, r in enumerate(form.rows(st.session_state, "baselines"), 1):
        with st.container(border=True):
            row_header("baselines", r, f"Baseline {n}")
            k = form.row_key("baselines", r, "")[len(form.P) :]
            c1, c2, c3, c4 = st.columns(4)
            with c1:
                text_box("What is counted", k + "measure")
            with c2:
                text_box("Figure or range", k + "value")
            with c3:
                text_box("Unit", k + "unit")
            with c4:
                text_box("Source", k + "source")
    add_button("baselines", "Add a baseline")


SUBSTANCE_STATUS = [None, "current_use", "abstinent"]
WITHDRAWAL = [None, "none", "history", "current_signs", "unknown"]
MANDATED = [None, "yes", "no"]
CONTEXT_WORDS = {
    None: "Not stated",
    "current_use": "Current use",
    "abstinent": "Abstinent",
    "none": "None",
    "history": "History of withdrawal",
    "current_signs": "Signs of withdrawal now",
    "unknown": "Unknown",
    "yes": "Yes",
    "no": "No",
}


def _ctx_word(v: object) -> str:
    return CONTEXT_WORDS.get(v, str(v))  # type: ignore[call-overload]


def context_choice(label: str, full_key: str, options: list[str | None]) -> None:
    """A circumstance picked from ``options`` in plain words ("Not stated" for none)."""
    st.selectbox(label, options, key=full_key, format_func=_ctx_word, persist_state=S)
    errors(full_key)


def context() -> None:
    """The optional ``context`` block: circumstances the plan must fit (all optional)."""
    st.subheader("Circumstances")
    st.caption(
        "Optional. What you record here shapes the draft: work goals only for someone who "
        "works, a court deadline bounds the timeline, abstinence means relapse prevention."
    )
    errors(form.section_key("context"))
    c1, c2 = st.columns(2)
    with c1:
        text_box("Occupation", "context.occupation", help="e.g. employed as a nurse, retired")
    with c2:
        text_box(
            "Caregivers (for a minor)",
            "context.caregivers",
            help="Who consents, who attends, what is shared with them",
        )
    st.markdown("**Legal or mandated treatment**")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        context_choice("Mandated", form.P + "context.legal.mandated", MANDATED)
    with c2:
        text_box("Referred by", "context.legal.referred_by", help="e.g. drug court, employer")
    with c3:
        date_box(
            "Deadline",
            form.P + "context.legal.deadline",
            latest=dt.date.today() + dt.timedelta(days=5 * 366),
        )
    with c4:
        text_box(
            "Release scope",
            "context.legal.release_scope",
            help="What the client agreed may be shared, e.g. attendance and discharge summary",
        )
    substances()
    c1, c2 = st.columns(2)
    with c1:
        text_box(
            "Safety steps already taken (one a line)",
            "context.safety_steps_taken",
            area=True,
            help="e.g. safety plan written at intake; firearm removed from the home",
        )
    with c2:
        text_box(
            "Risk to others (one a line)",
            "context.risk_to_others",
            area=True,
            help="e.g. drives after drinking",
        )


def substances() -> None:
    st.markdown("**Substance use status**")
    errors(form.section_key("substance_status"))
    for n, r in enumerate(form.rows(st.session_state, "substance_status"), 1):
        with st.container(border=True):
            row_header("substance_status", r, f"Substance {n}")
            k = form.row_key("substance_status", r, "")[len(form.P) :]
            c1, c2, c3, c4 = st.columns(4)
            with c1:
                text_box("Substance", k + "substance")
            with c2:
                context_choice("Status", form.P + k + "status", SUBSTANCE_STATUS)
            with c3:
                date_box("Since", form.P + k + "since")
            with c4:
                context_choice("Withdrawal", form.P + k + "withdrawal", WITHDRAWAL)
    add_button("substance_status", "Add a substance")
