"""Accounts: clinicians and supervisors, argon2 password hashes, and who may see what.

A clinician sees only the plans they own; a supervisor also sees the plans of the
clinicians they supervise. There is no default account or password: the first user is
created with ``python -m assistant user add``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, StoreError
from assistant.logs import get_logger
from assistant.store.models import AuditEntry, User

log = get_logger(__name__)

Role = Literal["clinician", "supervisor"]
ROLES: tuple[Role, ...] = ("clinician", "supervisor")
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_HASHER = PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A signed-in user, detached from the database session."""

    id: int
    username: str
    full_name: str
    role: Role
    credentials: str | None
    supervisor_id: int | None

    @property
    def display(self) -> str:
        name = self.full_name or self.username
        return f"{name}, {self.credentials}" if self.credentials else name


def _account(u: User) -> Account:
    role: Role = "supervisor" if u.role == "supervisor" else "clinician"
    return Account(u.id, u.username, u.full_name, role, u.credentials, u.supervisor_id)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if password.strip() != password:
        raise StoreError("the password must not start or end with a space")


def may_read(actor: Account, owner: Account) -> bool:
    """The owner, or the owner's supervisor."""
    return actor.id == owner.id or (
        owner.supervisor_id is not None and owner.supervisor_id == actor.id
    )


def supervises(actor: Account, owner: Account) -> bool:
    return owner.supervisor_id is not None and owner.supervisor_id == actor.id


class Accounts:
    """Create, find and authenticate users."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def add(
        self,
        username: str,
        password: str,
        *,
        role: Role = "clinician",
        full_name: str = "",
        credentials: str | None = None,
        supervisor: str | None = None,
    ) -> Account:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise StoreError(
                "a user name is 2-40 lower-case letters, digits, '.', '_' or '-' "
                f"(got '{username}')"
            )
        if role not in ROLES:
            raise StoreError(f"the role must be clinician or supervisor (got '{role}')")
        check_password_strength(password)
        with Session(self.engine) as s, s.begin():
            sup_id = self._supervisor_id(s, supervisor) if supervisor else None
            user = User(
                username=username,
                full_name=full_name.strip(),
                credentials=(credentials or "").strip() or None,
                role=role,
                password_hash=hash_password(password),
                supervisor_id=sup_id,
            )
            s.add(user)
            try:
                s.flush()
            except IntegrityError:
                raise StoreError(f"the user name '{username}' is already taken") from None
            s.add(AuditEntry(user_id=user.id, username=username, action="user.add", detail=role))
            account = _account(user)
        log.info("user added with role %s", role)
        return account

    def _supervisor_id(self, s: Session, supervisor: str) -> int:
        sup = s.scalar(select(User).where(User.username == supervisor.strip().lower()))
        if sup is None:
            raise StoreError(f"no user called '{supervisor}': add the supervisor first")
        if sup.role != "supervisor":
            raise StoreError(f"'{supervisor}' is not a supervisor: add them with --role supervisor")
        return sup.id

    def set_supervisor(self, username: str, supervisor: str | None) -> Account:
        """Give ``username`` a supervisor (or none, when ``supervisor`` is None)."""
        with Session(self.engine) as s, s.begin():
            user = self._user(s, username)
            if supervisor is None:
                user.supervisor_id = None
            else:
                sup_id = self._supervisor_id(s, supervisor)
                if sup_id == user.id:
                    raise StoreError("a clinician cannot be their own supervisor")
                user.supervisor_id = sup_id
            s.add(
                AuditEntry(
                    user_id=user.id,
                    username=user.username,
                    action="user.set_supervisor",
                    detail=supervisor or "none",
                )
            )
            return _account(user)

    def set_password(self, username: str, password: str) -> None:
        check_password_strength(password)
        with Session(self.engine) as s, s.begin():
            user = self._user(s, username)
            user.password_hash = hash_password(password)
            s.add(AuditEntry(user_id=user.id, username=user.username, action="user.password"))

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

    def all(self) -> list[Account]:
        with Session(self.engine) as s:
            return [_account(u) for u in s.scalars(select(User).order_by(User.username))]

    def supervisees(self, supervisor: Account) -> list[Account]:
        with Session(self.engine) as s:
            rows = s.scalars(select(User).where(User.supervisor_id == supervisor.id))
            return [_account(u) for u in rows]

    def authenticate(self, username: str, password: str) -> Account:
        """The account when the password matches; AccessDenied otherwise (same message)."""
        with Session(self.engine) as s:
            user = s.scalar(select(User).where(User.username == username.strip().lower()))
            stored = user.password_hash if user else None
        ok = False
        if stored is not None:
            try:
                ok = _HASHER.verify(stored, password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            # spend the same time as a real check so user names cannot be probed
            with contextlib.suppress(VerificationError, InvalidHashError):
                _HASHER.verify(_DUMMY, password)
        if not ok or user is None:
            raise AccessDenied("the user name or password is not right")
        if _HASHER.check_needs_rehash(stored or ""):
            self.set_password(username, password)
        return _account(user)


_DUMMY = _HASHER.hash("not-a-real-password-0")
