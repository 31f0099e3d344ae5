"""The plan store: accounts, versioned plans, the review workflow and the audit log.

>>> store = open_store()                       # the configured database, migrated
>>> me = store.accounts.authenticate("ana", password)
>>> saved = store.create(me, plan)             # version 1, a draft
>>> store.save(me, saved.plan_id, edited, expected_version=1)
"""

from __future__ import annotations

from assistant.store.accounts import Account, Accounts
from assistant.store.db import make_engine, migrate, open_engine
from assistant.store.records import (
    AuditRecord,
    CommentRecord,
    PlanSummary,
    StoredPlan,
    ValidationBlocked,
    VersionInfo,
)
from assistant.store.review import ItemView, ReviewCounts, ReviewNote
from assistant.store.service import PlanStore, Validator


def open_store(url: str | None = None, *, validator: Validator | None = None) -> PlanStore:
    """A store on ``url`` (default: the configured database), schema brought up to date."""
    return PlanStore(open_engine(url), validator=validator)


__all__ = [
    "Account",
    "Accounts",
    "AuditRecord",
    "CommentRecord",
    "ItemView",
    "PlanStore",
    "PlanSummary",
    "ReviewCounts",
    "ReviewNote",
    "StoredPlan",
    "ValidationBlocked",
    "Validator",
    "VersionInfo",
    "make_engine",
    "migrate",
    "open_engine",
    "open_store",
]
