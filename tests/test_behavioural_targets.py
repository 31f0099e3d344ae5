"""Targets for behaviour counts no objective template measures: the client's own figure,
then a cited knowledge target, else a visible placeholder (issue 11: never invent)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant import intake as intake_mod
from assistant import knowledge
from assistant.drafting import draft, measures
from assistant.errors import KnowledgeError
from assistant.facts.extract import extract
from assistant.facts.model import BaselineFact, CaseFacts, Evidence
from assistant.plan import TreatmentPlan

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "evals" / "cases"
WHEN = dt.date(2026, 11, 2)


@pytest.fixture(scope="module")
def kb() -> knowledge.KnowledgeBase:
    return knowledge.load_cached()


def _baseline(measure: str, value: str, unit: str) -> BaselineFact:
    lo, _, hi = value.partition("-")
    return BaselineFact(
        id=f"baseline:{measure}",
        evidence=[Evidence(path="baselines[0]")],
        measure=measure,
        value=value,
        low=float(lo),
        high=float(hi or lo),
        unit=unit,
        measured_by="diary",
    )


def _objective(kb: knowledge.KnowledgeBase, b: BaselineFact, facts: CaseFacts | None = None) -> Any:
    assert kb.rules is not None
    return measures.composed_objective(
        b, kb.rules, "G1.X1", WHEN, 12, targets=kb.targets(), facts=facts
    )


def _facts(**intake_changes: Any) -> CaseFacts:
    data = json.loads((CASES / "gad_secondary_phq9_isi.json").read_text())
    data.update(intake_changes)
    return extract(intake_mod.parse(data, today=dt.date(2026, 11, 30)))


def test_minutes_of_worry_get_the_worry_period_target_with_its_record(
    kb: knowledge.KnowledgeBase,
) -> None:
    o = _objective(kb, _baseline("minutes worrying", "90-120", "per day"))
    assert o.target.value == 30 and o.target.comparator == "<="
    assert "to 30 minutes or less a day within 12 weeks" in o.text
    assert "[" not in o.text
    assert o.provenance.source == "knowledge"
    assert (o.provenance.record_id, o.provenance.item_id) == (
        "behavioural-targets",
        "targets.worry-period",
    )
    assert "confirm it with the client" in o.provenance.note


def test_sleep_targets_follow_the_baseline_not_the_word_sleep(kb: knowledge.KnowledgeBase) -> None:
    short = _objective(kb, _baseline("hours of sleep", "5", "per night"))
    long = _objective(kb, _baseline("hours of sleep", "11", "per night"))
    assert (short.direction, short.target.value, short.target.comparator) == ("increase", 7, ">=")
    assert short.text.startswith("Increase hours of sleep from 5 per night to 7 hours or more")
    assert (long.direction, long.target.value, long.target.comparator) == ("decrease", 9, "<=")
    assert long.text.startswith("Reduce hours of sleep from 11 per night to 9 hours or less")
    fine = _objective(kb, _baseline("hours of sleep", "8", "per night"))
    assert fine.target.value is None, "8 hours is inside the advised range: nothing to cite"


def test_groups_the_source_leaves_out_keep_the_placeholder(kb: knowledge.KnowledgeBase) -> None:
    b = _baseline("hours of sleep", "5", "per night")
    teen = _facts(
        client={
            "name": "Test Teen",
            "date_of_birth": "2011-03-01",
            "record_id": "T-1",
            "pronouns": "she/her",
        }
    )
    assert teen.population is not None and teen.population.age_band == "adolescent"
    o = _objective(kb, b, teen)
    assert o.target.value is None and "[target:" in o.text
    assert o.provenance.record_id is None


def test_compulsion_time_target_only_when_it_improves(kb: knowledge.KnowledgeBase) -> None:
    o = _objective(kb, _baseline("compulsion time", "2-3", "hours per day"))
    assert (o.target.value, o.target.comparator) == (1, "<")
    assert "to less than 1 hour a day" in o.text
    low = _objective(kb, _baseline("compulsion time", "0.5", "hours per day"))
    assert low.target.value is None


def test_counts_to_bring_to_none(kb: knowledge.KnowledgeBase) -> None:
    for measure, unit in [
        ("heavy drinking days", "per week"),
        ("train journeys avoided", "per week"),
        ("meals skipped", "per week"),
        ("days drinking before noon", "per week"),
    ]:
        o = _objective(kb, _baseline(measure, "4", unit))
        assert (o.target.value, o.direction) == (0, "decrease"), measure
        assert o.provenance.record_id == "behavioural-targets", measure


def test_meals_with_other_people_are_not_regular_eating(kb: knowledge.KnowledgeBase) -> None:
    meals = _objective(kb, _baseline("regular meals eaten", "1", "per day"))
    assert (meals.target.value, meals.target.text) == (3, "3 a day")
    social = _objective(kb, _baseline("meals eaten with other people", "0", "per week"))
    assert social.provenance.record_id is None


def test_the_clients_own_figure_comes_first() -> None:
    intake = intake_mod.load(CASES / "ocd_behavioural_baselines.json", today=dt.date(2026, 11, 30))
    plan = draft(intake).plan
    shower = [o for _, _, o in plan.objectives() if o.metric == "minutes in the shower"]
    assert len(shower) == 1
    o = shower[0]
    assert o.target.value == 10 and "to 10 or less" in o.text
    assert "shower in 10 minutes" in o.provenance.note


def test_unlisted_behaviours_keep_a_visible_placeholder(kb: knowledge.KnowledgeBase) -> None:
    o = _objective(kb, _baseline("grave visits", "7", "per week"))
    assert o.target.value is None and "[target: agree a realistic target" in o.text


def test_a_target_whose_words_do_not_state_its_value_is_refused() -> None:
    with pytest.raises(ValueError, match="does not state the value 30"):
        knowledge.BehaviouralTarget(
            id="t.bad",
            measure_words=["worry"],
            direction="decrease",
            value=30,
            comparator="<=",
            text="half an hour or less",
            why="x",
            sources=[knowledge.Source(id="T-1")],
        )


def test_drafts_with_cited_targets_pass_the_never_invent_check() -> None:
    """The cited record allows its own figures, not any figure: a target changed to one no
    source gives is still refused."""
    from assistant.validation import validate
    from assistant.validation.numbers import record_numbers

    kb = knowledge.load_cached()
    allowed, _ = record_numbers(kb, "behavioural-targets")
    assert {t.value for _, t in kb.targets()} <= allowed
    for case in ["gad_secondary_phq9_isi", "binge_eating", "alcohol_court_mandated"]:
        intake = intake_mod.load(CASES / f"{case}.json", today=dt.date(2026, 11, 30))
        plan = draft(intake).plan
        cited = [
            o for _, _, o in plan.objectives() if o.provenance.record_id == "behavioural-targets"
        ]
        assert cited, case
        report = validate(plan, intake=intake)
        assert not report.errors, (case, [f.message for f in report.errors])
        changed = TreatmentPlan.model_validate(plan.model_dump())
        for _, _, o in changed.objectives():
            if o.provenance.record_id == "behavioural-targets":
                assert o.target is not None and o.target.text
                o.text = o.text.replace(f"to {o.target.text}", "to 37 or less")
                o.target = o.target.model_copy(update={"value": 37.0, "text": "37 or less"})
        codes = {f.rule for f in validate(changed, intake=intake).errors}
        assert codes & {"NI01", "NI02", "NI04"}, (case, codes)


def test_knowledge_load_refuses_a_target_file_with_a_bad_value(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    f = tmp_path / "knowledge" / "modules" / "behavioural-targets.yaml"
    f.write_text(f.read_text().replace("text: 30 minutes or less a day", "text: half an hour"))
    with pytest.raises(KnowledgeError, match="behavioural-targets.yaml"):
        knowledge.load(tmp_path / "knowledge")
