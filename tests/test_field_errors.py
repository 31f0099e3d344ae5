"""The intake and the measures file refuse bad input in the same words: the path as the
file writes it, then what is wrong and how to put it right."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.errors import IntakeError
from assistant.intake import load
from assistant.progress.measures import MAX_ENTRIES, MeasuresError, parse

DATA = Path(__file__).parent / "data" / "progress"
TODAY = dt.date(2026, 12, 1)


def _measures() -> dict:
    return json.loads((DATA / "gad_nurse_week8.json").read_text())


def _refused(data: dict) -> list[str]:
    with pytest.raises(MeasuresError) as err:
        parse(data, today=TODAY)
    return err.value.problems


def test_a_misspelt_measures_field_names_the_file_format() -> None:
    data = _measures()
    data["entries"][0]["scroe"] = 13
    assert "entries[0].scroe: is not a field of treatment-measures/1 (check the spelling)" in (
        _refused(data)
    )


def test_too_many_measures_entries_reads_like_the_intakes_limit() -> None:
    data = _measures()
    data["entries"] = data["entries"][:1] * (MAX_ENTRIES + 1)
    assert _refused(data) == [f"entries: has {MAX_ENTRIES + 1} entries; the limit is {MAX_ENTRIES}"]


def test_a_long_wrong_value_is_shown_cut_short_in_both_files(tmp_path: Path) -> None:
    data = _measures()
    data["format"] = "x" * 200
    [line] = [p for p in _refused(data) if p.startswith("format:")]
    assert line.endswith("…") and len(line) < 160

    intake = json.loads((DATA / "gad_intake.json").read_text())
    intake["setting"] = "y" * 200
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake))
    with pytest.raises(IntakeError) as err:
        load(path)
    [line] = [p for p in err.value.problems if p.startswith("setting:")]
    assert line.endswith("…") and len(line) < 200
