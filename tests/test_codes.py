"""ICD-10-CM registry: real codes, billable flags, and a table that matches the package."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

from assistant import codes


@pytest.mark.parametrize(
    ("code", "title", "billable"),
    [
        ("F41.1", "Generalized anxiety disorder", True),
        ("f411", "Generalized anxiety disorder", True),
        ("F43.10", "Post-traumatic stress disorder, unspecified", True),
        ("F32.A", "Depression, unspecified", True),
        ("F43.81", "Prolonged grief disorder", True),
        ("F50.81", "Binge eating disorder", False),
        ("F41", "Other anxiety disorders", False),
    ],
)
def test_known_codes(code: str, title: str, billable: bool) -> None:
    info = codes.lookup(code)
    assert info is not None and info.title == title and info.billable is billable


@pytest.mark.parametrize("code", ["F99.999", "anxiety", "", "F41.", "ZZZ"])
def test_non_codes(code: str) -> None:
    assert codes.lookup(code) is None


def test_header_lists_its_specific_codes() -> None:
    assert [c.code for c in codes.specific_codes("F50.81")] == [
        "F50.810",
        "F50.811",
        "F50.812",
        "F50.813",
        "F50.814",
        "F50.819",
    ]


def test_search_by_words_and_code() -> None:
    assert any(c.code == "F43.10" for c in codes.search("post-traumatic"))
    assert [c.code for c in codes.search("F41.1")] == ["F41.1"]


def test_table_matches_the_installed_code_set() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import build_icd_table

    with gzip.open(codes.TABLE, "rt", encoding="utf-8") as f:
        shipped = f.read().splitlines()
    assert shipped == build_icd_table.rows(), "rebuild with: python scripts/build_icd_table.py"
