"""Field types of the intake format (strict dates, numbers, counts, text and names) and
the words for what they refuse.

Each type refuses what it cannot store or show faithfully, with a reason a clinician can
act on: words for numbers, "yes" for true, a NUL character (PostgreSQL cannot store it),
a name made only of invisible characters, or direction-override characters that make a
name display differently from what it holds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationError

from assistant import field_errors
from assistant.field_errors import show

MAX_TEXT = 20_000
MAX_DIGITS = 9  # a figure in an intake never needs more; longer ones are typing slips or attacks

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIGURE = rf"\d{{1,{MAX_DIGITS}}}(?:\.\d{{1,4}})?"
RANGE = re.compile(rf"^\s*({_FIGURE})\s*(?:-|–)\s*({_FIGURE})\s*$")
_PLAIN_NUMBER = re.compile(rf"^\s*{_FIGURE}\s*$")
# Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder
# how text is shown, so a name could read differently on screen from what is stored.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"must be a date written YYYY-MM-DD; got {show(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not a real calendar date; got {value!r}") from None


def number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number; got {show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if abs(value) >= 10**MAX_DIGITS:
        raise ValueError(f"is too large to be a score (more than {MAX_DIGITS} digits)")
    return value


def count_or_range(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a number or a range such as '4-5'; got {value!r}")
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        m = RANGE.match(value)
        if m:
            lo, hi = float(m.group(1)), float(m.group(2))
            if lo > hi:
                raise ValueError(f"range runs backwards ({value!r}); write the lower figure first")
            return value.strip()
        if _PLAIN_NUMBER.match(value):
            return value.strip()
    raise ValueError(
        f"must be a number or a range such as '4-5' (at most {MAX_DIGITS} digits); "
        f"got {show(value)}"
    )


def storable(value: str) -> str:
    """Refuse characters no database or document can hold: NUL and lone surrogates."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\u0000), which cannot be stored; remove it")
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("contains a broken character (a lone UTF-16 surrogate); retype it")
    return value


def visible(value: str) -> str:
    """Required text: storable, and not made only of invisible characters."""
    storable(value)
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in value):
        raise ValueError("has no visible letters or digits (only invisible characters)")
    return value


def visible_name(value: str) -> str:
    """A name or identifier: visible, and no direction overrides."""
    if BIDI_CONTROLS.search(value):
        raise ValueError(
            "contains a text-direction override character (U+202A-U+202E or U+2066-U+2069), "
            "which makes it display differently from what is stored; retype it"
        )
    return visible(value)


def problems_from(exc: ValidationError) -> list[str]:
    """Pydantic's errors as ``path: reason`` lines in a clinician's words."""
    return field_errors.problems(exc, "treatment-intake/1", "intake", MAX_TEXT)


IsoDate = Annotated[date, BeforeValidator(iso_date)]
Number = Annotated[int | float, BeforeValidator(number)]
CountOrRange = Annotated[int | float | str, BeforeValidator(count_or_range)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(storable)]
Required = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True),
    AfterValidator(visible),
]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500, strip_whitespace=True),
    AfterValidator(visible_name),
]
