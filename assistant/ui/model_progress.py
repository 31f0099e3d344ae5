"""What the Draft page shows while the model drafts, and afterwards how it went.

:class:`LiveProgress` is the ``progress`` callback handed to
:func:`assistant.drafting.model_path.llm_drafter`. Inside the page's status box it keeps a
line per finished step (tokens, seconds, tokens per second), a progress bar naming the step
now running with the seconds taken so far, and a line saying what the server is doing
(reading the request, or writing so many tokens). While a server on a laptop reads a long
request, the model client reports from its own thread every few seconds; those reports are
drawn too, so a minute of waiting is visibly a minute of work.

:func:`summary` is shown above the plan once it is drafted: a warning when the model could
not be used or none of its edits passed the checks (the plan is then the offline draft),
a warning per step left out for time, and, folded away, what each step sent, received and
kept. Both read only the plan's draft record and the progress events: no client detail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from assistant.plan import DraftInfo, ModelCall, TreatmentPlan
from assistant.text import escape_markdown as esc

if TYPE_CHECKING:  # the drafting package loads when a draft is asked for, not with the page
    from assistant.drafting.llm_client import ProgressEvent

STEPS = {
    "goals": "goals in the client's own words",
    "problems": "problem statements about this person",
    "interventions": "choosing among the retrieved interventions",
    "facts": "case facts from the intake's free text",
}
WRITING = {
    "offline": "Writing the offline draft",
    "llm": "Writing the offline draft, then asking the model to improve it",
}
OUTCOMES = {
    "used": "answered",
    "invalid": "answered in a form that could not be read",
    "failed": "did not answer",
    "skipped": "left out to stay within the time budget",
}


def _title(task: str) -> str:
    return STEPS.get(task, task)


def _doing(event: ProgressEvent) -> str:
    """What the server is doing now, in one line."""
    if event.tokens == 0:
        waited = f", {event.seconds:.0f} s so far" if event.seconds else ""
        return f"The model is reading the request (about {event.prompt_tokens} tokens{waited})."
    return (
        f"The model is writing: {event.tokens} tokens in {event.seconds:.0f} s "
        f"({event.tokens_per_s:.1f} tokens/s)."
    )


class LiveProgress:
    """The model's progress inside ``status`` (an ``st.status`` box), step by step.

    Called from the script's thread and from the model client's reporting thread, so each
    report is drawn under one lock, with the script's context lent to the other thread.
    """

    def __init__(self, status: Any, *, clock: Callable[[], float] = time.monotonic):
        from assistant.drafting.llm_tasks import TASKS  # the steps, in the order they run

        self.steps = TASKS
        self.status = status
        self.clock = clock
        self.started = clock()
        self.lock = threading.Lock()
        self.ctx = get_script_run_ctx(suppress_warning=True)
        self.closed = False
        self.finished: list[str] = []
        self.done = status.container()
        self.bar = status.progress(0.0, text="Sending the first request to the model")
        self.line = status.empty()

    def _step(self, task: str) -> int:
        return self.steps.index(task) + 1 if task in self.steps else len(self.finished) + 1

    def __call__(self, event: ProgressEvent) -> None:
        with self.lock:
            if self.closed:
                return
            if get_script_run_ctx(suppress_warning=True) is None and self.ctx is not None:
                add_script_run_ctx(threading.current_thread(), self.ctx)
            n, total = self._step(event.task), len(self.steps)
            elapsed = self.clock() - self.started
            if event.done:
                text = (
                    f"Step {n} of {total}, {_title(event.task)}: done, {event.tokens} tokens "
                    f"in {event.seconds:.0f} s ({event.tokens_per_s:.1f} tokens/s)"
                )
                self.finished.append(text)
                self.done.markdown(esc(text))
                self.bar.progress(n / total, text=f"{n} of {total} steps done · {elapsed:.0f} s")
                self.line.empty()
            else:
                self.bar.progress(
                    (n - 1) / total,
                    text=f"Step {n} of {total}: {_title(event.task)} · {elapsed:.0f} s so far",
                )
                self.line.caption(esc(_doing(event)))
            self.status.update(label=f"Drafting with the model: step {n} of {total}")

    def finish(self, plan: TreatmentPlan) -> None:
        """The last state of the box: what the draft is, and why when it is the offline one."""
        with self.lock:
            self.closed = True
            elapsed = self.clock() - self.started
            self.line.empty()
            self.bar.progress(1.0, text=f"Finished in {elapsed:.0f} s")
            fallback = fallback_line(plan.draft)
            if fallback:
                self.status.warning(esc(fallback))
                label = "Offline draft ready: the model's work was not used"
            else:
                kept = sum(c.edits_kept for c in plan.draft.model_calls)
                label = f"Draft ready: {kept} of the model's edits passed the checks"
            self.status.update(label=label, state="complete", expanded=False)


def drafter(name: str, status: Any) -> tuple[Any, LiveProgress | None]:
    """What to hand :func:`assistant.drafting.draft` for ``name``: for the model, its drafter
    built with a :class:`LiveProgress` drawing in ``status``, and that progress."""
    if name != "llm":
        return name, None
    from assistant.config import get_settings
    from assistant.drafting.model_path import llm_drafter

    live = LiveProgress(status)
    return llm_drafter(get_settings(), progress=live), live


def fallback_line(info: DraftInfo) -> str | None:
    """Why the plan is the offline draft, in one line; None when the model's edits stand."""
    if info.model_failure:
        reason = info.model_failure.split(": ", 1)[-1]
        return f"The model could not be used ({reason}), so this is the offline draft."
    calls = info.model_calls
    if not info.fell_back or not calls:
        return None
    used = [c for c in calls if c.outcome == "used"]
    if all(c.outcome == "skipped" for c in calls):
        why = "no step of the model could finish within the time budget"
    elif not used:
        why = "the model's answers could not be read"
    elif any(c.edits_proposed for c in used):
        why = "none of the model's edits passed the checks"
    else:
        why = "the model proposed no change"
    return f"{why[0].upper()}{why[1:]}, so this is the offline draft."


