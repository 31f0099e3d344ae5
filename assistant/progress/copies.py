"""Copy-forward detection: a progress note identical or nearly identical to an earlier one.

Notes are compared as sets of five-word shingles through an inverted index, so each note is
checked only against earlier notes that share wording with it (1,000 notes well under a
second). A note is compared with earlier notes of the same client and, when the clinician is
known, with earlier notes the same clinician wrote for other clients. The copied span is the
longest run of words the two notes share (``difflib``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

SHINGLE = 5
MIN_WORDS = 8
NEAR = 0.8  # Jaccard similarity of shingle sets from which a note counts as near-identical
_MAX_POSTING = 500  # wording shared by more notes than this is boilerplate, not a copy


@dataclass(frozen=True)
class NoteRef:
    key: str
    client: str
    date: dt.date
    text: str
    clinician: str = ""


@dataclass(frozen=True)
class Copy:
    note: NoteRef
    earlier: NoteRef
    similarity: float
    identical: bool
    span: str


_TOKEN = re.compile(r"\w+(?:['’%-]\w+)*%?")


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)}
    return set(zip(*(words[i:] for i in range(SHINGLE)), strict=False))


def _span(text: str, a: list[str], b: list[str]) -> str:
    """The longest run of words ``a`` shares with ``b``, quoted from the original ``text``."""
    m = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    spans = [t.span() for t in _TOKEN.finditer(text.lower())]
    if m.size == 0:
        return ""
    return text[spans[m.a][0] : spans[m.a + m.size - 1][1]]


def find_copies(notes: Sequence[NoteRef], near: float = NEAR) -> list[Copy]:
    """Each note that repeats an earlier one, with the most similar earlier note."""
    order = sorted(range(len(notes)), key=lambda i: notes[i].date)
    words: dict[int, list[str]] = {}
    sizes: dict[int, int] = {}
    index: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    out: list[Copy] = []
    for i in order:
        note = notes[i]
        norm = words[i] = _words(note.text)
        if len(norm) < MIN_WORDS:
            continue
        mine = _shingles(norm)
        sizes[i] = len(mine)
        postings = [index[s] for s in mine]
        shared = Counter(chain.from_iterable(p for p in postings if len(p) <= _MAX_POSTING))
        best: tuple[float, int] | None = None
        floor = near * len(mine)
        for j, inter in shared.items():
            if inter < floor:
                continue
            other = notes[j]
            if not _comparable(note, other):
                continue
            sim = inter / (len(mine) + sizes[j] - inter)
            if sim >= near and (best is None or sim > best[0]):
                best = (sim, j)
        if best is not None:
            sim, j = best
            out.append(
                Copy(
                    note=note,
                    earlier=notes[j],
                    similarity=round(sim, 3),
                    identical=norm == words[j],
                    span=_span(note.text, norm, words[j]),
                )
            )
        for p in postings:
            p.append(i)
    return out


def _comparable(a: NoteRef, b: NoteRef) -> bool:
    if a.key == b.key:
        return False
    if a.client == b.client:
        return True
    return bool(a.clinician) and a.clinician == b.clinician
