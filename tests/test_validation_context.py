"""The validator reads an intake's case facts once per intake, not once per check."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from assistant import intake as intake_mod
from assistant.validation import context

INTAKE = Path(__file__).resolve().parent / "data" / "intakes" / "example_mdd.json"


def test_facts_are_read_once_per_intake(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.facts as facts_pkg

    calls: list[object] = []
    real = facts_pkg.extract

    def counting(intake: intake_mod.Intake) -> object:
        calls.append(intake)
        return real(intake)

    monkeypatch.setattr(facts_pkg, "extract", counting)
    first = intake_mod.load(INTAKE)
    a = context.facts_of(first)
    b = context.facts_of(first)
    assert a is b and len(calls) == 1
    second = intake_mod.load(INTAKE)  # the same file loaded again is another intake
    assert context.facts_of(second) == a and len(calls) == 2


def test_the_cached_facts_go_with_their_intake() -> None:
    loaded = intake_mod.load(INTAKE)
    context.facts_of(loaded)
    key = id(loaded)
    assert key in context._FACTS
    del loaded
    gc.collect()
    assert key not in context._FACTS
