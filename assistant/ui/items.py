"""One plan item on the Draft page: its text to edit, provenance, findings and actions.

Accept, edit and reject go through ``assistant.review`` (the same functions as the
CLI); figures and alternatives through :mod:`assistant.ui.edits`. Objective wording is
re-linted with :func:`assistant.validation.lint_objective` while the clinician types.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import streamlit as st

from assistant import review
from assistant.errors import AssistantError
from assistant.plan import PLACEHOLDER, Objective, TreatmentPlan
from assistant.text import escape_markdown as esc
from assistant.ui import common, edits, plan_editor
from assistant.validation import lint_objective
from assistant.validation.report import Finding, Report

KIND = {
    "problem": "Problem",
    "goal": "Goal",
    "objective": "Objective",
    "intervention": "Intervention",
}
BADGE = {
    "suggested": ("Suggested: not reviewed yet", "orange"),
    "accepted": ("Accepted", "green"),
    "edited": ("Edited", "blue"),
    "written": ("Written by clinician", "violet"),
    "rejected": ("Rejected: left out of exports", "gray"),
}
PARTS = ("metric", "baseline", "target", "timeframe", "measurement")


def key(item_id: str, part: str) -> str:
    rev = st.session_state.setdefault("rev", {}).get(item_id, 0)
    return f"ed.{common.gen()}.{rev}.{item_id}.{part}"


def bump(item_id: str) -> None:
    """New widget keys for one item, so its boxes show the plan's new text."""
    revs = st.session_state.setdefault("rev", {})
    revs[item_id] = revs.get(item_id, 0) + 1


