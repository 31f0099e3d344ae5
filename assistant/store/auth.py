"""Signing in: the session object every store call needs, throttling and idle sign-out.

``Accounts.login(username, password)`` returns an :class:`AuthSession`. Store calls take
that session, never a bare :class:`Account`: the session's token must be one this store
issued and it ends after ``TPA_IDLE_MINUTES`` (30) without use. Five failed sign-ins in a
row lock the account for 15 minutes, twice as long at each further lock (at most a day).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from assistant.errors import AccessDenied

Role = Literal["clinician", "supervisor"]
MAX_LOCK = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Account:
    """A user's record, detached from the database session. It grants nothing by itself."""

    id: int
    username: str
    full_name: str
    role: Role
    credentials: str | None
    supervisor_id: int | None
    is_admin: bool = False

    @property
    def display(self) -> str:
        name = self.full_name or self.username
        return f"{name}, {self.credentials}" if self.credentials else name


class SessionEnded(AccessDenied):
    """The session is unknown to this store or was idle too long: sign in again."""


@dataclass(frozen=True)
class AuthSession:
    """Proof of a password check: issued by ``Accounts.login``, accepted by every store call.

    Reads like the account (``.username``, ``.role``, ``.display`` ...) for the pages."""

    account: Account
    token: str

    @property
    def id(self) -> int:
        return self.account.id

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def full_name(self) -> str:
        return self.account.full_name

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def credentials(self) -> str | None:
        return self.account.credentials

    @property
    def supervisor_id(self) -> int | None:
        return self.account.supervisor_id

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin

    @property
    def display(self) -> str:
        return self.account.display

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return f"AuthSession({self.account.username})"


class Sessions:
    """The live sessions of one store, with their last use (monotonic seconds)."""

    def __init__(self, idle: dt.timedelta, clock: Callable[[], float] = time.monotonic):
        self.idle = idle
        self.clock = clock
        self._last: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def issue(self, account: Account) -> AuthSession:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._last[token] = (account.id, self.clock())
        return AuthSession(account, token)

    def touch(self, session: object) -> int:
        """The account id behind a live ``session``, its idle clock reset; refused otherwise."""
        if not isinstance(session, AuthSession):
            raise AccessDenied(
                "sign in first: this needs a signed-in session (Accounts.login), "
                "not an account record"
            )
        now = self.clock()
        with self._lock:
            live = self._last.get(session.token)
            if live is None or live[0] != session.account.id:
                raise SessionEnded("your session is not valid here: sign in again")
            if now - live[1] > self.idle.total_seconds():
                del self._last[session.token]
                minutes = int(self.idle.total_seconds() // 60)
                raise SessionEnded(
                    f"you were signed out after {minutes} minutes without activity: sign in again"
                )
            self._last[session.token] = (live[0], now)
        return live[0]

    def resume(self, token: str, account: Callable[[int], Account]) -> AuthSession | None:
        """The live session behind ``token`` (its idle clock reset), for a browser that
        reloaded the page; None when the token is unknown or has expired."""
        with self._lock:
            live = self._last.get(token)
        if live is None:
            return None
        session = AuthSession(account(live[0]), token)
        return session if self.alive(session) else None

    def alive(self, session: object) -> bool:
        try:
            self.touch(session)
        except AccessDenied:
            return False
        return True

    def end(self, session: object) -> None:
        if isinstance(session, AuthSession):
            with self._lock:
                self._last.pop(session.token, None)


_REGISTRY: dict[str, Sessions] = {}
_REGISTRY_LOCK = threading.Lock()


def sessions_for(database: str, idle: dt.timedelta) -> Sessions:
    """The live sessions for one database, shared by every store on it in this process."""
    with _REGISTRY_LOCK:
        found = _REGISTRY.get(database)
        if found is None:
            found = _REGISTRY[database] = Sessions(idle)
        found.idle = idle
        return found


def lock_length(lockouts: int, first: dt.timedelta) -> dt.timedelta:
    """How long the ``lockouts``-th lock in a row lasts: doubling, at most a day."""
    return min(first * (2 ** max(lockouts - 1, 0)), MAX_LOCK)