def _call_line(call: ModelCall) -> str:
    what = OUTCOMES.get(call.outcome, call.outcome)
    line = f"{_title(call.task).capitalize()}: {what}"
    if call.outcome == "skipped":
        return line
    about = "about " if call.tokens_estimated else ""
    line += (
        f"; {about}{call.input_tokens} tokens sent, {call.output_tokens} received in "
        f"{call.seconds:.0f} s"
    )
    if call.attempts > 1:
        line += f" ({call.attempts} tries)"
    if call.edits_proposed:
        line += f"; {call.edits_kept} of {call.edits_proposed} edits kept"
    return line


def summary(plan: TreatmentPlan) -> None:
    """How the model drafted ``plan``: shown on the Draft page while the plan is a draft."""
    info = plan.draft
    if info.drafter != "llm" or plan.status != "draft":
        return
    fallback = fallback_line(info)
    if fallback:
        st.warning(esc(fallback))
    some_ran = any(c.outcome != "skipped" for c in info.model_calls)
    for call in info.model_calls if some_ran else []:
        if call.outcome == "skipped":
            st.warning(
                esc(
                    f"The step '{_title(call.task)}' was left out to stay within the time "
                    "budget; that part is the offline draft."
                )
            )
    calls = info.model_calls
    seconds = sum(c.seconds for c in calls)
    label = f"How the model ({info.model or 'unnamed'}) drafted this plan: {len(calls)} step(s)"
    label += f", {seconds:.0f} s" if calls else ""
    with st.expander(label):
        if not calls:
            st.caption("No request reached the model.")
        for call in calls:
            st.markdown(esc(_call_line(call)))
            for why in call.discarded:
                st.caption(esc(why))
