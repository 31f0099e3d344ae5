"""The gate: one check that submit, approve, sign and final export all go through.

``gate(plan, intake)`` validates the plan under the payer profile the plan itself calls
for (its header's payer, else the intake's), so a Medicare plan is held to the Medicare
rules at every step, whoever calls it (store, CLI or app).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.intake import Intake
from assistant.plan import TreatmentPlan

Validator = Callable[..., Any]

# payer (as written in the plan or intake, any case) -> payer profile; others: default
PAYER_PROFILES = {"medicare": "medicare"}
# when the plan and its intake name different payers, the stricter profile applies
_STRICTEST_FIRST = ("medicare", "commercial-90d", "default")


def default_validator(plan: TreatmentPlan, *args: Any, **kwargs: Any) -> Any:
    validate = importlib.import_module("assistant.validation").validate
    return validate(plan, *args, **kwargs)


def profile_for(plan: TreatmentPlan, intake: Intake | None = None) -> str:
    """The payer profile for ``plan``: from its payer (or its intake's), default otherwise."""
    payers = [plan.header.payer, intake.payer if intake is not None else None]
    names = {
        PAYER_PROFILES.get((p or "").strip().lower().replace(" ", "_"), "default") for p in payers
    }
    return next(n for n in _STRICTEST_FIRST if n in names)


@dataclass(frozen=True)
class GateResult:
    profile: str
    findings: list[Any] = field(default_factory=list)

    @property
    def errors(self) -> list[Any]:
        return [f for f in self.findings if getattr(f, "severity", "") == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def gate(
    plan: TreatmentPlan,
    intake: Intake | None = None,
    *,
    for_signing: bool = False,
    validator: Validator | None = None,
) -> GateResult:
    """Validate ``plan`` (against ``intake``) under the plan's own payer profile."""
    profile = profile_for(plan, intake)
    report = (validator or default_validator)(plan, intake, profile, for_signing=for_signing)
    return GateResult(profile, list(report.findings))
