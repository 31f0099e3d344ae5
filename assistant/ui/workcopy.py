"""Work is never lost: the session survives a reload, and the intake and draft are kept as
an unsigned working copy.

* The session's token (random, held by the server, ended after the idle time) goes in the
  page address as ``?s=``; a reloaded page finds the same session there
  (:func:`resume`). Signing out ends it.
* After every run the draft open on the Draft page (plan, its stored id and version, the
  intake it came from, unsaved changes) and the typed intake form are written to
  ``<data dir>/working/<user>.json`` (0600, written atomically) when they changed
  (:func:`autosave`); a new browser session of the same user puts them back
  (:func:`restore`). The working copy is not a plan version: nothing in it is signed,
  submitted or exported until the clinician saves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.intake import Intake
from assistant.plan import loads
from assistant.private_files import private_dir, write_private
from assistant.ui import common

log = logging.getLogger(__name__)
PARAM = "s"
FORM_PREFIX = "in."  # the intake form's widget keys


def resume() -> Any:
    """The session named in the address, when it is still live (None otherwise)."""
    token = st.query_params.get(PARAM)
    if not token:
        return None
    store = common.store()
    me = store.accounts.sessions.resume(str(token), store.accounts.by_id)
    if me is None:
        del st.query_params[PARAM]
    return me


def remember(me: Any) -> None:
    """Put the session's token in the address so a reload keeps it."""
    if st.query_params.get(PARAM) != me.token:
        st.query_params[PARAM] = me.token


def forget() -> None:
    st.query_params.pop(PARAM, None)


def _path(me: Any) -> Path:
    folder = private_dir(get_settings().data_dir / "working")
    name = hashlib.sha256(me.username.encode()).hexdigest()[:24]  # no name in a file name
    return folder / f"{name}.json"


def _form_value(v: Any) -> Any:
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, str | int | float) and not isinstance(v, bool):
        return v
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return v
    return None


def _snapshot() -> dict[str, Any]:
    ss = st.session_state
    out: dict[str, Any] = {}
    plan = ss.get("plan")
    if plan is not None:
        out["plan"] = plan.dumps()
        out["plan_id"] = ss.get("plan_id")
        out["plan_version"] = ss.get("plan_version")
        out["dirty"] = bool(ss.get("dirty"))
        pi = ss.get("plan_intake")
        out["plan_intake"] = pi.model_dump_json() if pi is not None else None
    intake = ss.get("intake")
    if intake is not None:
        out["intake"] = intake.model_dump_json()
    form = {}
    for k in list(ss.keys()):
        if isinstance(k, str) and k.startswith(FORM_PREFIX):
            v = _form_value(ss[k])
            if v is not None:
                form[k] = v
    if form:
        out["form"] = form
    return out


def autosave(me: Any) -> None:
    """Write the working copy when it changed since the last write."""
    snap = _snapshot()
    data = json.dumps(snap, sort_keys=True).encode()
    digest = hashlib.sha256(data).hexdigest()
    if st.session_state.get("_workcopy") == digest:
        return
    try:
        write_private(_path(me), data)
    except OSError as exc:  # a full disk must not take the page down; say so once
        log.warning("working copy not written: %s", type(exc).__name__)
        return
    st.session_state["_workcopy"] = digest


def restore(me: Any) -> bool:
    """Put the working copy back in a new browser session; True when there was one."""
    path = _path(me)
    if not path.exists():
        return False
    try:
        snap = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    ss = st.session_state
    pid = snap.get("plan_id")
    if snap.get("plan") and pid is not None and not snap.get("dirty"):
        # nothing unsaved: open the stored plan as it is now (it may have moved on since)
        try:
            got = common.store().get(me, pid)
            common.set_plan(got.plan, pid, got.version, dirty=False)
            stored = common.store().intake(me, pid)
            if stored is not None:
                ss["plan_intake"] = stored
        except AssistantError:
            pass
    elif snap.get("plan"):
        common.set_plan(loads(snap["plan"]), pid, snap.get("plan_version"), dirty=snap["dirty"])
        if snap.get("plan_intake"):
            ss["plan_intake"] = Intake.model_validate_json(snap["plan_intake"])
    if snap.get("intake"):
        ss["intake"] = Intake.model_validate_json(snap["intake"])
    for k, v in snap.get("form", {}).items():
        ss[k] = dt.date.fromisoformat(v["date"]) if isinstance(v, dict) else v
    ss["_workcopy"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return bool(snap)


def discard(me: Any) -> None:
    _path(me).unlink(missing_ok=True)
