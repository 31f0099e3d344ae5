"""The plan store: versioned saves, reads, exports, integrity checks and the audit log.

Every call is made with an :class:`~assistant.store.auth.AuthSession` from
``store.accounts.login``. Every save writes a new, immutable, hashed version; the caller
says which version they started from, and a save on top of a newer version is refused
(``ConflictError``) rather than losing anyone's edit. Every read, export and ``verify``
recomputes the plan's hashes; a plan that fails them is not opened or exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant import workflow
from assistant.errors import AccessDenied
from assistant.intake import Intake
from assistant.plan import TreatmentPlan, loads
from assistant.store import integrity, review_records
from assistant.store.base import STAFF, protect, stored_intake
from assistant.store.gate import Validator, default_validator
from assistant.store.models import AuditEntry, Plan, PlanVersion, ReviewComment, User
from assistant.store.records import AuditRecord, CommentRecord, PlanSummary, StoredPlan, VersionInfo
from assistant.store.steps import WorkflowSteps

__all__ = ["Export", "PlanStore", "Validator", "default_validator"]


@dataclass(frozen=True)
class Export:
    data: bytes
    final: bool
    version: int


class PlanStore(WorkflowSteps):
    """All plan operations, each done as a signed-in session and checked against its rights."""

    # ------------------------------------------------------------ plans

    def create(
        self, actor: object, plan: TreatmentPlan, note: str = "", intake: Intake | None = None
    ) -> StoredPlan:
        """Store a new plan owned by the signed-in clinician as version 1 (a draft), with the
        intake it was drafted from when given (the gate then checks figures against it)."""
        me = self.accounts.require(actor)
        protect(plan)
        doc = plan.model_copy(
            update={"signatures": [x for x in plan.signatures if x.role not in STAFF]}
        )
        with Session(self.engine) as s:
            row = Plan(
                owner_id=me.id,
                client_ref=plan.header.record_id[:120],
                status="draft",
                intake=intake.model_dump_json() if intake is not None else None,
                supervisor_id=me.supervisor_id,
            )
            s.add(row)
            s.flush()
            return self._write(
                s, me, row, doc, expected=0, status="draft", action="create", note=note
            )

    def save(
        self,
        actor: object,
        plan_id: int,
        plan: TreatmentPlan,
        *,
        expected_version: int,
        note: str = "",
    ) -> StoredPlan:
        """Save an edited plan as a new version on top of ``expected_version``."""
        me = self.accounts.require(actor)
        protect(plan)
        with Session(self.engine) as s:
            row = self._load(s, me, plan_id)
            if me.id != row.owner_id:
                raise AccessDenied("only the clinician who owns the plan can edit it")
            if row.current_version != expected_version:
                raise self._conflict(s, row, expected_version)
            self._verified(s, me, row)
            status = workflow.next_status(
                row.status, "edit", supervised=row.supervisor_id is not None
            )
            current = loads(self._doc(s, plan_id, row.current_version).document)
            kept = [x for x in current.signatures if x.role in STAFF and status == row.status]
            doc = plan.model_copy(
                update={"signatures": [x for x in plan.signatures if x.role not in STAFF] + kept}
            )
            detail = note or ("approval withdrawn by the edit" if row.status != status else "")
            return self._write(
                s, me, row, doc, expected=expected_version, status=status, action="save",
                note=detail,
            )  # fmt: skip

    def get(self, actor: object, plan_id: int, version: int | None = None) -> StoredPlan:
        """One version (default: the newest), after checking the plan's hashes; audited."""
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            row = self._load(s, me, plan_id)
            self._verified(s, me, row)
            pv = self._doc(s, plan_id, version or row.current_version)
            saver = s.get(User, pv.saved_by)
            owner = s.get(User, row.owner_id)
            plan = loads(pv.document)
            protect(plan)
            self._audit(s, me, "read", plan_id, pv.version)
            s.commit()
            return StoredPlan(
                plan_id,
                pv.version,
                pv.status,
                owner.username if owner else "?",
                saver.username if saver else "?",
                pv.saved_at,
                plan,
            )

    def export(
        self, actor: object, plan_id: int, fmt: str, *, version: int | None = None
    ) -> Export:
        """The plan as ``fmt``, final only when signed, intact (its hashes, its audit entries
        and their links in the chain check out) and through the gate with its stored intake;
        audited. ``verify`` walks the whole chain."""
        from assistant.export import is_final, render

        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            row = self._load(s, me, plan_id)
            self._verified(s, me, row, every_entry=True)
            problems = integrity.verify_links(s, plan_id)
            if problems:
                self._audit(s, me, "tamper", plan_id, None, problems[0].message)
                s.commit()
                raise integrity.TamperedError(problems)
            pv = self._doc(s, plan_id, version or row.current_version)
            number, plan, intake = pv.version, loads(pv.document), stored_intake(row)
            protect(plan)
            data = render(plan, fmt, validator=self._validator, intake=intake)
            final = is_final(plan, self._validator, intake)
            self._audit(s, me, "export", plan_id, number, f"{fmt}{' final' if final else ''}")
            s.commit()
        return Export(data, final, number)

    def is_signed_copy(self, document: str) -> bool:
        """True when ``document`` (a plan file's text) is, word for word, a signed version
        kept in this store whose plan's hashes and audit entries check out. A plan file
        outside the store can be edited by anyone; only such a copy may export as final."""
        digest = integrity.json_hash(document)
        with Session(self.engine) as s:
            for pv in s.scalars(
                select(PlanVersion).where(
                    PlanVersion.document_hash == digest, PlanVersion.status == "signed"
                )
            ):
                row = s.get(Plan, pv.plan_id, with_for_update=True)
                if (
                    row is not None
                    and integrity.version_hash(pv) == pv.content_hash
                    and not integrity.verify_plan(s, row)
                ):
                    return True
        return False

    def record_export(self, actor: object, plan_id: int, version: int, fmt: str) -> None:
        """Audit a download of a stored plan the app prepared (it renders the files itself)."""
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            self._load(s, me, plan_id)
            self._audit(s, me, "export", plan_id, version, f"{fmt} (app download)")
            s.commit()

    def verify(self, actor: object, plan_id: int | None = None) -> list[integrity.Problem]:
        """Recompute the hashes of one plan (or of every plan ``actor`` may see) and of the
        whole audit chain; every mismatch, by version or audit entry id. Audited."""
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            if plan_id is not None:
                rows = [self._load(s, me, plan_id)]
            else:
                rows = list(
                    s.scalars(
                        select(Plan)
                        .where(or_(Plan.owner_id == me.id, Plan.supervisor_id == me.id))
                        .order_by(Plan.id)
                    )
                )
            problems = [p for row in rows for p in integrity.verify_plan(s, row)]
            problems += [p for row in rows for p in review_records.verify(s, row.id)]
            mine = {row.id for row in rows}
            problems += [
                p
                if me.is_admin or p.field != "entry" or p.plan_id in mine
                else integrity.Problem(p.where, p.field, f"{p.where} differs from what was written")
                for p in integrity.verify_chain(s)
            ]  # entries about other people's plans or accounts are named by id only
            self._audit(s, me, "verify", plan_id, None, f"{len(problems)} problem(s)")
            s.commit()
        return problems

    def plans(self, actor: object) -> list[PlanSummary]:
        """Plans ``actor`` may see: their own and those they review as supervisor."""
        me = self.accounts.require(actor)
        out = []
        with Session(self.engine) as s:
            rows = s.scalars(
                select(Plan)
                .where(or_(Plan.owner_id == me.id, Plan.supervisor_id == me.id))
                .order_by(Plan.id)
            )
            for row in rows:
                doc = loads(self._doc(s, row.id, row.current_version).document)
                protect(doc)
                owner = s.get(User, row.owner_id)
                out.append(
                    PlanSummary(
                        row.id,
                        owner.username if owner else "?",
                        row.status,
                        row.current_version,
                        row.client_ref,
                        doc.header.client_name,
                        row.updated_at,
                    )
                )
        return out

    def history(self, actor: object, plan_id: int) -> list[VersionInfo]:
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            self._load(s, me, plan_id)
            rows = s.execute(
                select(PlanVersion, User.username)
                .join(User, User.id == PlanVersion.saved_by)
                .where(PlanVersion.plan_id == plan_id)
                .order_by(PlanVersion.version)
            )
            return [VersionInfo(v.version, v.status, name, v.saved_at, v.note) for v, name in rows]

    def audit(self, actor: object, plan_id: int) -> list[AuditRecord]:
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            self._load(s, me, plan_id)
            rows = s.scalars(
                select(AuditEntry).where(AuditEntry.plan_id == plan_id).order_by(AuditEntry.id)
            )
            return [
                AuditRecord(a.at, a.username, a.action, a.plan_id, a.version, a.detail)
                for a in rows
            ]

    # ------------------------------------------------------------ review

    def comments(
        self, actor: object, plan_id: int, version: int | None = None
    ) -> list[CommentRecord]:
        """The supervisor's comments from the latest return before ``version`` (default: now)."""
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            row = self._load(s, me, plan_id)
            upto = version or row.current_version
            rows = list(
                s.execute(
                    select(ReviewComment, User.username)
                    .join(User, User.id == ReviewComment.author_id)
                    .where(ReviewComment.plan_id == plan_id, ReviewComment.version < upto)
                    .order_by(ReviewComment.version, ReviewComment.id)
                )
            )
            if not rows:
                return []
            last = max(c.version for c, _ in rows)
            return [
                CommentRecord(
                    c.version, c.item_path, c.item_id, c.reason, c.comment, name, c.created_at
                )
                for c, name in rows
                if c.version == last
            ]

    def intake(self, actor: object, plan_id: int) -> Intake | None:
        """The intake the plan was drafted from, when it was stored with the plan."""
        me = self.accounts.require(actor)
        with Session(self.engine) as s:
            return stored_intake(self._load(s, me, plan_id))

    def findings(
        self, plan: TreatmentPlan, intake: Intake | None = None, *, plan_id: int | None = None
    ) -> list[Any]:
        """Every finding the gate reports for ``plan`` (for the supervisor view). With
        ``plan_id`` the stored intake is used when no intake is given."""
        if intake is None and plan_id is not None:
            with Session(self.engine) as s:
                row = s.get(Plan, plan_id)
                intake = stored_intake(row) if row is not None else None
        return self._gate(plan, intake).findings
