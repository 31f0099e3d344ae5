"""Status changes: submit, approve, return and sign, each through the gate and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from assistant import plandates, workflow
from assistant.errors import AccessDenied, StoreError
from assistant.intake import Intake
from assistant.plan import Signature, TreatmentPlan, loads
from assistant.review import ReviewNote, check_notes
from assistant.store import integrity
from assistant.store.accounts import Account
from assistant.store.base import StoreBase, stored_intake, supervises
from assistant.store.models import Plan, ReviewComment
from assistant.store.records import StoredPlan, ValidationBlocked

# (plan, next status, intake, supervised, actor is owner) -> the document to write
Check = Callable[[TreatmentPlan, str, Intake | None, bool, bool], TreatmentPlan]


class WorkflowSteps(StoreBase):
    def _transition(
        self,
        session: object,
        plan_id: int,
        action: workflow.Action,
        expected_version: int | None,
        *,
        by_supervisor: bool,
        note: str = "",
        check: Check,
        after: Callable[[Session, int], None] | None = None,
        audit_detail: Callable[[str], str] | None = None,
    ) -> StoredPlan:
        actor = self.accounts.require(session)
        with Session(self.engine) as s:
            row = self._load(s, actor, plan_id)
            expected = row.current_version if expected_version is None else expected_version
            if row.current_version != expected:
                raise self._conflict(s, row, expected)
            self._verified(s, actor, row)
            supervised = row.supervisor_id is not None
            owner = self.accounts.by_id(row.owner_id, s)
            if by_supervisor and not supervises(actor, row):
                raise AccessDenied(f"only {owner.username}'s supervisor can {action} this plan")
            if not by_supervisor and action != "sign" and actor.id != owner.id:
                raise AccessDenied(f"only {owner.username} can {action} this plan")
            status = workflow.next_status(row.status, action, supervised=supervised)
            plan = loads(self._doc(s, plan_id, row.current_version).document)
            plan = check(plan, status, stored_intake(row), supervised, actor.id == owner.id)
            return self._write(
                s,
                actor,
                row,
                plan,
                expected=expected,
                status=plan.status,
                action=action,
                note=note,
                extra=after,
                audit_detail=audit_detail,
            )

    def _gated(self, what: str) -> Check:
        def check(
            plan: TreatmentPlan, status: str, intake: Intake | None, _sup: bool, _own: bool
        ) -> TreatmentPlan:
            result = self._gate(plan, intake)
            if result.errors:
                raise ValidationBlocked(what, result.errors)
            return plan.model_copy(update={"status": status})

        return check

    def submit(
        self, actor: object, plan_id: int, *, expected_version: int | None = None
    ) -> StoredPlan:
        return self._transition(
            actor, plan_id, "submit", expected_version, by_supervisor=False,
            check=self._gated("submitted"),
        )  # fmt: skip

    def approve(
        self, actor: object, plan_id: int, *, expected_version: int | None = None, note: str = ""
    ) -> StoredPlan:
        return self._transition(
            actor, plan_id, "approve", expected_version, by_supervisor=True, note=note,
            check=self._gated("approved"),
        )  # fmt: skip

    def return_plan(
        self,
        actor: object,
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
        author: list[int] = []

        def check(
            plan: TreatmentPlan, status: str, _i: Intake | None, _sup: bool, _own: bool
        ) -> TreatmentPlan:
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
                        author_id=author[0],
                    )
                )

        author.append(self.accounts.require(actor).id)
        summary = reason or ", ".join(sorted({n.reason for n in notes}))
        return self._transition(
            actor, plan_id, "return", expected_version, by_supervisor=True, note=summary,
            check=check, after=after,
        )  # fmt: skip

    def sign(
        self,
        actor: object,
        plan_id: int,
        *,
        expected_version: int | None = None,
        signed_on: dt.date | None = None,
        credentials: str | None = None,
    ) -> StoredPlan:
        """Add the signer's signature; the plan is signed once every needed signature is on it.

        The owner signs as clinician; a supervisee's supervisor signs as supervisor. The
        audit entry records the SHA-256 of the text signed."""
        me: Account = self.accounts.require(actor)
        creds = (credentials or me.credentials or "").strip()
        if not creds:
            raise StoreError(
                "a signature needs your credentials (e.g. LCSW, PhD): pass them or add them to "
                "your account"
            )
        when = signed_on or dt.date.today()
        current: list[str] = []

        def check(
            plan: TreatmentPlan, status: str, intake: Intake | None, supervised: bool, own: bool
        ) -> TreatmentPlan:
            role = "clinician" if own else "supervisor"
            if any(x.role == role for x in plan.signatures):
                raise StoreError(f"the plan already carries the {role}'s signature")
            sig = Signature(
                role=role, name=me.full_name or me.username, credentials=creds, signed_on=when
            )
            # review and due dates count from the signing day, not the intake
            plan = plandates.count_from_signing(plan, when)
            plan = plan.model_copy(update={"signatures": [*plan.signatures, sig]})
            needed = {"clinician", "supervisor"} if supervised else {"clinician"}
            complete = needed <= {x.role for x in plan.signatures}
            result = self._gate(
                plan.model_copy(update={"status": status}), intake, for_signing=complete
            )
            if result.errors:
                raise ValidationBlocked("signed", result.errors)
            return plan.model_copy(update={"status": status if complete else current[0]})

        with Session(self.engine) as s:
            row = s.get(Plan, plan_id)
            current.append(row.status if row is not None else "draft")
        return self._transition(
            actor, plan_id, "sign", expected_version, by_supervisor=False, check=check,
            note=f"signed with {creds}",
            audit_detail=lambda document: integrity.signed_detail(creds, document),
        )  # fmt: skip
