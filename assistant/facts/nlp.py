"""The clinical NLP pipeline that reads free text for case facts (medspaCy, offline).

Built once, lazily, from ``spacy.blank("en")``: spaCy's rule-based sentence splitter,
medspaCy's ``TargetMatcher`` with the concept rules of :mod:`assistant.facts.concepts`,
and ``ConText`` (its packaged rules plus a few of ours) to tell a current, affirmed mention from a negated ("no
purging"), historical ("stopped in 2020"), hypothetical ("if she uses again") or
family-member one. Nothing is downloaded: medspaCy is vendored in ``assistant/_vendor``
with its English ConText rules.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from dataclasses import dataclass
from typing import Any

from assistant.facts.concepts import EXTRA_MODIFIERS as _EXTRA_MODIFIERS
from assistant.facts.concepts import HOLDS as _HOLDS
from assistant.facts.concepts import MEDICINES as _MEDICINES
from assistant.facts.concepts import PHRASES as _PHRASES

_LOCK = threading.Lock()
_NLP: Any = None

_PAST_YEAR = re.compile(r"\b(?:in|during)\s+((?:19|20)\d\d)\b|\((?:19|20)\d\d\)")


@dataclass(frozen=True)
class Mention:
    """One concept mention in one field's text, with what ConText said about it."""

    label: str
    start: int
    end: int
    text: str
    sentence: str
    sent_start: int
    negated: bool
    historical: bool
    hypothetical: bool
    family: bool

    @property
    def current(self) -> bool:
        """Affirmed, present, about the client (not negated, past, hypothetical or family)."""
        return not (self.negated or self.historical or self.hypothetical or self.family)


def _quiet() -> None:
    for name in ("medspacy", "spacy", "assistant._vendor.medspacy"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _import_spacy() -> Any:
    """spaCy, imported without its command line.

    ``import spacy`` loads spaCy's whole CLI (project tools, model downloads, training) only
    to re-export ``spacy.info``, which the assistant never calls: about 0.2 s of every cold
    draft. A placeholder stands in for ``spacy.cli`` while spaCy imports and is removed
    afterwards, so anything that later imports ``spacy.cli`` gets the real one. If the
    placeholder is ever not enough (a spaCy upgrade), spaCy is imported the ordinary way."""
    import sys
    import types

    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    info = types.ModuleType("spacy.cli.info")

    def _no_cli(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("spaCy's command line is not loaded in the assistant")

    info.info = _no_cli  # type: ignore[attr-defined]
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []
    cli.info = info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info
    try:
        import spacy
    except Exception:
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        import spacy
    finally:
        for name in ("spacy.cli", "spacy.cli.info"):
            if sys.modules.get(name) in (cli, info):
                del sys.modules[name]
    return spacy


def _build() -> Any:
    _quiet()
    spacy = _import_spacy()

    # medspaCy's ConText and target matcher, vendored (see assistant/_vendor/medspacy).
    from assistant._vendor.medspacy.context import ConText, ConTextRule
    from assistant._vendor.medspacy.target_matcher import TargetMatcher, TargetRule

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher: TargetMatcher = nlp.add_pipe("medspacy_target_matcher")
    matcher.add(
        [TargetRule(phrase, label) for label, phrases in _PHRASES.items() for phrase in phrases]
    )
    # "her husband now holds her lithium", "keeps his tablets"
    holder = {"LOWER": {"IN": list(_HOLDS)}}
    owner = {"LOWER": {"IN": ["her", "his", "their", "the", "all"]}}
    medicine = {"LOWER": {"IN": list(_MEDICINES) + list(_PHRASES["MEDICATION"])}}
    matcher.add(
        [
            TargetRule(
                "holds the medicines",
                "MEANS",
                pattern=[holder, owner, {"IS_ALPHA": True, "OP": "{0,2}"}, medicine],
            )
        ]
    )
    # "drove home after drinking", "has driven herself home after two beers"
    drive = {"LOWER": {"IN": ["drive", "drives", "drove", "driven", "driving"]}}
    after = {"LOWER": {"IN": ["drinking", "drinks", "using", "beers", "a"]}}
    matcher.add(
        [
            TargetRule(
                "driving after drinking",
                "IMPAIRED_DRIVING",
                pattern=[drive, {"IS_ALPHA": True, "OP": "{0,3}"}, {"LOWER": "after"}, after],
            )
        ]
    )
    context: ConText = nlp.add_pipe("medspacy_context")
    context.add(
        [
            ConTextRule(literal, category, direction=direction)
            for literal, category, direction in _EXTRA_MODIFIERS
        ]
    )
    return nlp


def pipeline() -> Any:
    """The shared pipeline, built on first use (about a second) and kept for the process."""
    global _NLP
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                _NLP = _build()
    return _NLP


def _prefilter() -> re.Pattern[str]:
    words = {w.lower() for phrases in _PHRASES.values() for w in phrases}
    words |= {"drive", "drove"}  # the token pattern for driving after drinking
    words |= set(_HOLDS)  # the token pattern for someone holding the medicines
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in longest_first), re.I)


_ANY_CONCEPT = _prefilter()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])|\n+")


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each sentence of ``text`` that names a concept. ConText's
    scope ends at the sentence, so the other sentences need not be parsed at all."""
    out = []
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if _ANY_CONCEPT.search(piece):
            out.append((start, piece))
        nxt = _SENTENCE_END.match(text, end)
        start = nxt.end() if nxt else end
    return out


def read(texts: dict[str, str], *, year: int | None = None) -> dict[str, list[Mention]]:
    """Concept mentions in each text (keyed by intake path). Only sentences that name a
    concept are parsed, which keeps a warm read to a few milliseconds.

    ``year`` is the intake year: a mention in a sentence dated to an earlier year ("in
    2019", "(2016)") counts as historical."""
    out: dict[str, list[Mention]] = {k: [] for k in texts}
    batch = [(k, off, piece) for k, t in texts.items() if t for off, piece in _chunks(t)]
    if not batch:
        return out
    nlp_ = pipeline()
    with warnings.catch_warnings():
        # medspaCy runs an empty matcher for rule types we do not use (spaCy warning W036)
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        docs = list(nlp_.pipe([piece for _, _, piece in batch]))
    for (key, off, _), doc in zip(batch, docs, strict=True):
        out[key] += [_mention(ent, year, off) for ent in doc.ents]
    return out


def mentions(text: str, *, year: int | None = None) -> list[Mention]:
    """Concept mentions in one text (see :func:`read`)."""
    return read({"text": text}, year=year)["text"]


def _mention(ent: Any, year: int | None, offset: int = 0) -> Mention:
    sent = ent.sent
    historical = bool(ent._.is_historical)
    if year is not None and not historical:
        for m in _PAST_YEAR.finditer(sent.text):
            if int(re.sub(r"\D", "", m.group(0))[:4]) < year:
                historical = True
    return Mention(
        label=ent.label_,
        start=ent.start_char + offset,
        end=ent.end_char + offset,
        text=ent.text,
        sentence=sent.text,
        sent_start=sent.start_char + offset,
        negated=bool(ent._.is_negated),
        historical=historical,
        hypothetical=bool(ent._.is_hypothetical),
        family=bool(ent._.is_family),
    )
