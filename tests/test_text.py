"""The text module: one normal form, number words, figures and safe Markdown."""

from __future__ import annotations

import pytest

from assistant.text import (
    defang_markdown,
    escape_markdown,
    figure_mentions,
    figures,
    has_hidden_characters,
    normalise,
    number_words,
    words_to_digits,
)
from assistant.validation.numbers import numbers_in


@pytest.mark.parametrize(
    ("written", "reads"),
    [
        ("de\u200bnies", "denies"),  # zero-width space
        ("d\u0435nies", "denies"),  # Cyrillic ie
        ("n\u043e SI", "no SI"),  # Cyrillic o
        ("d\u200denies\u2060", "denies"),  # zero-width joiner, word joiner
        ("\u202edenies", "denies"),  # bidi override
        ("ｄｅｎｉｅｓ", "denies"),  # full-width letters (NFKC)
        ("self\u2011harm", "self-harm"),  # non-breaking hyphen
        ("su\u00adicidal", "suicidal"),  # soft hyphen
    ],
)
def test_lookalike_spellings_read_as_the_plain_word(written: str, reads: str) -> None:
    assert normalise(written) == reads
    assert has_hidden_characters(written)


def test_plain_text_is_unchanged() -> None:
    text = "Client reports passive suicidal ideation; no plan or intent."
    assert normalise(text) == text and not has_hidden_characters(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seventeen panic attacks", 17),
        ("twenty-one days", 21),
        ("twenty one days", 21),
        ("cut it by half", 0.5),
        ("a third of nights", 1 / 3),
        ("a dozen times", 12),
        ("twice a week", 2),
        ("ninety minutes", 90),
        ("one hundred and five", 105),
    ],
)
def test_number_words_are_read(text: str, value: float) -> None:
    assert [v for _, v in number_words(text)] == [pytest.approx(value)]


def test_one_as_a_pronoun_is_not_a_figure() -> None:
    assert number_words("no one at home; one of the friends") == []
    assert words_to_digits("at least one walk, seventeen attacks") == "at least 1 walk, 17 attacks"


def test_figures_are_digits_and_words_but_not_dates_codes_names_or_phone_numbers() -> None:
    text = (
        "PHQ-9 from 21 on 2026-09-21 (F33.1), seventeen panic attacks; "
        "call 555-867-5309 or (212) 555-0147; SSN 123-45-6789; MRN 31877002"
    )
    assert figures(text) == {21.0, 17.0}
    assert numbers_in(text) == figures(text)  # the validator's public name still works


def test_a_figure_carries_what_it_counts() -> None:
    (mention,) = figure_mentions("missed 6 work days last month")
    assert mention[0] == 6.0 and {"misse", "work"} <= mention[1]


def test_escaped_markdown_cannot_form_an_image_link_or_tag() -> None:
    hostile = "![x](http://203.0.113.9/x.png?mrn=MRN-1) [y](http://a) <img src=//b> **c**"
    out = escape_markdown(hostile)
    assert "![" not in out and "](" not in out and "<" not in out and "**" not in out


def test_defanged_document_keeps_its_layout_but_no_image_or_html() -> None:
    doc = "# Plan\n\n**Goal** ![](http://203.0.113.9/x.png?mrn=1)\n\n- [a](http://x) <img src=y>"
    out = defang_markdown(doc)
    assert out.startswith("# Plan") and "**Goal**" in out and "- " in out
    assert "![" not in out and "](" not in out and "<img" not in out
