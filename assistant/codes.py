"""ICD-10-CM code registry: the CMS April 2026 code set with titles and billable flags.

The table ``assistant/data/icd10cm.tsv.gz`` is generated from the ``simple-icd-10-cm``
package (which ships the CMS tabular list) by ``scripts/build_icd_table.py``; a test
checks the two still agree. Reading the table takes a fraction of the package's XML
parse, so the command line and a cold draft stay fast.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CODE_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$")
CODE_SET = "ICD-10-CM April 2026 (CMS tabular list, via simple-icd-10-cm 1.5.0)"
TABLE = Path(__file__).resolve().parent / "data" / "icd10cm.tsv.gz"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    title: str
    billable: bool


@lru_cache(maxsize=1)
def _rows() -> dict[str, str]:
    """Code -> "leaf flag<TAB>title", read once. A :class:`CodeInfo` is made only for the
    codes asked about: building all 70,000 of them cost a cold draft a quarter second."""
    with gzip.open(TABLE, "rt", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f)


def _info(code: str, row: str) -> CodeInfo:
    leaf, title = row.split("\t", 1)
    return CodeInfo(code=code, title=title, billable=leaf == "1")


@lru_cache(maxsize=1)
def _table() -> dict[str, CodeInfo]:
    """Every code as :class:`CodeInfo`, for whole-table scans (search, specific codes)."""
    return {code: _info(code, row) for code, row in _rows().items()}


def normalise(code: str) -> str:
    """Upper-case and put the dot after the third character (``f411`` -> ``F41.1``)."""
    c = code.strip().upper().replace(" ", "")
    if "." not in c and len(c) > 3:
        c = c[:3] + "." + c[3:]
    return c


def lookup(code: str) -> CodeInfo | None:
    """The code's title and whether it is billable, or ``None`` when it is not a code."""
    c = normalise(code)
    if not CODE_SHAPE.match(c):
        return None
    row = _rows().get(c)
    return None if row is None else _info(c, row)


def specific_codes(code: str, limit: int = 12) -> list[CodeInfo]:
    """Billable codes under a header code, for 'pick the specific code' messages."""
    c = normalise(code)
    if c not in _rows():
        return []
    prefix = c if "." in c else c + "."
    out = [i for k, i in _table().items() if i.billable and k != c and k.startswith(prefix)]
    return sorted(out, key=lambda i: i.code)[:limit]


def search(
    text: str, limit: int = 20, chapter_prefixes: tuple[str, ...] = ("F", "Z", "R45", "G47")
) -> list[CodeInfo]:
    """Billable codes whose code or title contains every word of ``text``."""
    words = [w for w in re.split(r"\s+", text.strip().lower()) if w]
    if not words:
        return []
    out: list[CodeInfo] = []
    for code, info in _table().items():
        if not info.billable or not code.startswith(chapter_prefixes):
            continue
        hay = f"{code} {code.replace('.', '')} {info.title}".lower()
        if all(w in hay for w in words):
            out.append(info)
            if len(out) >= limit:
                break
    return out
