"""Review page (supervisors): the queue of submitted plans; per item the suggestion, the
current text, the diff, provenance and findings; comments with reason codes; approve or
return. Everything goes through the plan store, as ``plan review|return|approve`` do."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant import review
from assistant.errors import AssistantError
from assistant.store import ReviewNote
from assistant.text import escape_markdown as esc
from assistant.ui import common, items, review_context

REASON_WORDS = {
    "vague_objective": "Vague objective",
    "missing_baseline": "Missing baseline",
    "missing_target": "Missing target",
    "wrong_intervention": "Wrong intervention",
    "diagnosis": "Diagnosis",
    "safety": "Safety",
    "other": "Other",
}


def _loaded(me: Any, plan_id: int, version: int) -> Any:
    """The stored plan, read once per version (each read is written to the audit log)."""
    ss = st.session_state
    cached = ss.get("rv_loaded")
    if cached is None or (cached.plan_id, cached.version) != (plan_id, version):
        cached = common.store().get(me, plan_id)
        ss["rv_loaded"] = cached
        ss["rv_notes"] = []
    return cached


def _add_note(item_ref: str) -> None:
    """Move the typed comment into the list to send, and clear the boxes (a callback, so
    the boxes can still be changed)."""
    ss = st.session_state
    reason, text = ss.get(f"rv_reason.{item_ref}"), (ss.get(f"rv_text.{item_ref}") or "").strip()
    problems = ss.setdefault("rv_note_problem", {})
    if reason is None:
        problems[item_ref] = "Choose a reason for the comment."
    elif not text:
        problems[item_ref] = "Write what should change before adding the comment."
    else:
        problems.pop(item_ref, None)
        ss.setdefault("rv_notes", []).append(ReviewNote(item_ref, str(reason), text))
        ss[f"rv_reason.{item_ref}"] = None
        ss[f"rv_text.{item_ref}"] = ""


def _note_form(item_ref: str, label: str) -> None:
    for note in st.session_state.get("rv_notes", []):
        if note.item == item_ref:
            st.info(
                f"Comment to send ({esc(REASON_WORDS.get(note.reason, note.reason))}): "
                f"{esc(note.comment)}",
                icon=":material/rate_review:",
            )
    c1, c2, c3 = st.columns([2, 5, 1.3])
    c1.selectbox(
        "Reason",
        list(REASON_WORDS),
        index=None,
        placeholder="Reason…",
        key=f"rv_reason.{item_ref}",
        format_func=lambda r: REASON_WORDS.get(r, r),
        label_visibility="collapsed",
    )
    c2.text_input(
        "Comment",
        key=f"rv_text.{item_ref}",
        placeholder=f"Comment on {label}",
        label_visibility="collapsed",
    )
    c3.button(
        "Add comment",
        key=f"rv_add.{item_ref}",
        on_click=common.guarded(_add_note),
        args=(item_ref,),
    )
    problem = st.session_state.get("rv_note_problem", {}).get(item_ref)
    if problem:
        st.error(problem)


def _item(v: Any) -> None:
    with st.container(border=True, key=f"rv-{v.item_id.replace('.', '-')}"):
        label, colour = items.BADGE[v.authorship]
        st.markdown(
            f"**{v.kind.capitalize()} {v.item_id}** &nbsp; :{colour}-badge[{label}] &nbsp; "
            f"<small>source: {esc(v.provenance)}</small>",
            unsafe_allow_html=True,
        )
        st.markdown(items.highlighted(v.current), unsafe_allow_html=True)
        if v.diff and v.suggestion is not None:
            st.markdown(
                "<small>Changed from the suggestion:</small><br>"
                + items.word_diff(v.suggestion, v.current),
                unsafe_allow_html=True,
            )
            with st.expander("Line diff"):
                st.code(v.diff, language="diff")
        elif v.suggestion is None:
            st.caption("Written by the clinician (no suggestion).")
        items.show_findings(v.findings)
        _note_form(v.item_id, v.item_id)


def _pending(me: Any, stored: Any) -> None:
    notes: list[ReviewNote] = st.session_state.get("rv_notes", [])
    st.subheader("Decision")
    st.markdown("**Comment on the whole plan**")
    _note_form("plan", "the whole plan")
    if notes:
        st.markdown(f"**Comments to send ({len(notes)})**")
        for n, note in enumerate(notes):
            c1, c2 = st.columns([6, 1])
            c1.markdown(
                f"- {esc(note.item)} · {REASON_WORDS.get(note.reason, note.reason)}: "
                f"{esc(note.comment)}"
            )
            if c2.button("Remove", key=f"rv_rm.{n}"):
                notes.pop(n)
                st.rerun()
    c1, c2 = st.columns(2)
    try:
        if c1.button(
            f"Return to the clinician ({len(notes)} comment{'s' if len(notes) != 1 else ''})",
            key="rv_return",
            icon=":material/undo:",
            disabled=not notes,
        ):
            done = common.store().return_plan(
                me, stored.plan_id, notes, expected_version=stored.version
            )
            _finish(f"Plan {done.plan_id} returned to {done.owner} with {len(notes)} comment(s).")
        if c2.button(
            "Approve",
            key="rv_approve",
            type="primary",
            icon=":material/verified:",
            disabled=bool(notes),  # comments waiting to be sent: return, or remove them
        ):
            done = common.store().approve(me, stored.plan_id, expected_version=stored.version)
            _finish(f"Plan {done.plan_id} approved. {done.owner} can now sign it.")
    except AssistantError as exc:
        common.show_assistant_error(exc, stored.plan)
    if not notes:
        c1.caption("Add at least one comment to return the plan.")
    else:
        c2.caption("Approve is off while comments are waiting: return the plan, or remove them.")


def _finish(message: str) -> None:
    for k in ("rv_loaded", "rv_notes", "rv_pick", "rv_note_problem"):
        st.session_state.pop(k, None)
    common.flash("success", message)
    st.rerun()


def _sign_approved(me: Any, rows: list[Any]) -> None:
    waiting = [p for p in rows if p.status == "approved" and p.owner != me.username]
    if not waiting:
        return
    with st.expander(f"Approved plans waiting for signatures ({len(waiting)})"):
        for p in waiting:
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"Plan {p.plan_id} · {esc(p.client_name)} · {esc(p.owner)}")
            if c2.button("Sign", key=f"rv_sign.{p.plan_id}"):
                try:
                    s = common.store().sign(me, p.plan_id, expected_version=p.version)
                except AssistantError as exc:
                    common.show_assistant_error(exc)
                else:
                    common.flash("success", f"Plan {s.plan_id} signed as supervisor ({s.status}).")
                    st.rerun()


@common.guarded
def page() -> None:
    me = common.require_user()
    st.title("Review")
    common.show_flash()
    if me.role != "supervisor":
        st.warning("Only supervisors review plans. Your submitted plans wait here for yours.")
        return
    rows = common.store().plans(me)
    queue = [p for p in rows if p.status == "submitted" and p.owner != me.username]
    _sign_approved(me, rows)
    if not queue:
        st.info("No plans are waiting for your review.")
        return
    pick = st.selectbox(
        f"Submitted plans ({len(queue)})",
        queue,
        key="rv_pick",
        format_func=lambda p: (
            f"Plan {p.plan_id} · {p.client_name} · from {p.owner} · version {p.version}"
        ),
    )
    if pick is None:
        return
    stored = _loaded(me, pick.plan_id, pick.version)
    plan = stored.plan
    findings = common.store().findings(plan, plan_id=pick.plan_id)
    views = review.view(plan, findings)
    counts = review.counts(plan)
    c = st.columns(5)
    c[0].metric("Errors", sum(1 for f in findings if f.severity == "error"))
    c[1].metric("Warnings", sum(1 for f in findings if f.severity != "error"))
    c[2].metric("Accepted", counts.accepted)
    c[3].metric("Edited", counts.edited)
    c[4].metric("Not reviewed / rejected", f"{counts.pending} / {counts.rejected}")
    st.caption(
        f"{esc(plan.header.client_name)} · clinician {esc(plan.header.clinician_name)} "
        f"· saved by {esc(stored.saved_by)} at {stored.saved_at:%Y-%m-%d %H:%M} UTC"
    )
    review_context.previous_comments(common.store().comments(me, pick.plan_id))
    since = review_context.last_submission(common.store().history(me, pick.plan_id), stored.version)
    if since is not None:
        before = common.store().get(me, pick.plan_id, since).plan
        review_context.changes(
            before, plan, f"What changed since the last submission (version {since})"
        )
    review_context.whole_plan(plan)
    st.subheader("Items")
    for v in views:
        _item(v)
    _pending(me, stored)
