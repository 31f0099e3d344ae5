"""The plan's life: which action moves a plan from which status to which.

::

    draft ──submit──► submitted ──approve──► approved ──sign──► signed (final)
      ▲                  │
      │                  └──return──► returned ──submit──► submitted
      └── editing an approved plan sends it back to draft

A clinician without a supervisor signs a draft directly. Nothing changes a signed plan.
"""

from __future__ import annotations

from typing import Literal

from assistant.errors import StoreError

Action = Literal["submit", "return", "approve", "sign", "edit"]
ACTIONS: tuple[Action, ...] = ("submit", "return", "approve", "sign", "edit")
STATUSES = ("draft", "submitted", "returned", "approved", "signed")

# (status, action) -> {supervised: next status}; "supervised" = the owner has a supervisor.
_TABLE: dict[tuple[str, Action], dict[bool, str]] = {
    ("draft", "submit"): {True: "submitted"},
    ("returned", "submit"): {True: "submitted"},
    ("submitted", "return"): {True: "returned"},
    ("submitted", "approve"): {True: "approved"},
    ("approved", "sign"): {True: "signed"},
    ("draft", "sign"): {False: "signed"},
    ("draft", "edit"): {True: "draft", False: "draft"},
    ("returned", "edit"): {True: "returned"},
    ("approved", "edit"): {True: "draft"},
}

_WHY: dict[tuple[str, Action], str] = {
    ("submitted", "edit"): "the plan is with the supervisor; wait until it is approved or returned",
    ("signed", "edit"): "the plan is signed and final; start a new plan to change it",
    ("signed", "sign"): "the plan is already signed",
    ("signed", "submit"): "the plan is signed and final",
    ("submitted", "submit"): "the plan is already waiting for the supervisor",
    ("approved", "submit"): "the plan is already approved; it only needs signing",
    ("submitted", "sign"): "the supervisor has not approved the plan yet",
    ("returned", "sign"): "the plan was returned: address the comments and submit it again",
}


def next_status(status: str, action: Action, *, supervised: bool) -> str:
    """The status after ``action``, or a StoreError that says why it is not allowed."""
    options = _TABLE.get((status, action), {})
    if supervised in options:
        return options[supervised]
    why = _WHY.get((status, action))
    if why is None and action in ("submit", "approve", "return") and not supervised:
        why = "the clinician has no supervisor; a plan without one is signed directly"
    if why is None and action == "sign" and status == "draft" and supervised:
        why = "a supervisee's plan needs the supervisor's approval before signing"
    if why is None:
        why = f"a plan that is {status} cannot be {_PAST[action]}"
    raise StoreError(f"cannot {action} this plan: {why}")


_PAST = {
    "submit": "submitted",
    "return": "returned",
    "approve": "approved",
    "sign": "signed",
    "edit": "edited",
}


def allowed(status: str, action: Action, *, supervised: bool) -> bool:
    return supervised in _TABLE.get((status, action), {})
