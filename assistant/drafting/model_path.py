"""Which model drafter ``--drafter llm`` means, and the promise that a failing model
never leaves the clinician without a draft.

``TPA_LLM_MODE=tasks`` (the default) is :class:`~assistant.drafting.llm_tasks.TaskDrafter`:
short separate requests. ``TPA_LLM_MODE=single`` is the one-prompt
:class:`~assistant.drafting.llm.LLMDrafter`, wrapped so that a timeout, an unreachable
server or an error answer gives the offline draft with a warning (unless ``strict``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.drafting.llm_client import Progress
from assistant.errors import ModelError
from assistant.intake import Intake
from assistant.plan import TreatmentPlan

if TYPE_CHECKING:
    from assistant.drafting.llm_tasks import TaskDrafter


class OfflineOnFailure:
    """Any model drafter; when the model fails, the offline draft with what failed."""

    def __init__(self, inner: Any, *, strict: bool = False):
        self.inner = inner
        self.name = str(getattr(inner, "name", "llm"))
        self.strict = strict

    def draft(self, intake: Intake, base: TreatmentPlan, context: Any) -> TreatmentPlan:
        try:
            plan: TreatmentPlan = self.inner.draft(intake, base, context)
        except ModelError as exc:
            if self.strict:
                raise
            plan = base.model_copy(deep=True)
            plan.draft.drafter = self.name
            plan.draft.model = getattr(self.inner, "model_name", None)
            plan.draft.fell_back = True
            plan.draft.model_failure = f"{_kind(exc)}: {exc}"
            plan.draft.warnings = [
                *plan.draft.warnings,
                f"The model could not be used ({exc}); this is the offline draft.",
            ]
        return plan


def _kind(exc: ModelError) -> str:
    """What failed, in the words the task path uses (timeout, unreachable, ...)."""
    text = str(exc)
    if hasattr(exc, "kind"):
        return str(exc.kind)
    if "did not answer" in text:
        return "timeout"
    if "cannot reach" in text:
        return "unreachable"
    if "refused the API key" in text:
        return "refused"
    if "(429)" in text:
        return "rate_limited"
    return "server_error"


def llm_drafter(
    settings: Settings, *, strict: bool = False, progress: Progress | None = None
) -> TaskDrafter | OfflineOnFailure:
    """The model drafter the settings ask for (raises ConfigError when none is configured)."""
    if settings.llm_mode == "single":
        from assistant.drafting.llm import LLMDrafter

        return OfflineOnFailure(LLMDrafter.from_settings(settings), strict=strict)
    from assistant.drafting.llm_tasks import TaskDrafter

    return TaskDrafter.from_settings(settings, strict=strict, progress=progress)
