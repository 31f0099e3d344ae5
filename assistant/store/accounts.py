"""Accounts: clinicians and supervisors, an admin right, argon2 hashes, and signing in.

The first account is created once, by ``init`` (``assistant user init`` or the app's
first-run page), and holds the admin right; after that only an administrator, signed in,
creates accounts or changes roles, supervisors and admin rights, and never their own role,
supervisor or right. Every change is audited with the administrator who made it.
"""

from __future__ import annotations

import datetime as dt
import re

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, StoreError
from assistant.logs import get_logger
from assistant.store import integrity
from assistant.store.auth import Account, AuthSession, Role, lock_length, sessions_for
from assistant.store.models import AuditEntry, Plan, User, utcnow
from assistant.store.passwords import MIN_PASSWORD, check_password, hash_password, hasher
from assistant.store.records import AuditRecord

log = get_logger(__name__)

ROLES: tuple[Role, ...] = ("clinician", "supervisor")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_DUMMY = hash_password("not-a-real-password-0")

__all__ = ["MIN_PASSWORD", "ROLES", "Account", "Accounts", "AuthSession"]


def _account(u: User) -> Account:
    role: Role = "supervisor" if u.role == "supervisor" else "clinician"
    return Account(
        u.id, u.username, u.full_name, role, u.credentials, u.supervisor_id, bool(u.is_admin)
    )


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


class Accounts:
    """Create, change, find and sign in users; every change is made as a signed-in admin."""

    def __init__(self, engine: Engine):
        from assistant.config import get_settings

        settings = get_settings()
        self.engine = engine
        self.sessions = sessions_for(
            engine.url.render_as_string(hide_password=False),
            dt.timedelta(minutes=settings.idle_minutes),
        )
        self.max_failures = settings.login_max_failures
        self.first_lock = dt.timedelta(minutes=settings.lockout_minutes)
        self.now = utcnow  # the wall clock for locks (tests move it)

    # ------------------------------------------------------------ sessions

    def require(self, session: object) -> Account:
        """The current account behind a live session (fresh from the database)."""
        user_id = self.sessions.touch(session)
        return self.by_id(user_id)

    def _admin(self, session: object) -> Account:
        actor = self.require(session)
        if not actor.is_admin:
            raise AccessDenied(
                f"only an administrator can change accounts ({actor.username} is not)"
            )
        return actor

    def login(self, username: str, password: str) -> AuthSession:
        """A session when the password matches; AccessDenied otherwise (one message), or a
        lock message after repeated failures. Every attempt is audited."""
        name = username.strip().lower()
        now = self.now()
        with Session(self.engine) as s:
            user = s.scalar(select(User).where(User.username == name))
            if user is not None and user.locked_until is not None:
                until = _aware(user.locked_until)
                if until > now:
                    integrity.append(
                        s, user_id=user.id, username=user.username, action="login.locked"
                    )
                    s.commit()
                    raise AccessDenied(
                        "this account is locked after repeated failed sign-ins until "
                        f"{until:%H:%M} UTC: try again then, or ask an administrator to unlock it"
                    )
            stored = user.password_hash if user is not None else None
        ok = False
        try:
            ok = hasher().verify(stored or _DUMMY, password) and stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or user is None:
            self._failed(user.id if user is not None else None)
            raise AccessDenied("the user name or password is not right")
        with Session(self.engine) as s, s.begin():
            s.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_logins=0, lockouts=0, locked_until=None)
            )
            if hasher().check_needs_rehash(stored or ""):
                s.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(password_hash=hash_password(password))
                )
            integrity.append(s, user_id=user.id, username=user.username, action="login")
        log.info("user id %s signed in", user.id)
        return self.sessions.issue(self.by_id(user.id))

    def _failed(self, user_id: int | None) -> None:
        with Session(self.engine) as s, s.begin():
            if user_id is None:
                integrity.append(
                    s, user_id=None, username="(unknown user name)", action="login.failed"
                )
                return
            s.execute(
                update(User).where(User.id == user_id).values(failed_logins=User.failed_logins + 1)
            )
            user = s.get(User, user_id, populate_existing=True)
            assert user is not None
            detail = f"failure {user.failed_logins} in a row"
            if user.failed_logins >= self.max_failures:
                user.lockouts += 1
                user.failed_logins = 0
                user.locked_until = self.now() + lock_length(user.lockouts, self.first_lock)
                detail += f"; locked until {_aware(user.locked_until):%Y-%m-%d %H:%M} UTC"
            integrity.append(
                s, user_id=user.id, username=user.username, action="login.failed", detail=detail
            )
        log.info("failed sign-in for user id %s", user_id)

    def logout(self, session: object) -> None:
        self.sessions.end(session)

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
            return _account(user)

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
            account = _account(user)
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

    def _other(self, s: Session, actor: Account, username: str, what: str) -> User:
        user = self._user(s, username)
        if user.id == actor.id:
            raise AccessDenied(
                f"you cannot change your own {what}: another administrator has to do it"
            )
        return user

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
            return _account(user)

    def set_role(self, session: object, username: str, role: Role) -> Account:
        actor = self._admin(session)
        if role not in ROLES:
            raise StoreError(f"role: must be clinician or supervisor (got '{role}')")
        with Session(self.engine) as s, s.begin():
            user = self._other(s, actor, username, "role")
            user.role = role
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.set_role",
                detail=f"{user.username}: {role}",
            )
            return _account(user)

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
            return _account(user)

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

    def change_password(self, session: object, current: str, new: str) -> None:
        """Change your own password (the current one is checked again)."""
        me = self.require(session)
        with Session(self.engine) as s:
            stored = self._user(s, me.username).password_hash
        try:
            hasher().verify(stored, current)
        except (VerificationError, InvalidHashError):
            raise AccessDenied("the current password is not right") from None
        if new == current:
            raise StoreError("password: the new password is the same as the current one")
        self._set_password(me, me.username, new)

    def reset_password(self, session: object, username: str, new: str) -> None:
        """An administrator sets another user's password (e.g. a forgotten one)."""
        actor = self._admin(session)
        with Session(self.engine) as s:
            self._other(s, actor, username, "password this way (use `user passwd`)")
        self._set_password(actor, username, new)

    def _set_password(self, actor: Account, username: str, new: str) -> None:
        check_password(new, username)
        with Session(self.engine) as s, s.begin():
            user = self._user(s, username)
            user.password_hash = hash_password(new)
            user.failed_logins, user.lockouts, user.locked_until = 0, 0, None
            integrity.append(
                s,
                user_id=actor.id,
                username=actor.username,
                action="user.password",
                detail=user.username,
            )

    # ------------------------------------------------------------ finding accounts

    def _user(self, s: Session, username: str) -> User:
        user = s.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise StoreError(f"no user called '{username}': see `assistant user list`")
        return user

    def get(self, username: str) -> Account:
        with Session(self.engine) as s:
            return _account(self._user(s, username))

    def by_id(self, user_id: int) -> Account:
        with Session(self.engine) as s:
            user = s.get(User, user_id)
            if user is None:
                raise StoreError(f"no user with id {user_id}")
            return _account(user)

    def all(self, session: object) -> list[Account]:
        self.require(session)
        with Session(self.engine) as s:
            return [_account(u) for u in s.scalars(select(User).order_by(User.username))]

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
            return [_account(u) for u in rows]
