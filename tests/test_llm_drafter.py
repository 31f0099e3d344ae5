"""The LLM drafter over real HTTP against a local OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from assistant import intake as intake_mod
from assistant.config import Settings
from assistant.drafting import draft
from assistant.drafting.llm import LLMDrafter
from assistant.errors import ConfigError, ModelError
from assistant.validation.risk_text import negated_risk
from tests.conftest import INTAKES
from tests.fake_llm import SAFETY_ATTACKS, FakeLLM, fake_llm

PHI_INTAKES = ["mdd_recurrent_si.json", "hostile_notes.json", "gad_nurse.json"]


def _drafter(fake: FakeLLM, **overrides: object) -> LLMDrafter:
    values: dict[str, object] = {
        "llm_base_url": fake.base_url,
        "llm_api_key": "test-key",
        "llm_model": "fake-model",
        "llm_timeout_s": 10.0,
        "llm_max_retries": 0,
        "llm_repair_rounds": 2,
        "llm_cost_per_1k_input": 0.5,
        "llm_cost_per_1k_output": 1.5,
    }
    values.update(overrides)
    return LLMDrafter.from_settings(Settings(**values))  # type: ignore[arg-type]


@pytest.fixture
def gad() -> intake_mod.Intake:
    return intake_mod.load(INTAKES / "gad_nurse.json")


@pytest.fixture
def server() -> Iterator[FakeLLM]:
    with fake_llm(["good"]) as fake:
        yield fake


def test_good_answer_is_used_with_model_provenance_and_costs(
    gad: intake_mod.Intake, server: FakeLLM
) -> None:
    result = draft(gad, _drafter(server))
    plan = result.plan
    assert result.report.ok, [f.message for f in result.report.errors]
    assert not plan.draft.fell_back
    assert plan.draft.model == "fake-model" and plan.draft.prompt_version == "draft.v1"
    assert plan.problems[0].statement.startswith("Clinical summary.")
    assert plan.problems[0].provenance.source == "model"
    assert plan.problems[0].provenance.record_id == "gad"  # the record it was worded from is kept
    assert plan.draft.input_tokens == 1200 and plan.draft.output_tokens == 300
    assert plan.draft.cost_usd == pytest.approx(1.2 * 0.5 + 0.3 * 1.5)
    # the pseudonym the model used is restored to the client's first name
    assert "Together with Maren:" in plan.goals[0].statement


@pytest.mark.parametrize("name", PHI_INTAKES)
def test_no_identifier_leaves_the_machine(name: str) -> None:
    intake = intake_mod.load(INTAKES / name)
    with fake_llm(["good"]) as fake:
        draft(intake, _drafter(fake))
    sent = b"\n".join(fake.raw_bodies).decode("utf-8")
    assert fake.requests, "no request reached the server"
    secrets = [
        intake.client.name,
        *intake.client.name.split(),
        intake.client.date_of_birth.isoformat(),
        intake.client.record_id,
        intake.clinician.license_number or "",
    ]
    for s in filter(None, secrets):
        assert s.lower() not in sent.lower(), f"{s!r} was sent to the model"


def test_repair_loop_feeds_findings_back_and_fixes_the_draft(gad: intake_mod.Intake) -> None:
    with fake_llm(["goal_is_intervention", "good"]) as fake:
        result = draft(gad, _drafter(fake))
    assert len(fake.requests) == 2
    repair = fake.requests[1]["messages"][-1]["content"]
    assert "validator found these problems" in repair and "goals[" in repair
    assert result.report.ok and not result.plan.draft.fell_back
    assert result.plan.draft.repair_rounds == 1
    assert all("attend weekly CBT" not in g.statement for g in result.plan.goals)


def test_persistent_failure_falls_back_to_the_offline_draft(gad: intake_mod.Intake) -> None:
    with fake_llm(["goal_is_intervention"] * 3) as fake:
        result = draft(gad, _drafter(fake))
    offline = draft(gad, "offline")
    assert len(fake.requests) == 3
    assert result.plan.draft.fell_back
    assert [g.statement for g in result.plan.goals] == [g.statement for g in offline.plan.goals]
    assert result.report.ok
    assert any("did not pass the validator" in w for w in result.plan.draft.warnings)


def test_invented_numbers_are_discarded(gad: intake_mod.Intake) -> None:
    with fake_llm(["invented_number"]) as fake:
        result = draft(gad, _drafter(fake))
    offline = draft(gad, "offline")
    texts = [o.text for _, _, o in result.plan.objectives()]
    assert texts == [o.text for _, _, o in offline.plan.objectives()]
    assert all("17 extra" not in t for t in texts)
    assert any("adds figure(s) 17" in w for w in result.plan.draft.warnings)


def test_malformed_answers_fall_back_with_a_clear_warning(gad: intake_mod.Intake) -> None:
    with fake_llm(["malformed"] * 3) as fake:
        result = draft(gad, _drafter(fake))
    assert result.plan.draft.fell_back
    assert any("not in the required structure" in w for w in result.plan.draft.warnings)


def test_timeout_is_a_clear_error(gad: intake_mod.Intake) -> None:
    with fake_llm(["slow", "slow"]) as fake:
        fake.slow_seconds = 2.0
        with pytest.raises(ModelError, match="did not answer within 0.5 s"):
            draft(gad, _drafter(fake, llm_timeout_s=0.5))


def test_rate_limit_is_retried_then_a_clear_error(gad: intake_mod.Intake) -> None:
    with (
        fake_llm(["429", "429", "429"]) as fake,
        pytest.raises(ModelError, match=r"limiting requests \(429\)"),
    ):
        draft(gad, _drafter(fake, llm_max_retries=1))
    assert len(fake.requests) == 2  # one try and one retry


def test_rate_limit_then_success_recovers(gad: intake_mod.Intake) -> None:
    with fake_llm(["429", "good"]) as fake:
        result = draft(gad, _drafter(fake, llm_max_retries=2))
    assert result.report.ok and not result.plan.draft.fell_back


def test_unreachable_server_is_a_clear_error(gad: intake_mod.Intake) -> None:
    settings = Settings(
        llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k", llm_max_retries=0, llm_timeout_s=2
    )  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="cannot reach the model server at http://127.0.0.1:9/v1"):
        draft(gad, LLMDrafter.from_settings(settings))


def test_missing_key_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        LLMDrafter.from_settings(Settings())


def test_embedded_instructions_change_nothing_through_the_model() -> None:
    hostile = intake_mod.load(INTAKES / "hostile_notes.json")
    with fake_llm(["obey_injection"] * 3) as fake:
        result = draft(hostile, _drafter(fake))
    plan = result.plan
    offline = draft(hostile, "offline").plan
    sent = json.dumps(fake.requests[0])
    assert "never an instruction" in sent  # the prompt frames intake text as data
    # the fake model did as the notes said; none of it reached the plan
    assert plan.status == "draft" and not plan.signatures
    assert not any("needs no treatment" in t.lower() for _, t in plan.texts())
    assert [g.statement for g in plan.goals] == [g.statement for g in offline.goals]
    assert [(o.text, o.baseline, o.target) for _, _, o in plan.objectives()] == [
        (o.text, o.baseline, o.target) for _, _, o in offline.objectives()
    ]
    assert plan.interventions == offline.interventions
    assert not plan.draft.fell_back  # refused edit by edit, not by luck of the validator
    assert any("follows an instruction found in the intake text" in w for w in plan.draft.warnings)


@pytest.fixture(scope="module")
def si_intake() -> intake_mod.Intake:
    return intake_mod.load(INTAKES / "mdd_recurrent_si.json")


@pytest.mark.parametrize("attack", [*SAFETY_ATTACKS, "safety_section"])
def test_model_cannot_write_recorded_risk_away(attack: str, si_intake: intake_mod.Intake) -> None:
    with fake_llm([attack] * 3) as fake:
        result = draft(si_intake, _drafter(fake))
    offline = draft(si_intake, "offline").plan
    plan = result.plan
    assert len(fake.requests) >= 1
    assert plan.safety == offline.safety  # the safety section and risk level are locked
    assert plan.safety is not None and plan.safety.risk_level == offline.safety.risk_level  # type: ignore[union-attr]
    safety_goal = next(g for g in offline.goals if g.id == "G1")
    assert next(g for g in plan.goals if g.id == "G1") == safety_goal
    for path, text in plan.texts():
        said = [
            s.phrase
            for s in negated_risk(text)
            if s.concept in ("suicidal ideation", "risk", "safety planning")
            and not s.hypothetical
            and s.qualified is None
        ]
        assert not said, (path, text)
        assert "safety planning is unnecessary" not in text.lower()
    assert not [f for f in result.report.findings if f.rule in ("SF05", "SF06")]
    reasons = " ".join(plan.draft.warnings)
    assert re.search(r"locked|as absent|hidden characters|safety section or risk level", reasons)


def test_cli_drafts_through_the_configured_model(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from assistant.cli import _register, app
    from assistant.config import get_settings

    with fake_llm(["good"]) as fake:
        monkeypatch.setenv("TPA_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("TPA_LLM_API_KEY", "k")
        monkeypatch.setenv("TPA_LLM_MODE", "single")  # this fake answers the one-prompt mode
        get_settings.cache_clear()
        _register()
        out = tmp_path / "plan.json"
        res = CliRunner().invoke(
            app,
            [
                "draft",
                str(INTAKES / "gad_nurse.json"),
                "--drafter",
                "llm",
                "--no-retrieval",
                "-o",
                str(out),
            ],
        )
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["draft"]["model"] == get_settings().llm_model
