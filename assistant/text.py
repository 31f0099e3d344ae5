"""Text as the checks see it: one normal form, number words, figures and safe display.

* :func:`normalise` folds look-alike spellings to one form before any check reads the
  text: NFKC, format characters (zero-width spaces and joiners, bidi controls, soft
  hyphens) removed, and Cyrillic or Greek letters that look like Latin ones mapped to them
  ("dеnies" with a Cyrillic "е" reads as "denies").
* :func:`number_words` finds numbers written as words ("seventeen", "twenty-one",
  "half", "a third", "a dozen", "twice") and :func:`words_to_digits` writes them as digits.
* :func:`figures` is the one definition of a figure a reader would check: digits and
  number words, but not dates, ICD-10 codes, instrument names (PHQ-9), item ids, phone,
  fax or social-security numbers, or placeholders; :func:`fmt` writes a figure back the
  way a plan shows it ("10", not "10.0").
* :data:`DENIES` is the "denies" family a plan must not use for a risk nobody assessed.
* :func:`stems` (first five letters of content words) and :func:`suffix_stem` (plural and
  tense endings off) are the two light stemmers; callers pick the one their matching needs.
* :func:`escape_markdown` and :func:`defang_markdown` make untrusted text safe to show as
  Markdown: no image, link or HTML in it can render, so nothing is fetched from elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ---------------------------------------------------------------- normal form

# Letters from other scripts that a reader cannot tell from Latin ones (Unicode
# confusables, the subset that matters for English clinical words).
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
        # Greek
        "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "ι": "i", "κ": "k", "υ": "u",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # punctuation that stands in for ASCII
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    }
)  # fmt: skip


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The form every check reads: NFKC, no format characters, confusables mapped to Latin,
    runs of whitespace as one space."""
    t = unicodedata.normalize("NFKC", text)
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Cf")
    t = t.translate(_CONFUSABLES)
    return re.sub(r"\s+", " ", t).strip()


_LOOKALIKE_LETTERS = frozenset(
    ch for ch in map(chr, _CONFUSABLES) if unicodedata.category(ch).startswith("L")
)


def has_hidden_characters(text: str) -> bool:
    """True when the text holds format characters (zero-width, bidi controls, soft hyphens),
    letters from another script that look Latin, or compatibility letters (full-width). Typographic quotes and dashes, which
    every word processor writes, are not hidden."""
    return any(
        unicodedata.category(ch) == "Cf"
        or ch in _LOOKALIKE_LETTERS
        or (ch.isalpha() and unicodedata.normalize("NFKC", ch) != ch)  # full-width letters
        for ch in text
    )


# ---------------------------------------------------------------- number words

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SINGLE = {"twice": 2.0, "thrice": 3.0, "half": 0.5, "dozen": 12.0}
_FRACTIONS = {"third": 1 / 3, "quarter": 0.25, "fifth": 0.2}

_U = "|".join(sorted(_UNITS, key=len, reverse=True))
_U9 = "|".join(w for w, v in _UNITS.items() if 1 <= v <= 9)
_T = "|".join(_TENS)
_NUMBER_WORD = re.compile(
    rf"\b(?:(?P<tens>{_T})(?:[\s-]+(?P<tu>{_U9}))?"
    rf"(?:\s+hundred)?|(?P<unit>{_U})(?:\s+(?P<hund>hundred))?(?:\s+and\s+(?P<rest>{_U}))?"
    rf"|(?P<frac>an?|one)\s+(?P<fname>third|quarter|fifth)"
    rf"|(?:an?\s+)?(?P<single>twice|thrice|half|dozen))\b",
    re.IGNORECASE,
)
# "one" as a pronoun or an article-like word is not a figure
_NOT_A_FIGURE = re.compile(
    r"\b(?:no|any|some|every|each|the|this|that|which|someone|anyone|no-one|loved)\s+one\b"
    r"|\bone\s+(?:of|another|day|another's|or\s+two\s+of)\b",
    re.IGNORECASE,
)


