"""Signing in and password changes: the part of :class:`Accounts` every call relies on.

``login`` checks the password (argon2id), throttles repeated failures (a lock that doubles
each time) and audits every attempt; ``require`` turns a live session into the current
account, fresh from the database.
"""

from __future__ import annotations

import datetime as dt

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from assistant.errors import AccessDenied, StoreError
from assistant.logs import get_logger
from assistant.store import integrity
from assistant.store.auth import Account, AuthSession, Role, lock_length, sessions_for
from assistant.store.models import User, utcnow
from assistant.store.passwords import check_password, hash_password, hasher

log = get_logger(__name__)

_DUMMY = hash_password("not-a-real-password-0")


def account_of(u: User) -> Account:
    role: Role = "supervisor" if u.role == "supervisor" else "clinician"
    return Account(
        u.id, u.username, u.full_name, role, u.credentials, u.supervisor_id, bool(u.is_admin)
    )


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


class SignIn:
    """Sessions, signing in and out, passwords, and finding one account."""

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

    def _other(self, s: Session, actor: Account, username: str, what: str) -> User:
        user = self._user(s, username)
        if user.id == actor.id:
            raise AccessDenied(
                f"you cannot change your own {what}: another administrator has to do it"
            )
        return user

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
            return account_of(self._user(s, username))

    def by_id(self, user_id: int, s: Session | None = None) -> Account:
        """The account with ``user_id``; inside a store transaction pass its session (a
        second one would wait for the first one's lock)."""
        if s is None:
            with Session(self.engine) as own:
                return self.by_id(user_id, own)
        user = s.get(User, user_id)
        if user is None:
            raise StoreError(f"no user with id {user_id}")
        return account_of(user)
