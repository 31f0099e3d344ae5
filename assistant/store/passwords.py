"""Password policy and hashing: at least 12 characters, not a common password, argon2id.

The deny-list (``assistant/data/common-passwords.txt``) is small on purpose; a password is
refused when it is one of its words, or one of them with only digits or symbols added
(``Password2024!``), or the word repeated, or a run like ``123456789012``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher

from assistant.errors import StoreError

MIN_PASSWORD = 12
DENY_LIST = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
_HASHER = PasswordHasher()


def hasher() -> PasswordHasher:
    """The hasher in use (a module global, so tests can swap in cheap parameters)."""
    return _HASHER


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = DENY_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def _is_run(text: str) -> bool:
    """``aaaa``, ``abcdef``, ``987654``, or digits counting on past 9 (``123456789012``)."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    if text.isdigit():
        steps = {d % 10 for d in steps}
        return len(steps) == 1 and steps <= {0, 1, 9}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def check_password(password: str, username: str = "") -> None:
    """Refuse a weak password with one line saying why."""
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"password: too short; use at least {MIN_PASSWORD} characters")
    if password.strip() != password:
        raise StoreError("password: it must not start or end with a space")
    lower = password.lower()
    words = common_passwords()
    letters = re.sub(r"[^a-z]", "", lower)
    repeated = any(
        letters == w * k for w in words if w.isalpha() for k in range(2, 1 + len(letters) // 3)
    )
    if lower in words or letters in words or repeated:
        raise StoreError("password: it is a common password that is guessed first; choose another")
    if len(set(lower)) <= 3 or _is_run(lower):
        raise StoreError("password: it repeats or counts through characters; choose another")
    name = username.strip().lower()
    if len(name) >= 3 and name in lower:
        raise StoreError("password: it contains the user name; choose another")
