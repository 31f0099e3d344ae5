"""Draft page: draft a plan from the intake, review each suggestion, save and submit.

Drafting is :func:`assistant.drafting.draft`; checking is :func:`assistant.validation.
validate`, run again on every rerun so findings follow each edit; saving and submitting go
through the plan store, as the CLI's ``plan save`` and ``plan submit`` do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from assistant import instruments, planedit, review, workflow
from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.text import escape_markdown as esc
from assistant.ui import (
    common,
    facts_page,
    items,
    model_progress,
    plan_editor,
    review_context,
    sign_box,
    timeline_editor,
)
from assistant.validation import profiles, validate

EDITABLE = ("draft", "returned")
SECTIONS = (
    ("problem", "Problems"),
    ("goal", "Goals and objectives"),
    ("intervention", "Interventions"),
)


def _drafting(intake: Any) -> None:
    settings = get_settings()
    facts_page.section(intake)
    box: Any
    if "plan" in st.session_state:
        box = st.expander("Draft a new plan from the current intake (replaces the one below)")
    else:
        box = st.container(border=True)
    with box:
        st.markdown("**Draft a plan from the current intake**")
        c1, c2, c3 = st.columns(3)
        options = ["offline", "llm"] if settings.llm_configured else ["offline"]
        names = {"offline": "Offline drafter (no network)", "llm": f"Model: {settings.llm_model}"}
        with c1:
            drafter = st.radio("Drafter", options, key="draft_drafter", format_func=names.get)
            if not settings.llm_configured:
                st.caption("No language model is configured, so the offline drafter is used.")
        with c2:
            use_index = st.checkbox(
                "Rank knowledge with the local index",
                value=True,
                key="draft_use_index",
                help="The first use builds the index, which takes about a minute.",
            )
        with c3:
            names_ = profiles.available_profiles()
            st.selectbox("Payer profile for the checks", names_, key="draft_profile")
        if st.button(
            "Draft the plan", key="draft_go", type="primary", icon=":material/auto_awesome:"
        ):
            _run_draft(intake, str(drafter), bool(use_index))


def _run_draft(intake: Any, drafter: str, use_index: bool) -> None:
    from assistant.drafting import draft

    profile = st.session_state.get("draft_profile", "default")
    with st.status("Drafting the plan…", expanded=True) as status:
        try:
            status.write("Loading the knowledge base")
            kb = common.knowledge()
            retriever = None
            if use_index:
                status.write("Opening the knowledge index (built on first use)")
                retriever = common.retriever()
            status.write(model_progress.WRITING.get(drafter, "Writing the draft"))
            chosen, live = model_progress.drafter(drafter, status)  # the model's steps shown
            result = draft(
                intake,
                chosen,
                profile=profile,
                knowledge=kb,
                retriever=retriever,
                facts=facts_page.current(intake),
            )
        except AssistantError as exc:
            status.update(label="The draft could not be made", state="error")
            st.error(esc(str(exc)[:1].upper() + str(exc)[1:]))
            return
        if live is not None:
            live.finish(result.plan)
        else:
            status.update(label="Draft ready", state="complete", expanded=False)
    facts_page.attach(result.plan, intake)
    common.set_plan(result.plan, None, None, dirty=True)
    st.session_state["plan_intake"] = intake
    st.session_state["plan_notices"] = result.notices
    common.flash("success", "Draft ready. Review each suggestion: accept, edit or reject it.")
    st.rerun()


def _open_saved(me: Any) -> None:
    rows = common.store().plans(me)
    own = [p for p in rows if p.owner == me.username]
    if not own:
        return
    with st.expander("Open one of your saved plans", expanded="plan" not in st.session_state):
        pick = st.selectbox(
            "Saved plans",
            own,
            key="draft_open_pick",
            format_func=lambda p: (
                f"Plan {p.plan_id} · {p.client_name} · {p.status} · version {p.version}"
            ),
        )
        if st.button("Open this plan", key="draft_open_go") and pick is not None:
            got = common.store().get(me, pick.plan_id)
            common.set_plan(got.plan, got.plan_id, got.version, dirty=False)
            # every check of a stored plan uses the intake stored with it, as the store does
            stored = common.store().intake(me, pick.plan_id)
            if stored is None:
                st.session_state.pop("plan_intake", None)
            else:
                st.session_state["plan_intake"] = stored
            st.session_state.pop("plan_notices", None)
            st.rerun()


def _summary(plan: Any, report: Any) -> None:
    ss = st.session_state
    pid, version = ss.get("plan_id"), ss.get("plan_version")
    where = f"Plan {pid}, version {version}" if pid else "Not saved yet"
    unsaved = " · unsaved changes" if ss.get("dirty") else ""
    st.markdown(
        f"**{esc(plan.header.client_name)}** ({esc(plan.header.record_id)}) · "
        f"status **{plan.status}** · {where}{unsaved}"
    )
    counts = review.counts(plan)
    c = st.columns(6)
    c[0].metric("Errors", len(report.errors))
    c[1].metric("Warnings", len(report.warnings))
    c[2].metric("Placeholders", len(plan.placeholders()))
    c[3].metric("Not reviewed", counts.pending)
    c[4].metric("Accepted / edited", f"{counts.accepted} / {counts.edited}")
    c[5].metric("Rejected", counts.rejected)


def _chart(plan: Any) -> None:
    rows = []
    for _, _, o in plan.objectives():
        if o.provenance.authorship == "rejected" or not o.instrument:
            continue
        inst = instruments.get(o.instrument)
        name = inst.id if inst else o.instrument
        if o.baseline is not None and o.baseline.value is not None:
            rows.append({"instrument": name, "figure": "baseline", "score": o.baseline.value})
        if o.target is not None and o.target.value is not None:
            rows.append({"instrument": name, "figure": "target", "score": o.target.value})
    st.subheader("Instrument baselines and targets")
    if not rows:
        st.caption("No objective in this plan is measured with a scored instrument.")
        return
    df = pd.DataFrame(rows).drop_duplicates(["instrument", "figure"])
    wide = df.pivot(index="instrument", columns="figure", values="score").reset_index()
    cols = [c for c in ("baseline", "target") if c in wide.columns]
    st.bar_chart(
        wide,
        x="instrument",
        y=cols,
        stack=False,
        height=260,
        color=_colours(len(cols)),
    )


def _colours(n: int) -> list[Any]:
    return ["#8c8c8c", "#2e7d32"][:n]


def _plan_level(plan: Any, report: Any) -> None:
    paths = [p for p, _, _ in plan.items()]
    rest = items.unique(
        [
            f
            for f in report.findings
            if not any(f.path == p or f.path.startswith(p + ".") for p in paths)
        ]
    )
    if rest:
        with st.expander(
            f"Whole-plan findings ({len(rest)})",
            expanded=bool([f for f in rest if f.severity == "error"]),
        ):
            for f in rest:
                where = planedit.where(plan, f.path) if f.path else "The whole plan"
                st.markdown(f"<small>{esc(where)}</small>", unsafe_allow_html=True)
                items.show_findings([f])


def _timeline_safety(plan: Any) -> None:
    st.subheader("Timeline and safety")
    t = plan.timeline
    c1, c2 = st.columns(2)
    with c1:
        sessions = (
            f"{t.estimated_sessions_min}-{t.estimated_sessions_max} sessions"
            if t.estimated_sessions_min
            else "sessions not estimated"
        )
        st.markdown(
            f"{sessions}, {esc(t.session_frequency or 'frequency not set')}; "
            f"about {t.estimated_weeks or '?'} weeks  \n"
            f"Review dates: {', '.join(d.isoformat() for d in t.review_dates) or 'none set'}"
        )
        for c in t.discharge_criteria:
            st.markdown(f"- {items.highlighted(c)}", unsafe_allow_html=True)
    with c2:
        if plan.safety is None:
            st.caption("No safety section.")
        else:
            st.markdown(f"Risk level: **{plan.safety.risk_level.replace('_', ' ')}**")
            st.markdown(items.highlighted(plan.safety.summary), unsafe_allow_html=True)
            for a in plan.safety.actions:
                st.markdown(f"- {items.highlighted(a)}", unsafe_allow_html=True)


def _save(me: Any, plan: Any) -> Any:
    ss, store = st.session_state, common.store()
    if ss.get("plan_id") is None:
        intake = ss.get("plan_intake") or ss.get("intake")  # the one it was drafted from
        saved = store.create(me, plan, note="drafted in the app", intake=intake)
    else:
        saved = store.save(me, ss["plan_id"], plan, expected_version=ss["plan_version"])
    common.set_plan(saved.plan, saved.plan_id, saved.version, dirty=False)
    return saved


def _client_ack(plan: Any) -> None:
    done = next((x for x in plan.signatures if x.role == "client"), None)
    label = "Client acknowledgement (optional)"
    if done is not None:
        label += f": {done.name}, {done.signed_on.isoformat()}"
    with st.expander(label):
        g = common.gen()
        name = st.text_input("Client's name as they gave it", key=f"ack.name.{g}")
        on = st.date_input("Date", value=dt.date.today(), key=f"ack.date.{g}", format="YYYY-MM-DD")
        if st.button("Record the acknowledgement", key=f"ack.go.{g}"):
            try:
                new = sign_box.client_acknowledgement(plan, name, on)
            except AssistantError as exc:
                st.error(str(exc))
                return
            st.session_state["plan"] = new
            st.session_state["dirty"] = True
            common.flash("toast", "Client acknowledgement recorded")
            st.rerun()


def _actions(me: Any, plan: Any, report: Any) -> None:
    ss = st.session_state
    st.divider()
    editable = plan.status in EDITABLE or (plan.status == "approved" and ss.get("dirty"))
    supervised = me.supervisor_id is not None
    if plan.status in EDITABLE or plan.status == "approved":
        _client_ack(plan)
    attest = ("", "", False)
    if ss.get("plan_id") is not None and workflow.allowed(
        plan.status, "sign", supervised=supervised
    ):
        attest = sign_box.attestation(me, f"draft_sign.{common.gen()}")
    c1, c2, c3, c4 = st.columns(4)
    try:
        if c1.button(
            "Save (new version)", key="draft_save", icon=":material/save:", disabled=not editable
        ):
            saved = _save(me, plan)
            common.flash("success", f"Saved as plan {saved.plan_id}, version {saved.version}.")
            st.rerun()
        can_submit = supervised and plan.status in EDITABLE
        if c2.button(
            "Submit for review",
            key="draft_submit",
            type="primary",
            icon=":material/send:",
            disabled=not can_submit,
        ):
            if report.errors:
                raise AssistantError(
                    f"the plan has {len(report.errors)} error(s) to fix first; they are shown "
                    "beside the items they concern"
                )
            if ss.get("dirty") or ss.get("plan_id") is None:
                _save(me, plan)
            sub = common.store().submit(me, ss["plan_id"], expected_version=ss["plan_version"])
            common.set_plan(sub.plan, sub.plan_id, sub.version, dirty=False)
            common.flash("success", f"Plan {sub.plan_id} submitted to your supervisor.")
            st.rerun()
        if not supervised:
            c2.caption("You have no supervisor: sign the plan yourself when it is ready.")
        can_sign = (
            ss.get("plan_id") is not None
            and not ss.get("dirty")
            and workflow.allowed(plan.status, "sign", supervised=supervised)
        )
        if c3.button("Sign", key="draft_sign", icon=":material/draw:", disabled=not can_sign):
            creds = sign_box.check(me, *attest)
            signed = common.store().sign(
                me, ss["plan_id"], expected_version=ss["plan_version"], credentials=creds
            )
            common.set_plan(signed.plan, signed.plan_id, signed.version, dirty=False)
            common.flash("success", f"Plan {signed.plan_id} signed ({signed.status}).")
            st.rerun()
        if c4.button("Close this plan", key="draft_close", icon=":material/close:"):
            common.clear_plan()
            st.rerun()
    except AssistantError as exc:
        common.show_assistant_error(exc, plan)
    if plan.status == "submitted":
        st.info("The plan is with your supervisor. It can be edited again once it is returned.")


@common.guarded
def page() -> None:
    me = common.require_user()
    st.title("Draft")
    common.show_flash()
    intake = st.session_state.get("intake")
    _open_saved(me)
    if intake is not None:
        _drafting(intake)
    elif "plan" not in st.session_state:
        st.info("Fill in and check an intake first (or upload one), then draft the plan here.")
        common.page_link("intake", "Go to Intake", ":material/assignment:")
    plan = st.session_state.get("plan")
    if plan is None:
        return
    plan_intake = st.session_state.get("plan_intake")
    profile = st.session_state.get("draft_profile", "default")
    report = validate(plan, plan_intake, profile)
    _summary(plan, report)
    model_progress.summary(plan)
    for n in st.session_state.get("plan_notices", []):
        st.warning(esc(f"Intake note ({n.path}): {n.message}"))
    comments: list[Any] = []
    if st.session_state.get("plan_id") is not None:
        comments = common.store().comments(me, st.session_state["plan_id"])
    for c in comments:
        if c.item_id is None:
            st.info(
                esc(f"Supervisor, on the whole plan ({c.reason.replace('_', ' ')}): {c.comment}")
            )
    _plan_level(plan, report)
    editable = plan.status in EDITABLE or plan.status == "approved"
    by_kind: dict[str, list[tuple[str, str, Any]]] = {}
    for path, kind, item in plan.items():
        by_kind.setdefault("goal" if kind == "objective" else kind, []).append((path, kind, item))
    by = me.username
    if st.toggle("Compact table: one row per objective", key="draft_table"):
        review_context.table(plan)
    for kind, title in SECTIONS:
        st.subheader(title)
        listed = by_kind.get(kind, [])
        for n, (path, k, item) in enumerate(listed):
            mine = [c for c in comments if c.item_id == item.id]
            if k == "objective":  # indented under its goal
                _, col = st.columns([1, 24])
                with col:
                    items.card(plan, path, k, item, report, mine, plan_intake, editable)
            else:
                items.card(plan, path, k, item, report, mine, plan_intake, editable)
            last_of_goal = n + 1 == len(listed) or listed[n + 1][1] == "goal"
            if editable and kind == "goal" and last_of_goal:
                goal = review.find_item(plan, path.split(".")[0])[2]
                plan_editor.add_objective(plan, goal, by)
        if editable:
            plan_editor.add_item(plan, kind, by)
    _timeline_safety(plan)
    if editable:
        timeline_editor.editor(plan, me.username)
    _chart(plan)
    _actions(me, plan, report)
