"""Editing a plan in the app: an objective's parts and its sentence, adding, removing and
moving items, and a returned plan fixed and sent again (``AppTest``).

Plans are put in the store from the example plans (not drafted), so these tests do not
move when the drafter's wording does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant import intake as intake_mod
from assistant.review import ReviewNote
from tests.store_fixtures import example_plan
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]  # fixtures used by name

EXAMPLE_INTAKE = Path(__file__).parent / "data" / "intakes" / "example_gad.json"


def _intake(gad7: int | None = None) -> Any:
    got = intake_mod.load(EXAMPLE_INTAKE)
    if gad7 is not None:
        got = got.model_copy(
            update={"assessments": [a.model_copy(update={"score": gad7}) for a in got.assessments]}
        )
    return got


def _store_plan(accounts: dict[str, Any], intake: Any = None) -> int:
    intake = intake if intake is not None else _intake()
    saved = accounts["store"].create(accounts["ana"], example_plan(), intake=intake)
    return int(saved.plan_id)


def _open(accounts: dict[str, Any]) -> AppTest:
    at = goto(sign_in(app(), "ana"), "draft")
    at.button(key="draft_open_go").click().run()
    no_exceptions(at)
    return at


@pytest.fixture
def opened(accounts: dict[str, Any]) -> AppTest:
    _store_plan(accounts)
    return _open(accounts)


def item_key(at: AppTest, item_id: str, part: str) -> str:
    """The current key of one item's widget, of any kind (keys change when the item does)."""
    wanted = f".{item_id}.{part}"
    for kind in ("text_input", "text_area", "button", "number_input", "date_input", "selectbox"):
        for w in at.get(kind):
            key = getattr(w, "key", None)
            if key and key.startswith("ed.") and key.endswith(wanted):
                return str(key)
    raise AssertionError(f"no widget for {item_id} {part}")


def _obj(at: AppTest, oid: str) -> Any:
    return at.session_state["plan"].objective(oid)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_editing_the_target_field_rewrites_the_sentence(opened: AppTest) -> None:
    at = opened
    at.text_input(key=item_key(at, "obj-1-1", "target")).input("8")
    at.button(key=item_key(at, "obj-1-1", "edit")).click().run()
    no_exceptions(at)
    o = _obj(at, "obj-1-1")
    assert o.target.value == 8
    assert "under 8" in o.text and "under 10" not in o.text
    assert at.text_input(key=item_key(at, "obj-1-1", "text")).value == o.text  # the box follows
    assert _metrics(at)["Errors"] == "0"
    assert not any("MS04" in e for e in texts(at, "error"))


def test_timeframe_and_the_baselines_date_and_source_are_editable(opened: AppTest) -> None:
    at = opened
    at.number_input(key=item_key(at, "obj-1-4", "tfn")).set_value(10)
    at.date_input(key=item_key(at, "obj-1-4", "bdate")).set_value(dt.date(2026, 9, 1))
    at.text_input(key=item_key(at, "obj-1-4", "bsource")).input("sleep diary, first week")
    at.button(key=item_key(at, "obj-1-4", "edit")).click().run()
    no_exceptions(at)
    o = _obj(at, "obj-1-4")
    assert o.timeframe.weeks == 10 and "within 10 weeks" in o.text
    assert o.baseline.date == dt.date(2026, 9, 1)
    assert o.baseline.source == "sleep diary, first week"
    at.selectbox(key=item_key(at, "obj-1-4", "tfkind")).set_value("session").run()
    at.number_input(key=item_key(at, "obj-1-4", "tfn")).set_value(12)
    at.button(key=item_key(at, "obj-1-4", "edit")).click().run()
    o = _obj(at, "obj-1-4")
    assert o.timeframe.by_session == 12 and o.timeframe.weeks is None
    assert "by session 12" in o.text


