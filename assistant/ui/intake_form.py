"""The intake form's state: widget keys, the intake dict they make, and error placement.

Pure functions over a mapping (``st.session_state`` in the app, a dict in tests). The form
never checks anything itself: it builds a ``treatment-intake/1`` dict and hands it to
:func:`assistant.intake.parse`, then places each ``path: reason`` problem next to the
widget whose key :func:`key_for_path` names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from assistant.intake import FORMAT, Intake

State = Any  # st.session_state in the app (not a MutableMapping subclass), a dict in tests

P = "in."
# list sections: (intake field, short key, the fields of one row)
LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "presenting_problems": (
        "pp",
        ("summary", "duration", "symptoms", "functional_impact", "client_words"),
    ),
    "diagnoses": ("dx", ("code", "label", "primary")),
    "assessments": ("as", ("instrument", "score", "date")),
    "baselines": ("bl", ("measure", "value", "unit", "source")),
    "substance_status": ("ss", ("substance", "status", "since", "withdrawal")),
}
IN_CONTEXT = ("substance_status",)  # list sections that live inside ``context``
LINE_FIELDS = {"symptoms", "functional_impact"}  # one entry per line
LINE_LISTS = (
    "strengths",
    "client_goals",
    "preferences",
    "context.safety_steps_taken",
    "context.risk_to_others",
)
SIMPLE = (
    "client.name",
    "client.date_of_birth",
    "client.record_id",
    "client.pronouns",
    "clinician.name",
    "clinician.credentials",
    "clinician.license_number",
    "intake_date",
    "setting",
    "payer",
    "risk.suicidal_ideation",
    "risk.self_harm",
    "risk.homicidal_ideation",
    "risk.notes",
    "treatment_history",
    "medications",
    "notes",
    "context.occupation",
    "context.legal.mandated",
    "context.legal.referred_by",
    "context.legal.deadline",
    "context.legal.release_scope",
    "context.caregivers",
)
HOMICIDAL = {"not_assessed": "not_assessed", "no": False, "yes": True}
MANDATED = {"yes": True, "no": False}  # and None: not stated
GENERAL = P + "general"

_INDEX = re.compile(r"^(?:context\.)?([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?")


def rows_key(section: str) -> str:
    return f"{P}rows.{section}"


def row_key(section: str, row: int, name: str) -> str:
    return f"{P}{LISTS[section][0]}.{row}.{name}"


def section_key(section: str) -> str:
    return f"{P}section.{section}"


def rows(state: State, section: str) -> list[int]:
    """Row ids of a list section (stable ids, so removing a row keeps the others' input)."""
    key = rows_key(section)
    if key not in state:
        state[key] = [0] if section in ("presenting_problems", "diagnoses") else []
    return list(state[key])


def add_row(state: State, section: str) -> int:
    current = rows(state, section)
    counter = f"{P}next.{section}"
    new = max(max(current, default=-1) + 1, int(state.get(counter, 0)))
    state[counter] = new + 1
    state[rows_key(section)] = [*current, new]
    return new


def remove_row(state: State, section: str, row: int) -> None:
    state[rows_key(section)] = [r for r in rows(state, section) if r != row]
    for name in LISTS[section][1]:
        state.pop(row_key(section, row, name), None)


def _text(state: State, key: str) -> str:
    v = state.get(key)
    return "" if v is None else str(v).strip()


def _lines(state: State, key: str) -> list[str]:
    return [ln.strip() for ln in str(state.get(key) or "").splitlines() if ln.strip()]


def _date(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _figure(text: str) -> int | float | str:
    """A baseline typed as "6" is the number 6, as in a file; a range stays text."""
    if re.fullmatch(r"\d{1,9}", text):
        return int(text)
    if re.fullmatch(r"\d{1,9}\.\d{1,4}", text):
        return float(text)
    return text


def _optional(out: dict[str, Any], name: str, value: str) -> None:
    if value:
        out[name] = value


def build(state: State) -> dict[str, Any]:
    """The ``treatment-intake/1`` dict the form currently describes (unchecked)."""
    client: dict[str, Any] = {
        "name": _text(state, P + "client.name"),
        "record_id": _text(state, P + "client.record_id"),
    }
    dob = _date(state.get(P + "client.date_of_birth"))
    if dob:
        client["date_of_birth"] = dob
    _optional(client, "pronouns", _text(state, P + "client.pronouns"))
    clinician: dict[str, Any] = {}
    for name in ("name", "credentials", "license_number"):
        _optional(clinician, name, _text(state, P + "clinician." + name))
    data: dict[str, Any] = {"format": FORMAT, "client": client}
    if clinician:  # optional in the format; a name is then required
        data["clinician"] = {"name": "", **clinician}
    when = _date(state.get(P + "intake_date"))
    if when:
        data["intake_date"] = when
    for name in ("setting", "payer"):
        if state.get(P + name):
            data[name] = state[P + name]
    problems = []
    for r in rows(state, "presenting_problems"):
        p: dict[str, Any] = {"summary": _text(state, row_key("presenting_problems", r, "summary"))}
        _optional(p, "duration", _text(state, row_key("presenting_problems", r, "duration")))
        for name in LINE_FIELDS:
            p[name] = _lines(state, row_key("presenting_problems", r, name))
        _optional(
            p, "client_words", _text(state, row_key("presenting_problems", r, "client_words"))
        )
        problems.append(p)
    data["presenting_problems"] = problems
    data["diagnoses"] = [
        {
            "code": _text(state, row_key("diagnoses", r, "code")),
            "label": _text(state, row_key("diagnoses", r, "label")),
            "primary": bool(state.get(row_key("diagnoses", r, "primary"))),
        }
        for r in rows(state, "diagnoses")
    ]
    assessments = []
    for r in rows(state, "assessments"):
        a: dict[str, Any] = {"instrument": _text(state, row_key("assessments", r, "instrument"))}
        score = state.get(row_key("assessments", r, "score"))
        if score is not None:
            a["score"] = score
        on = _date(state.get(row_key("assessments", r, "date")))
        if on:
            a["date"] = on
        assessments.append(a)
    data["assessments"] = assessments
    baselines = []
    for r in rows(state, "baselines"):
        b: dict[str, Any] = {
            "measure": _text(state, row_key("baselines", r, "measure")),
            "value": _figure(_text(state, row_key("baselines", r, "value"))),
        }
        _optional(b, "unit", _text(state, row_key("baselines", r, "unit")))
        _optional(b, "source", _text(state, row_key("baselines", r, "source")))
        baselines.append(b)
    data["baselines"] = baselines
    homicidal = state.get(P + "risk.homicidal_ideation") or "not_assessed"
    data["risk"] = {
        "suicidal_ideation": state.get(P + "risk.suicidal_ideation") or "not_assessed",
        "self_harm": state.get(P + "risk.self_harm") or "not_assessed",
        "homicidal_ideation": HOMICIDAL.get(homicidal, "not_assessed"),
        "notes": _text(state, P + "risk.notes"),
    }
    for name in LINE_LISTS:
        if not name.startswith("context."):  # those go into the context block below
            data[name] = _lines(state, P + name)
    for name in ("treatment_history", "medications", "notes"):
        data[name] = _text(state, P + name)
    context = _context(state)
    if context:
        data["context"] = context
    return data


def _context(state: State) -> dict[str, Any]:
    """The optional ``context`` block: only what the clinician filled in."""
    out: dict[str, Any] = {}
    _optional(out, "occupation", _text(state, P + "context.occupation"))
    legal: dict[str, Any] = {}
    mandated = state.get(P + "context.legal.mandated")
    if mandated in MANDATED:
        legal["mandated"] = MANDATED[mandated]
    _optional(legal, "referred_by", _text(state, P + "context.legal.referred_by"))
    deadline = _date(state.get(P + "context.legal.deadline"))
    if deadline:
        legal["deadline"] = deadline
    _optional(legal, "release_scope", _text(state, P + "context.legal.release_scope"))
    if legal:
        out["legal"] = legal
    substances = []
    for r in rows(state, "substance_status"):
        row: dict[str, Any] = {
            "substance": _text(state, row_key("substance_status", r, "substance"))
        }
        for name in ("status", "withdrawal"):
            if state.get(row_key("substance_status", r, name)):
                row[name] = state[row_key("substance_status", r, name)]
        since = _date(state.get(row_key("substance_status", r, "since")))
        if since:
            row["since"] = since
        substances.append(row)
    if substances:
        out["substance_status"] = substances
    for name in ("safety_steps_taken", "risk_to_others"):
        lines = _lines(state, P + "context." + name)
        if lines:
            out[name] = lines
    _optional(out, "caregivers", _text(state, P + "context.caregivers"))
    return out


def fill(state: State, intake: Intake) -> None:
    """Put an intake's values into the form (after an upload), replacing what was there."""
    for key in [k for k in state if str(k).startswith(P)]:
        del state[key]
    c, k = intake.client, intake.clinician
    values: dict[str, Any] = {
        "client.name": c.name,
        "client.date_of_birth": c.date_of_birth,
        "client.record_id": c.record_id,
        "client.pronouns": c.pronouns or "",
        "clinician.name": k.name if k else "",
        "clinician.credentials": (k.credentials if k else None) or "",
        "clinician.license_number": (k.license_number if k else None) or "",
        "intake_date": intake.intake_date,
        "setting": intake.setting,
        "payer": intake.payer,
        "risk.suicidal_ideation": intake.risk.suicidal_ideation,
        "risk.self_harm": intake.risk.self_harm,
        "risk.homicidal_ideation": {True: "yes", False: "no"}.get(
            intake.risk.homicidal_ideation,  # type: ignore[arg-type]
            "not_assessed",
        ),
        "risk.notes": intake.risk.notes,
        "treatment_history": intake.treatment_history,
        "medications": intake.medications,
        "notes": intake.notes,
    }
    ctx = intake.context
    legal = ctx.legal if ctx else None
    values |= {
        "context.occupation": (ctx.occupation if ctx else None) or "",
        "context.legal.mandated": {True: "yes", False: "no"}.get(legal.mandated)
        if legal and legal.mandated is not None
        else None,
        "context.legal.referred_by": (legal.referred_by if legal else None) or "",
        "context.legal.deadline": legal.deadline if legal else None,
        "context.legal.release_scope": (legal.release_scope if legal else None) or "",
        "context.caregivers": (ctx.caregivers if ctx else None) or "",
    }
    for name in LINE_LISTS:
        values[name] = "\n".join(_items(intake, name))
    for name, value in values.items():
        state[P + name] = value
    for section in LISTS:
        items = _items(intake, section)
        state[rows_key(section)] = list(range(len(items)))
        for r, item in enumerate(items):
            for name in LISTS[section][1]:
                v = getattr(item, name)
                if name in LINE_FIELDS:
                    v = "\n".join(v)
                elif section == "baselines" and name == "value":
                    v = str(v)
                elif v is None:
                    v = None if name in ("date", "score", "since", "status", "withdrawal") else ""
                state[row_key(section, r, name)] = v


def _items(intake: Intake, name: str) -> list[Any]:
    """A list field of the intake by its form name (``context.`` ones may be absent)."""
    if name.startswith("context.") or name in IN_CONTEXT:
        ctx = intake.context
        return list(getattr(ctx, name.removeprefix("context."))) if ctx else []
    return list(getattr(intake, name))


def key_for_path(state: State, path: str) -> str:
    """The widget key a problem path belongs to (``GENERAL`` when no widget fits)."""
    m = _INDEX.match(path)
    if m and m.group(1) in LISTS:
        section, idx, name = m.group(1), int(m.group(2)), m.group(3)
        ids = rows(state, section)
        if idx < len(ids) and name in LISTS[section][1]:
            return row_key(section, ids[idx], name)
        return section_key(section)
    if m:
        line = ("context." if path.startswith("context.") else "") + m.group(1)
        if line in LINE_LISTS:
            return P + line
    if path.removeprefix("context.") in LISTS:
        return section_key(path.removeprefix("context."))
    if path in LINE_LISTS or path in SIMPLE:
        return P + path
    if path.startswith("risk"):
        return section_key("risk")
    if path.startswith("context"):
        return section_key("context")
    return GENERAL


def place(state: State, problems: Iterable[str]) -> dict[str, list[str]]:
    """Group ``path: reason`` problems by the widget key they belong to."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        path, sep, reason = problem.partition(": ")
        if not sep:
            path, reason = "intake", problem
        out.setdefault(key_for_path(state, path.strip()), []).append(wording(reason))
    return out


def wording(reason: str) -> str:
    reason = reason.strip()
    if reason == "is required":
        return "Required: please fill this in."
    if reason == "must not be empty":
        return "Required: this must not be left empty."
    return reason[:1].upper() + reason[1:]
