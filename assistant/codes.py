"""ICD-10-CM code registry, backed by the CMS code set shipped in ``simple-icd-10-cm``.

The package carries the April 2026 release of the ICD-10-CM tabular list (FY2026 with the
April update). It is imported lazily because parsing it takes about a second.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

CODE_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$")
CODE_SET = "ICD-10-CM April 2026 (CMS tabular list, via simple-icd-10-cm 1.5.0)"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    title: str
    billable: bool


@lru_cache(maxsize=1)
def _icd() -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm

    return simple_icd_10_cm


def normalise(code: str) -> str:
    """Upper-case and put the dot after the third character (``f411`` -> ``F41.1``)."""
    c = code.strip().upper().replace(" ", "")
    if "." not in c and len(c) > 3:
        c = c[:3] + "." + c[3:]
    return c


@lru_cache(maxsize=4096)
def lookup(code: str) -> CodeInfo | None:
    """The code's title and whether it is billable, or ``None`` when it is not a code."""
    c = normalise(code)
    if not CODE_SHAPE.match(c):
        return None
    icd: Any = _icd()
    if not icd.is_valid_item(c) or not icd.is_category_or_subcategory(c):
        return None
    return CodeInfo(code=c, title=icd.get_description(c), billable=bool(icd.is_leaf(c)))


def specific_codes(code: str, limit: int = 12) -> list[CodeInfo]:
    """Billable codes under a header code, for 'pick the specific code' messages."""
    icd: Any = _icd()
    c = normalise(code)
    if not icd.is_valid_item(c):
        return []
    out = []
    for d in icd.get_descendants(c):
        if icd.is_leaf(d):
            info = lookup(d)
            if info:
                out.append(info)
        if len(out) >= limit:
            break
    return out


def search(
    text: str, limit: int = 20, chapter_prefixes: tuple[str, ...] = ("F", "Z", "R45", "G47")
) -> list[CodeInfo]:
    """Billable codes whose code or title contains every word of ``text``."""
    words = [w for w in re.split(r"\s+", text.strip().lower()) if w]
    if not words:
        return []
    icd: Any = _icd()
    out: list[CodeInfo] = []
    for raw in _leaf_codes(chapter_prefixes):
        info = lookup(raw)
        if info is None:
            continue
        hay = f"{info.code} {info.code.replace('.', '')} {info.title}".lower()
        if all(w in hay for w in words):
            out.append(info)
            if len(out) >= limit:
                break
    del icd
    return out


@lru_cache(maxsize=4)
def _leaf_codes(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    icd: Any = _icd()
    codes = []
    for c in icd.get_all_codes(with_dots=True):
        if c.startswith(prefixes) and icd.is_leaf(c) and icd.is_category_or_subcategory(c):
            codes.append(c)
    return tuple(codes)
