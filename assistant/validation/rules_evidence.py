"""Rules about where content comes from: invented numbers, placeholders, individualisation."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.plan import PLACEHOLDER
from assistant.text import figures
from assistant.validation.context import Context, _word_stems, remember, written_by_clinician
from assistant.validation.registry import Hit, rule
from assistant.validation.rules_objectives import _fmt


@rule("NI01", "numbers.untraceable")
def untraceable(ctx: Context) -> Iterator[Hit]:
    """Every number in suggested text comes from the intake, the instrument registry or a cited
    knowledge record (or a percent reduction of a baseline). Text a clinician wrote or
    edited is theirs and is not checked; a number can also wait in a placeholder.

    Bad: 'reduce panic attacks to 2 per week' when 2 appears in no source.
    Good: 'reduce panic attacks from 4-5 to [target: agree with client] per week'.
    """
    allowed = ctx.allowed_numbers
    for path, text in ctx.suggested_texts:
        found = figures(text)
        if not found or found <= allowed:
            continue
        bad = sorted(found - allowed)
        if bad:
            figs = ", ".join(_fmt(b) for b in bad)
            yield (
                path,
                f"The figure(s) {figs} do not come from the intake, the instrument "
                "registry or a cited knowledge record: check them, or replace them with a "
                "placeholder for the clinician.",
            )


@rule("NI02", "numbers.value-untraceable")
def value_untraceable(ctx: Context) -> Iterator[Hit]:
    """Structured baseline and target values are traceable in the same way as text.

    Bad: target value 6 on the GAD-7 with no source for 6.
    Good: target value 10 (the GAD-7 cut-off in the registry).
    """
    for path, _, o in ctx.objectives:
        if written_by_clinician(o.provenance):
            continue
        for part, m in (("baseline", o.baseline), ("target", o.target)):
            if m is None:
                continue
            vals = [v for v in (m.value, m.high) if v is not None]
            bad = [v for v in vals if v not in ctx.allowed_numbers]
            if bad:
                yield (
                    f"{path}.{part}",
                    f"The {part} value {_fmt(bad[0])} does not come from "
                    "the intake, the registry or a cited knowledge record.",
                )


@rule("PH01", "placeholder.unfilled")
def placeholder_unfilled(ctx: Context) -> Iterator[Hit]:
    """Visible placeholders ('[baseline: ask client]') are filled in before signing. The
    signing profile turns this into an error when the plan is signed or checked for signing.

    Bad: '[target: agree with client]' left in a plan marked signed.
    Good: 'to 1 or fewer per week'.
    """
    # a placeholder that is both an objective's figure and in its sentence is reported once,
    # on the figure
    figures: set[tuple[str, str]] = set()
    for m in PLACEHOLDER.finditer(ctx.plan.header.clinician_name):
        yield "header.clinician_name", f"Fill in the clinician ({m.group(0)}) before signing."
    for path, _, o in ctx.objectives:
        for part, fig in (("baseline", o.baseline), ("target", o.target)):
            if fig is not None and fig.is_placeholder:
                figures.add((f"{path}.text", fig.text))
                yield (
                    f"{path}.{part}",
                    f"Fill in the {part} ({fig.text}) before the plan is signed.",
                )
    for path, text in ctx.texts:
        if "[" in text:  # cheap test before the pattern
            for m in PLACEHOLDER.finditer(text):
                if (path, m.group(0)) not in figures:
                    yield path, f"Fill in {m.group(0)} before the plan is signed."


_WORD = re.compile(r"[a-z]{4,}")


_TEMPLATE_CACHE: dict[str, list[difflib.SequenceMatcher[str]]] = {}


def _templates(ctx: Context) -> list[difflib.SequenceMatcher[str]]:
    """One matcher per knowledge template text (problem examples and goals), built once per
    version of the knowledge base."""
    kb = ctx.knowledge
    if kb is None:
        return []
    if kb.content_hash not in _TEMPLATE_CACHE:
        texts: list[str] = []
        for p in kb.presentations.values():
            texts.append(p.problem.example)
            texts += [g.text for g in p.goals]
        matchers = []
        for t in texts:
            sm: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, autojunk=False)
            sm.set_seq2(t.strip().lower())
            matchers.append(sm)
        _TEMPLATE_CACHE[kb.content_hash] = matchers
    return _TEMPLATE_CACHE[kb.content_hash]


_VERDICTS: dict[tuple[int, str, float], bool] = {}


def _is_copy(matchers: list[difflib.SequenceMatcher[str]], low: str, threshold: float) -> bool:
    """Whether ``low`` is at least ``threshold`` similar to a template (remembered per text)."""
    key = (id(matchers), low, threshold)
    if key not in _VERDICTS:
        if len(_VERDICTS) > 20_000:
            _VERDICTS.clear()
        found = False
        for sm in matchers:
            la, lb = len(low), len(sm.b)  # type: ignore[attr-defined]
            if 2 * min(la, lb) < threshold * (la + lb):
                continue  # lengths alone rule out a ratio this high
            sm.set_seq1(low)
            if sm.quick_ratio() >= threshold and sm.ratio() >= threshold:
                found = True
                break
        _VERDICTS[key] = found
    return _VERDICTS[key]


@rule("ID01", "individual.template-copy")
def template_copy(ctx: Context) -> Iterator[Hit]:
    """Problem statements and goals are written for this client, not copied from a template
    (a difflib similarity of 0.9 or more to a knowledge text).

    Bad: a goal word for word the same as the knowledge base's GAD goal.
    Good: a goal that uses the client's own situation and words.
    """
    matchers = _templates(ctx)
    if not matchers:
        return
    threshold = float(ctx.param("template_similarity", 0.9))
    items = [(f"problems[{i}].statement", p.statement) for i, p in enumerate(ctx.plan.problems)]
    items += [(f"goals[{i}].statement", g.statement) for i, g in enumerate(ctx.plan.goals)]
    for path, text in items:
        if _is_copy(matchers, text.strip().lower(), threshold):
            yield (
                path,
                "This reads almost exactly like the knowledge-base template: adapt "
                "it to this client's situation and words.",
            )


_COMMON = {
    "again", "will", "take", "have", "more", "less", "with", "that", "this", "from", "into",
    "back", "want", "able", "like", "just", "some", "being", "feel", "make", "better", "still",
    "every", "everything", "thing", "things", "really", "without", "would", "could", "about",
}  # fmt: skip


def _used(phrase: str, haystack: set[str]) -> bool:
    """Most of the phrase's content words (matched on their first five letters) occur."""
    words = [w for w in _WORD.findall(phrase.lower()) if w not in _COMMON]
    if not words:
        return True
    hits = sum(w[:5] in haystack for w in words)
    return hits * 2 >= len(words)