def _word_value(m: re.Match[str]) -> float | None:
    g = {k: (v.lower() if v else None) for k, v in m.groupdict().items()}
    if g["tens"]:
        value = _TENS[g["tens"]] + (_UNITS[g["tu"]] if g["tu"] else 0)
        return float(value * 100 if m.group(0).lower().endswith("hundred") else value)
    if g["unit"]:
        value = _UNITS[g["unit"]]
        if g["hund"]:
            value = value * 100 + (_UNITS[g["rest"]] if g["rest"] else 0)
        return float(value)
    if g["fname"]:
        return _FRACTIONS[g["fname"]]
    if g["single"]:
        return _SINGLE[g["single"]]
    return None


def number_words(text: str) -> list[tuple[tuple[int, int], float]]:
    """Every number written as words in ``text`` with its span and value.

    >>> [v for _, v in number_words("seventeen attacks, twenty-one days, half, a third")]
    [17.0, 21.0, 0.5, 0.3333333333333333]
    """
    blocked = [m.span() for m in _NOT_A_FIGURE.finditer(text)]
    out: list[tuple[tuple[int, int], float]] = []
    for m in _NUMBER_WORD.finditer(text):
        value = _word_value(m)
        if value is None:
            continue
        if m.group(0).lower() == "one" and any(a <= m.start() < b for a, b in blocked):
            continue
        out.append((m.span(), value))
    return out


def number_value(token: str) -> float:
    """A count written as digits or as one number word: "7" and "seven" are both 7.0."""
    word = token.strip().lower()
    if word in _UNITS:
        return float(_UNITS[word])
    if word in _TENS:
        return float(_TENS[word])
    return float(word)


