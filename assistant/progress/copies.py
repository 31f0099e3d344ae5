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
import string
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE = 5
MIN_WORDS = 8
NEAR = 0.8  # Jaccard similarity of shingle sets from which a note counts as near-identical
_MAX_POSTING = 500  # wording shared by more notes than this is boilerplate, not a copy
_PUNCT = string.punctuation + "“”‘’–—"


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


def _words(text: str) -> tuple[list[str], list[str]]:
    """(original words, normalised words) of equal length."""
    raw = [w for w in re.split(r"\s+", text.strip()) if w.strip(_PUNCT)]
    return raw, [w.strip(_PUNCT).lower() for w in raw]


def _shingles(words: list[str]) -> set[int]:
    if len(words) < SHINGLE:
        return {hash(tuple(words))}
    return {hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


def _span(a_raw: list[str], a: list[str], b: list[str]) -> str:
    m = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return " ".join(a_raw[m.a : m.a + m.size])


def find_copies(notes: Sequence[NoteRef], near: float = NEAR) -> list[Copy]:
    """Each note that repeats an earlier one, with the most similar earlier note."""
    order = sorted(range(len(notes)), key=lambda i: notes[i].date)
    words: dict[int, tuple[list[str], list[str]]] = {}
    sets: dict[int, set[int]] = {}
    index: defaultdict[int, list[int]] = defaultdict(list)
    out: list[Copy] = []
    for i in order:
        note = notes[i]
        raw, norm = words[i] = _words(note.text)
        if len(norm) < MIN_WORDS:
            continue
        mine = sets[i] = _shingles(norm)
        shared: Counter[int] = Counter()
        for s in mine:
            posting = index[s]
            if len(posting) <= _MAX_POSTING:
                shared.update(posting)
        best: tuple[float, int] | None = None
        for j, inter in shared.items():
            other = notes[j]
            if other.date > note.date or not _comparable(note, other):
                continue
            sim = inter / (len(mine) + len(sets[j]) - inter)
            if sim >= near and (best is None or sim > best[0]):
                best = (sim, j)
        if best is not None:
            sim, j = best
            other_norm = words[j][1]
            out.append(
                Copy(
                    note=note,
                    earlier=notes[j],
                    similarity=round(sim, 3),
                    identical=norm == other_norm,
                    span=_span(raw, norm, other_norm),
                )
            )
        for s in mine:
            index[s].append(i)
    return out


def _comparable(a: NoteRef, b: NoteRef) -> bool:
    if a.key == b.key:
        return False
    if a.client == b.client:
        return True
    return bool(a.clinician) and a.clinician == b.clinician
