"""Tamper evidence: content hashes on plan versions and a hash chain through the audit log.

Each plan version stores the SHA-256 of its document and of the intake kept with the plan
(both as canonical JSON: sorted keys, no whitespace), and a hash over those two and the
version's own fields. Each audit entry stores the hash of the entry before it and its own
hash, so a changed or deleted entry breaks the chain at a known id; ``audit_head`` holds
the newest hash, so a removed tail is noticed too, and serialises writers so the chain
never forks. Signing records, in its (chained) audit entry, the hash of the text signed.

The database also refuses UPDATE and DELETE on versions and audit rows (triggers added by
migration 0003); these checks catch what someone with the power to drop the triggers did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from assistant.errors import StoreError
from assistant.store.models import AuditEntry, AuditHead, Plan, PlanVersion, utcnow

GENESIS = "0" * 64
SIGNED_MARK = "sha256 "
_SIGNED = re.compile(r"sha256 ([0-9a-f]{64})")
# actions that write a plan version; each version has exactly one of them in the audit log
WRITES = ("create", "save", "submit", "return", "approve", "sign", "review")


class TamperedError(StoreError):
    """A stored plan or the audit log no longer matches its hashes. ``problems`` lists them."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "; ".join(p.message for p in self.problems[:3])
        more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        super().__init__(
            f"the stored record was changed outside the assistant: {shown}{more}. "
            "It cannot be used as final; run `assistant plan verify` and tell your administrator"
        )


@dataclass(frozen=True)
class Problem:
    """One mismatch: what (``plan 3 version 2`` or ``audit entry 17``), which field, and why."""

    where: str
    field: str
    message: str
    plan_id: int | None = None  # the plan an audit entry is about, if any


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_hash(text: str | None) -> str:
    """The hash of a JSON text's canonical form (whitespace and key order do not count)."""
    return sha256(canonical(None if text is None else json.loads(text)))


def stamp(at: dt.datetime | None) -> str:
    """A timestamp as UTC text, the same whether the database kept the zone or not."""
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def version_hash(pv: PlanVersion) -> str:
    return sha256(
        canonical(
            {
                "plan_id": pv.plan_id,
                "version": pv.version,
                "status": pv.status,
                "saved_by": pv.saved_by,
                "saved_at": stamp(pv.saved_at),
                "note": pv.note,
                "document": pv.document_hash,
                "intake": pv.intake_hash,
            }
        )
    )


def seal_version(pv: PlanVersion, intake_text: str | None) -> None:
    """Fill a new version's hashes (before it is written)."""
    pv.document_hash = json_hash(pv.document)
    pv.intake_hash = json_hash(intake_text)
    pv.content_hash = version_hash(pv)


def entry_hash(e: AuditEntry) -> str:
    return sha256(
        canonical(
            {
                "at": stamp(e.at),
                "user_id": e.user_id,
                "username": e.username,
                "action": e.action,
                "plan_id": e.plan_id,
                "version": e.version,
                "detail": e.detail,
                "prev": e.prev_hash,
            }
        )
    )


