"""Hostile intake files: each attack is reproduced and refused by name, never crashes.

Every case here once got through (issue 12) or ended in "something went wrong" (exit 3).
The loader now refuses each one with a ``path: reason`` line, and the CLI exits 2.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from assistant import instruments
from assistant import intake as intake_mod
from assistant.errors import IntakeError
from assistant.notices import notices
from tests.conftest import INTAKES

GAD = INTAKES / "gad_nurse.json"


def base() -> dict[str, Any]:
    return json.loads(GAD.read_text())


def refusal(text: str | bytes) -> list[str]:
    with pytest.raises(IntakeError) as exc:
        intake_mod.loads(text)
    return exc.value.problems


def refused(data: dict[str, Any]) -> list[str]:
    return refusal(json.dumps(data))


# ---------------------------------------------------------------- what the format allows


def test_no_clinician_and_no_risk_load_as_not_assessed() -> None:
    data = base()
    del data["clinician"], data["risk"]
    loaded = intake_mod.loads(json.dumps(data))
    assert loaded.clinician is None
    assert loaded.risk.unassessed_fields == ["suicidal ideation", "self-harm", "homicidal ideation"]
    kinds = {n.path: n.kind for n in notices(loaded)}
    assert kinds["risk"] == "risk" and kinds["clinician"] == "data"


@pytest.mark.parametrize(
    ("name", "score", "why"),
    [
        ("ASRS v1.1", 41, "18-item symptom checklist (0-72)"),  # the checklist, not Part A
        ("asrs-v1.1", 41, "18-item symptom checklist (0-72)"),
        ("PHQ", 14, "family"),
        ("DAST", 14, "DAST-20"),
        ("PTSD Checklist", 60, "PCL-C"),
    ],
)
def test_ambiguous_instrument_names_are_kept_not_mapped(name: str, score: int, why: str) -> None:
    data = base()
    data["assessments"].append({"instrument": name, "score": score, "date": "2026-10-01"})
    loaded = intake_mod.loads(json.dumps(data))
    assert loaded.assessments[-1].instrument == name and loaded.assessments[-1].score == score
    assert instruments.get(name) is None
    [note] = [
        n
        for n in notices(loaded)
        if n.path == f"assessments[{len(data['assessments']) - 1}].instrument"
    ]
    assert "ambiguous" in note.message and why in note.message
    assert "kept as an unvalidated measure" in note.message


@pytest.mark.parametrize(
    ("name", "expected", "kind"),
    [
        ("ASRS Part A", "ASRS", "alias"),
        ("ASRS", "ASRS", "exact"),
        ("phq 9", "PHQ-9", "exact"),
        ("GAD7", "GAD-7", "exact"),
        ("PHQ-9 Modified for Teens", "PHQ-A", "alias"),
        ("Hamilton-X", None, "unknown"),
        ("PHQ-99", None, "unknown"),  # no prefix matching
        ("GAD-7 v2", None, "unknown"),
    ],
)
def test_names_match_by_id_or_declared_alias_only(
    name: str, expected: str | None, kind: str
) -> None:
    found = instruments.lookup(name)
    assert found.kind == kind
    assert (found.instrument.id if found.instrument else None) == expected


def test_an_unknown_instrument_is_reported_as_an_unvalidated_measure() -> None:
    data = base()
    data["assessments"].append({"instrument": "Hamilton-X", "score": 30.5})
    loaded = intake_mod.loads(json.dumps(data))
    [note] = [n for n in notices(loaded) if n.kind == "instrument"]
    assert note.message.startswith("Hamilton-X: unknown instrument; kept as an unvalidated measure")


def test_free_text_reads_a_versioned_name_whole() -> None:
    found = [m.group(0) for m in instruments.names_pattern().finditer("ASRS v1.1 total 41")]
    assert found == ["ASRS v1.1"] and instruments.get(found[0]) is None


# ---------------------------------------------------------------- JSON-level attacks


def test_duplicate_keys_are_refused_naming_the_field() -> None:
    text = GAD.read_text().replace(
        '"suicidal_ideation": "none"',
        '"suicidal_ideation": "active_with_plan", "suicidal_ideation": "none"',
    )
    assert '"active_with_plan"' in text
    assert "risk.suicidal_ideation: appears twice; keep only one" in refusal(text)


def test_duplicate_keys_are_found_at_any_depth() -> None:
    text = '{"format": "treatment-intake/1", "format": "treatment-intake/1", "diagnoses": ' \
        '[{"code": "F41.1", "code": "F32.1", "code": "F43.10"}]}'  # fmt: skip
    problems = refusal(text)
    assert "format: appears twice; keep only one" in problems
    assert "diagnoses[0].code: appears 3 times; keep only one" in problems


def test_deeply_nested_json_is_refused_not_a_crash() -> None:
    for text in ('{"notes": ' + "[" * 100_000 + "]" * 100_000 + "}", "[" * 50 + "]" * 50):
        problems = refusal(text)
        assert any("nested more than 12 levels deep" in p for p in problems), problems
    assert refusal('{"notes": ' + "[" * 100 + "]" * 100 + "}")[0].startswith("notes: nested")


def test_brackets_inside_text_are_not_nesting() -> None:
    data = base()
    data["notes"] = "[" * 5000 + '{"a": ' * 100 + ' \\" ['
    assert intake_mod.loads(json.dumps(data)).notes == data["notes"]


@pytest.mark.parametrize(
    "number", ["9" * 5000, "1" + "0" * 400 + ".5", "1e999", "NaN", "-Infinity"]
)
def test_huge_or_non_finite_numbers_are_refused_naming_the_field(number: str) -> None:
    text = GAD.read_text().replace('"score": 15', f'"score": {number}', 1)
    problems = refusal(text)
    assert any(p.startswith("assessments[0].score: ") for p in problems), problems


def test_nul_bytes_in_text_are_refused_naming_the_field() -> None:
    data = base()
    data["notes"] = "slept badly\x00"
    data["presenting_problems"][0]["symptoms"] = ["worry\u0000"]
    problems = refused(data)
    assert any(p.startswith("notes: contains a NUL character") for p in problems)
    assert any(p.startswith("presenting_problems[0].symptoms[0]: contains a NUL") for p in problems)


def test_a_lone_surrogate_is_refused() -> None:
    text = GAD.read_text().replace('"medications": "', '"medications": "\\ud800', 1)
    problems = refusal(text)
    assert any(p.startswith("medications: contains a broken character") for p in problems)


@pytest.mark.parametrize("value", ["yes", "off", 1, 0, "true"])
def test_booleans_are_strict(value: object) -> None:
    data = base()
    data["risk"]["homicidal_ideation"] = value
    data["diagnoses"][0]["primary"] = value
    problems = refused(data)
    assert any(p.startswith("risk.homicidal_ideation: must be") for p in problems), problems
    assert any(p.startswith("diagnoses[0].primary: must be true or false") for p in problems)


def test_mandated_is_a_strict_boolean() -> None:
    data = base() | {"context": {"legal": {"mandated": "yes"}}}
    assert any(p.startswith("context.legal.mandated: must be true or false") for p in refused(data))


@pytest.mark.parametrize(("instrument", "score"), [("PHQ-9", 12.5), ("GAD-7", 0.1), ("AUDIT", 9.9)])
def test_fractional_scores_are_refused_for_whole_number_instruments(
    instrument: str, score: float
) -> None:
    data = base()
    data["assessments"] = [{"instrument": instrument, "score": score}]
    assert refused(data) == [
        f"assessments[0].score: {instrument} scores are whole numbers; got {score:g}"
    ]


def test_decimal_scores_stay_allowed_where_the_instrument_has_them() -> None:
    data = base()
    data["assessments"] = [
        {"instrument": "EDE-Q", "score": 3.4},
        {"instrument": "ORS", "score": 18.7},
        {"instrument": "PHQ-9", "score": 12.0},
    ]
    assert [a.score for a in intake_mod.loads(json.dumps(data)).assessments] == [3.4, 18.7, 12.0]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "\u200b\u200c\u2060", "has no visible letters or digits"),
        ("name", "\ufeff", "has no visible letters or digits"),
        ("name", "Maren \u202eTLOH", "text-direction override"),
        ("record_id", "MRN-\u20662041\u2069", "text-direction override"),
    ],
)
def test_invisible_or_direction_override_names_are_refused(
    field: str, value: str, reason: str
) -> None:
    data = base()
    data["client"][field] = value
    problems = refused(data)
    assert any(p.startswith(f"client.{field}: ") and reason in p for p in problems), problems


def test_required_text_of_only_invisible_characters_is_refused() -> None:
    data = base()
    data["presenting_problems"][0]["summary"] = "\u200b\u200d"
    assert any(
        p.startswith("presenting_problems[0].summary: has no visible letters")
        for p in refused(data)
    )


def test_a_name_in_another_script_is_fine() -> None:
    data = base()
    data["client"]["name"] = "مارين هولت"
    assert intake_mod.loads(json.dumps(data)).client.name == "مارين هولت"


# ---------------------------------------------------------------- list caps


def test_forty_thousand_diagnoses_are_refused_quickly() -> None:
    data = base()
    data["diagnoses"] = [{"code": "F41.1"}] * 40_000
    text = json.dumps(data, separators=(",", ":"))
    assert len(text.encode()) <= intake_mod.MAX_FILE_BYTES  # the size limit alone lets it in
    start = time.perf_counter()
    problems = refusal(text)
    assert time.perf_counter() - start < 5.0  # it took 232 s to draft
    assert problems == ["diagnoses: has 40000 entries; the limit is 50"]


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (("presenting_problems",), "presenting_problems"),
        (("presenting_problems", 0, "symptoms"), "presenting_problems[0].symptoms"),
        (("strengths",), "strengths"),
        (("context", "risk_to_others"), "context.risk_to_others"),
        (("context", "substance_status"), "context.substance_status"),
    ],
)
def test_every_list_is_capped_naming_field_and_cap(where: tuple[Any, ...], field: str) -> None:
    data = base()
    data.setdefault("context", {})
    name = str(where[-1])
    cap = intake_mod.CAPS[name]
    item: Any = {
        "presenting_problems": {"summary": "worry"},
        "substance_status": {"substance": "alcohol"},
    }.get(name, "x")
    node: Any = data
    for part in where[:-1]:
        node = node[part]
    node[name] = [item] * (cap + 1)
    assert f"{field}: has {cap + 1} entries; the limit is {cap}" in refused(data)


# ---------------------------------------------------------------- files that are not files


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="is a folder"):
        intake_mod.load(tmp_path)


def test_a_device_file_is_refused_without_reading_it() -> None:
    start = time.perf_counter()
    with pytest.raises(IntakeError, match="not a regular file"):
        intake_mod.load("/dev/urandom")
    assert time.perf_counter() - start < 1.0


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "intake.json"
    os.mkfifo(fifo)
    with pytest.raises(IntakeError, match="not a regular file"):
        intake_mod.load(fifo)  # no writer: a blocking open would hang here


def test_a_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(GAD)
    assert intake_mod.load(link).client.name == "Maren Holt"
