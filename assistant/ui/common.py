"""What every page shares: cached resources, the signed-in user, and the error guard.

The store, the knowledge base and the retriever are built once per process
(``st.cache_resource``), keyed on where they live, so a second data directory in the same
process (tests) gets its own. Nothing here holds clinical logic.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.logs import get_logger
from assistant.protocols import Retriever
from assistant.text import escape_markdown as esc

if TYPE_CHECKING:
    from assistant.plan import TreatmentPlan

log = get_logger("assistant.ui")

F = TypeVar("F", bound=Callable[..., Any])

GENERIC_ERROR = (
    "Something went wrong inside the assistant and this step did not finish. Nothing was "
    "saved by it. Try again; if it happens again, tell your administrator what you were doing "
    "(no client details are written to the log)."
)


# ---------------------------------------------------------------- cached resources


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Any:
    from assistant.store import open_store

    return open_store(url)


def store() -> Any:
    """The plan store on the configured database (created and migrated on first use)."""
    return _store(get_settings().effective_database_url)


@st.cache_resource(show_spinner=False)
def knowledge() -> Any:
    from assistant.knowledge import load_cached

    return load_cached()


@st.cache_resource(show_spinner=False)
def _retriever(index_dir: str) -> Retriever:
    from assistant import retrieval

    r = retrieval.Retriever(knowledge=knowledge())
    r.ensure_index()
    return r


def retriever() -> Retriever:
    """The knowledge retriever; the first call builds the local index (about a minute)."""
    return _retriever(str(get_settings().index_dir))


# ---------------------------------------------------------------- session


def user() -> Any:
    """The signed-in session, or None (also once it has ended after the idle time)."""
    me = st.session_state.get("user")
    if me is not None and not store().accounts.sessions.alive(me):
        st.session_state.clear()
        flash("info", "You were signed out after a time without activity: sign in again.")
        return None
    return me


def require_user() -> Any:
    me = user()
    if me is None:
        raise AssistantError("sign in first")
    return me


def clear_plan() -> None:
    for key in ("plan", "plan_id", "plan_version", "plan_status", "dirty"):
        st.session_state.pop(key, None)
    st.session_state["gen"] = st.session_state.get("gen", 0) + 1


def set_plan(plan: Any, plan_id: int | None, version: int | None, *, dirty: bool) -> None:
    """Make ``plan`` the one being worked on; new widget keys so old edits do not leak in."""
    st.session_state["plan"] = plan
    st.session_state["plan_id"] = plan_id
    st.session_state["plan_version"] = version
    st.session_state["plan_status"] = plan.status
    st.session_state["dirty"] = dirty
    st.session_state["gen"] = st.session_state.get("gen", 0) + 1


def gen() -> int:
    return int(st.session_state.get("gen", 0))


# ---------------------------------------------------------------- errors


def _where(exc: BaseException) -> str:
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return "?"
    code = last.tb_frame.f_code
    return f"{code.co_filename.rsplit('/', 1)[-1]}:{last.tb_lineno} in {code.co_name}"


def report_unexpected(exc: Exception, where: str) -> None:
    """Show the generic message; log the error type and place only (never its text: PHI)."""
    st.error(GENERIC_ERROR)
    log.error("unexpected %s on %s at %s", type(exc).__name__, where, _where(exc))


def guarded(body: F) -> F:
    """Run a page body (or a widget callback) so no traceback ever reaches the page."""

    @functools.wraps(body)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return body(*args, **kwargs)
        except AssistantError as exc:
            show_assistant_error(exc)
        except Exception as exc:  # last resort: a clinician never sees a traceback
            report_unexpected(exc, body.__name__)
        return None

    return run  # type: ignore[return-value]


def show_assistant_error(exc: AssistantError, plan: Any = None) -> None:
    """The error as one clear message; a refusal by the checks lists its findings by the
    items they concern, in words, when the plan is given."""
    problems = getattr(exc, "problems", None)
    findings = getattr(exc, "findings", None)
    if findings and plan is not None:
        from assistant.planedit import in_words

        head = str(exc).split(": the check found", 1)[0]
        lines = in_words(plan, findings)
        st.error(
            esc(head[:1].upper() + head[1:])
            + ": fix these first:\n\n"
            + "\n".join(f"- {esc(x)}" for x in lines)
        )
    elif problems:
        st.error("Please fix the following:\n\n" + "\n".join(f"- {esc(p)}" for p in problems))
    else:
        msg = str(exc)
        st.error(esc(msg[:1].upper() + msg[1:]))


def apply_edit(
    fn: Callable[[], TreatmentPlan], toast: str, refresh: Callable[[], None] | None = None
) -> None:
    """Make an edit to the plan in the session and show ``toast`` after the rerun; an error
    is shown where the edit was asked for and changes nothing. ``refresh`` renews the edited
    item's boxes; without it every box shows the plan's new text."""
    try:
        plan = fn()
    except AssistantError as exc:
        message = str(exc)
        st.error(esc(message[:1].upper() + message[1:]))
        return
    st.session_state["plan"] = plan
    st.session_state["dirty"] = True
    if refresh is None:
        st.session_state["gen"] = gen() + 1
    else:
        refresh()
    flash("toast", toast)
    st.rerun()


def flash(kind: str, message: str) -> None:
    """A message that survives one rerun (shown by :func:`show_flash`)."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(esc(message))  # names and file names in it are shown as typed


def page_link(name: str, label: str, icon: str | None = None) -> None:
    """A link to one of the app's pages (registered by ``assistant.ui.main``)."""
    target = st.session_state.get("_pages", {}).get(name)
    if target is not None:
        st.page_link(target, label=label, icon=icon)