def _digits(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(round(value, 4))


def words_to_digits(text: str) -> str:
    """``text`` with number words written as digits ("seventeen" -> "17", "half" -> "0.5")."""
    parts: list[str] = []
    last = 0
    for (a, b), value in number_words(text):
        parts += [text[last:a], _digits(value)]
        last = b
    return "".join(parts) + text[last:]


# ---------------------------------------------------------------- figures

_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_OTHER_DATE = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
_ICD = re.compile(r"\b[A-TV-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4})?\b")
_ITEM_ID = re.compile(r"\b[a-z][\w]*(?:[.-][\w]+)*[.-]\d[\w.-]*\b", re.IGNORECASE)
# phone and fax numbers (with or without area code), social-security numbers, long digit
# runs such as record or account numbers: digits that identify, never figures
IDENTIFIER_DIGITS = re.compile(
    r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"
    r"|\b\d{3}[\s.-]\d{4}\b|\b\d{3}-\d{2}-\d{4}\b|\b\d{7,}\b"
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")
PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:%|per ?cent)", re.IGNORECASE)


def _strip_non_figures(text: str, keep_names: bool = False) -> str:
    from assistant import instruments
    from assistant.plan import PLACEHOLDER

    t = normalise(text)
    t = PLACEHOLDER.sub(" ", t)
    t = _ISO.sub(" ", t)
    t = _OTHER_DATE.sub(" ", t)
    t = IDENTIFIER_DIGITS.sub(" ", t)
    # an instrument's name is context for the figure beside it ("PHQ-9 from 21"), never a figure
    named = (lambda m: " " + re.sub(r"[^A-Za-z]", "", m.group(0)) + " ") if keep_names else " "
    t = instruments.names_pattern().sub(named, t)
    t = _ICD.sub(" ", t)
    return _ITEM_ID.sub(" ", t)


def fmt(x: float) -> str:
    """A figure as a plan writes it: whole numbers without a decimal point ("10"), others
    in their shortest form ("2.5")."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# "denies", "denied", "deny": writing a risk as absent, which only an assessment can say
DENIES = re.compile(r"\bden(?:y|ies|ied)\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def figures(text: str) -> frozenset[float]:
    """Every figure a reader would see in ``text``: digits and number words, ignoring dates,
    codes, instrument names, ids, phone and other identifying numbers, and placeholders."""
    t = words_to_digits(_strip_non_figures(text))
    return frozenset(float(n) for n in _NUMBER.findall(t))


_STOP = {
    "the", "and", "with", "from", "each", "that", "this", "into", "than", "over", "within",
    "about", "least", "more", "fewer", "less", "below", "above", "under", "week", "weeks",
    "month", "months", "days", "client", "their", "there", "times", "after", "before",
    "every", "while", "then", "when", "have", "been", "were", "will", "last", "first",
    "next", "reduce", "raise", "bring", "score", "scored", "total", "number", "count",
    "recorded", "record", "start", "starting", "session", "sessions", "target", "baseline",
}  # fmt: skip
_WORD = re.compile(r"[a-z][a-z-]{2,}")


def stems(text: str) -> set[str]:
    """The first five letters of each content word (the project's light stemmer)."""
    return {w[:5] for w in _WORD.findall(normalise(text).lower()) if w not in _STOP}


@lru_cache(maxsize=65536)
def suffix_stem(word: str, min_left: int = 3, y_for_ies: bool = True) -> str:
    """``word`` without one plural or tense ending ("-ies" to "-y" when ``y_for_ies``, then
    "-ing", "-ed", "-es", "-s"), provided at least ``min_left`` letters remain.

    >>> [suffix_stem(w) for w in ("worries", "checking", "checked", "panics")]
    ['worry', 'check', 'check', 'panic']
    """
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if suffix == "ies" and not y_for_ies:
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= min_left:
            return word[: -len(suffix)] + repl
    return word


@lru_cache(maxsize=8192)
def figure_mentions(text: str, window: int = 4) -> tuple[tuple[float, frozenset[str]], ...]:
    """Each figure in ``text`` with the content-word stems around it (``window`` words on
    each side): what the figure counts ("6 work days" -> {"work"})."""
    t = words_to_digits(_strip_non_figures(text, keep_names=True))
    tokens = re.findall(r"\d+(?:\.\d+)?|[A-Za-z][A-Za-z-]*", t)
    out: list[tuple[float, frozenset[str]]] = []
    for i, tok in enumerate(tokens):
        if tok[0].isdigit():
            near = " ".join(x for x in tokens[max(0, i - window) : i + window + 1] if x != tok)
            out.append((float(tok), frozenset(stems(near))))
    return tuple(out)


# ---------------------------------------------------------------- safe display

# brackets (links, images, Streamlit's colour directives), emphasis, code, headings, quotes,
# tables and LaTeX; parentheses and "!" need no escape once "[" and "]" are escaped
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#>$])")


def escape_markdown(text: str) -> str:
    """Untrusted text as Markdown that shows exactly the characters typed: no emphasis,
    link, image or HTML can form (``![](http://x)`` shows as typed and fetches nothing)."""
    t = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", t)


def escape_links(text: str) -> str:
    """Untrusted text for a Markdown file a person will read raw as well as rendered: only
    what could form an image, link or HTML is escaped (backslash, square brackets, "<"), so
    the file stays readable and renders nothing that fetches."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;")


_IMAGE = re.compile(r"!\s*\[")
_LINK_TARGET = re.compile(r"\]\s*[(\[]")
_AUTOLINK_OR_HTML = re.compile(r"<")


def defang_markdown(markdown: str) -> str:
    """A Markdown document built from untrusted text with every image, link and HTML tag
    turned into plain text, keeping headings, lists, tables and emphasis."""
    t = _AUTOLINK_OR_HTML.sub("&lt;", markdown)
    t = _IMAGE.sub(r"!\\[", t)
    return _LINK_TARGET.sub(lambda m: "\\]" + "\\" + m.group(0)[-1], t)
