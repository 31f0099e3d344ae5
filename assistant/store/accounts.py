"""Accounts: clinicians and supervisors, and the admin right (signing in: ``signin.py``).

The first account is created once, by ``init`` (``assistant user init`` or the app's
first-run page), and holds the admin right; after that only an administrator, signed in,
creates accounts or changes roles, supervisors and admin rights, and never their own role,
supervisor or right. Every change is audited with the administrator who made it.
"""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, StoreError
from assistant.logs import get_logger
from assistant.store import integrity
from assistant.store.auth import Account, AuthSession, Role
from assistant.store.models import AuditEntry, Plan, User
from assistant.store.passwords import MIN_PASSWORD, check_password, hash_password
from assistant.store.records import AuditRecord
from assistant.store.signin import SignIn, account_of

log = get_logger(__name__)

ROLES: tuple[Role, ...] = ("clinician", "supervisor")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")

__all__ = ["MIN_PASSWORD", "ROLES", "Account", "Accounts", "AuthSession"]


class Accounts(SignIn):
    """Create, change, find and sign in users; every change is made as a signed-in admin."""

    # ------------------------------------------------------------ creating accounts

    def count(self) -> int:
        with Session(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(User)) or 0)

    def init(
        self,
        username: str,
        password: str,
        *,
        role: Role = "supervisor",
        full_name: str = "",
        credentials: str | None = None,
    ) -> Account:
        """Create the first account, with the admin right. Refused once any account exists."""
        with Session(self.engine) as s, s.begin():
            # the audit chain's lock also serialises two first-run pages racing each other
            s.execute(update(integrity.AuditHead).values(seq=integrity.AuditHead.seq))
            if s.scalar(select(func.count()).select_from(User)):
                raise AccessDenied(
                    "the first account already exists: an administrator adds further accounts "
                    "(`assistant user add NAME --admin-user ADMIN`)"
                )
            user = self._new(s, username, password, role, full_name, credentials, None, True)
            integrity.append(
                s,
                user_id=user.id,
                username=user.username,
                action="user.init",
                detail=f"{user.username}: first account, {role}, administrator",
            )
            return account_of(user)

    def add(
        self,
        session: object,
        username: str,
        password: str,
        *,
        role: Role = "clinician",
        full_name: str = "",
        credentials: str | None = None,
        supervisor: str | None = None,
        admin: bool = False,
    ) -> Account:
        """An administrator adds an account."""
        actor = self._admin(session)
        with Session(self.engine) as s, s.begin():
            sup_id = self._supervisor_id(s, supervisor) if supervisor else None
            user = self._new(s, username, password, role, full_name, credentials, sup_id, admin)
            extras = [role] + (["administrator"] if admin else [])
            if supervisor:
                extras.append(f"supervisor {supervisor.strip().lower()}")
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.add",
                detail=f"{user.username}: {', '.join(extras)}",
            )
            account = account_of(user)
        log.info("user added with role %s", role)
        return account

    def _new(
        self,
        s: Session,
        username: str,
        password: str,
        role: str,
        full_name: str,
        credentials: str | None,
        supervisor_id: int | None,
        admin: bool,
    ) -> User:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise StoreError(
                f"user name: 2-40 lower-case letters, digits, '.', '_' or '-' (got '{username}')"
            )
        if role not in ROLES:
            raise StoreError(f"role: must be clinician or supervisor (got '{role}')")
        check_password(password, username)
        user = User(
            username=username,
            full_name=full_name.strip(),
            credentials=(credentials or "").strip() or None,
            role=role,
            password_hash=hash_password(password),
            supervisor_id=supervisor_id,
            is_admin=admin,
            failed_logins=0,
            lockouts=0,
        )
        s.add(user)
        try:
            s.flush()
        except IntegrityError:
            raise StoreError(f"the user name '{username}' is already taken") from None
        return user

    def _supervisor_id(self, s: Session, supervisor: str) -> int:
        sup = s.scalar(select(User).where(User.username == supervisor.strip().lower()))
        if sup is None:
            raise StoreError(f"no user called '{supervisor}': add the supervisor first")
        if sup.role != "supervisor":
            raise StoreError(f"'{supervisor}' is not a supervisor: add them with --role supervisor")
        return sup.id

    # ------------------------------------------------------------ changing accounts

    def set_supervisor(self, session: object, username: str, supervisor: str | None) -> Account:
        """Give ``username`` a supervisor (or none). Their open plans move to the new
        supervisor; signed plans stay with the supervisor who signed them."""
        actor = self._admin(session)
        with Session(self.engine) as s, s.begin():
            user = self._other(s, actor, username, "supervisor")
            sup_id = None
            if supervisor is not None:
                sup_id = self._supervisor_id(s, supervisor)
                if sup_id == user.id:
                    raise StoreError("a clinician cannot be their own supervisor")
            user.supervisor_id = sup_id
            s.execute(
                update(Plan)
                .where(Plan.owner_id == user.id, Plan.status != "signed")
                .values(supervisor_id=sup_id)
            )
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.set_supervisor",
                detail=f"{user.username}: supervisor {supervisor or 'none'}",
            )
            return account_of(user)

    def set_role(self, session: object, username: str, role: Role) -> Account:
        actor = self._admin(session)
        if role not in ROLES:
            raise StoreError(f"role: must be clinician or supervisor (got '{role}')")
        with Session(self.engine) as s, s.begin():
            user = self._other(s, actor, username, "role")
            if role != "supervisor":
                still = sorted(
                    s.scalars(select(User.username).where(User.supervisor_id == user.id))
                )
                if still:
                    raise StoreError(
                        f"role: {user.username} still supervises {', '.join(still)}; give "
                        "them another supervisor first"
                    )
            user.role = role
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.set_role",
                detail=f"{user.username}: {role}",
            )
            return account_of(user)

    def set_admin(self, session: object, username: str, admin: bool) -> Account:
        actor = self._admin(session)
        with Session(self.engine) as s, s.begin():
            user = self._other(s, actor, username, "administrator right")
            user.is_admin = admin
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.set_admin",
                detail=f"{user.username}: {'administrator' if admin else 'not an administrator'}",
            )
            return account_of(user)

    def unlock(self, session: object, username: str) -> None:
        actor = self._admin(session)
        with Session(self.engine) as s, s.begin():
            user = self._user(s, username)
            user.failed_logins, user.lockouts, user.locked_until = 0, 0, None
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.unlock",
                detail=user.username,
            )

    def all(self, session: object) -> list[Account]:
        self.require(session)
        with Session(self.engine) as s:
            return [account_of(u) for u in s.scalars(select(User).order_by(User.username))]

    def log(self, session: object) -> list[AuditRecord]:
        """Sign-ins and account changes, oldest first, with who did them (administrators)."""
        self._admin(session)
        with Session(self.engine) as s:
            rows = s.scalars(
                select(AuditEntry)
                .where(or_(AuditEntry.action.like("user.%"), AuditEntry.action.like("login%")))
                .order_by(AuditEntry.id)
            )
            return [
                AuditRecord(a.at, a.username, a.action, a.plan_id, a.version, a.detail)
                for a in rows
            ]

    def supervisees(self, session: object) -> list[Account]:
        me = self.require(session)
        with Session(self.engine) as s:
            rows = s.scalars(select(User).where(User.supervisor_id == me.id))
            return [account_of(u) for u in rows]
