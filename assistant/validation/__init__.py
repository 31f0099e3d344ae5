"""Deterministic plan validation: the gate every draft passes.

``validate(plan, intake, profile)`` runs every registered rule and returns a
:class:`Report`. It is a pure function of its inputs and the authored data (instrument
registry, knowledge base, payer profiles): no network, no model, the same answer every
time. ``lint_objective(text)`` checks one objective sentence on its own.
"""

from __future__ import annotations

from assistant.intake import Intake
from assistant.plan import TreatmentPlan
from assistant.validation import (  # noqa: F401 - importing registers the rules
    profiles,
    rules_agreement,
    rules_consistency,
    rules_consistency_measures,
    rules_consistency_risk,
    rules_consistency_treatment,
    rules_evidence,
    rules_figures,
    rules_objectives,
    rules_plan,
    rules_safety,
    rules_wording,
)
from assistant.validation.context import Context
from assistant.validation.registry import RULES, Rule, rules_markdown
from assistant.validation.report import Finding, Report, Severity
from assistant.validation.smart import LintResult, lint_objective

__all__ = [
    "RULES",
    "Finding",
    "LintResult",
    "Report",
    "Rule",
    "forget_intakes",
    "lint_objective",
    "profiles",
    "rules_markdown",
    "validate",
]


def validate(
    plan: TreatmentPlan,
    intake: Intake | None = None,
    profile: str = "default",
    *,
    for_signing: bool = False,
) -> Report:
    """Check ``plan`` (against ``intake`` when given) under a payer profile.

    ``for_signing`` applies the stricter signing severities (unfilled placeholders and
    missing signatures become errors) before the plan's status is ``signed``.
    """
    prof = profiles.load(profile)
    ctx = Context(plan=plan, intake=intake, profile=prof, for_signing=for_signing)
    findings: list[Finding] = []
    for r, level in _active_rules(prof, ctx.signing):
        for path, message in r.check(ctx):
            findings.append(Finding(r.code, r.name, level, path, message))
    return Report(findings=findings, profile=prof.name)


# (id of the profile, signing, number of rules) -> (the profile, its rules in code order with
# their severities, "off" ones left out): resolved once per profile, not per rule per plan
_ACTIVE: dict[tuple[int, bool, int], tuple[profiles.Profile, list[tuple[Rule, Severity]]]] = {}


def _active_rules(prof: profiles.Profile, signing: bool) -> list[tuple[Rule, Severity]]:
    key = (id(prof), signing, len(RULES))
    entry = _ACTIVE.get(key)
    if entry is not None and entry[0] is prof:
        return entry[1]
    active: list[tuple[Rule, Severity]] = []
    for code in sorted(RULES):
        level = prof.severity(code, signing=signing)
        if level == "off":
            continue
        active.append((RULES[code], level))
    _ACTIVE[key] = (prof, active)
    return active


def forget_intakes() -> None:
    """Empty the tables read from intakes (their figures, what each figure counts, the
    client's words), kept per intake content because a plan is checked against the same
    intake at every edit: the next check of any intake reads it afresh. For benchmarks
    and tests; nothing else needs it, as a changed intake has a new key."""
    from assistant.validation import context  # the rule modules are imported above

    context._INTAKE_NUMBERS.clear()
    rules_figures._BY_INTAKE.clear()
    rules_evidence._CLIENT_WORDS.clear()
