"""Editing a plan's structure on the Draft page: an objective's parts, and adding, removing
and moving items.

An objective's parts (what is measured, baseline with its date and source, target,
timeframe, how it is measured) are the objective: :func:`objective_parts` shows each as a
field, and :func:`apply_objective` saves them through :func:`assistant.planops.set_parts`,
so the sentence follows. A sentence the clinician types is read back into parts and shown
beside the recorded ones (:func:`sentence_vs_parts`) before it is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from assistant import planedit, planops
from assistant.errors import AssistantError
from assistant.plan import Objective, TreatmentPlan
from assistant.text import escape_markdown as esc
from assistant.ui import common

Key = Callable[[str, str], str]
COMPARATORS = ["<", "<=", "=", ">=", ">"]
COMPARATOR_LABEL = {
    "<": "below",
    "<=": "at most (or fewer)",
    "=": "exactly / done",
    ">=": "at least (or more)",
    ">": "above",
}
TIMEFRAME_BY = {"weeks": "Within N weeks", "session": "By session N", "date": "By a date"}


def _timeframe_kind(item: Objective) -> str:
    tf = item.timeframe
    if tf.by_session is not None:
        return "session"
    if tf.by_date is not None and tf.weeks is None:
        return "date"
    return "weeks"


def objective_parts(item: Objective, editable: bool, key: Key) -> dict[str, Any]:
    """Every part of the objective as a field; returns the parts the clinician changed."""
    b, t, tf = item.baseline, item.target, item.timeframe
    if not editable:
        st.markdown(
            f"<small>Measures: {esc(item.metric or '—')} · baseline {esc(b.text if b else '—')}"
            f" · target {esc(t.text if t else '—')} · {esc(tf.text())}"
            f" · measured by {esc(item.measurement or '—')}</small>",
            unsafe_allow_html=True,
        )
        return {}
    got: dict[str, Any] = {}
    c1, c2 = st.columns(2)
    got["metric"] = c1.text_input("What is measured", item.metric or "", key=key(item.id, "metric"))
    got["measurement"] = c2.text_input(
        "How it is measured", item.measurement or "", key=key(item.id, "measurement")
    )
    c1, c2, c3 = st.columns([2, 1, 2])
    got["baseline"] = c1.text_input(
        "Baseline figure",
        b.text if b else "",
        key=key(item.id, "baseline"),
        help="A figure ('16'), a range ('4-5'), or a short stated starting point.",
    )
    got["baseline_date"] = c2.date_input(
        "Baseline date", b.date if b else None, key=key(item.id, "bdate"), format="YYYY-MM-DD"
    )
    got["baseline_source"] = c3.text_input(
        "Baseline source", b.source if b else "", key=key(item.id, "bsource")
    )
    c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
    got["target"] = c1.text_input(
        "Target figure",
        t.text if t else "",
        key=key(item.id, "target"),
        help="A figure ('8'), a range, or a stated outcome.",
    )
    got["comparator"] = c2.selectbox(
        "Target is",
        COMPARATORS,
        index=COMPARATORS.index(t.comparator) if t else 1,
        key=key(item.id, "comparator"),
        format_func=lambda c: COMPARATOR_LABEL[str(c)],
    )
    kind = c3.selectbox(
        "Timeframe",
        list(TIMEFRAME_BY),
        index=list(TIMEFRAME_BY).index(_timeframe_kind(item)),
        key=key(item.id, "tfkind"),
        format_func=lambda c: TIMEFRAME_BY[str(c)],
    )
    with c4:
        if kind == "date":
            when = st.date_input(
                "Due date", tf.by_date, key=key(item.id, "tfdate"), format="YYYY-MM-DD"
            )
            got.update(weeks=None, by_session=None, by_date=when)
        else:
            now = tf.weeks if kind == "weeks" else tf.by_session
            n = st.number_input(
                "Weeks" if kind == "weeks" else "Session",
                min_value=1,
                max_value=260 if kind == "weeks" else 400,
                value=now,
                step=1,
                key=key(item.id, "tfn"),
            )
            got.update(
                weeks=int(n) if kind == "weeks" and n else None,
                by_session=int(n) if kind == "session" and n else None,
                by_date=None,
            )
    return _changed(item, got)


def _changed(item: Objective, got: dict[str, Any]) -> dict[str, Any]:
    b, t, tf = item.baseline, item.target, item.timeframe
    now: dict[str, Any] = {
        "metric": item.metric or "",
        "measurement": item.measurement or "",
        "baseline": b.text if b else "",
        "baseline_date": b.date if b else None,
        "baseline_source": b.source if b else "",
        "target": t.text if t else "",
        "comparator": t.comparator if t else "<=",
    }
    out = {k: v for k, v in got.items() if k in now and v != now[k]}
    timing = (got.get("weeks"), got.get("by_session"), got.get("by_date"))
    if timing != (tf.weeks, tf.by_session, tf.by_date) and any(x is not None for x in timing):
        out.update(weeks=timing[0], by_session=timing[1], by_date=timing[2])
    if isinstance(out.get("baseline_date"), dt.datetime):
        out["baseline_date"] = out["baseline_date"].date()
    return out


def sentence_vs_parts(item: Objective, typed: str) -> None:
    """What the typed sentence says beside what the parts say, part by part."""
    if " ".join(typed.split()) == " ".join(item.text.split()) or not typed.strip():
        return
    said = planops.parse_sentence(typed)
    b, t, tf = item.baseline, item.target, item.timeframe
    when = (
        f"within {said.weeks} weeks"
        if said.weeks
        else f"by session {said.by_session}"
        if said.by_session
        else said.by_date.isoformat()
        if said.by_date
        else None
    )
    rows = [
        ("What is measured", said.metric, item.metric),
        ("Baseline", said.baseline, b.text if b else None),
        ("Target", said.target, t.text if t else None),
        ("Timeframe", when, tf.text() if tf.is_set else None),
        ("How it is measured", said.measurement, item.measurement),
    ]
    st.caption("Your sentence, read back into parts: saving it sets the parts it states.")
    st.table(
        {
            "Part": [r[0] for r in rows],
            "Your sentence says": [r[1] or "(not stated)" for r in rows],
            "The parts say now": [r[2] or "(not set)" for r in rows],
        }
    )


def apply_objective(
    plan: TreatmentPlan, item: Objective, typed: str, parts: dict[str, Any], by: str | None
) -> TreatmentPlan:
    """Save a typed sentence (its parts read back) and then the parts changed in the fields
    (the sentence follows them). Raises when nothing changed."""
    new = plan
    if " ".join(typed.split()) != " ".join(item.text.split()):
        new = planops.use_sentence(new, item.id, typed, by=by)
    if parts:
        new = planops.set_parts(new, item.id, by=by, **parts)
    if new is plan:
        raise AssistantError("nothing changed: edit the sentence or one of its parts first")
    return new


def item_tools(plan: TreatmentPlan, kind: str, item: Any, key: Key) -> None:
    """Move up, move down and remove, for one item."""
    where = planedit.label(plan, item.id)
    c1, c2, c3, _ = st.columns([1, 1, 2, 6])
    if c1.button("↑", key=key(item.id, "up"), help=f"Move {where} up"):
        common.apply_edit(lambda: planedit.move(plan, item.id, -1), f"{where} moved up")
    if c2.button("↓", key=key(item.id, "down"), help=f"Move {where} down"):
        common.apply_edit(lambda: planedit.move(plan, item.id, 1), f"{where} moved down")
    if c3.button("Remove", key=key(item.id, "remove"), icon=":material/delete:"):
        common.apply_edit(lambda: planedit.remove(plan, item.id), f"{where} removed")


def add_objective(plan: TreatmentPlan, goal: Any, by: str | None) -> None:
    where = planedit.label(plan, goal.id)
    with st.expander(f"Add an objective to {where}"):
        text = st.text_area(
            "New objective",
            key=f"add.obj.{common.gen()}.{goal.id}",
            placeholder="Reduce panic attacks from 4 to 1 or fewer a week within 8 weeks, "
            "as recorded in a panic diary.",
        )
        if st.button("Add objective", key=f"add.obj.go.{common.gen()}.{goal.id}"):
            common.apply_edit(
                lambda: planedit.add_objective(plan, goal.id, text, by=by), f"{where}: added"
            )


def add_item(plan: TreatmentPlan, kind: str, by: str | None) -> None:
    """A form at the end of a section: a new problem, goal or intervention."""
    g = common.gen()
    with st.expander(f"Add a {kind}"):
        text = st.text_area(f"New {kind}", key=f"add.{kind}.{g}")
        if kind == "problem":
            if st.button("Add problem", key=f"add.{kind}.go.{g}"):
                common.apply_edit(lambda: planedit.add_problem(plan, text, by=by), "Problem added")
        elif kind == "goal":
            probs = st.multiselect(
                "Problems it answers",
                [p.id for p in plan.problems],
                default=[p.id for p in plan.problems[:1]],
                key=f"add.{kind}.probs.{g}",
                format_func=lambda ref: planedit.label(plan, ref),
            )
            if st.button("Add goal", key=f"add.{kind}.go.{g}"):
                common.apply_edit(lambda: planedit.add_goal(plan, text, probs, by=by), "Goal added")
        else:
            modality = st.text_input("Modality", key=f"add.{kind}.mod.{g}", placeholder="CBT")
            serves = st.multiselect(
                "Objectives it serves",
                [o.id for _, _, o in plan.objectives()],
                key=f"add.{kind}.objs.{g}",
                format_func=lambda ref: planedit.label(plan, ref),
            )
            if st.button("Add intervention", key=f"add.{kind}.go.{g}"):
                common.apply_edit(
                    lambda: planedit.add_intervention(plan, text, modality, serves, by=by),
                    "Intervention added",
                )
