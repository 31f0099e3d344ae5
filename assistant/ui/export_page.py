"""Export page: every format :func:`assistant.export.render` writes, as downloads, and the
client copy shown in full. A plan that is not signed is marked as a draft in every file."""

from __future__ import annotations

import logging
import re
from typing import Any

import streamlit as st

from assistant.export import FORMATS, SUFFIX, is_final, render
from assistant.intake import Intake
from assistant.plan import loads
from assistant.text import defang_markdown
from assistant.ui import common

log = logging.getLogger(__name__)

LABELS = {
    "md": ("Markdown", "text/markdown"),
    "docx": (
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": ("PDF", "application/pdf"),
    "json": ("Plan JSON (treatment-plan/1)", "application/json"),
    "fhir": ("FHIR R4 Bundle", "application/fhir+json"),
    "client": ("Client copy (plain language)", "text/markdown"),
}


@st.cache_data(show_spinner=False, max_entries=64)
def _render(plan_json: str, fmt: str, intake_json: str | None) -> bytes:
    intake = Intake.model_validate_json(intake_json) if intake_json else None
    return render(loads(plan_json), fmt, intake=intake)


def _render_each(
    plan_json: str, intake_json: str | None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every format rendered on its own: one that fails is named with its reason (logged
    without the plan's text) and the others are still offered."""
    files: dict[str, bytes] = {}
    failed: dict[str, str] = {}
    for fmt in FORMATS:
        try:
            files[fmt] = _render(plan_json, fmt, intake_json)
        except Exception as exc:  # one format's failure must not take the page down
            log.warning("export %s failed: %s", fmt, type(exc).__name__)
            failed[fmt] = "the file writer stopped on this plan's text."
    return files, failed


def _choose(me: Any) -> tuple[Any, str, Any] | None:
    ss = st.session_state
    options: list[tuple[str, Any]] = []
    if ss.get("plan") is not None:
        label = "The plan open on the Draft page"
        if ss.get("dirty"):
            label += " (with unsaved changes)"
        options.append((label, None))
    for p in common.store().plans(me):
        options.append(
            (
                f"Plan {p.plan_id} · {p.client_name} · {p.owner} · {p.status} · version {p.version}",
                p,
            )
        )
    if not options:
        st.info("There is no plan to export yet: draft one first.")
        return None
    choice = st.selectbox("Plan", options, key="ex_pick", format_func=lambda o: o[0])
    if choice is None:
        return None
    if choice[1] is None:
        return ss["plan"], f"plan-{ss.get('plan_id') or 'draft'}", ss.get("intake")
    p = choice[1]
    cached = ss.get("ex_loaded")
    if cached is None or (cached.plan_id, cached.version) != (p.plan_id, p.version):
        cached = common.store().get(me, p.plan_id)
        ss["ex_loaded"] = cached
        ss["ex_intake"] = common.store().intake(me, p.plan_id)
    return cached.plan, f"plan-{p.plan_id}-v{p.version}", ss.get("ex_intake")


def _audited(me: Any, loaded: Any, fmt: str) -> Any:
    def record() -> None:
        common.store().record_export(me, loaded.plan_id, loaded.version, fmt)

    return common.guarded(record)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)


@common.guarded
def page() -> None:
    me = common.require_user()
    st.title("Export")
    common.show_flash()
    chosen = _choose(me)
    if chosen is None:
        return
    plan, stem, intake = chosen
    if is_final(plan, intake=intake):
        st.success("This plan is signed and passes the checks: the files are final.")
    else:
        st.warning(
            f"This plan is {plan.status}, not signed: every file is marked as a draft, not final."
        )
    plan_json = plan.dumps()
    with st.spinner("Preparing the files…"):
        intake_json = intake.model_dump_json() if intake is not None else None
        files, failed = _render_each(plan_json, intake_json)
    loaded = st.session_state.get("ex_loaded")  # a stored plan: each download is audited
    stored = loaded is not None and stem == f"plan-{loaded.plan_id}-v{loaded.version}"
    cols = st.columns(3)
    for n, fmt in enumerate(FORMATS):
        label, mime = LABELS[fmt]
        if fmt in failed:
            cols[n % 3].error(
                f"{label} could not be made: {failed[fmt]} The other formats are ready."
            )
            continue
        cols[n % 3].download_button(
            f"Download {label}",
            data=files[fmt],
            file_name=_safe(stem + SUFFIX[fmt]),
            mime=mime,
            key=f"ex_dl.{fmt}",
            icon=":material/download:",
            on_click=_audited(me, loaded, fmt) if stored else "ignore",
        )
    st.subheader("Client copy")
    st.caption("Plain language, for the client. Rejected suggestions are left out of every file.")
    if "client" not in files:
        return
    with st.container(border=True):
        # the client copy quotes intake and clinician text: no image, link or HTML renders
        st.markdown(defang_markdown(files["client"].decode("utf-8")))
