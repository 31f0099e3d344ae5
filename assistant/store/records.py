"""What the store hands back: stored plans, summaries, history, audit and comment records,
and the refusal raised when the validator blocks a step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import StoreError
from assistant.plan import TreatmentPlan


class ValidationBlocked(StoreError):
    """The validator found errors, so the plan cannot move on. ``findings`` lists them."""

    def __init__(self, action: str, findings: Sequence[Any]):
        self.findings = list(findings)
        shown = "; ".join(f"{f.path}: {f.message}" for f in self.findings[:5])
        more = f" (and {len(self.findings) - 5} more)" if len(self.findings) > 5 else ""
        super().__init__(
            f"the plan cannot be {action}: the check found {len(self.findings)} "
            f"error(s) to fix first: {shown}{more}"
        )


@dataclass(frozen=True)
class StoredPlan:
    plan_id: int
    version: int
    status: str
    owner: str
    saved_by: str
    saved_at: dt.datetime
    plan: TreatmentPlan


@dataclass(frozen=True)
class PlanSummary:
    plan_id: int
    owner: str
    status: str
    version: int
    client_ref: str
    client_name: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class VersionInfo:
    version: int
    status: str
    saved_by: str
    saved_at: dt.datetime
    note: str


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    username: str
    action: str
    plan_id: int | None
    version: int | None
    detail: str


@dataclass(frozen=True)
class CommentRecord:
    version: int
    item_path: str
    item_id: str | None
    reason: str
    comment: str
    author: str
    created_at: dt.datetime
