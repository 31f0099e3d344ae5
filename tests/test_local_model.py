"""A draft through a real local model (Qwen2.5-Coder-1.5B, llama.cpp server on 127.0.0.1).

Slow (about a minute of both cores) and needs the verified model file: CI installs it with
``python -m assistant local-model install`` and points ``TPA_TEST_MODEL_PATH`` at it.
Locally it is skipped, with the reason, unless that variable names a verified file.

The README's figure for the largest case (two minutes, default budget) is measured by
``python -m evals.bench_drafting --local-model``; this test gives the model a shorter
budget, so what it checks is that the budget holds, that the model's own words survive
the gate, and that no client identifier reaches the server.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant import intake as intake_mod
from assistant import localmodel
from assistant.config import Settings
from assistant.drafting import draft
from assistant.drafting.llm_client import ChatClient, ProgressEvent
from assistant.drafting.llm_tasks import TaskDrafter
from tests.conftest import INTAKES

MODEL = Path(os.environ.get("TPA_TEST_MODEL_PATH", "/nonexistent"))
BUDGET_S = 60.0

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        not MODEL.is_file(), reason="TPA_TEST_MODEL_PATH does not name the local model file"
    ),
]


def test_local_model_edits_survive_the_gate_within_the_budget_and_see_no_identifiers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("xllamacpp", reason="the local-llm extra is not installed")
    # the tests' network guard only lets 127.0.0.1 through, which is where the server listens
    intake = intake_mod.load(INTAKES / "gad_nurse.json")
    sent: list[str] = []
    real_complete = ChatClient.complete

    def spy(self, task, messages, **kw):  # type: ignore[no-untyped-def]
        sent.extend(m["content"] for m in messages)
        return real_complete(self, task, messages, **kw)

    monkeypatch.setattr(ChatClient, "complete", spy)
    seen: list[ProgressEvent] = []
    server, base = localmodel.start_server(MODEL)
    try:
        settings = Settings(  # type: ignore[call-arg]
            llm_base_url=base, llm_model=localmodel.MODEL_NAME, llm_time_budget_s=BUDGET_S
        )
        started = time.monotonic()
        result = draft(intake, TaskDrafter.from_settings(settings, progress=seen.append))
        seconds = time.monotonic() - started
    finally:
        del server
    plan = result.plan
    info = plan.draft

    assert result.report.ok, [f.message for f in result.report.errors]
    assert info.model == localmodel.MODEL_NAME and info.input_tokens > 0
    # the model's own wording reached the plan, not only the offline draft with a warning
    kept = {c.task: c.edits_kept for c in info.model_calls}
    assert sum(kept.values()) > 0, (kept, info.warnings)
    assert not info.fell_back
    # the budget holds: a task that would not fit is skipped, and the plan says so
    assert seconds <= BUDGET_S + 20, f"{seconds:.0f} s for a {BUDGET_S:g} s budget"
    for c in info.model_calls:
        if c.outcome == "skipped":
            assert any(c.task in w and "time budget" in w for w in info.warnings)
    assert all(c.input_tokens / max(c.attempts, 1) <= 1500 for c in info.model_calls)
    assert seen and any(e.tokens > 0 for e in seen)  # progress was shown while it worked

    assert sent, "nothing was sent to the model"
    outgoing = "\n".join(sent).lower()
    for secret in (
        *intake.client.name.split(),
        intake.client.record_id,
        intake.client.date_of_birth.isoformat(),
        intake.clinician.license_number or "-",
    ):
        assert secret.lower() not in outgoing, f"{secret!r} was sent to the model"
