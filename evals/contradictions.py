"""Edit a drafted plan so that it contradicts its case, and see whether the validator refuses it.

Issue 11 asks that a plan edited to contradict the case (a reduction target while
abstinent, a work goal for a retired client, a refused group...) is refused at submit and
sign, whoever wrote it. Each labelled case may list such edits under ``contradictions``::

    contradictions:
      - name: work goal added
        edits:
          - {extend: goals[0].statement, text: ' Return to full-time work within 12 weeks.'}
          - {append: timeline.review_dates, value: 2027-06-01}
          - {append: interventions, copy: 'interventions[0]', with: {technique: Prolonged Exposure}}
          - {set: timeline.session_frequency, value: weekly}
          - {remove: interventions, matching: 'prescriber'}   # every item whose text matches
          - {remove: 'goals[*].objectives', matching: 'shower'}  # [*]: in every goal

The edits are applied to the plan's JSON and the result is checked with
:func:`assistant.validation.validate` against the intake with the signing severities
(the gate a plan meets at submit and sign). A contradiction counts as refused when the
check reports an error the unedited plan did not have.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from assistant.intake import Intake
from assistant.plan import TreatmentPlan
from assistant.validation import validate

_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")
OPS = ("set", "extend", "append", "remove")


class EditError(ValueError):
    """An edit names a part of the plan that does not exist."""


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        for name, index in _STEP.findall(part):
            steps.append(name if name else int(index))
    if not steps:
        raise EditError(f"{path!r} is not a path in the plan")
    return steps


def _parent(data: Any, path: str) -> tuple[Any, str | int]:
    steps = _steps(path)
    node = data
    for step in steps[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            raise EditError(f"{path}: the plan has no {step!r} there") from None
    return node, steps[-1]


def _get(data: Any, path: str) -> Any:
    node, last = _parent(data, path)
    try:
        return node[last]
    except (KeyError, IndexError, TypeError):
        raise EditError(f"{path}: the plan has no {last!r} there") from None


def _expand(data: Any, path: str) -> list[str]:
    """``goals[*].objectives`` as ``goals[0].objectives``, ``goals[1].objectives``..."""
    if "[*]" not in path:
        return [path]
    head, _, tail = path.partition("[*]")
    items = _get(data, head)
    if not isinstance(items, list):
        raise EditError(f"{head}: not a list, so [*] cannot be used")
    return [p for i in range(len(items)) for p in _expand(data, f"{head}[{i}]{tail}")]


def apply(plan: TreatmentPlan, edits: list[dict[str, Any]]) -> TreatmentPlan:
    """The plan with ``edits`` applied (the original is not changed)."""
    data = plan.model_dump(mode="json", by_alias=True)
    for edit in edits:
        op = next((o for o in OPS if o in edit), None)
        if op is None:
            raise EditError(f"an edit needs one of {', '.join(OPS)}: got {sorted(edit)}")
        path = str(edit[op])
        if op == "set":
            node, last = _parent(data, path)
            _get(data, path)
            node[last] = edit.get("value")
        elif op == "extend":
            node, last = _parent(data, path)
            node[last] = f"{_get(data, path) or ''}{edit.get('text', '')}"
        elif op == "remove":
            hit = re.compile(str(edit.get("matching", "")), re.IGNORECASE)
            for where in _expand(data, path):
                target = _get(data, where)
                if not isinstance(target, list):
                    raise EditError(f"{where}: not a list, so nothing can be removed")
                target[:] = [x for x in target if not hit.search(json.dumps(x))]
        else:
            target = _get(data, path)
            if not isinstance(target, list):
                raise EditError(f"{path}: not a list, so nothing can be appended")
            if "copy" in edit:
                item = copy.deepcopy(_get(data, str(edit["copy"])))
                item.update(edit.get("with") or {})
            else:
                item = edit.get("value")
            target.append(str(item) if hasattr(item, "isoformat") else item)
    return TreatmentPlan.model_validate(data)


def score_contradictions(
    plan: TreatmentPlan, intake: Intake, contradictions: list[dict[str, Any]]
) -> dict[str, Any]:
    """How many of a case's contradicting edits the validator refuses, and with which rules."""
    before = {(f.rule, f.path) for f in validate(plan, intake, for_signing=True).errors}
    refused = 0
    missed: list[str] = []
    rules: dict[str, list[str]] = {}
    for c in contradictions:
        edited = apply(plan, c["edits"])
        found = validate(edited, intake, for_signing=True).errors
        errors = [f for f in found if (f.rule, f.path) not in before]
        rules[c["name"]] = sorted({f.rule for f in errors})
        if errors:
            refused += 1
        else:
            missed.append(c["name"])
    return {
        "contradictions": len(contradictions),
        "refused": refused,
        "missed": missed,
        "rules": rules,
    }