def test_a_typed_sentence_is_shown_beside_the_parts_then_sets_them(opened: AppTest) -> None:
    at = opened
    typed = (
        "Client will bring the GAD-7 down from 17 to below 8 within 12 weeks, scored at the "
        "start of every session."
    )
    at.text_input(key=item_key(at, "obj-1-1", "text")).input(typed).run()
    no_exceptions(at)
    table = at.table[0].value
    row = table[table["Part"] == "Target"].iloc[0]
    assert (row["Your sentence says"], row["The parts say now"]) == ("below 8", "below 10")
    assert _obj(at, "obj-1-1").target.value == 10  # nothing applied until Save edit
    at.button(key=item_key(at, "obj-1-1", "edit")).click().run()
    o = _obj(at, "obj-1-1")
    assert (o.text, o.target.value, o.timeframe.weeks) == (typed, 8, 12)
    assert _metrics(at)["Errors"] == "0"


def test_saving_with_nothing_changed_says_so_beside_the_item(opened: AppTest) -> None:
    at = opened
    at.button(key=item_key(at, "obj-1-2", "edit")).click().run()
    no_exceptions(at)
    assert "Nothing changed: edit the sentence or one of its parts first" in texts(at, "error")
    at.text_input(key=item_key(at, "obj-1-2", "baseline")).input("  ")
    at.button(key=item_key(at, "obj-1-2", "edit")).click().run()
    assert any("baseline: write the starting figure" in e for e in texts(at, "error"))


def test_add_move_and_remove_an_objective(opened: AppTest) -> None:
    at = opened
    before = [o.id for o in at.session_state["plan"].goals[0].objectives]
    box = next(
        t for t in at.text_area if t.key and t.key.startswith("add.obj.") and "goal-1" in t.key
    )
    box.input(
        "Reduce panic attacks from 4 to 1 or fewer a week within 6 weeks, as recorded in a diary."
    )
    next(b for b in at.button if b.key and b.key.startswith("add.obj.go.")).click().run()
    no_exceptions(at)
    goal = at.session_state["plan"].goals[0]
    new = goal.objectives[-1]
    assert [o.id for o in goal.objectives][:-1] == before
    assert (new.baseline.value, new.target.value, new.timeframe.weeks) == (4, 1, 6)
    assert new.provenance.authorship == "written"
    assert at.session_state["dirty"]
    at.button(key=item_key(at, new.id, "up")).click().run()
    order = [o.id for o in at.session_state["plan"].goals[0].objectives]
    assert order[-2] == new.id
    at.button(key=item_key(at, new.id, "remove")).click().run()
    no_exceptions(at)
    assert [o.id for o in at.session_state["plan"].goals[0].objectives] == before


def test_adding_an_empty_objective_is_refused_in_words(opened: AppTest) -> None:
    at = opened
    next(b for b in at.button if b.key and b.key.startswith("add.obj.go.")).click().run()
    assert "New objective under Goal 1: write the text first" in texts(at, "error")


def test_add_a_problem_and_an_intervention(opened: AppTest) -> None:
    at = opened
    next(t for t in at.text_area if t.key and t.key.startswith("add.problem.")).input(
        "Avoids driving on the motorway."
    )
    next(b for b in at.button if b.key and b.key.startswith("add.problem.go.")).click().run()
    assert at.session_state["plan"].problems[-1].statement == "Avoids driving on the motorway."
    next(t for t in at.text_area if t.key and t.key.startswith("add.intervention.")).input(
        "Graded exposure to motorway driving"
    )
    next(b for b in at.button if b.key and b.key.startswith("add.intervention.go.")).click().run()
    assert "New intervention: choose at least one objective it serves" in texts(at, "error")
    next(w for w in at.multiselect if w.key.startswith("add.intervention.objs.")).set_value(
        ["obj-1-4"]
    )
    next(t for t in at.text_input if t.key and t.key.startswith("add.intervention.mod.")).input(
        "CBT"
    )
    next(b for b in at.button if b.key and b.key.startswith("add.intervention.go.")).click().run()
    added = at.session_state["plan"].interventions[-1]
    assert (added.technique, added.objective_ids) == (
        "Graded exposure to motorway driving",
        ["obj-1-4"],
    )


def test_a_stored_plan_is_checked_against_its_stored_intake(accounts: dict[str, Any]) -> None:
    # the stored intake says GAD-7 15 while the plan says 17: only the stored intake knows
    _store_plan(accounts, _intake(gad7=15))
    at = _open(accounts)
    bl03 = [e for e in texts(at, "error") if "BL03" in e]
    assert len(bl03) == 1  # shown once
    at.text_input(key=item_key(at, "obj-1-1", "baseline")).input("15")
    at.button(key=item_key(at, "obj-1-1", "edit")).click().run()
    no_exceptions(at)
    assert not [e for e in texts(at, "error") if "BL03" in e]
    assert "from 15" in _obj(at, "obj-1-1").text


