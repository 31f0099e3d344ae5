"""The plan store: versioned saves, status changes, access checks and the audit log.

Every save writes a new, immutable version; the caller says which version they started
from, and a save on top of a newer version is refused (``ConflictError``) rather than
losing anyone's edit. Every read and change is checked against the signed-in account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, ConflictError, StoreError
from assistant.intake import Intake
from assistant.logs import get_logger, register_identifiers
from assistant.plan import Signature, TreatmentPlan, loads
from assistant.store import workflow
from assistant.store.accounts import Account, Accounts, may_read, supervises
from assistant.store.models import AuditEntry, Plan, PlanVersion, ReviewComment, User, utcnow
from assistant.store.records import (
    AuditRecord,
    CommentRecord,
    PlanSummary,
    StoredPlan,
    ValidationBlocked,
    VersionInfo,
)
from assistant.store.review import ReviewNote, check_notes

log = get_logger(__name__)

Validator = Callable[..., Any]


def default_validator(plan: TreatmentPlan, *args: Any, **kwargs: Any) -> Any:
    import importlib

    validate = importlib.import_module("assistant.validation").validate
    return validate(plan, *args, **kwargs)


def _protect(plan: TreatmentPlan) -> None:
    register_identifiers(*plan.identifiers())


class PlanStore:
    """All plan operations, each done as ``actor`` and checked against their rights."""

    def __init__(
        self, engine: Engine, *, validator: Validator | None = None, profile: str = "default"
    ):
        self.engine = engine
        self.accounts = Accounts(engine)
        self._validator = validator or default_validator
        self.profile = profile

    # ------------------------------------------------------------ helpers

    def _errors(
        self, plan: TreatmentPlan, intake: Intake | None = None, *, for_signing: bool = False
    ) -> list[Any]:
        report = self._validator(plan, intake, self.profile, for_signing=for_signing)
        return [f for f in report.findings if getattr(f, "severity", "") == "error"]

    def _load(self, s: Session, actor: Account, plan_id: int) -> tuple[Plan, Account]:
        row = s.get(Plan, plan_id)
        if row is None:
            raise StoreError(f"there is no plan {plan_id}: see `assistant plan list`")
        owner = self.accounts.by_id(row.owner_id)
        if not may_read(actor, owner):
            self._audit(s, actor, "denied", plan_id, None, "read")
            s.commit()
            log.info("access refused to a plan for user id %s", actor.id)
            raise AccessDenied(f"you ({actor.username}) may not open plan {plan_id}")
        return row, owner

    @staticmethod
    def _audit(
        s: Session,
        actor: Account,
        action: str,
        plan_id: int | None,
        version: int | None,
        detail: str = "",
    ) -> None:
        s.add(
            AuditEntry(
                user_id=actor.id,
                username=actor.username,
                action=action,
                plan_id=plan_id,
                version=version,
                detail=detail[:500],
            )
        )

    def _doc(self, s: Session, plan_id: int, version: int) -> PlanVersion:
        pv = s.scalar(
            select(PlanVersion).where(
                PlanVersion.plan_id == plan_id, PlanVersion.version == version
            )
        )
        if pv is None:
            raise StoreError(f"plan {plan_id} has no version {version}")
        return pv

    def _conflict(self, s: Session, row: Plan, expected: int) -> ConflictError:
        latest = self._doc(s, row.id, row.current_version)
        who = s.get(User, latest.saved_by)
        when = latest.saved_at.strftime("%Y-%m-%d %H:%M")
        return ConflictError(
            f"plan {row.id} changed while you were working on it: you started from version "
            f"{expected}, but version {row.current_version} was saved by "
            f"{who.username if who else 'someone'} at {when} UTC. Nothing was overwritten. "
            f"Open version {row.current_version}, apply your changes again and save."
        )

    def _write(
        self,
        s: Session,
        actor: Account,
        row: Plan,
        plan: TreatmentPlan,
        *,
        expected: int,
        status: str,
        action: str,
        note: str = "",
        extra: Callable[[Session, int], None] | None = None,
    ) -> StoredPlan:
        if row.current_version != expected:
            raise self._conflict(s, row, expected)
        doc = plan.model_copy(update={"status": status}, deep=True)
        now = utcnow()
        res = s.execute(
            update(Plan)
            .where(Plan.id == row.id, Plan.current_version == expected)
            .values(current_version=expected + 1, status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if res.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            with Session(self.engine) as s2:
                fresh = s2.get(Plan, row.id)
                assert fresh is not None
                raise self._conflict(s2, fresh, expected)
        version = expected + 1
        s.add(
            PlanVersion(
                plan_id=row.id,
                version=version,
                status=status,
                document=doc.dumps(),
                saved_by=actor.id,
                saved_at=now,
                note=note[:500],
            )
        )
        self._audit(s, actor, action, row.id, version, note)
        if extra is not None:
            extra(s, expected)
        s.commit()
        owner = self.accounts.by_id(row.owner_id)
        log.info("plan %s saved as version %s (%s)", row.id, version, action)
        return StoredPlan(row.id, version, status, owner.username, actor.username, now, doc)

    # ------------------------------------------------------------ plans

    def create(
        self, actor: Account, plan: TreatmentPlan, note: str = "", intake: Intake | None = None
    ) -> StoredPlan:
        """Store a new plan owned by ``actor`` as version 1 (a draft), with the intake it was
        drafted from when given (the gate then checks the plan's figures against it)."""
        _protect(plan)
        doc = plan.model_copy(
            update={"signatures": [x for x in plan.signatures if x.role not in _STAFF]}
        )
        with Session(self.engine) as s:
            row = Plan(
                owner_id=actor.id,
                client_ref=plan.header.record_id[:120],
                status="draft",
                intake=intake.model_dump_json() if intake is not None else None,
            )
            s.add(row)
            s.flush()
            return self._write(
                s, actor, row, doc, expected=0, status="draft", action="create", note=note
            )

    def save(
        self,
        actor: Account,
        plan_id: int,
        plan: TreatmentPlan,
        *,
        expected_version: int,
        note: str = "",
    ) -> StoredPlan:
        """Save an edited plan as a new version on top of ``expected_version``."""
        _protect(plan)
        with Session(self.engine) as s:
            row, owner = self._load(s, actor, plan_id)
            if actor.id != owner.id:
                raise AccessDenied("only the clinician who owns the plan can edit it")
            if row.current_version != expected_version:
                raise self._conflict(s, row, expected_version)
            status = workflow.next_status(
                row.status, "edit", supervised=owner.supervisor_id is not None
            )
            current = loads(self._doc(s, plan_id, row.current_version).document)
            kept = [x for x in current.signatures if x.role in _STAFF and status == row.status]
            doc = plan.model_copy(
                update={"signatures": [x for x in plan.signatures if x.role not in _STAFF] + kept}
            )
            detail = note or ("approval withdrawn by the edit" if row.status != status else "")
            return self._write(
                s,
                actor,
                row,
                doc,
                expected=expected_version,
                status=status,
                action="save",
                note=detail,
            )

    def get(self, actor: Account, plan_id: int, version: int | None = None) -> StoredPlan:
        with Session(self.engine) as s:
            row, owner = self._load(s, actor, plan_id)
            pv = self._doc(s, plan_id, version or row.current_version)
            saver = s.get(User, pv.saved_by)
            plan = loads(pv.document)
            _protect(plan)
            self._audit(s, actor, "read", plan_id, pv.version)
            s.commit()
            return StoredPlan(
                plan_id,
                pv.version,
                pv.status,
                owner.username,
                saver.username if saver else "?",
                pv.saved_at,
                plan,
            )

    def plans(self, actor: Account) -> list[PlanSummary]:
        """Plans ``actor`` may see: their own and their supervisees'."""
        ids = [actor.id] + [a.id for a in self.accounts.supervisees(actor)]
        out = []
        with Session(self.engine) as s:
            rows = s.scalars(select(Plan).where(Plan.owner_id.in_(ids)).order_by(Plan.id))
            for row in rows:
                doc = loads(self._doc(s, row.id, row.current_version).document)
                _protect(doc)
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

    def history(self, actor: Account, plan_id: int) -> list[VersionInfo]:
        with Session(self.engine) as s:
            self._load(s, actor, plan_id)
            rows = s.execute(
                select(PlanVersion, User.username)
                .join(User, User.id == PlanVersion.saved_by)
                .where(PlanVersion.plan_id == plan_id)
                .order_by(PlanVersion.version)
            )
            return [VersionInfo(v.version, v.status, name, v.saved_at, v.note) for v, name in rows]

    def audit(self, actor: Account, plan_id: int) -> list[AuditRecord]:
        with Session(self.engine) as s:
            self._load(s, actor, plan_id)
            rows = s.scalars(
                select(AuditEntry).where(AuditEntry.plan_id == plan_id).order_by(AuditEntry.id)
            )
            return [
                AuditRecord(a.at, a.username, a.action, a.plan_id, a.version, a.detail)
                for a in rows
            ]

    # ------------------------------------------------------------ workflow

    def _transition(
        self,
        actor: Account,
        plan_id: int,
        action: workflow.Action,
        expected_version: int | None,
        *,
        by_supervisor: bool,
        note: str = "",
        check: Callable[[TreatmentPlan, str, Intake | None], TreatmentPlan] | None = None,
        after: Callable[[Session, int], None] | None = None,
    ) -> StoredPlan:
        with Session(self.engine) as s:
            row, owner = self._load(s, actor, plan_id)
            expected = row.current_version if expected_version is None else expected_version
            if row.current_version != expected:
                raise self._conflict(s, row, expected)
            supervised = owner.supervisor_id is not None
            if by_supervisor and not supervises(actor, owner):
                raise AccessDenied(f"only {owner.username}'s supervisor can {action} this plan")
            if not by_supervisor and action != "sign" and actor.id != owner.id:
                raise AccessDenied(f"only {owner.username} can {action} this plan")
            status = workflow.next_status(row.status, action, supervised=supervised)
            plan = loads(self._doc(s, plan_id, row.current_version).document)
            if check is not None:
                plan = check(plan, status, _intake(row))
                status = plan.status
            return self._write(
                s,
                actor,
                row,
                plan,
                expected=expected,
                status=status,
                action=action,
                note=note,
                extra=after,
            )

    def submit(
        self, actor: Account, plan_id: int, *, expected_version: int | None = None
    ) -> StoredPlan:
        def check(plan: TreatmentPlan, status: str, intake: Intake | None) -> TreatmentPlan:
            errors = self._errors(plan, intake)
            if errors:
                raise ValidationBlocked("submitted", errors)
            return plan.model_copy(update={"status": status})

        return self._transition(
            actor, plan_id, "submit", expected_version, by_supervisor=False, check=check
        )

    def approve(
        self, actor: Account, plan_id: int, *, expected_version: int | None = None, note: str = ""
    ) -> StoredPlan:
        def check(plan: TreatmentPlan, status: str, intake: Intake | None) -> TreatmentPlan:
            errors = self._errors(plan, intake)
            if errors:
                raise ValidationBlocked("approved", errors)
            return plan.model_copy(update={"status": status})

        return self._transition(
            actor, plan_id, "approve", expected_version, by_supervisor=True, note=note, check=check
        )

    def return_plan(
        self,
        actor: Account,
        plan_id: int,
        notes: Sequence[ReviewNote],
        *,
        expected_version: int | None = None,
        reason: str = "",
    ) -> StoredPlan:
        """Send a submitted plan back with per-item comments (at least one)."""
        if not notes:
            raise StoreError(
                "say what needs changing: add at least one comment when returning a plan"
            )
        resolved: list[tuple[str, str | None, ReviewNote]] = []

        def check(plan: TreatmentPlan, status: str, intake: Intake | None) -> TreatmentPlan:
            resolved.extend(check_notes(plan, notes))
            return plan.model_copy(update={"status": status})

        def after(s: Session, reviewed: int) -> None:
            for path, item_id, n in resolved:
                s.add(
                    ReviewComment(
                        plan_id=plan_id,
                        version=reviewed,
                        item_path=path,
                        item_id=item_id,
                        reason=n.reason,
                        comment=n.comment,
                        author_id=actor.id,
                    )
                )

        summary = reason or ", ".join(sorted({n.reason for n in notes}))
        return self._transition(
            actor,
            plan_id,
            "return",
            expected_version,
            by_supervisor=True,
            note=summary,
            check=check,
            after=after,
        )

    def sign(
        self,
        actor: Account,
        plan_id: int,
        *,
        expected_version: int | None = None,
        signed_on: dt.date | None = None,
        credentials: str | None = None,
    ) -> StoredPlan:
        """Add ``actor``'s signature; the plan is signed once every needed signature is on it.

        The owner signs as clinician; a supervisee's supervisor signs as supervisor.
        """
        creds = (credentials or actor.credentials or "").strip()
        if not creds:
            raise StoreError(
                "a signature needs your credentials (e.g. LCSW, PhD): pass them or add them to "
                "your account"
            )
        when = signed_on or dt.date.today()

        def check(plan: TreatmentPlan, status: str, intake: Intake | None) -> TreatmentPlan:
            owner_sup = self._owner_supervised(plan_id)
            role = "clinician" if self._is_owner(actor, plan_id) else "supervisor"
            if any(x.role == role for x in plan.signatures):
                raise StoreError(f"the plan already carries the {role}'s signature")
            sig = Signature(
                role=role, name=actor.full_name or actor.username, credentials=creds, signed_on=when
            )
            plan = plan.model_copy(update={"signatures": [*plan.signatures, sig]})
            needed = {"clinician", "supervisor"} if owner_sup else {"clinician"}
            complete = needed <= {x.role for x in plan.signatures}
            errors = self._errors(
                plan.model_copy(update={"status": status}), intake, for_signing=complete
            )
            if errors:
                raise ValidationBlocked("signed", errors)
            current = self._current_status(plan_id)
            return plan.model_copy(update={"status": status if complete else current})

        return self._transition(
            actor,
            plan_id,
            "sign",
            expected_version,
            by_supervisor=False,
            check=check,
            note=f"signed with {creds}",
        )

    def _is_owner(self, actor: Account, plan_id: int) -> bool:
        with Session(self.engine) as s:
            row = s.get(Plan, plan_id)
            return row is not None and row.owner_id == actor.id

    def _owner_supervised(self, plan_id: int) -> bool:
        with Session(self.engine) as s:
            row = s.get(Plan, plan_id)
            assert row is not None
            owner = s.get(User, row.owner_id)
            return owner is not None and owner.supervisor_id is not None

    def _current_status(self, plan_id: int) -> str:
        with Session(self.engine) as s:
            row = s.get(Plan, plan_id)
            assert row is not None
            return row.status

    # ------------------------------------------------------------ review

    def comments(
        self, actor: Account, plan_id: int, version: int | None = None
    ) -> list[CommentRecord]:
        """The supervisor's comments from the latest return before ``version`` (default: now)."""
        with Session(self.engine) as s:
            row, _ = self._load(s, actor, plan_id)
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

    def intake(self, actor: Account, plan_id: int) -> Intake | None:
        """The intake the plan was drafted from, when it was stored with the plan."""
        with Session(self.engine) as s:
            row, _ = self._load(s, actor, plan_id)
            return _intake(row)

    def findings(
        self, plan: TreatmentPlan, intake: Intake | None = None, *, plan_id: int | None = None
    ) -> list[Any]:
        """Every validator finding for ``plan`` (for the supervisor view). With ``plan_id``
        the stored intake is used when no intake is given."""
        if intake is None and plan_id is not None:
            with Session(self.engine) as s:
                row = s.get(Plan, plan_id)
                intake = _intake(row) if row is not None else None
        return list(self._validator(plan, intake, self.profile).findings)


_STAFF = ("clinician", "supervisor")


def _intake(row: Plan) -> Intake | None:
    if not row.intake:
        return None
    return Intake.model_validate_json(row.intake)
