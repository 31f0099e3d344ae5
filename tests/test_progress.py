"""The progress engine: each objective read against its own baseline, with cited thresholds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant import plan as plan_mod
from assistant.intake import load as load_intake
from assistant.plan import Baseline, Target, Timeframe, TreatmentPlan
from assistant.progress import engine, matching, thresholds
from assistant.progress.measures import MeasuresError, load, loads, parse
from assistant.progress.report import assess

DATA = Path(__file__).parent / "data" / "progress"
AS_OF = dt.date(2026, 11, 30)
START = dt.date(2026, 10, 5)


def gad_plan() -> TreatmentPlan:
    return plan_mod.load(DATA / "gad_plan.json")


def one_objective_plan(
    instrument: str | None,
    baseline: float | None,
    target: float,
    comparator: str = "<",
    direction: str = "decrease",
    metric: str | None = None,
    weeks: int = 8,
) -> TreatmentPlan:
    plan = gad_plan()
    goal = plan.goals[0]
    base = (
        Baseline(value=baseline, text=f"{baseline:g}", date=START)
        if baseline is not None
        else Baseline(text="[baseline: record in week 1]")
    )
    obj = goal.objectives[0].model_copy(
        update={
            "id": "X.O1",
            "instrument": instrument,
            "metric": metric or instrument,
            "baseline": base,
            "target": Target(value=target, text=f"{target:g}", comparator=comparator),
            "direction": direction,
            "timeframe": Timeframe(weeks=weeks),
        }
    )
    return plan.model_copy(update={"goals": [goal.model_copy(update={"objectives": [obj]})]})


def measures(*entries: dict[str, object], sessions: list[dict[str, object]] | None = None):
    return parse(
        {
            "format": "treatment-measures/1",
            "record_id": "MRN-20417",
            "entries": list(entries),
            "sessions": sessions or [],
        },
        today=AS_OF,
    )


def score(instrument: str, value: float, day: str = "2026-11-16", **extra: object):
    return {"date": day, "instrument": instrument, "score": value, **extra}


def read(plan: TreatmentPlan, m, as_of: dt.date = AS_OF) -> engine.ObjectiveProgress:
    objectives, _ = engine.assess_objectives(plan, m, as_of=as_of)
    return objectives[0]


# ------------------------------------------------------------------ done-when readings


def test_gad_file_reads_reliable_improvement_and_target_met() -> None:
    report = assess(gad_plan(), load(DATA / "gad_nurse_week8.json", today=AS_OF), as_of=AS_OF)
    gad = next(o for o in report.objectives if o.measure == "GAD-7")
    assert (gad.baseline.value, gad.latest.value) == (15, 7)  # type: ignore[union-attr]
    assert gad.reliable_change == "improved"
    assert gad.target_met is True and gad.suggested_status == "met"
    assert "P-GAD2" in gad.sources
    codes = [(f.code, str(f.session_date)) for f in report.notes]
    assert ("copy_forward", "2026-11-23") in codes
    assert sum(c == "no_objective_cited" for c, _ in codes) == 3
    copy = next(f for f in report.notes if f.code == "copy_forward")
    assert copy.copied_from == dt.date(2026, 11, 16)
    assert copy.copied_span is not None and copy.copied_span.startswith("Practised cue-controlled")
    # the PHQ-9 taken at session 8 measures no objective: shown, not dropped
    assert [u.measure for u in report.unmatched_entries] == ["PHQ-9"]
    assert not report.review_now


def test_mdd_file_reads_no_reliable_change_and_flags_the_progressing_note() -> None:
    plan = plan_mod.load(DATA / "mdd_plan.json")
    m = load(DATA / "mdd_recurrent_si_week6.json", today=AS_OF)
    report = assess(plan, m, as_of=AS_OF, intake=load_intake(DATA / "mdd_intake.json"))
    phq = [o for o in report.objectives if o.measure == "PHQ-9"]
    assert phq and all(o.reliable_change == "no_reliable_change" for o in phq)
    assert all((o.baseline.value, o.latest.value) == (21, 19) for o in phq)  # type: ignore[union-attr]
    assert all(o.suggested_status == "no_change" for o in phq)
    flagged = {(f.code, str(f.session_date)) for f in report.notes}
    assert ("narrative_contradicts_measures", "2026-11-02") in flagged
    assert ("no_objective_cited", "2026-10-19") in flagged
    # the note recording passive thoughts of death asks for a review now
    assert [f.code for f in report.safety] == ["risk_note"]
    # the behavioural count matched its objective through the intake's unit
    act = next(o for o in report.objectives if o.id == "G3.O1")
    assert act.latest is not None and act.latest.value == 1


# ------------------------------------------------------------------ category boundaries

# (instrument, baseline, latest, expected category) at and around every cited threshold
BOUNDARIES = [
    ("PHQ-9", 20, 15, "no_reliable_change"),  # 5 points: below the 6-point threshold
    ("PHQ-9", 20, 14, "improved"),  # 6 points
    ("PHQ-9", 14, 20, "deteriorated"),
    ("PHQ-9", 15, 20, "no_reliable_change"),
    ("GAD-7", 15, 10, "no_reliable_change"),  # 5 < 5.59
    ("GAD-7", 15, 9, "improved"),  # 6 > 5.59
    ("GAD-7", 9, 15, "deteriorated"),
    ("PCL-5", 54, 40, "no_reliable_change"),  # 14 < 15
    ("PCL-5", 54, 39, "unknown"),  # 15: inside the published 15-18 range
    ("PCL-5", 54, 37, "unknown"),  # 17
    ("PCL-5", 54, 36, "improved"),  # 18
    ("PCL-5", 36, 54, "deteriorated"),
    ("ORS", 20, 24, "no_reliable_change"),  # higher is better: 4 < 5
    ("ORS", 20, 25, "improved"),
    ("ORS", 25, 20, "deteriorated"),
    ("CORE-10", 20, 15, "no_reliable_change"),
    ("CORE-10", 20, 14, "improved"),
    ("CORE-10", 14, 20, "deteriorated"),
    ("ISI", 20, 5, "unknown"),  # no published reliable-change figure
    ("Y-BOCS", 30, 10, "unknown"),
]


@pytest.mark.parametrize(("instrument", "base", "latest", "want"), BOUNDARIES)
def test_reliable_change_boundaries(instrument: str, base: float, latest: float, want: str) -> None:
    direction = "increase" if instrument == "ORS" else "decrease"
    plan = one_objective_plan(instrument, base, 0 if direction == "decrease" else 40, "<=")
    plan = plan.model_copy(update={"goals": [_with_direction(plan, direction)]})
    got = read(plan, measures(score(instrument, latest)))
    assert got.reliable_change == want, got.reliable_change_basis


def _with_direction(plan: TreatmentPlan, direction: str):
    g = plan.goals[0]
    return g.model_copy(
        update={"objectives": [g.objectives[0].model_copy(update={"direction": direction})]}
    )


def test_jacobson_truax_index_when_sd_and_reliability_are_published(monkeypatch) -> None:
    assert thresholds.jacobson_truax(20, 10, 5, 0.8) == pytest.approx(-10 / (5 * 2**0.5 * 0.2**0.5))
    fake = thresholds.Thresholds(
        reliable_change=thresholds.ReliableChange(sd=5, r=0.8, source="TEST", confidence="high")
    )
    monkeypatch.setattr(thresholds, "for_instrument", lambda name: fake)
    # S_diff = 5 * sqrt(2) * sqrt(0.2) = 3.162; reliable beyond 1.96 * 3.162 = 6.2 points
    cat, _, rci, _ = engine.reliable_category("PHQ-9", 20, 14, worse_is_higher=True)
    assert cat == "no_reliable_change" and rci == pytest.approx(-1.90, abs=0.01)
    cat, _, rci, _ = engine.reliable_category("PHQ-9", 20, 13, worse_is_higher=True)
    assert cat == "improved" and rci == pytest.approx(-2.21, abs=0.01)


@pytest.mark.parametrize(
    ("instrument", "base", "latest", "csc"),
    [
        ("PHQ-9", 16, 9, True),  # reliable and below 10
        ("PHQ-9", 16, 10, False),  # reliable but still 10 or more
        ("PHQ-9", 8, 1, None),  # started outside the clinical range
        ("PCL-5", 50, 28, True),  # 28 or less counts
        ("PCL-5", 50, 29, False),
        ("CORE-10", 17, 10, True),
        ("CORE-10", 17, 11, False),
        ("ISI", 20, 5, None),  # no cut-off for clinically significant change on file
    ],
)
def test_clinically_significant_change(instrument: str, base: float, latest: float, csc) -> None:
    got = read(one_objective_plan(instrument, base, 0, "<="), measures(score(instrument, latest)))
    assert got.clinically_significant is csc


@pytest.mark.parametrize(
    ("instrument", "base", "latest", "response", "remission"),
    [
        ("PHQ-9", 20, 10, True, False),  # a 50% fall is response
        ("PHQ-9", 20, 11, False, False),
        ("PHQ-9", 20, 4, True, True),  # below 5 is remission
        ("PHQ-9", 20, 5, True, False),
        ("ISI", 20, 7, None, True),  # ISI remission is below 8; no response rule on file
        ("ISI", 20, 8, None, False),
        ("GAD-7", 15, 3, None, None),  # response and remission for GAD-7 are unconfirmed
    ],
)
def test_response_and_remission(instrument, base, latest, response, remission) -> None:
    got = read(one_objective_plan(instrument, base, 0, "<="), measures(score(instrument, latest)))
    assert (got.response, got.remission) == (response, remission)


# ------------------------------------------------------------------ targets and trajectory


@pytest.mark.parametrize(
    ("comparator", "target", "latest", "met"),
    [("<", 10, 9, True), ("<", 10, 10, False), ("<=", 10, 10, True), ("<=", 10, 11, False)],
)
def test_target_met_follows_the_comparator(comparator, target, latest, met) -> None:
    got = read(
        one_objective_plan("GAD-7", 15, target, comparator), measures(score("GAD-7", latest))
    )
    assert got.target_met is met
    assert (got.suggested_status == "met") is met


def test_on_track_against_a_straight_line_to_the_target() -> None:
    plan = one_objective_plan("GAD-7", 16, 8, "<=", weeks=8)
    # four weeks in, a straight line from 16 to 8 stands at 12
    halfway = "2026-11-02"
    got = read(plan, measures(score("GAD-7", 12, halfway)))
    assert got.expected_now == 12 and got.on_track is True
    got = read(plan, measures(score("GAD-7", 13, halfway)))
    assert got.on_track is False


def test_behavioural_measure_reads_the_raw_change_and_says_so() -> None:
    plan = gad_plan()
    m = measures(
        {"date": "2026-11-16", "measure": "sleep onset latency", "value": 60, "unit": "minutes"}
    )
    got = next(o for o in engine.assess_objectives(plan, m, as_of=AS_OF)[0] if o.id == "G2.O1")
    assert got.reliable_change == "unknown"
    assert got.suggested_status == "worsening"
    assert "raw change" in got.status_reason


# ------------------------------------------------------------------ missing and odd data


def test_no_readings_is_no_data() -> None:
    got = read(one_objective_plan("GAD-7", 15, 10), measures())
    assert got.latest is None and got.change is None and got.target_met is None
    assert got.suggested_status == "no_data"


def test_entries_before_or_on_the_baseline_are_history_not_progress() -> None:
    plan = one_objective_plan("GAD-7", 15, 10)
    got = read(plan, measures(score("GAD-7", 3, "2026-09-01"), score("GAD-7", 4, "2026-10-05")))
    assert [h.value for h in got.history] == [3, 4]
    assert got.latest is None and got.suggested_status == "no_data"


def test_entries_after_the_review_date_are_left_out() -> None:
    plan = one_objective_plan("GAD-7", 15, 10)
    m = measures(score("GAD-7", 12, "2026-11-02"), score("GAD-7", 5, "2026-11-20"))
    got = read(plan, m, as_of=dt.date(2026, 11, 10))
    assert got.latest is not None and got.latest.value == 12


def test_placeholder_baseline_takes_the_first_reading_and_says_so() -> None:
    plan = one_objective_plan("GAD-7", None, 10)
    one = read(plan, measures(score("GAD-7", 14, "2026-10-19")))
    assert one.suggested_status == "no_data" and one.baseline is None
    two = read(plan, measures(score("GAD-7", 14, "2026-10-19"), score("GAD-7", 12, "2026-11-02")))
    assert two.baseline is not None and two.baseline.value == 14 and two.change == -2
    assert "first reading" in two.baseline_note


def test_entries_that_match_nothing_are_shown_with_the_reason() -> None:
    plan = gad_plan()
    intake = load_intake(DATA / "gad_intake.json")
    m = measures(
        score("PCL-5", 40),
        {"date": "2026-11-16", "measure": "sleep onset latency", "value": 1, "unit": "hours"},
    )
    _, unmatched = matching.match_entries(plan, m, intake)
    assert [u.measure for u in unmatched] == ["PCL-5", "sleep onset latency"]
    assert "no objective" in unmatched[0].reason
    assert "unit 'hours'" in unmatched[1].reason


def test_instrument_aliases_match_the_objective() -> None:
    got = read(one_objective_plan("GAD-7", 15, 10), measures(score("gad7", 12)))
    assert got.latest is not None and got.latest.value == 12


def test_a_measures_file_for_another_client_is_refused() -> None:
    m = parse({"format": "treatment-measures/1", "record_id": "MRN-1", "entries": []})
    with pytest.raises(MeasuresError, match="record_id"):
        assess(gad_plan(), m, as_of=AS_OF)


# ------------------------------------------------------------------ the loader

GOOD = {"format": "treatment-measures/1", "record_id": "MRN-20417", "entries": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"entries": [score("GAD-7", 25)]}, "entries[0].score: GAD-7 scores run 0-21; got 25"),
        ({"entries": [score("PHQ-9", "7")]}, "entries[0].score: must be a number; got '7'"),
        (
            {"entries": [score("GAD-7", 5, "2026-13-01")]},
            "entries[0].date: is not a real calendar date",
        ),
        (
            {"entries": [score("GAD-7", 5, "2027-01-01")]},
            "entries[0].date: must not be in the future",
        ),
        (
            {"entries": [{"date": "2026-11-01", "measure": "naps", "value": 2}]},
            "needs measure, value and unit",
        ),
        (
            {"entries": [{**score("GAD-7", 5), "measure": "naps"}]},
            "has both an instrument and a measure",
        ),
        ({"entries": [score("C-SSRS", 2)]}, "gives a risk category, not a score"),
        ({"entries": [score("PHQ-9", 5, items=[1, 1, 1, 1, 1])]}, "PHQ-9 has 9 items; got 5"),
        (
            {"entries": [score("PHQ-9", 5, items=[1, 1, 1, 1, 1, 0, 0, 0, 2])]},
            "add up to 7, not the score 5",
        ),
        (
            {"entries": [score("PHQ-9", 6, items=[4, 1, 1, 0, 0, 0, 0, 0, 0])]},
            "items[0]: PHQ-9 items run 0-3",
        ),
        ({"entries": [score("DERS", 90, items=[1])]}, "item scores are not read for DERS"),
        (
            {"sessions": [{"date": "2026-11-01", "note": "x", "mood": 3}]},
            "sessions[0].mood: is not a field",
        ),
        ({"format": "treatment-measures/2"}, "format: must be one of"),
        ({"entries": None}, "entries: must be a list"),
        ({"record_id": ""}, "record_id: must not be empty"),
    ],
)
def test_the_loader_refuses_with_one_line_naming_the_field(change, message) -> None:
    with pytest.raises(MeasuresError) as exc:
        parse({**GOOD, **change}, today=AS_OF)
    assert any(message in p for p in exc.value.problems), exc.value.problems


def test_not_a_number_is_refused() -> None:
    text = (
        '{"format": "treatment-measures/1", "record_id": "a", "entries": '
        '[{"date": "2026-11-01", "measure": "naps", "value": NaN, "unit": "per week"}]}'
    )
    with pytest.raises(MeasuresError, match=r"entries\[0\]\.value: must be a finite number"):
        loads(text, today=AS_OF)


def test_duplicate_keys_are_refused() -> None:
    text = '{"format": "treatment-measures/1", "record_id": "a", "record_id": "b", "entries": []}'
    with pytest.raises(MeasuresError, match="'record_id' appears twice"):
        loads(text)


def test_cut_short_and_oversized_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MeasuresError, match="not valid JSON"):
        loads('{"format": "treatment-measures/1", "entries": [')
    big = tmp_path / "big.json"
    big.write_text(json.dumps({**GOOD, "pad": "x" * (3 * 2**20)}))
    with pytest.raises(MeasuresError, match="the limit is 2 MiB"):
        load(big)


def test_every_threshold_names_a_registry_instrument_and_a_source() -> None:
    table = thresholds.table()
    assert {"PHQ-9", "GAD-7", "PCL-5", "AUDIT"} <= set(table)
    for entry in table.values():
        for fig in (entry.reliable_change, entry.recovered, entry.response, entry.remission):
            assert fig is None or fig.source
