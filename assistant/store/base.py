"""What every store operation shares: the signed-in check, access, integrity, writing a
version, and the audit entry that goes with it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, ConflictError, StoreError
from assistant.intake import Intake
from assistant.logs import get_logger, register_identifiers
from assistant.plan import TreatmentPlan
from assistant.store import integrity
from assistant.store.accounts import Account, Accounts
from assistant.store.gate import GateResult, Validator, default_validator, gate
from assistant.store.models import Plan, PlanVersion, User, utcnow
from assistant.store.records import StoredPlan

log = get_logger(__name__)

STAFF = ("clinician", "supervisor")


def protect(plan: TreatmentPlan) -> None:
    register_identifiers(*plan.identifiers())


def stored_intake(row: Plan) -> Intake | None:
    if not row.intake:
        return None
    return Intake.model_validate_json(row.intake)


def may_read(actor: Account, row: Plan) -> bool:
    """The owner, or the supervisor who reviews this plan."""
    return actor.id == row.owner_id or supervises(actor, row)


def supervises(actor: Account, row: Plan) -> bool:
    return row.supervisor_id is not None and row.supervisor_id == actor.id


class StoreBase:
    def __init__(self, engine: Engine, *, validator: Validator | None = None):
        self.engine = engine
        self.accounts = Accounts(engine)
        self._validator = validator or default_validator

    def _gate(
        self, plan: TreatmentPlan, intake: Intake | None, *, for_signing: bool = False
    ) -> GateResult:
        return gate(plan, intake, for_signing=for_signing, validator=self._validator)

    def _audit(
        self,
        s: Session,
        actor: Account,
        action: str,
        plan_id: int | None,
        version: int | None,
        detail: str = "",
    ) -> None:
        integrity.append(
            s,
            user_id=actor.id,
            username=actor.username,
            action=action,
            plan_id=plan_id,
            version=version,
            detail=detail,
        )

    def _load(self, s: Session, actor: Account, plan_id: int) -> Plan:
        # Locked for the rest of the transaction (PostgreSQL; SQLite's transactions hold
        # the database's write lock from their start): the checks below read the plan's
        # versions and entries, which another caller must not change between the reads.
        row = s.get(Plan, plan_id, with_for_update=True)
        if row is None:
            raise StoreError(f"there is no plan {plan_id}: see `assistant plan list`")
        if not may_read(actor, row):
            self._audit(s, actor, "denied", plan_id, None, "read")
            s.commit()
            log.info("access refused to a plan for user id %s", actor.id)
            raise AccessDenied(f"you ({actor.username}) may not open plan {plan_id}")
        return row

    def _verified(
        self, s: Session, actor: Account, row: Plan, *, every_entry: bool = False
    ) -> None:
        """Refuse to go on with a plan whose versions or audit entries fail their hashes."""
        problems = integrity.verify_plan(s, row, every_entry=every_entry)
        if problems:
            self._audit(s, actor, "tamper", row.id, None, problems[0].message)
            s.commit()
            log.warning("plan %s failed its integrity check (%s)", row.id, len(problems))
            raise integrity.TamperedError(problems)

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
        audit_detail: Callable[[str], str] | None = None,
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
        pv = PlanVersion(
            plan_id=row.id,
            version=version,
            status=status,
            document=doc.dumps(),
            saved_by=actor.id,
            saved_at=now,
            note=note[:500],
        )
        integrity.seal_version(pv, row.intake)
        s.add(pv)
        detail = note if audit_detail is None else audit_detail(pv.document)
        self._audit(s, actor, action, row.id, version, detail)
        if extra is not None:
            extra(s, expected)
        s.commit()
        owner = self.accounts.by_id(row.owner_id, s)
        log.info("plan %s saved as version %s (%s)", row.id, version, action)
        return StoredPlan(row.id, version, status, owner.username, actor.username, now, doc)
