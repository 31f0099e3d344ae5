"""The README's private-model steps on the largest eval case, with default settings.

Slow (up to two minutes of both cores) and needs the verified model file: it runs only when
``TPA_TEST_MODEL_PATH`` names it (CI installs it with ``local-model install``).
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
from assistant.drafting.llm_client import ProgressEvent
from assistant.drafting.llm_tasks import TaskDrafter

MODEL = Path(os.environ.get("TPA_TEST_MODEL_PATH", "/nonexistent"))
CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"
LARGEST = max(CASES.glob("*.json"), key=lambda p: p.stat().st_size)

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        not MODEL.is_file(), reason="TPA_TEST_MODEL_PATH does not name the local model file"
    ),
]


def test_largest_case_gives_a_validated_plan_within_two_minutes_with_progress() -> None:
    pytest.importorskip("xllamacpp", reason="the local-llm extra is not installed")
    intake = intake_mod.load(LARGEST)
    seen: list[ProgressEvent] = []
    server, base = localmodel.start_server(MODEL)
    try:
        settings = Settings(llm_base_url=base, llm_model=localmodel.MODEL_NAME)  # type: ignore[call-arg]
        started = time.monotonic()
        result = draft(intake, TaskDrafter.from_settings(settings, progress=seen.append))
        seconds = time.monotonic() - started
    finally:
        del server
    plan = result.plan
    assert seconds <= 120, f"{seconds:.0f} s"
    assert result.report.ok
    assert seen and any(e.tokens > 0 for e in seen)  # progress was shown while it worked
    assert all(c.input_tokens / max(c.attempts, 1) <= 1500 for c in plan.draft.model_calls)
    # model edits, or the offline draft with a warning that says why
    kept = sum(c.edits_kept for c in plan.draft.model_calls)
    assert kept > 0 or plan.draft.warnings
