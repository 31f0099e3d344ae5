"""Notices about a valid intake: what the clinician should see that is not a refusal.

Risk not (fully) assessed, category-heading ICD-10-CM codes, instruments the registry does
not know, and free text that reads like an instruction to the software (which is treated
as data and changes nothing in a plan).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from assistant import codes, instruments
from assistant.intake import Intake

INSTRUCTION_LIKE = re.compile(
    r"(ignore (all |any )?(previous|prior|above) (instructions|prompts)|disregard (the|all|previous)"
    r"|\bsystem\s*:|you are now|admin mode|developer mode|mark (it|the plan) (as )?signed"
    r"|set every \w+ to|output an empty plan|new instructions|jailbreak)",
    re.IGNORECASE,
)


class Notice(BaseModel):
    """Something the clinician should see about an intake that is not a refusal."""

    path: str
    kind: Literal["risk", "code", "instrument", "instruction", "data"]
    message: str


def notices(intake: Intake) -> list[Notice]:
    """Warnings about a valid intake: risk gaps, header codes, unknown instruments, embedded
    instructions in free text."""
    out: list[Notice] = []
    if not intake.risk.fully_assessed:
        missing = ", ".join(intake.risk.unassessed_fields)
        out.append(
            Notice(
                path="risk",
                kind="risk",
                message=f"Risk not assessed ({missing}): complete the risk assessment before "
                "finalising the plan.",
            )
        )
    for i, d in enumerate(intake.diagnoses):
        info = codes.lookup(d.code)
        if info is not None and not info.billable:
            options = ", ".join(c.code for c in codes.specific_codes(d.code, limit=8))
            out.append(
                Notice(
                    path=f"diagnoses[{i}].code",
                    kind="code",
                    message=f"{d.code} ({info.title}) is a category heading, not a billable "
                    f"code; pick the specific code ({options}).",
                )
            )
    if sum(1 for d in intake.diagnoses if d.primary) > 1:
        out.append(
            Notice(
                path="diagnoses", kind="code", message="More than one diagnosis is marked primary."
            )
        )
    for i, a in enumerate(intake.assessments):
        message = instrument_notice(a.instrument)
        if message:
            out.append(
                Notice(path=f"assessments[{i}].instrument", kind="instrument", message=message)
            )
    if intake.clinician is None:
        out.append(
            Notice(
                path="clinician",
                kind="data",
                message="No clinician is recorded: the plan's header needs the clinician's "
                "name before it can be submitted (draft --clinician NAME, or add it on review).",
            )
        )
    for path, text in intake.free_text():
        if INSTRUCTION_LIKE.search(text):
            out.append(
                Notice(
                    path=path,
                    kind="instruction",
                    message="This text contains what looks like an instruction to the software. "
                    "It was treated as the client's or clinician's words only and changed nothing "
                    "in the plan; review it.",
                )
            )
    return out


def instrument_notice(name: str) -> str | None:
    """What to tell the clinician about an instrument name the registry does not match
    (``None`` for a name it knows)."""
    found = instruments.lookup(name)
    if found.kind == "ambiguous":
        return (
            f"{name}: ambiguous instrument name ({found.reason}); kept as an unvalidated "
            "measure, with no range check, and not used as a validated baseline."
        )
    if found.kind == "unknown":
        return (
            f"{name}: unknown instrument; kept as an unvalidated measure, shown as written, "
            "with no range check, and not used as a validated baseline until the registry "
            "knows its range."
        )
    return None