def test_returned_plan_is_fixed_and_resubmitted(accounts: dict[str, Any]) -> None:
    store, ana, sam = accounts["store"], accounts["ana"], accounts["sam"]
    pid = _store_plan(accounts)
    store.submit(ana, pid)
    note = ReviewNote("obj-1-1", "other", "Aim for below 8: she scored 8 last spring.")
    store.return_plan(sam, pid, [note])
    at = _open(accounts)
    assert at.session_state["plan_intake"] is not None  # the stored intake is back
    assert any("Aim for below 8" in i for i in texts(at, "info"))
    at.text_input(key=item_key(at, "obj-1-1", "target")).input("8")
    at.button(key=item_key(at, "obj-1-1", "edit")).click().run()
    at.button(key="draft_submit").click().run()
    no_exceptions(at)
    assert f"Plan {pid} submitted to your supervisor." in texts(at, "success")
    assert store.get(sam, pid).plan.objective("obj-1-1").target.value == 8


def _by_prefix(widgets: Any, prefix: str) -> Any:
    return next(w for w in widgets if w.key and w.key.startswith(prefix))


def test_timeline_and_review_dates_are_editable(opened: AppTest) -> None:
    at = opened
    _by_prefix(at.text_input, "tl.fq.").input("weekly, 50 minutes")
    _by_prefix(at.text_input, "tl.rd.").input("2026-10-20, 2026-12-15")
    _by_prefix(at.text_area, "tl.dc.").input("GAD-7 below 10 twice in a row\nSleeps within 20 min")
    _by_prefix(at.button, "tl.go.").click().run()
    no_exceptions(at)
    tl = at.session_state["plan"].timeline
    assert tl.session_frequency == "weekly, 50 minutes"
    assert [d.isoformat() for d in tl.review_dates] == ["2026-10-20", "2026-12-15"]
    assert tl.discharge_criteria == ["GAD-7 below 10 twice in a row", "Sleeps within 20 min"]
    _by_prefix(at.text_input, "tl.rd.").input("next month")
    _by_prefix(at.button, "tl.go.").click().run()
    assert "Timeline: review dates: 'next month' is not a date: write it as YYYY-MM-DD" in texts(
        at, "error"
    )


def test_safety_section_is_editable_and_needs_a_summary(opened: AppTest) -> None:
    at = opened
    _by_prefix(at.selectbox, "sf.lv.").set_value("low")
    _by_prefix(at.text_area, "sf.ac.").input("Review the safety plan monthly")
    _by_prefix(at.button, "sf.go.").click().run()
    no_exceptions(at)
    s = at.session_state["plan"].safety
    assert (s.risk_level, s.actions) == ("low", ["Review the safety plan monthly"])
    _by_prefix(at.text_area, "sf.sm.").input("   ")
    _by_prefix(at.button, "sf.go.").click().run()
    assert "Safety: summary: write what the risk assessment found" in texts(at, "error")


def test_compact_table_has_one_row_per_objective(opened: AppTest) -> None:
    at = opened
    at.toggle(key="draft_table").set_value(True).run()
    rows = at.dataframe[0].value
    assert len(rows) == len(list(at.session_state["plan"].objectives()))
    assert list(rows["Baseline source"])[0] == "GAD-7 at intake"


def test_a_refusal_by_the_checks_names_items_in_words(
    opened: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.store import PlanStore, ValidationBlocked
    from assistant.validation.report import Finding

    finding = Finding(
        "BL03",
        "baseline.intake",
        "error",
        "goals[0].objectives[1].baseline",
        "Use the intake score.",
    )

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise ValidationBlocked("submitted", [finding, finding])

    monkeypatch.setattr(PlanStore, "submit", refuse)
    at = opened
    at.button(key="draft_submit").click().run()
    no_exceptions(at)
    shown = [e for e in texts(at, "error") if "cannot be submitted" in e]
    assert len(shown) == 1
    assert shown[0].count("Goal 1, objective 2: baseline — Use the intake score.") == 1
    assert "goals[0]" not in shown[0]