def append(
    s: Session,
    *,
    user_id: int | None,
    username: str,
    action: str,
    plan_id: int | None = None,
    version: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add an audit entry chained to the newest one. Takes the chain's lock (the head row)
    for the rest of the transaction, so concurrent writers queue instead of forking it."""
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    prev = s.execute(select(AuditHead.last_hash).where(AuditHead.id == 1)).scalar_one()
    entry = AuditEntry(
        at=utcnow(),
        user_id=user_id,
        username=username[:80],
        action=action,
        plan_id=plan_id,
        version=version,
        detail=detail[:500],
        prev_hash=prev,
    )
    entry.entry_hash = entry_hash(entry)
    s.add(entry)
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=entry.entry_hash))
    return entry


# ---------------------------------------------------------------- checks


def _label(e: AuditEntry) -> str:
    plan = f" on plan {e.plan_id}" if e.plan_id is not None else ""
    ver = f" version {e.version}" if e.version is not None else ""
    return f"audit entry {e.id} ({e.action} by {e.username}{plan}{ver})"


def check_versions(row: Plan, versions: Sequence[PlanVersion]) -> list[Problem]:
    """Every version of one plan against its hashes, the intake kept with the plan, and the
    plan's current version and status."""
    out: list[Problem] = []
    intake_now = json_hash(row.intake)
    for pv in versions:
        where = f"plan {row.id} version {pv.version}"
        if not (pv.document_hash and pv.intake_hash and pv.content_hash):
            out.append(Problem(where, "hash", f"{where} has no content hash"))
            continue
        if json_hash(pv.document) != pv.document_hash:
            out.append(
                Problem(where, "document", f"{where}: the plan text differs from what was saved")
            )
        if intake_now != pv.intake_hash:
            out.append(
                Problem(
                    where,
                    "intake",
                    f"{where}: the intake kept with the plan differs from the one it was saved with",
                )
            )
        if version_hash(pv) != pv.content_hash:
            out.append(
                Problem(
                    where,
                    "status/saved_by/saved_at/note",
                    f"{where}: its status, author, time or note differs from what was saved",
                )
            )
    numbers = [pv.version for pv in versions]
    if numbers != list(range(1, len(numbers) + 1)):
        out.append(
            Problem(f"plan {row.id}", "version", f"plan {row.id}: a version is missing ({numbers})")
        )
    if versions and (row.current_version != numbers[-1] or row.status != versions[-1].status):
        out.append(
            Problem(
                f"plan {row.id}",
                "status",
                f"plan {row.id}: its current version or status ({row.current_version}, "
                f"{row.status}) is not that of its newest saved version ({numbers[-1]}, "
                f"{versions[-1].status})",
            )
        )
    return out


def check_plan_audit(
    row: Plan, versions: Sequence[PlanVersion], entries: Sequence[AuditEntry]
) -> list[Problem]:
    """The plan's own audit entries: each matches its hash, each version has the entry that
    wrote it, and each signature's recorded hash is that of the version's text."""
    out = [
        Problem(_label(e), "entry", f"{_label(e)} differs from what was written")
        for e in entries
        if not e.entry_hash or entry_hash(e) != e.entry_hash
    ]
    writes = {e.version: e for e in entries if e.action in WRITES and e.version is not None}
    for pv in versions:
        where = f"plan {row.id} version {pv.version}"
        entry = writes.get(pv.version)
        if entry is None:
            out.append(
                Problem(where, "audit", f"{where}: the audit entry that saved it is missing")
            )
            continue
        if entry.action != "sign":
            continue
        m = _SIGNED.search(entry.detail)
        signed = m.group(1) if m else None
        if signed is None or signed != json_hash(pv.document):
            out.append(
                Problem(
                    where,
                    "document",
                    f"{where}: the text differs from the text that was signed "
                    f"({_label(entry)} records sha256 {(signed or 'none')[:12]}…)",
                )
            )
    return out


def check_chain(entries: Iterable[AuditEntry], last_hash: str) -> list[Problem]:
    """The whole audit log, oldest first: each entry's hash, and each link to the one before."""
    out: list[Problem] = []
    prev_hash, prev_id = GENESIS, None
    for e in entries:
        if not e.entry_hash or entry_hash(e) != e.entry_hash:
            out.append(
                Problem(
                    f"audit entry {e.id}",
                    "entry",
                    f"{_label(e)} differs from what was written",
                    e.plan_id,
                )
            )
        if e.prev_hash != prev_hash:
            after = f"audit entry {prev_id}" if prev_id is not None else "the start of the log"
            out.append(
                Problem(
                    f"audit entry {e.id}",
                    "prev_hash",
                    f"audit entries between {after} and audit entry {e.id} were deleted or changed",
                )
            )
        prev_hash, prev_id = e.entry_hash or "", e.id
    if prev_hash != last_hash:
        after = f"audit entry {prev_id}" if prev_id is not None else "the start of the log"
        out.append(
            Problem("audit log", "end", f"audit entries after {after} were deleted or changed")
        )
    return out


def verify_plan(s: Session, row: Plan, *, every_entry: bool = True) -> list[Problem]:
    """One plan's versions and audit entries. Reads pass ``every_entry=False`` and check
    only the entries that wrote a version (the read entries grow with every view; they are
    checked by ``plan verify``, export and the whole-chain walk)."""
    versions = list(
        s.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == row.id).order_by(PlanVersion.version)
        )
    )
    query = select(AuditEntry).where(AuditEntry.plan_id == row.id)
    if not every_entry:
        query = query.where(AuditEntry.action.in_(WRITES))
    entries = list(s.scalars(query.order_by(AuditEntry.id)))
    return check_versions(row, versions) + check_plan_audit(row, versions, entries)


def verify_links(s: Session, plan_id: int) -> list[Problem]:
    """The chain around one plan's audit entries, without walking the whole log: each has
    its predecessor and its successor (or is the newest, as the head says), and the head
    is the newest entry. Finds a deleted or changed entry next to any of the plan's."""
    last = _held_head(s)
    other = aliased(AuditEntry)
    mine = select(AuditEntry.id).where(AuditEntry.plan_id == plan_id)
    no_before = s.scalars(
        mine.where(
            AuditEntry.prev_hash != GENESIS,
            ~select(other.id).where(other.entry_hash == AuditEntry.prev_hash).exists(),
        )
    ).all()
    no_after = s.scalars(
        mine.where(
            AuditEntry.entry_hash != last,
            ~select(other.id).where(other.prev_hash == AuditEntry.entry_hash).exists(),
        )
    ).all()
    out = [
        Problem(
            f"audit entry {i}",
            "prev_hash",
            f"the audit entry before audit entry {i} was deleted or changed",
            plan_id,
        )
        for i in no_before
    ] + [
        Problem(
            f"audit entry {i}",
            "next",
            f"the audit entry after audit entry {i} was deleted or changed",
            plan_id,
        )
        for i in no_after
    ]
    newest = s.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    if (newest or GENESIS) != last:
        out.append(Problem("audit log", "end", "the newest audit entries were deleted or changed"))
    return out


def _held_head(s: Session) -> str:
    """The chain's newest hash, with the head row locked for the rest of the transaction
    (as ``append`` does), so no entry is added while the log is being read: otherwise a
    head read before another caller's commit and entries read after it look tampered."""
    return s.execute(
        select(AuditHead.last_hash).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()


def verify_chain(s: Session) -> list[Problem]:
    last = _held_head(s)
    rows = s.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000))
    return check_chain((r[0] for r in rows), last)


def signed_detail(credentials: str, document: str) -> str:
    """The sign entry's detail: the credentials and the hash of the text signed."""
    return f"signed with {credentials}; {SIGNED_MARK}{json_hash(document)}"
