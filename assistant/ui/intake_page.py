"""Intake page: a form for every ``treatment-intake/1`` field, or an uploaded intake JSON.

Checking is :func:`assistant.intake.parse` (the CLI's loader); its ``path: reason``
problems are shown next to the widget they concern. Assessments show the instrument's
range and the severity band while the clinician types.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from assistant import intake as intake_mod
from assistant import notices as notices_mod
from assistant.errors import IntakeError
from assistant.text import escape_markdown
from assistant.ui import common
from assistant.ui import intake_form as form
from assistant.ui.intake_sections import (
    S,
    assessments,
    baselines,
    context,
    date_box,
    diagnoses,
    errors,
    problems,
    text_box,
)

SI = ["not_assessed", "none", "passive", "active_without_plan", "active_with_plan"]
SH = ["not_assessed", "none", "past", "current"]
HI = ["not_assessed", "no", "yes"]
SETTINGS = [None, "outpatient", "intensive_outpatient", "partial_hospitalization", "telehealth"]
PAYERS = [None, "commercial", "medicaid", "medicare", "private_pay"]
WORDS = {
    "not_assessed": "Not assessed",
    "none": "None",
    "passive": "Passive",
    "active_without_plan": "Active, without plan",
    "active_with_plan": "Active, with plan",
    "past": "Past",
    "current": "Current",
    "no": "No",
    "yes": "Yes",
    None: "Not stated",
    "outpatient": "Outpatient",
    "intensive_outpatient": "Intensive outpatient",
    "partial_hospitalization": "Partial hospitalisation",
    "telehealth": "Telehealth",
    "commercial": "Commercial insurance",
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "private_pay": "Private pay",
}


def _word(v: Any) -> str:
    return WORDS.get(v, str(v))


def _defaults() -> None:
    ss = st.session_state
    me = common.user()
    ss.setdefault(form.P + "clinician.name", getattr(me, "full_name", "") or "")
    ss.setdefault(form.P + "clinician.credentials", getattr(me, "credentials", "") or "")
    ss.setdefault(form.P + "intake_date", dt.date.today())
    ss.setdefault(form.P + "client.date_of_birth", None)
    for k, v in (
        ("risk.suicidal_ideation", "not_assessed"),
        ("risk.self_harm", "not_assessed"),
        ("risk.homicidal_ideation", "not_assessed"),
        ("setting", None),
        ("payer", None),
    ):
        ss.setdefault(form.P + k, v)
    for section in form.LISTS:
        form.rows(ss, section)


def _upload() -> None:
    with st.expander("Upload an intake file (treatment-intake/1 JSON)", expanded=False):
        up = st.file_uploader("Intake JSON", type=["json"], key="intake_upload", max_upload_size=1)
        if up is not None and st.button("Load this file into the form", key="intake_upload_go"):
            if up.size > intake_mod.MAX_FILE_BYTES:  # checked here too, before reading it
                st.error(
                    f"{escape_markdown(up.name)} could not be used: it is {up.size / 2**20:.1f} MiB; "
                    "an intake file is at most 1 MiB."
                )
                return
            try:
                loaded = intake_mod.loads(up.getvalue())
            except IntakeError as exc:
                st.error(  # file names and problems quote what the file says
                    f"{escape_markdown(up.name)} could not be used:\n\n"
                    + "\n".join(f"- {escape_markdown(p)}" for p in exc.problems)
                )
                return
            form.fill(st.session_state, loaded)
            st.session_state["intake"] = loaded
            st.session_state["in_errors"] = {}
            st.session_state["in_checked"] = True
            common.flash("success", f"Loaded {up.name}: check the form, then go to Draft.")
            st.rerun()


def _client() -> None:
    st.subheader("Client and clinician")
    c1, c2, c3 = st.columns(3)
    with c1:
        text_box("Client name", "client.name")
        text_box("Pronouns", "client.pronouns")
    with c2:
        date_box("Date of birth", form.P + "client.date_of_birth", empty=False)
        text_box("Record number", "client.record_id")
    with c3:
        date_box("Intake date", form.P + "intake_date", empty=False)
    c1, c2, c3 = st.columns(3)
    with c1:
        text_box("Clinician name", "clinician.name")
    with c2:
        text_box("Credentials", "clinician.credentials")
    with c3:
        text_box("Licence number", "clinician.license_number")
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(
            "Setting", SETTINGS, key=form.P + "setting", format_func=_word, persist_state=S
        )
    with c2:
        st.selectbox("Payer", PAYERS, key=form.P + "payer", format_func=_word, persist_state=S)


def _risk() -> None:
    st.subheader("Risk")
    errors(form.section_key("risk"))
    c1, c2, c3 = st.columns(3)
    with c1:
        st.selectbox(
            "Suicidal ideation",
            SI,
            key=form.P + "risk.suicidal_ideation",
            format_func=_word,
            persist_state=S,
        )
    with c2:
        st.selectbox(
            "Self-harm", SH, key=form.P + "risk.self_harm", format_func=_word, persist_state=S
        )
    with c3:
        st.selectbox(
            "Homicidal ideation",
            HI,
            key=form.P + "risk.homicidal_ideation",
            format_func=_word,
            persist_state=S,
        )
    text_box("Risk notes", "risk.notes", area=True)


def _other() -> None:
    st.subheader("Strengths, goals and preferences")
    c1, c2, c3 = st.columns(3)
    with c1:
        text_box("Strengths (one a line)", "strengths", area=True)
    with c2:
        text_box("The client's goals, in their words (one a line)", "client_goals", area=True)
    with c3:
        text_box("Preferences (one a line)", "preferences", area=True)
    c1, c2, c3 = st.columns(3)
    with c1:
        text_box("Treatment history", "treatment_history", area=True)
    with c2:
        text_box("Medications", "medications", area=True)
    with c3:
        text_box("Other notes", "notes", area=True)


def _check(show: bool) -> None:
    """Parse the form; keep the problems for the inline messages."""
    ss = st.session_state
    try:
        ss["intake"] = intake_mod.parse(form.build(ss))
        ss["in_errors"] = {}
    except IntakeError as exc:
        ss.pop("intake", None)
        ss["in_errors"] = form.place(ss, exc.problems)
        if show:
            n = len(exc.problems)
            common.flash(
                "error",
                f"The intake has {n} problem{'s' if n != 1 else ''}: see the messages beside "
                "the fields.",
            )
    ss["in_checked"] = True


@common.guarded
def page() -> None:
    st.title("Intake")
    st.caption(
        "Everything the assessment found. Fields follow the treatment-intake/1 format; "
        "risk starts as not assessed."
    )
    _defaults()
    if st.session_state.get("in_checked"):
        _check(False)  # live: messages follow the fields as they are fixed
    common.show_flash()
    _upload()
    general = st.session_state.get("in_errors", {}).get(form.GENERAL, [])
    for msg in general:
        st.error(escape_markdown(msg))
    _client()
    problems()
    diagnoses()
    assessments()
    baselines()
    _risk()
    _other()
    context()
    st.divider()
    if st.button("Check and use this intake", key="intake_check", type="primary"):
        _check(True)
        if "intake" in st.session_state:
            common.flash("success", "The intake is complete. Go to Draft to write the plan.")
        st.rerun()
    current = st.session_state.get("intake")
    if current is not None:
        st.success("This intake is ready for drafting.", icon=":material/check_circle:")
        for n in notices_mod.notices(current):
            st.warning(escape_markdown(f"{n.path}: {n.message}"))  # notices quote the intake
        common.page_link("draft", "Go to Draft", ":material/edit_note:")
