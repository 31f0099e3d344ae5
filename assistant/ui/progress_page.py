"""Review progress: read one of your signed plans against a measures file, choose each
objective's disposition (pre-filled from the numbers) with a rationale, and store the review
as a new version of the plan (then submitted and signed like any plan). A plan already
reviewed offers its latest review's packet (Markdown, PDF, FHIR R4) for the same measures
file."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, get_args

import streamlit as st

from assistant.text import escape_markdown as esc
from assistant.ui import common

log = logging.getLogger(__name__)

WORDS = {
    "met": "met",
    "partially_met": "partially met",
    "not_met": "not met",
    "revised": "revised",
    "discontinued": "discontinued",
    "deferred": "deferred",
}


def _signed_plans(me: Any) -> list[Any]:
    return [p for p in common.store().plans(me) if p.owner == me.username and p.status == "signed"]


def _measures(as_of: dt.date) -> Any | None:
    from assistant.progress import measures as measures_mod

    up = st.file_uploader("Measures file (treatment-measures/1 JSON)", type=["json"], key="pr_up")
    if up is None:
        st.info("Load the client's measures file: scores, counts and session notes since signing.")
        return None
    try:
        return measures_mod.loads(up.getvalue(), today=max(as_of, dt.date.today()))
    except measures_mod.MeasuresError as exc:
        st.error(f"{up.name} was refused: " + "; ".join(exc.problems))
        return None


PACKET_LABELS = {
    "md": ("Markdown", "text/markdown", ".md"),
    "pdf": ("PDF", "application/pdf", ".pdf"),
    "fhir": ("FHIR R4 Bundle", "application/fhir+json", ".json"),
}


def _packet(me: Any, plan_id: int, measures: Any) -> None:
    """The latest review's packet as downloads. A refused measures file is shown where the
    buttons would be; a format that cannot be made is named and the others stay offered."""
    from assistant.errors import AssistantError
    from assistant.store import review_packet

    try:
        got = review_packet.latest_review(common.store(), me, plan_id, measures)
    except AssistantError as exc:
        st.subheader("Review packet")
        st.error(str(exc))
        return
    if got is None:
        return
    st.subheader("Review packet")
    state = "signed" if got.signed else "not signed yet: the files say so"
    st.caption(
        f"The review of version {got.record.reviews_version} as of "
        f"{got.record.as_of.isoformat()} ({state})."
    )
    cols = st.columns(len(review_packet.FORMATS))
    for col, fmt in zip(cols, review_packet.FORMATS, strict=True):
        label, mime, suffix = PACKET_LABELS[fmt]
        try:
            data = review_packet.render(got, fmt)
        except Exception as exc:  # one format's failure leaves the others available
            log.warning("review packet %s failed: %s", fmt, type(exc).__name__)
            col.error(f"Packet {label} could not be made from this review; the others are ready.")
            continue
        col.download_button(
            f"Download packet: {label}",
            data=data,
            file_name=f"plan-{plan_id}-review-{got.record.as_of.isoformat()}-packet{suffix}",
            mime=mime,
            key=f"pr_packet.{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )


def _form(report: Any, prefilled: list[Any]) -> list[Any]:
    from assistant.progress.review import Disposition, ObjectiveDisposition

    options = list(get_args(Disposition))
    chosen = []
    for d in prefilled:
        st.markdown(f"**{esc(d.objective_id)}** · {esc(d.evidence)}")
        cols = st.columns([1, 2, 2])
        pick = cols[0].selectbox(
            "Disposition",
            options,
            index=options.index(d.disposition),
            format_func=WORDS.__getitem__,
            key=f"pr_disp.{d.objective_id}",
        )
        why = cols[1].text_input("Rationale", key=f"pr_why.{d.objective_id}")
        just = cols[2].text_input(
            "Justification (only if it stands against the numbers)",
            key=f"pr_just.{d.objective_id}",
        )
        chosen.append(
            ObjectiveDisposition(
                objective_id=d.objective_id,
                disposition=pick,
                rationale=why,
                justification=just,
                evidence=d.evidence,
            )
        )
    return chosen


@common.guarded
def page() -> None:
    from assistant.progress.review import check
    from assistant.store import reviews

    me = common.require_user()
    st.title("Review progress")
    common.show_flash()
    plans = _signed_plans(me)
    if not plans:
        st.info("You have no signed plans to review.")
        return
    pick = st.selectbox(
        "Signed plan",
        plans,
        format_func=lambda p: f"Plan {p.plan_id} · {p.client_name} · version {p.version}",
        key="pr_plan",
    )
    as_of = st.date_input("Review date", value=dt.date.today(), key="pr_as_of")
    measures = _measures(as_of)
    if measures is None:
        return
    _packet(me, pick.plan_id, measures)
    store = common.store()
    report, prefilled = reviews.prepare(store, me, pick.plan_id, measures, as_of=as_of)
    if report.review_now:
        st.warning("The numbers or notes call for a review now: update the safety section.")
    st.subheader("Dispositions")
    chosen = _form(report, prefilled)
    findings = check(report, chosen)
    for f in findings:
        shown = f"{f.code}: {f.message}"
        if f.severity == "error":
            st.error(shown)
        elif f.severity == "justified":
            st.info(shown)
        else:
            st.warning(shown)
    blocked = any(f.severity == "error" for f in findings)
    if st.button("Store the review", key="pr_store", disabled=blocked, type="primary"):
        got = reviews.start_review(store, me, pick.plan_id, measures, chosen, as_of=as_of)
        common.flash(
            "success",
            f"Plan {got.stored.plan_id} version {got.stored.version} stores the review of "
            f"version {got.reviews_version} as a draft: submit and sign it like any plan.",
        )
        st.rerun()
