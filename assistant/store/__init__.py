"""The plan store: accounts, versioned plans, the review workflow and the audit log.

>>> store = open_store()                       # the configured database, migrated
>>> me = store.accounts.login("ana", password)  # an AuthSession; every call needs one
>>> saved = store.create(me, plan)             # version 1, a draft
>>> store.save(me, saved.plan_id, edited, expected_version=1)
>>> store.verify(me, saved.plan_id)            # [] when every hash checks out
"""

from __future__ import annotations

from assistant.review import ItemView, ReviewCounts, ReviewNote
from assistant.store.accounts import Account, Accounts
from assistant.store.auth import AuthSession, SessionEnded
from assistant.store.db import make_engine, migrate, open_engine
from assistant.store.gate import GateResult, gate, profile_for
from assistant.store.integrity import Problem, TamperedError
from assistant.store.records import (
    AuditRecord,
    CommentRecord,
    PlanSummary,
    StoredPlan,
    ValidationBlocked,
    VersionInfo,
)
from assistant.store.service import Export, PlanStore, Validator


def open_store(url: str | None = None, *, validator: Validator | None = None) -> PlanStore:
    """A store on ``url`` (default: the configured database), schema brought up to date."""
    return PlanStore(open_engine(url), validator=validator)


__all__ = [
    "Account",
    "Accounts",
    "AuditRecord",
    "AuthSession",
    "CommentRecord",
    "Export",
    "GateResult",
    "ItemView",
    "PlanStore",
    "PlanSummary",
    "Problem",
    "ReviewCounts",
    "ReviewNote",
    "SessionEnded",
    "StoredPlan",
    "TamperedError",
    "ValidationBlocked",
    "Validator",
    "VersionInfo",
    "gate",
    "make_engine",
    "migrate",
    "open_engine",
    "open_store",
    "profile_for",
]
