"""Figures in text, for the drafter: the validator's definition of a number a reader would
check (dates, codes, instrument names and ids are not figures), and the figures an intake
supplies. One definition serves the validator, the LLM drafter's edit checks, the tests
and the evals."""

from __future__ import annotations

from assistant.intake import Intake
from assistant.text import DENIES
from assistant.validation.numbers import intake_numbers as _intake_pair
from assistant.validation.numbers import numbers_in

__all__ = ["DENIES", "intake_numbers", "numbers", "show"]


def numbers(text: str) -> frozenset[float]:
    """Figures in ``text``, ignoring dates, codes, instrument names, ids and placeholders."""
    return numbers_in(text)


def intake_numbers(intake: Intake) -> set[float]:
    """Every figure the intake supplies (scores, baselines, dates, numbers in its text)."""
    return _intake_pair(intake)[0]


def show(values: set[float] | frozenset[float]) -> str:
    return ", ".join(f"{v:g}" for v in sorted(values))
