"""Logging that never writes client identifiers.

Modules log through ``get_logger``. Every record passes a filter that replaces any
registered identifier (client name, date of birth, record id, licence number) with a
fixed token, so even a careless log line cannot leak them. The drafting and store
layers register identifiers as soon as they handle an intake or plan.
"""

from __future__ import annotations

import logging
import threading

_LOCK = threading.Lock()
_SECRETS: set[str] = set()


def register_identifiers(*values: str | None) -> None:
    """Mark values that must never appear in a log line."""
    with _LOCK:
        for v in values:
            if v and len(v.strip()) >= 3:
                _SECRETS.add(v.strip())


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        with _LOCK:
            secrets = sorted(_SECRETS, key=len, reverse=True)
        for s in secrets:
            if s in msg:
                msg = msg.replace(s, "[redacted]")
        record.msg, record.args = msg, ()
        return True


_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


def configure(level: str = "WARNING") -> None:
    root = logging.getLogger("assistant")
    root.setLevel(level.upper())
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_FILTER)
        root.addHandler(handler)
