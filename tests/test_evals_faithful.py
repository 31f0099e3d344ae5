"""Case-faithfulness scorers (evals/case_scoring.py) and the expectation files of the cases
aimed at one drafting rule: each scorer notices a plan damaged in the way it looks for."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from assistant import intake as intake_mod
from assistant.drafting import DraftResult, draft
from assistant.plan import Baseline, TreatmentPlan
from assistant.validation import validate
from evals import case_scoring, expectations

CASES = expectations.ROOT.parent


def _draft(case: str) -> tuple[intake_mod.Intake, DraftResult]:
    it = intake_mod.load(CASES / f"{case}.json")
    return it, draft(it)


def test_the_labelled_cases_cover_every_rule_and_their_files_are_sound() -> None:
    from assistant.facts.model import fact_class

    labelled = expectations.load_all()
    assert len(labelled) >= 20
    assert set(labelled) <= {p.stem for p in CASES.glob("*.json")}
    rules = {e.rule for e in labelled.values()}
    assert {"abstinent", "withdrawal", "level_of_care", "mandate", "no_work_goals",
            "ruled_out", "refusal", "one_trauma_therapy", "medication", "minor_caregivers",
            "safety_steps_taken", "risk_to_others", "secondary_scores", "baselines_used",
            "unknown_instrument", "no_clinician", "risk_not_assessed", "perinatal",
            "older_adult"} <= rules  # fmt: skip
    assert {e.facts_in for e in labelled.values()} >= {"context", "text"}
    for case, e in labelled.items():
        assert e.expected_facts and (e.required or e.forbidden), case
        for f in e.expected_facts:
            cls = fact_class(f["kind"])
            assert cls is not None, f"{case}: unknown fact kind {f['kind']}"
            fields = set(cls.model_fields) | {"kind", "kind_of", "quote"}
            assert set(f) <= fields, f"{case}: {set(f) - fields} not fields of {f['kind']}"


def test_contexts_only_and_text_only_cases_keep_their_facts_where_they_say() -> None:
    for case, e in expectations.load_all().items():
        it = intake_mod.load(CASES / f"{case}.json")
        if e.facts_in == "text":
            assert it.context is None, case
        if e.facts_in == "context":
            assert it.context is not None, case


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rule": "r", "aim": "a"}, "x.yaml.facts_in: required"),
        ({"rule": "r", "aim": "a", "facts_in": "notes"}, "write context, text or both"),
        (
            {"rule": "r", "aim": "a", "facts_in": "text", "required": [{"pattern": "(oops"}]},
            "x.yaml.required[0].pattern: not a valid regular expression",
        ),
        (
            {"rule": "r", "aim": "a", "facts_in": "text", "required": [{"check": "soon"}]},
            "x.yaml.required[0].check: unknown check 'soon'",
        ),
        (
            {"rule": "r", "aim": "a", "facts_in": "text",
             "required": [{"check": "timeline_ends_by"}]},
            "x.yaml.required[0].date: the timeline_ends_by check needs date",
        ),
    ],
)  # fmt: skip
def test_a_malformed_expectation_is_refused_naming_the_field(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(expectations.ExpectationError, match=re.escape(message)):
        expectations.parse("x", data, "x.yaml")


def _case(case: str) -> tuple[intake_mod.Intake, DraftResult, expectations.Expectation]:
    it, res = _draft(case)
    exp = expectations.load(case)
    assert exp is not None
    return it, res, exp


def test_forbidden_content_is_found_and_a_clause_that_declines_it_is_not() -> None:
    it, res, exp = _case("mdd_retired_teacher")
    plan = res.plan.model_copy(deep=True)
    plan.goals[0].statement = "Return to work at the school within 8 weeks."
    got = case_scoring.score_content(plan, it, exp)
    assert "goals[0].statement" in {v["path"] for v in got["violated"]}
    plan.goals[0].statement = "No work goals: she is retired; days are filled with choir."
    got = case_scoring.score_content(plan, it, exp)
    assert "goals[0].statement" not in {v["path"] for v in got["violated"]}


def test_two_trauma_therapies_violate_and_one_with_an_alternative_does_not() -> None:
    it, res, exp = _case("ptsd_crash_one_trauma_therapy")
    plan = res.plan.model_copy(deep=True)
    first = plan.interventions[0]
    first.technique = "Cognitive Processing Therapy: stuck points and worksheets."
    second = first.model_copy(
        update={"id": "int-extra", "technique": "Prolonged Exposure: imaginal."}
    )
    plan.interventions = [first, second]
    assert case_scoring.score_content(plan, it, exp)["violations"] == 2
    second.technique = "Alternative if the client prefers: Prolonged Exposure."
    plan.interventions = [first, second]
    got = case_scoring.score_content(plan, it, exp)
    assert got["violations"] == 0
    assert "the other named as an alternative" not in got["missed"]


def test_a_timeline_past_the_court_deadline_misses_the_required_check() -> None:
    it, res, exp = _case("cannabis_diversion_deadline")
    plan = res.plan.model_copy(deep=True)
    plan.timeline.review_dates = [dt.date(2026, 12, 1)]
    plan.timeline.estimated_weeks = 8
    for _, _, o in plan.objectives():
        o.timeframe = o.timeframe.model_copy(update={"weeks": 8, "by_date": None})
    assert (
        "timeline ends by the deadline" not in case_scoring.score_content(plan, it, exp)["missed"]
    )
    plan.timeline.review_dates = [dt.date(2027, 3, 1)]
    assert "timeline ends by the deadline" in case_scoring.score_content(plan, it, exp)["missed"]


def _without(plan: TreatmentPlan, pattern: str) -> TreatmentPlan:
    """The plan with every monitored measure, discharge criterion, sequencing note and
    objective that mentions ``pattern`` removed."""
    hit = re.compile(pattern, re.IGNORECASE)
    plan = plan.model_copy(deep=True)
    plan.monitored_measures = [
        m for m in plan.monitored_measures if not hit.search(m.model_dump_json())
    ]
    plan.timeline.discharge_criteria = [
        c for c in plan.timeline.discharge_criteria if not hit.search(c)
    ]
    plan.sequencing = [s for s in plan.sequencing if not hit.search(s)]
    for g in plan.goals:
        g.objectives = [o for o in g.objectives if not hit.search(o.model_dump_json())]
    return plan


def test_a_secondary_score_is_unused_once_the_plan_stops_monitoring_it() -> None:
    from assistant.facts import extract

    it, res, _ = _case("gad_secondary_phq9_isi")
    facts = extract(it)
    before = case_scoring.score_figures_used(res.plan, facts)
    assert "PHQ-9 11" not in before["unused"]
    after = case_scoring.score_figures_used(_without(res.plan, r"PHQ-9"), facts)
    assert "PHQ-9 11" in after["unused"]
    assert after["measures_used"] == before["measures_used"] - 1
    mentioned = _without(res.plan, r"PHQ-9")
    mentioned.timeline.discharge_criteria.append("PHQ-9 (11 at intake) below 5")
    assert "PHQ-9 11" in case_scoring.score_figures_used(mentioned, facts)["unused"]
    mentioned.monitored_measures = res.plan.monitored_measures
    assert "PHQ-9 11" not in case_scoring.score_figures_used(mentioned, facts)["unused"]


def test_a_behavioural_baseline_is_unused_once_no_objective_starts_from_it() -> None:
    from assistant.facts import extract

    it, res, _ = _case("ocd_behavioural_baselines")
    facts = extract(it)
    before = case_scoring.score_figures_used(res.plan, facts)
    assert "minutes in the shower 45 per day" not in before["unused"]
    plan = _without(res.plan, r"shower")
    after = case_scoring.score_figures_used(plan, facts)
    assert "minutes in the shower 45 per day" in after["unused"]
    assert after["baselines_used"] == before["baselines_used"] - 1
    _, _, o = next(plan.objectives())
    o.text = "Cut minutes in the shower from 45 to 15 a day within 8 weeks."
    o.baseline = (o.baseline or Baseline(text="x")).model_copy(
        update={"value": 45, "high": None, "text": "45"}
    )
    assert (
        "minutes in the shower 45 per day"
        not in case_scoring.score_figures_used(plan, facts)["unused"]
    )


def test_placeholder_objectives_and_consistency_findings_are_counted() -> None:
    it, res, _ = _case("mdd_retired_teacher")
    waiting = case_scoring.score_objective_placeholders(res.plan)
    plan = res.plan.model_copy(deep=True)
    _, _, o = next(x for x in plan.objectives() if "[" not in x[2].text)
    o.text += " Baseline [baseline: ask client]."
    again = case_scoring.score_objective_placeholders(plan)
    assert again["with_placeholder"] == waiting["with_placeholder"] + 1
    cf = case_scoring.score_consistency(validate(plan, it))
    assert cf["findings"] == sum(cf["by_rule"].values())
    assert all(rule.startswith("CF") for rule in cf["by_rule"])


def test_fact_recall_falls_when_a_labelled_fact_is_not_extracted() -> None:
    from assistant.facts import extract

    it, _, exp = _case("alcohol_abstinent_after_detox")
    facts = extract(it)
    whole = case_scoring.score_facts(exp.expected_facts, facts)
    facts.substances = []
    less = case_scoring.score_facts(exp.expected_facts, facts)
    assert less["recall"] < whole["recall"]
    assert {"kind": "substance", "substance": "alcohol", "status": "abstinent",
            "since": "2026-09-26", "withdrawal": "history"} in less["missing"]  # fmt: skip


def _missed(plan: TreatmentPlan, it: intake_mod.Intake, item: dict[str, Any]) -> bool:
    exp = expectations.parse("x", {"rule": "r", "aim": "a", "facts_in": "text", "required": [item]})
    return bool(case_scoring.score_content(plan, it, exp)["missed"])


def test_session_count_and_programme_length_checks_read_the_timeline() -> None:
    it, res = _draft("alcohol_only_what_court_requires")
    plan = res.plan.model_copy(deep=True)
    sessions = {"check": "sessions_at_most", "sessions": 12}
    weeks = {"check": "timeline_weeks_at_most", "weeks": 12}
    plan.timeline.estimated_sessions_min, plan.timeline.estimated_sessions_max = 10, 12
    plan.timeline.estimated_weeks = 12
    assert not _missed(plan, it, sessions) and not _missed(plan, it, weeks)
    plan.timeline.estimated_sessions_max, plan.timeline.estimated_weeks = 20, 28
    assert _missed(plan, it, sessions) and _missed(plan, it, weeks)


def test_an_early_objective_must_match_and_be_due_within_the_weeks_given() -> None:
    it, res = _draft("alcohol_withdrawal_morning_tremor")
    plan = res.plan.model_copy(deep=True)
    check = {"check": "early_objective", "weeks": 2, "pattern": "withdrawal assessment"}
    _, _, o = next(plan.objectives())
    o.text = "Complete a medical withdrawal assessment with a physician by session 1."
    o.timeframe = o.timeframe.model_copy(update={"by_session": 1, "weeks": None})
    assert not _missed(plan, it, check)
    o.timeframe = o.timeframe.model_copy(update={"by_session": None, "weeks": 8})
    assert _missed(plan, it, check)


def test_problem_statements_and_strengths_do_not_count_as_plan_content() -> None:
    it, res = _draft("ptsd_asks_female_therapist")
    plan = res.plan.model_copy(deep=True)
    item = {"name": "music", "in": "plan", "pattern": "plays the cello"}
    plan.problems[0].statement += " She plays the cello."
    plan.strengths.append("plays the cello")
    assert _missed(plan, it, item)
    plan.sequencing.append("Use music: she plays the cello, a way back to going out.")
    assert not _missed(plan, it, item)


def test_every_labelled_quote_and_figure_is_in_the_intake() -> None:
    from assistant.facts.quotes import normalise

    for case, e in expectations.load_all().items():
        it = intake_mod.load(CASES / f"{case}.json")
        text = normalise(" ".join(t for _, t in it.free_text()))
        scores = {(a.instrument, float(a.score)) for a in it.assessments}
        baselines = {(b.measure, str(b.value)) for b in it.baselines}
        for f in e.expected_facts:
            if "quote" in f:
                assert normalise(f["quote"]) in text, f"{case}: {f['quote']!r} not in the intake"
            if f["kind"] == "measure":
                name = f.get("name_as_written") or f["instrument"]
                assert (name, float(f["score"])) in scores, f"{case}: {name} {f['score']}"
            if f["kind"] == "baseline":
                assert (f["measure"], f["value"]) in baselines, f"{case}: {f['measure']}"
            if f["kind"] == "client_goal":
                assert f["text"] in it.client_goals, f"{case}: {f['text']}"


def test_contradicting_edits_are_applied_and_a_refused_one_is_counted() -> None:
    from evals import contradictions

    it, res, exp = _case("mdd_partial_hospitalization")
    edited = contradictions.apply(
        res.plan,
        [
            {"set": "timeline.session_frequency", "value": "weekly"},
            {"extend": "goals[0].statement", "text": " Edited."},
            {"append": "timeline.review_dates", "value": "2027-01-04"},
            {"append": "interventions", "copy": "interventions[0]", "with": {"id": "x"}},
        ],
    )
    assert edited.timeline.session_frequency == "weekly"
    assert edited.goals[0].statement.endswith(" Edited.")
    assert edited.timeline.review_dates[-1] == dt.date(2027, 1, 4)
    assert len(edited.interventions) == len(res.plan.interventions) + 1
    assert res.plan.timeline.session_frequency != "weekly"  # the draft itself is unchanged
    got = contradictions.score_contradictions(res.plan, it, exp.contradictions)
    assert got["contradictions"] == 1 and got["refused"] == 1 and not got["missed"]
    unchanged = [{"name": "no change", "edits": [{"extend": "goals[0].statement", "text": ""}]}]
    assert contradictions.score_contradictions(res.plan, it, unchanged)["missed"] == ["no change"]


def test_an_edit_to_a_part_the_plan_lacks_names_the_path() -> None:
    from evals import contradictions

    _, res = _draft("mdd_retired_teacher")
    with pytest.raises(contradictions.EditError, match=r"goals\[40\]\.statement"):
        contradictions.apply(res.plan, [{"extend": "goals[40].statement", "text": "x"}])
    with pytest.raises(expectations.ExpectationError, match=r"contradictions\[0\]\.edits\[0\]"):
        expectations.parse(
            "x",
            {"rule": "r", "aim": "a", "facts_in": "text",
             "contradictions": [{"name": "n", "edits": [{"move": "goals"}]}]},
            "x.yaml",
        )  # fmt: skip


def test_a_remove_edit_drops_matching_items_in_every_goal() -> None:
    from evals import contradictions

    _, res = _draft("ocd_behavioural_baselines")
    assert any("shower" in o.text for _, _, o in res.plan.objectives())
    edited = contradictions.apply(
        res.plan, [{"remove": "goals[*].objectives", "matching": "SHOWER"}]
    )
    assert not any("shower" in o.text for _, _, o in edited.objectives())
    assert len(list(edited.objectives())) < len(list(res.plan.objectives()))
