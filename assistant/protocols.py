"""The typed joins between the stages: what a retriever and a validator must offer.

Drafting, the store, the exports and the app receive a retriever or a validator through a
parameter, so a test double or another implementation can stand in. These protocols say
what such a stand-in must provide and what it returns; the real ones are
:class:`assistant.retrieval.Retriever` and :func:`assistant.validation.validate`, and mypy
checks that they fit (the ``_fits`` functions below).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assistant import retrieval, validation
    from assistant.intake import Intake
    from assistant.plan import TreatmentPlan
    from assistant.retrieval import Hit, IntakeMatches
    from assistant.validation.report import Report


class Retriever(Protocol):
    """Ranked knowledge for an intake (what the drafter uses) or for a query (alternatives
    offered beside an item in the app)."""

    def for_intake(self, intake: Intake, k: int = 8) -> IntakeMatches: ...

    def search(
        self, query: str, codes: Sequence[str] = (), k: int = 5, kinds: Sequence[str] | None = None
    ) -> list[Hit]: ...


class Validator(Protocol):
    """Checks a plan (against its intake) under a payer profile and reports the findings."""

    def __call__(
        self,
        plan: TreatmentPlan,
        intake: Intake | None = None,
        profile: str = "default",
        *,
        for_signing: bool = False,
    ) -> Report: ...


if TYPE_CHECKING:

    def _fits_retriever(r: retrieval.Retriever) -> Retriever:
        return r

    def _fits_validator() -> Validator:
        return validation.validate
