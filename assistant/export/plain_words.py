"""Plain words for the client's copy: clinical terms swapped for everyday ones, and the
plan's third person ('the client', 'his', 'her') turned into 'you' and 'your'.

The terms and their replacements are data (``plain_words.yaml`` beside this module), so a
clinician can add one without touching code; :func:`jargon_in` finds any that remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant import instruments
from assistant.errors import ConfigError
from assistant.yamlio import load_yaml

PLAIN_WORDS = Path(__file__).resolve().parent / "plain_words.yaml"
_names_pattern = lru_cache(maxsize=1)(instruments.names_pattern)


@dataclass(frozen=True)
class PlainWords:
    terms: dict[str, str]
    questionnaires: dict[str, str]

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(tuple(self.terms))

    def questionnaire(self, instrument: str) -> str:
        """What to call an instrument in the client's copy ('mood questionnaire')."""
        inst = instruments.get(instrument)
        key = inst.id if inst is not None else instrument
        return self.questionnaires.get(key, "questionnaire")


@lru_cache(maxsize=1)
def load() -> PlainWords:
    """The plain-words list, read once. A malformed file is a ConfigError naming it."""
    try:
        data = load_yaml(PLAIN_WORDS.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {PLAIN_WORDS.name}: {exc}") from None
    if not isinstance(data, dict) or set(data) != {"terms", "questionnaires"}:
        raise ConfigError(f"{PLAIN_WORDS.name} must hold exactly 'terms' and 'questionnaires'")
    out: dict[str, dict[str, str]] = {}
    for key in ("terms", "questionnaires"):
        table = data[key]
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in table.items()
        ):
            raise ConfigError(f"{PLAIN_WORDS.name}: '{key}' maps each term to its plain words")
        out[key] = {str(k): str(v) for k, v in table.items()}
    return PlainWords(terms=out["terms"], questionnaires=out["questionnaires"])


@lru_cache(maxsize=4)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)


def _is_name(found: str) -> bool:
    """An instrument name as written ('PHQ-9', 'ISI'), not an everyday word ('spin', 'audit')."""
    return any(c.isupper() or c.isdigit() for c in found)


def jargon_in(text: str) -> list[str]:
    """Every listed clinical term and instrument name still in ``text``."""
    words = load()
    found = [m.group(0) for m in words.pattern.finditer(text)]
    found += [m.group(0) for m in _names_pattern().finditer(text) if _is_name(m.group(0))]
    return found


# ---------------------------------------------------------------- pronouns

_SETS = {
    "he": {"he": "you", "him": "you", "his": "your", "himself": "yourself"},
    "she": {"she": "you", "hers": "yours", "herself": "yourself"},
    "they": {"they": "you", "them": "you", "their": "your", "theirs": "yours",
             "themselves": "yourself", "themself": "yourself"},
}  # fmt: skip
# after these words (or at the end of a clause) 'her' is the object: 'tell her', 'to her.'
_OBJECT_NEXT = {
    "to", "about", "with", "for", "and", "or", "in", "on", "at", "that", "when", "if", "so",
    "a", "an", "the", "by", "from", "through", "into", "feel", "be", "get", "stay", "again",
}  # fmt: skip


def pronoun_sets(pronouns: str | None) -> list[str]:
    """The client's pronoun sets from the header ('she/her' -> ['she'], 'he/they' -> both)."""
    if not pronouns:
        return []
    words = re.findall(r"[a-z]+", pronouns.lower())
    out = []
    for w in words:
        for key, table in _SETS.items():
            if (w == key or w in table) and key not in out:
                out.append(key)
    return out


def second_person(text: str, pronouns: str | None, *, they: bool = False) -> str:
    """The client's own pronouns turned to 'you'/'your'; nobody else's are touched.

    ``they``: the text is a template sentence about 'the client', which calls the client
    'they' ('the client and the people around them'), whatever their own pronouns.
    """
    sets = pronoun_sets(pronouns)
    if they and "they" not in sets:
        sets.append("they")
    table = {k: v for s in sets for k, v in _SETS[s].items()}
    if table:
        pat = re.compile(r"\b(" + "|".join(table) + r")\b", re.IGNORECASE)
        text = pat.sub(lambda m: _cased(m.group(0), table[m.group(0).lower()]), text)
    if "she" in sets:
        text = re.sub(r"\b([Hh])er\b(\s*)(\w*)", _her, text)
    return text


def _her(m: re.Match[str]) -> str:
    nxt = m.group(3)
    word = "you" if not nxt or nxt.lower() in _OBJECT_NEXT else "your"
    return _cased("H" if m.group(1) == "H" else "h", word) + m.group(2) + nxt


def _cased(original: str, word: str) -> str:
    return word[0].upper() + word[1:] if original[:1].isupper() else word


# ---------------------------------------------------------------- plain()

_CODES = re.compile(r"\b[A-TV-Z]\d{2}(?:\.\w{1,4})?\b|\b\d{4,5}-\d\b")
_PARENS = re.compile(r"\s*\([^)]*\)")
_IRREGULAR = {"goes": "go", "does": "do", "has": "have", "is": "are", "was": "were"}


def _verb(verb: str) -> str:
    """'goes' -> 'go', 'knows' -> 'know': the verb after a 'you' that replaced 'the client'."""
    low = verb.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return verb[:-1]
    return verb


def plain(text: str, pronouns: str | None = None) -> str:
    """Swap clinical terms for everyday words, speak to the client as 'you', and drop codes
    and bracketed asides."""
    words = load()
    about_client = re.search(r"\bclient\b", text, re.IGNORECASE) is not None
    out = _PARENS.sub("", text)
    out = _names_pattern().sub(
        lambda m: f"the {words.questionnaire(m.group(0))}" if _is_name(m.group(0)) else m.group(0),
        out,
    )
    table = {t.lower(): v for t, v in words.terms.items()}
    out = words.pattern.sub(lambda m: table[m.group(0).lower()], out)
    out = _CODES.sub("", out)
    out = re.sub(r"\b(\d+)-\1\b", r"\1", out)  # a range with equal ends: '12-12' -> '12'
    out = re.sub(r"^(the )?client will\b", "You will", out.strip(), flags=re.IGNORECASE)
    out = re.sub(r"^(?:the )?client\b(?!')", "You", out, flags=re.IGNORECASE)
    out = re.sub(r"\b(?:the )?client's\b", "your", out, flags=re.IGNORECASE)
    out = re.sub(r"\b(the )?client\b", "you", out, flags=re.IGNORECASE)
    out = second_person(out, pronouns, they=about_client)
    out = re.sub(r"\b([Yy]ou) (\w+)", lambda m: f"{m.group(1)} {_verb(m.group(2))}", out)
    out = re.sub(r"\b(?:an?|the) the\b", "the", out, flags=re.IGNORECASE)
    out = re.sub(r"\s+([,.;:])", r"\1", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    return out[:1].upper() + out[1:] if text[:1].isupper() else out
