"""One draft through a real local model (Qwen2.5-Coder-1.5B, llama.cpp server on 127.0.0.1).

Slow (minutes on 2 cores) and needs the verified model file: CI installs it with
``python -m assistant local-model install`` and points ``TPA_TEST_MODEL_PATH`` at it.
Locally it is skipped, with the reason, unless that variable names a verified file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant import intake as intake_mod
from assistant import localmodel
from assistant.config import Settings
from assistant.drafting import draft
from assistant.drafting.llm import LLMDrafter
from assistant.plan import TreatmentPlan
from tests.conftest import INTAKES

MODEL = Path(os.environ.get("TPA_TEST_MODEL_PATH", "/nonexistent"))

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(
        not MODEL.is_file(), reason="TPA_TEST_MODEL_PATH does not name the local model file"
    ),
]


def test_one_shared_intake_drafts_through_the_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("xllamacpp", reason="the local-llm extra is not installed")
    # the tests' network guard only lets 127.0.0.1 through, which is where the server listens
    intake = intake_mod.load(INTAKES / "gad_nurse.json")
    sent: list[str] = []
    real_call = LLMDrafter._call

    def spy(self, structured, messages, stats):  # type: ignore[no-untyped-def]
        sent.extend(str(m.content) for m in messages)
        return real_call(self, structured, messages, stats)

    monkeypatch.setattr(LLMDrafter, "_call", spy)
    server, base = localmodel.start_server(MODEL)
    try:
        settings = Settings(  # type: ignore[call-arg]
            llm_base_url=base,
            llm_model=localmodel.MODEL_NAME,
            llm_timeout_s=1500,
            llm_max_retries=0,
            llm_repair_rounds=0,
            llm_max_tokens=2500,
        )
        result = draft(intake, LLMDrafter.from_settings(settings))
    finally:
        del server
    plan = result.plan
    TreatmentPlan.model_validate_json(plan.dumps())  # schema-valid
    assert sent, "nothing was sent to the model"
    outgoing = "\n".join(sent).lower()
    for secret in (
        *intake.client.name.split(),
        intake.client.record_id,
        intake.client.date_of_birth.isoformat(),
        intake.clinician.license_number or "-",
    ):
        assert secret.lower() not in outgoing, f"{secret!r} was sent to the model"
    assert plan.draft.model == localmodel.MODEL_NAME and plan.draft.input_tokens > 0
    # either the model's draft passed the gate, or we fell back to the offline draft with findings
    assert result.report.ok or plan.draft.fell_back
    if plan.draft.fell_back:
        assert any("did not pass" in w for w in plan.draft.warnings)
