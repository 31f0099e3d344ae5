"""Exports: the plan as Markdown, DOCX, PDF, JSON, a FHIR R4 Bundle, or a client copy.

``render(plan, fmt)`` returns the file's bytes. Only a plan that is signed and passes the
validator is exported as final; everything else is marked "DRAFT — not final".
"""

from __future__ import annotations

from typing import Literal

from assistant.errors import PlanError
from assistant.intake import Intake
from assistant.logs import get_logger, register_identifiers
from assistant.plan import TreatmentPlan
from assistant.protocols import Validator

log = get_logger(__name__)

Format = Literal["md", "docx", "pdf", "json", "fhir", "client"]
FORMATS: tuple[str, ...] = ("md", "docx", "pdf", "json", "fhir", "client")
SUFFIX = {
    "md": ".md",
    "docx": ".docx",
    "pdf": ".pdf",
    "json": ".json",
    "fhir": ".fhir.json",
    "client": ".client.md",
}


def is_final(
    plan: TreatmentPlan,
    validator: Validator | None = None,
    intake: Intake | None = None,
) -> bool:
    """Signed, carrying a clinician's signature, and through the gate under the plan's own
    payer profile (checked against the intake the plan was drafted from when it is given;
    without it, figures quoted from the intake cannot be traced and the plan is exported as
    a draft, the safe side). A plan kept in the store is exported through
    ``PlanStore.export``, which also refuses one whose hashes do not check out."""
    if plan.status != "signed" or not any(s.role == "clinician" for s in plan.signatures):
        return False
    from assistant.store.gate import gate

    try:
        result = gate(plan, intake, for_signing=True, validator=validator)
    except ImportError:
        return False
    return result.ok


def render(
    plan: TreatmentPlan,
    fmt: str,
    *,
    validator: Validator | None = None,
    intake: Intake | None = None,
    may_be_final: bool = True,
) -> bytes:
    """The plan as ``fmt`` (one of md, docx, pdf, json, fhir, client). ``may_be_final=False``
    marks it a draft whatever it says of itself (a copy whose integrity is not known)."""
    register_identifiers(*plan.identifiers())
    if fmt not in FORMATS:
        raise PlanError(f"unknown export format '{fmt}': use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return plan.dumps().encode("utf-8")
    final = may_be_final and is_final(plan, validator, intake)
    log.debug("exporting a plan as %s (final=%s)", fmt, final)
    if fmt == "fhir":
        from assistant.export import fhir

        return fhir.to_json(plan, final=final).encode("utf-8")
    if fmt == "client":
        from assistant.export import client_copy

        return client_copy.write(plan, final=final)
    from assistant.export.document import build

    doc = build(plan, final=final)
    if fmt == "md":
        from assistant.export import markdown

        return markdown.write(doc)
    if fmt == "docx":
        from assistant.export import docx

        return docx.write(doc)
    from assistant.export import pdf

    return pdf.write(doc)
