"""Reading intake JSON without trusting it: bounded, regular files only, no duplicate keys.

:func:`read_file` accepts a regular file only (never a folder, pipe or device) and reads
at most the size limit plus one byte. :func:`decode` turns the bytes into plain Python data
and refuses, naming the field, what ``json.loads`` would otherwise let through quietly:
a key given twice (the last would win), nesting deeper than any intake needs, numbers
too long to be a score, and the non-standard constants ``NaN`` and ``Infinity``.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from assistant.errors import IntakeError
from assistant.intake_types import storable

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 12  # the format nests 4 levels (intake.context.legal.deadline); room to spare
MAX_NUMBER_CHARS = 24

_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[\[\]{}]')


class _Pairs(dict[str, Any]):
    """An object as decoded, remembering keys that appeared more than once."""

    duplicates: dict[str, int] = {}


class _Refused:
    """A number or constant the decoder met and the intake cannot hold."""

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason


def _pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    out = _Pairs()
    counts: dict[str, int] = {}
    for k, v in pairs:
        counts[k] = counts.get(k, 0) + 1
        out[k] = v
    out.duplicates = {k: n for k, n in counts.items() if n > 1}
    return out


def _int(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(text, f"is a number {len(text):,} characters long; a score or count "
                        "in an intake is a few digits")  # fmt: skip
    return int(text)


def _float(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(text, f"is a number {len(text):,} characters long; a score or count "
                        "in an intake is a few digits")  # fmt: skip
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _Refused(text, "is too large a number")
    return value


def _constant(text: str) -> Any:
    return _Refused(text, f"{text} is not a number an intake can hold")


def read_file(path: str | Path) -> bytes:
    """The bytes of an intake file: a regular file of at most :data:`MAX_FILE_BYTES`."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise IntakeError([f"intake: {p} is a folder; give the path of an intake file"]) from None
    except OSError as exc:
        raise IntakeError([f"intake: cannot read {p}: {exc.strerror}"]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IntakeError([f"intake: {p} is a folder; give the path of an intake file"])
        if not stat.S_ISREG(info.st_mode):
            raise IntakeError(
                [
                    f"intake: {p} is not a regular file (a device, pipe or socket); "
                    "give the path of an intake JSON file"
                ]
            )
        if info.st_size > MAX_FILE_BYTES:
            raise IntakeError([_too_big(p.name, info.st_size)])
        chunks, total = [], 0
        while total <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_FILE_BYTES:  # it grew while being read
            raise IntakeError([_too_big(p.name, total)])
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_big(name: str, size: int) -> str:
    return f"intake: {name} is {size / MAX_FILE_BYTES:.1f} MiB or more; the limit is 1 MiB"


def decode(text: str | bytes) -> Any:
    """JSON text to plain data, refusing (with every problem named) what an intake can't be."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > MAX_FILE_BYTES:
        raise IntakeError([_too_big("the intake", size)])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise IntakeError(["intake: the file is not UTF-8 text"]) from None
    deep = _too_deep(text)
    if deep is not None:
        raise IntakeError([deep])
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise IntakeError(
            [
                f"intake: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                "the file may be cut short"
            ]
        ) from None
    except RecursionError:  # _too_deep should have caught it; never a traceback
        raise IntakeError([f"intake: nested more than {MAX_DEPTH} levels deep"]) from None
    problems: list[str] = []
    clean = _clean(data, "", problems)
    if problems:
        raise IntakeError(problems)
    return clean


def _too_deep(text: str) -> str | None:
    """Where the text nests deeper than :data:`MAX_DEPTH`, found before decoding it."""
    depth = 0
    key: str | None = None
    path: list[str] = []
    for m in _TOKENS.finditer(text):
        tok = m.group(0)
        if tok[0] == '"':
            key = tok[: tok.rindex('"') + 1] if m.group(1) else None
            continue
        if tok in "[{":
            depth += 1
            path.append(_key_text(key) if key is not None else "")
            if depth > MAX_DEPTH:
                where = ".".join(p for p in path[:3] if p) or "intake"
                return (
                    f"{where}: nested more than {MAX_DEPTH} levels deep; an intake nests "
                    "4 levels at most"
                )
        else:
            depth -= 1
            if path:
                path.pop()
        key = None
    return None


def _key_text(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return ""
    return value if isinstance(value, str) and len(value) < 60 else ""


def _join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _clean(value: Any, path: str, problems: list[str]) -> Any:
    """Plain dicts and lists again, with duplicate keys and refused numbers reported."""
    if isinstance(value, _Pairs):
        for k, n in value.duplicates.items():
            times = "twice" if n == 2 else f"{n} times"
            problems.append(f"{_join(path, k)}: appears {times}; keep only one")
        return {k: _clean(v, _join(path, k), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, _join(path, i), problems) for i, v in enumerate(value)]
    if isinstance(value, str):
        try:
            storable(value)
        except ValueError as exc:
            problems.append(f"{path or 'intake'}: {exc}")
        return value
    if isinstance(value, _Refused):
        problems.append(f"{path or 'intake'}: {value.reason}")
        return None
    return value