def highlighted(text: str) -> str:
    """The text as HTML with each placeholder marked; nothing in it can render as an image,
    link or tag."""
    out, last = [], 0
    for m in PLACEHOLDER.finditer(text):
        out.append(esc(text[last : m.start()]))
        out.append(
            '<mark style="background:#ffd666;padding:0 2px;border-radius:3px">'
            f"{esc(m.group(0))}</mark>"
        )
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def word_diff(before: str, after: str) -> str:
    """The change from ``before`` to ``after`` as HTML: removed words struck through in red,
    added words in green."""
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(esc(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(
                f'<del style="background:#fde2e1;color:#a61b1b">{esc(" ".join(a[i1:i2]))}</del>'
            )
        if j2 > j1:
            out.append(
                '<ins style="background:#dff5e3;color:#1b6b2c;text-decoration:none">'
                f"{esc(' '.join(b[j1:j2]))}</ins>"
            )
    return " ".join(out)


def own_findings(report: Report, path: str, kind: str) -> list[Finding]:
    found = report.for_path(path)
    if kind == "goal":
        found = [f for f in found if not f.path.startswith(path + ".objectives")]
    return found


def unique(findings: list[Finding]) -> list[Finding]:
    """Each finding once: the same rule saying the same thing about the same item is one."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        k = (f.rule, f.path.rsplit(".", 1)[0] if "." in f.path else f.path, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def show_findings(findings: list[Finding]) -> None:
    for f in unique(findings):
        where = f.path.rsplit(".", 1)[-1] if "." in f.path else ""
        label = f" ({where})" if where and not where.endswith("]") else ""
        msg = f"**{f.rule}**{esc(label)}: {esc(f.message)}"
        if f.severity == "error":
            st.error(msg, icon=":material/error:")
        else:
            st.warning(msg, icon=":material/warning:")


def _lint(text: str) -> None:
    """Which SMART parts the wording has, and what is missing (as typed)."""
    res = lint_objective(text)
    marks = " · ".join(
        f":green[{p} ✓]"
        if res.has(p) and p not in res.placeholders
        else (f":orange[{p} …]" if p in res.placeholders else f":red[{p} ✗]")
        for p in PARTS
    )
    st.markdown(f"<small>Wording check: {marks}</small>", unsafe_allow_html=True)
    for f in res.findings:
        if f.severity == "error":
            st.error(esc(f.message), icon=":material/edit_off:")


def _act(fn: Callable[[], TreatmentPlan], item_id: str, done: str) -> None:
    """Apply an edit to one item; errors are shown beside the item, and only its boxes renew."""
    common.apply_edit(fn, f"{item_id}: {done}", lambda: bump(item_id))


def card(
    plan: TreatmentPlan,
    path: str,
    kind: str,
    item: Any,
    report: Report,
    comments: list[Any],
    intake: Any,
    editable: bool,
) -> None:
    prov = item.provenance
    text = review.item_text(kind, item)
    who = common.user()
    by = who.username if who else None
    label, colour = BADGE[prov.authorship]
    with st.container(border=True, key=f"card-{item.id.replace('.', '-')}"):
        st.markdown(
            f"**{KIND[kind]} {item.id}** &nbsp; :{colour}-badge[{label}] &nbsp; "
            f"<small>source: {esc(prov.label())}</small>",
            unsafe_allow_html=True,
        )
        for c in comments:
            st.info(
                f"Supervisor ({esc(c.reason.replace('_', ' '))}): {esc(c.comment)}",
                icon=":material/rate_review:",
            )
        if prov.authorship == "rejected":
            st.markdown(f"~~{esc(text)}~~")
            if editable and st.button("Restore (accept)", key=key(item.id, "restore")):
                _act(lambda: review.accept(plan, item.id, by=by), item.id, "restored")
            return
        box = key(item.id, "text")
        if editable:
            if isinstance(item, Objective):
                typed = _objective_box(box, text)
            else:
                typed = st.text_area(
                    f"{KIND[kind]} wording",
                    value=text,
                    key=box,
                    height=max(68, min(220, 22 * (len(text) // 95 + 2))),
                    label_visibility="collapsed",
                )
        else:
            typed = text
            st.markdown(esc(text))
        if PLACEHOLDER.search(typed):
            st.markdown(
                "<small>Still to fill in:</small> " + highlighted(typed), unsafe_allow_html=True
            )
        elif isinstance(item, Objective) and len(typed) > 110:
            st.markdown(f"<small>Reads: {esc(typed)}</small>", unsafe_allow_html=True)
        figures: dict[str, Any] = {}
        if isinstance(item, Objective):
            if editable:
                plan_editor.sentence_vs_parts(item, typed)
            figures = plan_editor.objective_parts(item, editable, key)
        if prov.suggested_text and prov.suggested_text != text:
            with st.expander("Compare with the suggestion"):
                st.markdown(word_diff(prov.suggested_text, text), unsafe_allow_html=True)
        show_findings(own_findings(report, path, kind))
        if editable:
            _buttons(plan, kind, item, text, typed, figures, intake, by)
            plan_editor.item_tools(plan, kind, item, key)
            _alternatives(plan, kind, item, intake, by)


def _objective_box(box: str, text: str) -> str:
    typed = st.text_input(
        "Objective wording", value=text, key=box, live="400ms", label_visibility="collapsed"
    )
    _lint(typed)
    return typed


def _buttons(
    plan: TreatmentPlan,
    kind: str,
    item: Any,
    text: str,
    typed: str,
    figures: dict[str, Any],
    intake: Any,
    by: str | None,
) -> None:
    c1, c2, c3, c4 = st.columns(4)
    if c1.button("Accept", key=key(item.id, "accept"), icon=":material/check:"):
        _act(lambda: review.accept(plan, item.id, by=by), item.id, "accepted")
    if c2.button("Save edit", key=key(item.id, "edit"), icon=":material/edit:"):

        def apply() -> TreatmentPlan:
            if isinstance(item, Objective):
                return plan_editor.apply_objective(plan, item, typed, figures, by)
            if typed.strip() == text:
                raise AssistantError("nothing changed: edit the wording first")
            return review.edit(plan, item.id, typed, by=by)

        _act(apply, item.id, "edit saved")
    if item.provenance.authorship != "written" and c3.button(
        "Reject", key=key(item.id, "reject"), icon=":material/close:"
    ):
        _act(lambda: review.reject(plan, item.id, by=by), item.id, "rejected")
    if kind != "problem" and c4.button(
        "Alternatives", key=key(item.id, "alts"), icon=":material/swap_horiz:"
    ):
        st.session_state["alt_for"] = item.id


def _alternatives(plan: TreatmentPlan, kind: str, item: Any, intake: Any, by: str | None) -> None:
    if st.session_state.get("alt_for") != item.id:
        return
    with st.container(border=True):
        c1, c2 = st.columns([5, 1])
        c1.markdown("**Alternatives from the knowledge base**")
        if c2.button("Close", key=key(item.id, "alts-close")):
            st.session_state.pop("alt_for", None)
            st.rerun()
        try:
            with st.spinner("Searching the knowledge base (the first search builds the index)…"):
                found = edits.alternatives(
                    common.retriever(), common.knowledge(), plan, item.id, intake
                )
        except AssistantError as exc:
            st.error(esc(f"Alternatives are not available: {exc}"))
            return
        if not found:
            st.info("No other suggestion of this kind fits this plan.")
        for n, alt in enumerate(found):
            st.markdown(
                f"{esc(alt.text)}  \n<small>{esc(alt.title)} · {esc(alt.reason)}</small>",
                unsafe_allow_html=True,
            )
            if st.button("Use this instead", key=key(item.id, f"alt-{n}")):
                st.session_state.pop("alt_for", None)
                _act(
                    lambda a=alt: edits.use_alternative(  # type: ignore[misc]
                        plan, item.id, a, common.knowledge(), intake, by=by
                    ),
                    item.id,
                    "alternative put in place",
                )
