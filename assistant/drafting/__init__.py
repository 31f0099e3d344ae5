"""Drafting: intake -> individualised plan -> validator findings.

``draft()`` is the one entry point the CLI, the app and the evals call. The offline
drafter is the default and needs no network; the LLM drafter starts from the offline
draft and may only improve wording and choices (see ``assistant.drafting.llm``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant import logs
from assistant.drafting.offline import OfflineDrafter
from assistant.facts import CaseFacts, extract
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase, load_cached
from assistant.notices import Notice, notices
from assistant.plan import TreatmentPlan
from assistant.protocols import Retriever

if TYPE_CHECKING:
    from assistant.retrieval import Hit
    from assistant.validation.report import Report

log = logs.get_logger(__name__)


class Drafter(Protocol):
    name: str

    def draft(
        self, intake: Intake, base: TreatmentPlan, context: DraftContext
    ) -> TreatmentPlan: ...


@dataclass
class DraftContext:
    knowledge: KnowledgeBase
    profile: str = "default"
    retrieved: list[Hit] = field(default_factory=list)


@dataclass
class DraftResult:
    plan: TreatmentPlan
    report: Report
    notices: list[Notice]

    @property
    def ok(self) -> bool:
        return bool(self.report.ok)


def _retrieval(
    intake: Intake, retriever: Retriever | None
) -> tuple[dict[str, float], list[str], list[Hit]]:
    if retriever is None:
        return {}, [], []
    matches = retriever.for_intake(intake)
    rank = {h.record_id: float(h.score) for h in matches.presentations if not h.below_floor}
    ids = [h.id for h in matches.hits]
    return rank, ids, list(matches.hits)


def draft(
    intake: Intake,
    drafter: Drafter | str | None = None,
    *,
    profile: str = "default",
    knowledge: KnowledgeBase | None = None,
    retriever: Retriever | None = None,
    review_interval_days: int | None = None,
    facts: CaseFacts | None = None,
) -> DraftResult:
    """Draft a plan for ``intake`` and run it through the validator.

    ``drafter`` is ``"offline"`` (default), ``"llm"`` (built from settings) or an object with
    a ``draft`` method. ``retriever`` is optional: without it the offline drafter chooses
    records by diagnosis code and wording alone. ``facts`` are the case facts the clinician
    confirmed; without them the intake is read into facts here (``assistant.facts.extract``).
    The plan keeps the facts it was drafted from in ``case_facts``.
    """
    from assistant.config import get_settings
    from assistant.validation import validate

    settings = get_settings()
    kb = knowledge or load_cached()
    logs.register_identifiers(
        intake.client.name,
        intake.client.record_id,
        intake.client.date_of_birth.isoformat(),
        intake.clinician.license_number if intake.clinician else None,
    )
    started = time.perf_counter()
    case = facts or extract(intake)
    rank, retrieved_ids, hits = _retrieval(intake, retriever)
    interval = review_interval_days or settings.review_interval_days
    base = OfflineDrafter(kb, review_interval_days=interval).compose(
        intake, rank, retrieved_ids, facts=case
    )
    plan = base
    if drafter is None or drafter == "offline":
        pass
    else:
        if isinstance(drafter, str):
            if drafter != "llm":
                from assistant.errors import DraftingError

                raise DraftingError(f"unknown drafter '{drafter}': use offline or llm")
            from assistant.drafting.model_path import llm_drafter

            drafter = llm_drafter(settings)  # short separate calls; offline if the model fails
        plan = drafter.draft(
            intake, base, DraftContext(knowledge=kb, profile=profile, retrieved=hits)
        )
    if plan.case_facts is None:
        plan.case_facts = case
    plan.draft.latency_ms = round((time.perf_counter() - started) * 1000, 1)
    report = validate(plan, intake, profile=profile)
    log.info("drafted plan with %d goals; %d findings", len(plan.goals), len(report.findings))
    return DraftResult(plan=plan, report=report, notices=notices(intake))
