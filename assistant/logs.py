"""Logging that never writes client identifiers.

Modules log through ``get_logger``. Every record passes a filter that replaces any
registered identifier (client name, date of birth, record id, licence number) with a
fixed token, so even a careless log line cannot leak them. The drafting and store
layers register identifiers as soon as they handle an intake or plan.

The filter covers the whole record: the message, a traceback attached with
``exc_info`` (a database error quotes the statement's parameters, which may hold an
intake), and stack information. SQLAlchemy's own debug records of bound parameters and
result rows are replaced with a fixed token before any handler sees them. The set of
identifiers is bounded: the oldest are forgotten first, and each draft registers its
client again.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections import OrderedDict

MAX_IDENTIFIERS = 5_000
MAX_IDENTIFIER_CHARS = 500
TOKEN = "[redacted]"
HIDDEN = "[hidden: may hold client data]"

_LOCK = threading.Lock()
_SECRETS: OrderedDict[str, None] = OrderedDict()
# "[parameters: ...]" as SQLAlchemy writes it into an error's message
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
_SQLALCHEMY = ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm")


def register_identifiers(*values: str | None) -> None:
    """Mark values that must never appear in a log line (most recent kept when full)."""
    with _LOCK:
        for v in values:
            v = v.strip() if v else ""
            if len(v) >= 3 and len(v) <= MAX_IDENTIFIER_CHARS:
                _SECRETS[v] = None
                _SECRETS.move_to_end(v)
        while len(_SECRETS) > MAX_IDENTIFIERS:
            _SECRETS.popitem(last=False)


def registered_count() -> int:
    with _LOCK:
        return len(_SECRETS)


def redact(text: str) -> str:
    """``text`` with every registered identifier and any SQL parameter list replaced."""
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, TOKEN)
    return _SQL_PARAMETERS.sub(f"[parameters: {HIDDEN}]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(_SQLALCHEMY) and record.args:
            # bound parameters and rows arrive as repr objects; the statement text is kept
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(a if isinstance(a, str | int | float) else HIDDEN for a in args)
        try:
            msg = record.getMessage()
        except (TypeError, ValueError):  # a malformed format string: keep the raw text
            msg = str(record.msg)
        record.msg, record.args = redact(msg), ()
        if record.exc_info:
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info))
            record.exc_text, record.exc_info = redact(text.rstrip("\n")), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


def _guard_sqlalchemy() -> None:
    """Filter SQLAlchemy's loggers (engine statements and parameters, pool, ORM)."""
    for name in ("sqlalchemy.engine.Engine", "sqlalchemy.pool.impl.QueuePool", *_SQLALCHEMY):
        get_logger(name)


def configure(level: str = "WARNING") -> None:
    root = logging.getLogger("assistant")
    root.setLevel(level.upper())
    _guard_sqlalchemy()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_FILTER)
        root.addHandler(handler)


_guard_sqlalchemy()  # also when the app or a test logs without calling configure()
