"""The intake format: every shared example loads, every invalid one is refused clearly."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import intake as intake_mod
from assistant.errors import IntakeError
from assistant.intake_types import BIDI_CONTROLS
from assistant.notices import notices
from tests.conftest import INTAKES, INVALID_INTAKES, VALID_INTAKES


@pytest.mark.parametrize("path", VALID_INTAKES, ids=lambda p: p.name)
def test_shared_intakes_load_unchanged(path: Path) -> None:
    raw = json.loads(path.read_text())
    loaded = intake_mod.load(path)
    assert loaded.client.record_id == raw["client"]["record_id"]
    assert [d.code for d in loaded.diagnoses] == [d["code"] for d in raw["diagnoses"]]
    assert [a.score for a in loaded.assessments] == [a["score"] for a in raw.get("assessments", [])]


EXPECTED_REFUSALS = {
    "bad_icd_code.json": ["diagnoses[0].code: 'anxiety' is not an ICD-10-CM code"],
    "future_dates.json": [
        "client.date_of_birth: must be in the past",
        "intake_date: must not be in the future",
    ],
    "no_diagnosis.json": ["diagnoses: needs at least one entry"],
    "score_out_of_range.json": ["assessments[0].score: PHQ-9 scores run 0-27; got 31"],
    "truncated.json": ["intake: not valid JSON"],
}


def test_every_invalid_file_has_an_expectation() -> None:
    assert {p.name for p in INVALID_INTAKES} == set(EXPECTED_REFUSALS)


@pytest.mark.parametrize("path", INVALID_INTAKES, ids=lambda p: p.name)
def test_invalid_intakes_are_refused_naming_the_field(path: Path) -> None:
    with pytest.raises(IntakeError) as exc:
        intake_mod.load(path)
    for expected in EXPECTED_REFUSALS[path.name]:
        assert any(p.startswith(expected) for p in exc.value.problems), exc.value.problems


def _base() -> dict:
    return json.loads((INTAKES / "gad_nurse.json").read_text())


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        (
            {"assessments": [{"instrument": "GAD-7", "score": "seventeen"}]},
            "assessments[0].score: must be a number",
        ),
        (
            {"assessments": [{"instrument": "GAD-7", "score": True}]},
            "assessments[0].score: must be a number",
        ),
        (
            {"assessments": [{"instrument": "GAD-7", "score": 22}]},
            "assessments[0].score: GAD-7 scores run 0-21; got 22",
        ),
        ({"intake_date": "05/10/2026"}, "intake_date: must be a date written YYYY-MM-DD"),
        ({"intake_date": "2026-02-30"}, "intake_date: is not a real calendar date"),
        (
            {"baselines": [{"measure": "panic attacks", "value": "several"}]},
            "baselines[0].value: must be a number or a range",
        ),
        (
            {"baselines": [{"measure": "panic attacks", "value": "5-2"}]},
            "baselines[0].value: range runs backwards",
        ),
        ({"risk": {"suicidal_ideation": "maybe"}}, "risk.suicidal_ideation: must be one of"),
        ({"format": "treatment-intake/2"}, "format: must be 'treatment-intake/1'"),
        ({"diagnosis": []}, "diagnosis: is not a field of treatment-intake/1"),
        ({"presenting_problems": []}, "presenting_problems: needs at least one entry"),
        (
            {"diagnoses": [{"code": "F99.999", "label": "x"}]},
            "diagnoses[0].code: 'F99.999' is not an ICD-10-CM code",
        ),
    ],
)
def test_bad_fields_are_named_with_the_reason(patch: dict, expected: str) -> None:
    data = _base() | patch
    with pytest.raises(IntakeError) as exc:
        intake_mod.parse(data)
    assert any(p.startswith(expected) for p in exc.value.problems), exc.value.problems


def test_client_fields_are_required() -> None:
    data = _base()
    del data["client"]["record_id"]
    with pytest.raises(IntakeError) as exc:
        intake_mod.parse(data)
    assert "client.record_id: is required" in exc.value.problems


def test_every_problem_is_reported_not_just_the_first() -> None:
    data = _base() | {
        "intake_date": "2099-01-01",
        "assessments": [{"instrument": "PHQ-9", "score": 40}],
    }
    with pytest.raises(IntakeError) as exc:
        intake_mod.parse(data)
    assert len(exc.value.problems) == 2


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (intake_mod.MAX_FILE_BYTES + 1))
    with pytest.raises(IntakeError, match="the limit is 1 MiB"):
        intake_mod.load(big)


def test_overlong_text_field_is_refused_naming_field_and_limit() -> None:
    data = _base()
    data["notes"] = "x" * (intake_mod.MAX_TEXT + 1)
    with pytest.raises(IntakeError) as exc:
        intake_mod.parse(data)
    assert exc.value.problems == ["notes: is longer than the limit of 20,000 characters"]


def test_missing_risk_is_not_assessed_never_none() -> None:
    data = _base()
    del data["risk"]
    loaded = intake_mod.parse(data)
    assert loaded.risk.suicidal_ideation == "not_assessed"
    assert loaded.risk.self_harm == "not_assessed"
    assert loaded.risk.homicidal_ideation == "not_assessed"
    assert not loaded.risk.fully_assessed
    assert any(n.kind == "risk" for n in notices(loaded))


def test_partly_missing_risk_keeps_the_missing_fields_unassessed() -> None:
    loaded = intake_mod.load(INTAKES / "insomnia_minimal.json")
    assert loaded.risk.suicidal_ideation == "none"
    assert loaded.risk.unassessed_fields == ["self-harm", "homicidal ideation"]


def test_header_code_is_flagged_with_specific_options() -> None:
    data = _base()
    data["diagnoses"] = [{"code": "F50.81", "label": "Binge eating disorder", "primary": True}]
    loaded = intake_mod.parse(data)
    msgs = [n.message for n in notices(loaded) if n.kind == "code"]
    assert msgs and "F50.810" in msgs[0] and "not a billable" in msgs[0]


def test_unknown_instrument_is_kept_and_flagged() -> None:
    data = _base()
    data["assessments"].append({"instrument": "Hamilton-X", "score": 300, "date": "2026-10-05"})
    loaded = intake_mod.parse(data)
    assert loaded.assessments[-1].score == 300
    assert any(n.kind == "instrument" for n in notices(loaded))


def test_embedded_instructions_are_surfaced_as_notices() -> None:
    loaded = intake_mod.load(INTAKES / "hostile_notes.json")
    paths = {n.path for n in notices(loaded) if n.kind == "instruction"}
    assert paths == {"presenting_problems[0].client_words", "notes"}


# ---------------------------------------------------------------- round trip

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())
# names and required text have something visible; names no direction overrides (refused)
_name = _text.filter(lambda s: any(c.isalnum() for c in s) and not BIDI_CONTROLS.search(s))
_past = st.dates(min_value=date(1930, 1, 1), max_value=date.today() - timedelta(days=1))


@st.composite
def intakes(draw: st.DrawFn) -> dict:
    dob = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 1, 1)))
    seen = draw(st.dates(min_value=dob + timedelta(days=1), max_value=date.today()))
    inst = draw(st.sampled_from([("PHQ-9", 27), ("GAD-7", 21), ("PCL-5", 80), ("ISI", 28)]))
    return {
        "format": "treatment-intake/1",
        "client": {"name": draw(_name), "date_of_birth": dob.isoformat(), "record_id": draw(_name)},
        "clinician": {"name": draw(_name), "credentials": "LCSW"},
        "intake_date": seen.isoformat(),
        "presenting_problems": [
            {"summary": draw(_name), "symptoms": draw(st.lists(_text, max_size=3))}
        ],
        "diagnoses": [
            {
                "code": draw(st.sampled_from(["F41.1", "F32.1", "F43.10", "F10.20"])),
                "label": "x",
                "primary": True,
            }
        ],
        "assessments": [
            {
                "instrument": inst[0],
                "score": draw(st.integers(0, inst[1])),
                "date": seen.isoformat(),
            }
        ],
        "baselines": [
            {
                "measure": draw(_name),
                "value": draw(st.one_of(st.integers(0, 50), st.just("3-5"))),
                "unit": "per week",
            }
        ],
        "risk": draw(
            st.one_of(
                st.just({}),
                st.just(
                    {
                        "suicidal_ideation": "passive",
                        "self_harm": "none",
                        "homicidal_ideation": False,
                    }
                ),
            )
        ),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intakes())
def test_valid_intakes_round_trip_through_json(data: dict) -> None:
    first = intake_mod.parse(data)
    again = intake_mod.loads(first.model_dump_json())
    assert again == first


# ---------------------------------------------------------------- the form's builder

EVAL_CASES = sorted((Path(__file__).resolve().parents[1] / "evals" / "cases").glob("*.json"))


@pytest.mark.parametrize("path", [*VALID_INTAKES, *EVAL_CASES], ids=lambda p: p.name)
def test_the_form_round_trips_every_intake(path: Path) -> None:
    """fill() then build() gives the same intake back, the context block included."""
    from assistant.ui import intake_form

    loaded = intake_mod.load(path)
    state: dict = {}
    intake_form.fill(state, loaded)
    assert intake_mod.parse(intake_form.build(state)) == loaded


def test_the_form_builds_the_context_block() -> None:
    from assistant.ui import intake_form as form

    state: dict = {}
    form.fill(state, intake_mod.load(INTAKES / "gad_nurse.json"))
    assert "context" not in form.build(state)  # nothing filled in, no block
    p = form.P
    state[p + "context.occupation"] = "retired teacher"
    state[p + "context.legal.mandated"] = "yes"
    state[p + "context.legal.deadline"] = date(2027, 3, 1)
    state[p + "context.legal.release_scope"] = "attendance only"
    state[p + "context.safety_steps_taken"] = "safety plan written\n\nfirearm removed from the home"
    state[p + "context.risk_to_others"] = "drives after drinking"
    row = form.add_row(state, "substance_status")
    state[form.row_key("substance_status", row, "substance")] = "alcohol"
    state[form.row_key("substance_status", row, "status")] = "abstinent"
    state[form.row_key("substance_status", row, "since")] = date(2026, 9, 1)
    state[form.row_key("substance_status", row, "withdrawal")] = "history"
    ctx = intake_mod.parse(form.build(state)).context
    assert ctx is not None and ctx.occupation == "retired teacher"
    assert ctx.legal is not None and ctx.legal.mandated is True
    assert (ctx.legal.deadline, ctx.legal.release_scope) == (date(2027, 3, 1), "attendance only")
    assert ctx.safety_steps_taken == ["safety plan written", "firearm removed from the home"]
    assert ctx.risk_to_others == ["drives after drinking"]
    [sub] = ctx.substance_status
    assert (sub.substance, sub.status, sub.since, sub.withdrawal) == (
        "alcohol",
        "abstinent",
        date(2026, 9, 1),
        "history",
    )


def test_context_problems_are_placed_beside_their_fields() -> None:
    from assistant.ui import intake_form as form

    state: dict = {}
    row = form.add_row(state, "substance_status")
    placed = form.place(
        state,
        [
            "context.substance_status[0].since: must not be in the future; got 2099-01-01",
            "context.legal.mandated: must be true or false",
            "context.risk_to_others[0]: contains a NUL character",
            "context.substance_status: has 21 entries; the limit is 20",
        ],
    )
    assert set(placed) == {
        form.row_key("substance_status", row, "since"),
        form.P + "context.legal.mandated",
        form.P + "context.risk_to_others",
        form.section_key("substance_status"),
    }
