"""The "Case facts" step, shown on the Draft page before a plan is drafted.

The facts are read once from the intake (:func:`assistant.facts.extract`); the clinician
confirms, corrects or removes each, and the confirmed set goes with the draft
(``TreatmentPlan.case_facts``) so the validator checks the plan against it. Text from the
intake is shown with ``st.text``/``st.code`` only, never rendered as markdown.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from assistant.errors import AssistantError
from assistant.facts import CaseFacts, extract
from assistant.facts.model import fact_kind
from assistant.facts.review import confirm, describe, remove
from assistant.text import escape_markdown

_KEY = "case_facts"
_FOR = "case_facts_for"
_FIXED = {"id", "source", "evidence", "confirmed"}


def _fingerprint(intake: Any) -> str:
    return hashlib.sha256(intake.model_dump_json().encode()).hexdigest()


def current(intake: Any) -> CaseFacts:
    """The case facts for ``intake`` as the clinician has left them (read on first use and
    again whenever the intake changes)."""
    ss = st.session_state
    mark = _fingerprint(intake)
    if ss.get(_FOR) != mark or _KEY not in ss:
        ss[_KEY] = extract(intake)
        ss[_FOR] = mark
    facts: CaseFacts = ss[_KEY]
    return facts


def attach(plan: Any, intake: Any) -> None:
    """Store the case facts, as confirmed on this page, with a newly drafted plan."""
    plan.case_facts = current(intake)


def _parse(raw: str, current_value: Any) -> Any:
    text = raw.strip()
    if isinstance(current_value, bool):
        return text.lower() in ("yes", "true", "y", "1")
    if isinstance(current_value, list):
        return [p.strip() for p in text.split(";") if p.strip()]
    if text == "" and current_value is None:
        return None
    return text


def _correct(fact: Any, n: int) -> None:
    fields = [f for f in type(fact).model_fields if f not in _FIXED]
    c1, c2, c3 = st.columns([2, 3, 1])
    field = c1.selectbox("Field", fields, key=f"facts_field_{n}")
    value = getattr(fact, field) if field else None
    shown = "; ".join(map(str, value)) if isinstance(value, list) else value
    raw = c2.text_input(
        "New value", value="" if shown is None else str(shown), key=f"facts_value_{n}_{field}"
    )
    if c3.button("Save", key=f"facts_save_{n}") and field:
        _apply(lambda f: confirm(f, fact.id, **{field: _parse(raw, value)}))


def _apply(change: Any) -> None:
    try:
        st.session_state[_KEY] = change(st.session_state[_KEY])
    except AssistantError as exc:
        st.error(escape_markdown(str(exc)))  # the message may quote intake text
        return
    st.rerun()


def section(intake: Any) -> None:
    """Show the case facts with the words they came from; confirm, correct or remove each."""
    facts = current(intake)
    shown = [f for f in facts.all_facts() if f.evidence]
    done = sum(f.confirmed for f in shown)
    box: Any = (
        st.expander("Case facts read from the intake")
        if "plan" in st.session_state
        else st.container(border=True)
    )
    with box:
        st.markdown("**Case facts**")
        st.caption(
            "What the assistant read from the intake. Check each one: the draft and the "
            f"checks use them. {done} of {len(shown)} confirmed."
        )
        if st.button("Confirm all", key="facts_confirm_all", disabled=done == len(shown)):
            out = facts
            for f in shown:
                if not f.confirmed:
                    out = confirm(out, f.id)
            _apply(lambda _: out)
        for n, fact in enumerate(shown):
            st.divider()
            st.text(f"{fact_kind(fact).replace('_', ' ')}: {describe(fact)}")
            quotes = [e.quote for e in fact.evidence if e.quote]
            if quotes:
                st.code("\n".join(quotes), language=None)
            b1, b2, _ = st.columns([1, 1, 4])
            if b1.button("Confirm", key=f"facts_confirm_{n}", disabled=fact.confirmed):
                _apply(lambda f, i=fact.id: confirm(f, i))
            if b2.button("Remove", key=f"facts_remove_{n}"):
                _apply(lambda f, i=fact.id: remove(f, i))
            with st.expander("Correct this fact"):
                _correct(fact, n)