@lru_cache(maxsize=4096)
def _asked(phrase: str) -> frozenset[str]:
    """The stems :func:`_used` looks for in the plan for ``phrase``."""
    return frozenset(w[:5] for w in _WORD.findall(phrase.lower()) if w not in _COMMON)


class _ClientWords:
    """The word stems :func:`_used` asks about for one intake's strengths, client goals and
    client words, and which of them each plan text holds (remembered per text)."""

    def __init__(self, phrases: list[str]):
        wanted: set[str] = set()
        for p in phrases:
            wanted |= _asked(p)
        self.wanted = frozenset(wanted)
        self._in_text: dict[str, frozenset[str]] = {}

    def in_plan(self, ctx: Context) -> set[str]:
        """The wanted stems among :attr:`Context.word_stems`."""
        plan = ctx.plan
        parts = [t for _, t in ctx.texts] + plan.strengths
        parts += [g.client_words or "" for g in plan.goals]
        found: set[str] = set()
        known = self._in_text
        for text in parts:
            hits = known.get(text)
            if hits is None:
                if len(known) > 512:
                    known.clear()
                hits = known[text] = _word_stems(text) & self.wanted
            if hits:
                found |= hits
        return found


# intake JSON -> its client words (see _ClientWords)
_CLIENT_WORDS: dict[str, _ClientWords] = {}


def _hay(ctx: Context) -> set[str]:
    """The plan's word stems, as far as :func:`_used` asks about the intake's strengths,
    client goals and client words (read once for ID02 and ID03)."""
    found: set[str] | None = ctx.__dict__.get("_intake_words_hay")
    if found is None:
        key = ctx.intake_key
        words = _CLIENT_WORDS.get(key) if key is not None else None
        if words is None:
            words = _ClientWords(_client_phrases(ctx))
            if key is not None:
                remember(_CLIENT_WORDS, key, words)
        found = ctx.__dict__["_intake_words_hay"] = words.in_plan(ctx)
    return found


def _client_phrases(ctx: Context) -> list[str]:
    if ctx.intake is None:
        return []
    return [*ctx.intake.strengths, *_own_words(ctx)]


def _own_words(ctx: Context) -> list[str]:
    """The client's own goals and words from the intake."""
    assert ctx.intake is not None
    return list(ctx.intake.client_goals) + [
        p.client_words for p in ctx.intake.presenting_problems if p.client_words
    ]


@rule("ID02", "individual.strengths-unused")
def strengths_unused(ctx: Context) -> Iterator[Hit]:
    """Strengths recorded at intake appear in the plan (its strengths list or text).

    Bad: intake strength 'supportive partner' appears nowhere in the plan.
    Good: plan strengths include 'supportive partner'.
    """
    if ctx.intake is None or not ctx.intake.strengths:
        return
    hay = _hay(ctx)
    unused = [s for s in ctx.intake.strengths if not _used(s, hay)]
    if unused:
        yield (
            "strengths",
            "Strengths from the intake are not used in the plan: " + "; ".join(unused) + ".",
        )


@rule("ID03", "individual.client-words-unused")
def client_words_unused(ctx: Context) -> Iterator[Hit]:
    """The client's own goals or words from the intake appear in the plan's goals.

    Bad: the client wants to 'get back to coaching'; no goal mentions it.
    Good: a goal that names getting back to coaching, or quotes the client.
    """
    if ctx.intake is None:
        return
    own = _own_words(ctx)
    if not own:
        return
    hay = _hay(ctx)
    if not any(_used(w, hay) for w in own):
        yield (
            "goals",
            "None of the client's own goals or words appear in the plan: use them in "
            "a goal or its client_words.",
        )
