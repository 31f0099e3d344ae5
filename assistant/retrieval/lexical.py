"""Lexical side of the ranking: tokens for BM25, and ICD-10-CM code matching."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.text import suffix_stem

_WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")


# Pronouns and auxiliaries on top of bm25s's short (Lucene) list: "her" or "has" in a
# query should not pull in every lay description that happens to use them.
_EXTRA_STOP = (
    "i me my mine myself we us our ours you your yours he him his himself she her hers "
    "herself its itself them themselves am has have had having do does did been being can "
    "could would should may might must shall from so than too very just also"
)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | frozenset(_EXTRA_STOP.split())


def tokens(text: str) -> list[str]:
    """Lower-case word stems without stop words; 'GAD-7' gives 'gad-7', 'gad' and '7'."""
    stop = _stopwords()
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        parts = [w, *re.split(r"[.\-]", w)] if ("-" in w or "." in w) else [w]
        out.extend(suffix_stem(p) for p in parts if p and p not in stop)
    return out


def code_matches(query_code: str, record_codes: Sequence[str]) -> bool:
    """Same code, or one is the category of the other (F43.1 / F43.10)."""
    q = query_code.strip().upper()
    return any(
        len(min(q, c, key=len)) >= 3 and (q.startswith(c) or c.startswith(q)) for c in record_codes
    )


# ---------------------------------------------------------------- index
