"""The model path as short separate tasks, over real HTTP to a server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import intake as intake_mod
from assistant.config import Settings
from assistant.drafting import draft
from assistant.drafting.llm_client import ChatClient, ProgressEvent, estimate_tokens
from assistant.drafting.llm_tasks import TaskDrafter
from assistant.drafting.tasks_build import fit
from assistant.errors import ModelError
from tests.conftest import INTAKES
from tests.fake_llm_tasks import FakeTaskLLM, fake_task_llm

ROOT = Path(__file__).resolve().parent.parent
LARGEST = max((ROOT / "evals" / "cases").glob("*.json"), key=lambda p: p.stat().st_size)
PHI_INTAKES = ["mdd_recurrent_si.json", "hostile_notes.json", "gad_nurse.json"]


def _drafter(fake: FakeTaskLLM, **overrides: object) -> TaskDrafter:
    values: dict[str, object] = {"llm_base_url": fake.base_url, "llm_model": "fake-model"}
    strict = bool(overrides.pop("strict", False))
    values.update(overrides)
    return TaskDrafter.from_settings(Settings(**values), strict=strict)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def largest() -> intake_mod.Intake:
    return intake_mod.load(LARGEST)


@pytest.fixture(scope="module")
def offline(largest: intake_mod.Intake):  # type: ignore[no-untyped-def]
    return draft(largest, "offline").plan


def test_four_short_calls_each_recorded_and_used(largest: intake_mod.Intake, offline) -> None:  # type: ignore[no-untyped-def]
    with fake_task_llm() as fake:
        result = draft(largest, _drafter(fake))
    plan = result.plan
    assert fake.tasks() == ["goals", "problems", "interventions", "facts"]
    assert result.report.ok and not plan.draft.fell_back and plan.draft.model_failure is None
    calls = {c.task: c for c in plan.draft.model_calls}
    assert set(calls) == {"facts", "goals", "problems", "interventions"}
    assert all(c.input_tokens > 0 and c.attempts == 1 for c in calls.values())
    assert plan.draft.input_tokens == sum(c.input_tokens for c in calls.values())
    assert calls["problems"].edits_kept == len(plan.problems)
    assert all(p.provenance.source == "model" for p in plan.problems)
    # the model's choice of intervention replaced the offline one, with the reason kept
    chosen = [iv for iv in plan.interventions if "fits what the client said" in iv.provenance.note]
    assert chosen and [iv.provenance.item_id for iv in plan.interventions] != [
        iv.provenance.item_id for iv in offline.interventions
    ]
    # the locked safety goal is not even sent
    sent = b"".join(fake.raw_bodies).decode()
    assert offline.goals[0].statement not in sent


def test_no_call_exceeds_the_token_budget_on_the_largest_case(largest: intake_mod.Intake) -> None:
    with fake_task_llm({"goals": ["malformed"]}) as fake:  # a repair round included
        plan = draft(largest, _drafter(fake)).plan
    sizes = [sum(estimate_tokens(m["content"]) for m in b["messages"]) for b in fake.requests]
    assert len(sizes) == 5 and max(sizes) <= 1500, sizes
    assert max(c.input_tokens for c in plan.draft.model_calls) <= 2 * 1500  # two attempts
    # the raw intake is not what is sent: no request carries the whole intake's text
    assert all(LARGEST.read_text() not in b.decode() for b in fake.raw_bodies)


def test_a_long_case_is_trimmed_to_fit_the_budget(largest: intake_mod.Intake) -> None:
    from assistant.drafting import tasks_build
    from assistant.drafting.phi import Pseudonymiser

    plan = draft(largest, "offline").plan
    task = tasks_build.build(
        "problems", largest, plan, Pseudonymiser.for_intake(largest), set(), {}
    )
    task.values["facts"] += "\n" + "\n".join(f"- extra fact number {i}" for i in range(400))
    system, user = fit(task, 1500)
    assert estimate_tokens(system) + estimate_tokens(user) <= 1500 - 420
    assert "P1:" in user  # the items are kept; case lines go from the end


def test_stable_text_first_and_the_case_last() -> None:
    a = intake_mod.load(INTAKES / "gad_nurse.json")
    b = intake_mod.load(INTAKES / "mdd_recurrent_si.json")
    with fake_task_llm() as fake:
        draft(a, _drafter(fake))
        draft(b, _drafter(fake))
    by_task: dict[str, list[str]] = {}
    for body in fake.requests:
        by_task.setdefault(body["response_format"]["json_schema"]["name"], []).append(
            body["messages"][0]["content"]
        )
    for task, systems in by_task.items():
        assert len(set(systems)) == 1, f"{task}: the system text changes with the case"


def test_timeout_on_a_local_server_gives_the_offline_draft_without_resending() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_task_llm({"*": ["slow"] * 5}) as fake:
        fake.slow_seconds = 2.0
        result = draft(gad, _drafter(fake, llm_timeout_s=0.5))
        offline = draft(gad, "offline").plan
    plan = result.plan
    assert len(fake.requests) == 1  # not sent again: the server may still be working on it
    (call,) = plan.draft.model_calls
    assert call.outcome == "failed" and call.input_tokens > 0 and call.tokens_estimated
    assert plan.draft.fell_back and (plan.draft.model_failure or "").startswith("timeout")
    assert [g.statement for g in plan.goals] == [g.statement for g in offline.goals]
    assert any("within 0.5 s" in w and "offline draft" in w for w in plan.draft.warnings)
    assert result.report.ok


def test_strict_raises_the_failure_instead() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_task_llm({"*": ["slow"]}) as fake:
        fake.slow_seconds = 2.0
        with pytest.raises(ModelError, match="did not answer the goals task within 0.5 s"):
            draft(gad, _drafter(fake, llm_timeout_s=0.5, strict=True))


@pytest.mark.parametrize(
    ("url", "kind"),
    [("http://127.0.0.1:9/v1", "unreachable"), (None, "server_error")],
)
def test_unreachable_or_failing_server_gives_the_offline_draft(url: str | None, kind: str) -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_task_llm({"*": ["500"] * 5}) as fake:
        plan = draft(gad, _drafter(fake, llm_base_url=url or fake.base_url)).plan
    assert plan.draft.fell_back and (plan.draft.model_failure or "").startswith(kind)
    assert plan.draft.warnings[-1].endswith("this is the offline draft.")


def test_a_malformed_answer_is_asked_again_with_the_reason() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_task_llm({"goals": ["malformed", "good"]}) as fake:
        plan = draft(gad, _drafter(fake)).plan
    goals = [b for b in fake.requests if b["response_format"]["json_schema"]["name"] == "goals"]
    assert len(goals) == 2
    assert "the answer was not JSON" in goals[1]["messages"][-1]["content"]
    call = next(c for c in plan.draft.model_calls if c.task == "goals")
    assert call.attempts == 2 and call.outcome == "used" and call.edits_kept >= 1


def test_an_unknown_id_is_asked_again_and_a_task_that_never_fits_is_left_out() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    offline = draft(gad, "offline").plan
    with fake_task_llm({"goals": ["unknown_id", "unknown_id"]}) as fake:
        plan = draft(gad, _drafter(fake)).plan
    goals = [b for b in fake.requests if b["response_format"]["json_schema"]["name"] == "goals"]
    assert "unknown id(s) X9" in goals[1]["messages"][-1]["content"]
    call = next(c for c in plan.draft.model_calls if c.task == "goals")
    assert call.outcome == "invalid" and call.edits_kept == 0
    assert [g.statement for g in plan.goals] == [g.statement for g in offline.goals]
    # the other tasks still count
    assert any(p.provenance.source == "model" for p in plan.problems)


def test_an_invented_figure_is_discarded_with_the_reason() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_task_llm({"problems": ["invented_number"]}) as fake:
        plan = draft(gad, _drafter(fake)).plan
    call = next(c for c in plan.draft.model_calls if c.task == "problems")
    assert call.edits_kept == 0 and call.discarded
    assert all("adds figure(s) 17" in d for d in call.discarded)
    assert all("17 days" not in p.statement for p in plan.problems)


def test_model_facts_need_a_verbatim_quote() -> None:
    data = json.loads((INTAKES / "gad_nurse.json").read_text())
    data["notes"] = "Keeps a gratitude journal most evenings. Swims twice a week."
    intake = intake_mod.parse(data)
    with fake_task_llm({"facts": ["bad_quote"]}) as fake:
        fake.facts = [
            {
                "kind": "preference",
                "kind_of": "wants",
                "path": "notes",
                "quote": "Keeps a gratitude journal",
                "text": "keeps a gratitude journal",
            }
        ]
        plan = draft(intake, _drafter(fake)).plan
    model_facts = [f for f in plan.case_facts.all_facts() if f.source == "model"]  # type: ignore[union-attr]
    assert [f.evidence[0].quote for f in model_facts] == ["Keeps a gratitude journal"]
    call = next(c for c in plan.draft.model_calls if c.task == "facts")
    assert call.edits_kept == 1
    assert any("not in notes word for word" in d for d in call.discarded)


@pytest.mark.parametrize("name", PHI_INTAKES)
def test_no_identifier_is_in_any_request_body(name: str) -> None:
    intake = intake_mod.load(INTAKES / name)
    with fake_task_llm() as fake:
        draft(intake, _drafter(fake))
    sent = b"\n".join(fake.raw_bodies).decode("utf-8").lower()
    assert len(fake.requests) >= 3
    secrets = [
        intake.client.name,
        *intake.client.name.split(),
        intake.client.date_of_birth.isoformat(),
        intake.client.record_id,
        intake.clinician.license_number if intake.clinician else None,
    ]
    for s in filter(None, secrets):
        assert s.lower() not in sent, f"{s!r} was sent to the model"


def test_time_budget_skips_the_tasks_that_would_not_finish_and_says_so() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_task_llm({"goals": ["slow"]}) as fake:
        fake.slow_seconds = 3.0  # a slow server: the other tasks would take longer than is left
        plan = draft(gad, _drafter(fake, llm_time_budget_s=6)).plan
    outcomes = {c.task: c.outcome for c in plan.draft.model_calls}
    assert outcomes == {
        "goals": "used", "problems": "skipped", "interventions": "skipped", "facts": "skipped"
    }  # fmt: skip
    assert fake.tasks() == ["goals"]
    assert any("would not finish within the 6 s time budget" in w for w in plan.draft.warnings)
    assert plan.draft.model_failure is None


def test_progress_is_reported_with_tokens_per_second() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    seen: list[ProgressEvent] = []
    with fake_task_llm() as fake:
        settings = Settings(llm_base_url=fake.base_url, llm_model="m")  # type: ignore[call-arg]
        draft(gad, TaskDrafter.from_settings(settings, progress=seen.append))
    done = [e for e in seen if e.done]
    assert [e.task for e in done] == ["goals", "problems", "interventions", "facts"]
    assert seen[0].tokens == 0 and "reading the request (about" in seen[0].line()
    assert all(e.tokens > 0 for e in done)
    assert "tokens/s" in done[0].line()


def test_a_local_server_waits_longer_and_is_never_retried_blindly() -> None:
    local = Settings(llm_base_url="http://127.0.0.1:8080/v1")  # type: ignore[call-arg]
    remote = Settings(llm_base_url="https://models.example.org/v1", llm_api_key="k")  # type: ignore[call-arg]
    assert local.llm_is_local and not remote.llm_is_local
    assert local.llm_call_timeout_s == 300 and remote.llm_call_timeout_s == 60
    assert local.llm_draft_budget_s == 110 and remote.llm_draft_budget_s is None
    assert ChatClient(local).client.max_retries == 0
    assert ChatClient(remote).client.max_retries == remote.llm_max_retries
    chosen = Settings(llm_base_url="http://localhost:8080/v1", llm_timeout_s=20)  # type: ignore[call-arg]
    assert chosen.llm_call_timeout_s == 20  # an explicit setting wins


def _cli(monkeypatch: pytest.MonkeyPatch, url: str, *extra: str):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from assistant.cli import _register, app
    from assistant.config import get_settings

    monkeypatch.setenv("TPA_LLM_BASE_URL", url)
    monkeypatch.setenv("TPA_LLM_TIMEOUT_S", "0.5")
    get_settings.cache_clear()
    _register()
    args = ["draft", str(INTAKES / "gad_nurse.json"), "--drafter", "llm", "--no-retrieval"]
    return CliRunner().invoke(app, [*args, *extra])


def test_cli_exit_4_and_the_offline_plan_when_the_model_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    with fake_task_llm({"*": ["slow"] * 5}) as fake:
        fake.slow_seconds = 2.0
        res = _cli(monkeypatch, fake.base_url, "-o", str(out))
    assert res.exit_code == 4, res.output
    assert "the model failed (timeout" in res.output
    assert json.loads(out.read_text())["draft"]["fell_back"] is True


def test_cli_strict_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from assistant.cli import main
    from assistant.config import get_settings

    monkeypatch.setenv("TPA_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    args = ["draft", str(INTAKES / "gad_nurse.json"), "--drafter", "llm", "--no-retrieval"]
    monkeypatch.setattr(sys, "argv", ["assistant", *args, "--strict"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code not in (0, 4)
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "error: cannot reach the model server at http://127.0.0.1:9/v1: check the address "
        "and that the server is running"
    )
    assert [e for e in err[:-1] if not e.startswith("model: ")] == []  # progress, then the error


def test_cli_shows_progress_and_exits_0_when_the_model_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with fake_task_llm() as fake:
        res = _cli(monkeypatch, fake.base_url)
    assert res.exit_code == 0, res.output
    assert "model: goals done" in res.output and "tokens/s" in res.output


def test_the_single_prompt_mode_also_gives_the_offline_draft_when_the_model_fails() -> None:
    from assistant.drafting.model_path import OfflineOnFailure, llm_drafter
    from tests.fake_llm import fake_llm

    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    with fake_llm(["slow", "slow"]) as fake:
        fake.slow_seconds = 2.0
        settings = Settings(  # type: ignore[call-arg]
            llm_base_url=fake.base_url, llm_mode="single", llm_timeout_s=0.5, llm_max_retries=0
        )
        drafter = llm_drafter(settings)
        assert isinstance(drafter, OfflineOnFailure)
        plan = draft(gad, drafter).plan
        with pytest.raises(ModelError, match="did not answer within 0.5 s"):
            draft(gad, llm_drafter(settings, strict=True))
    assert plan.draft.fell_back and (plan.draft.model_failure or "").startswith("timeout:")
    assert plan.draft.warnings[-1].endswith("this is the offline draft.")


def test_progress_keeps_saying_the_server_is_reading_a_slow_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assistant.drafting import llm_client

    monkeypatch.setattr(llm_client, "TICK_S", 0.2)
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    seen: list[ProgressEvent] = []
    with fake_task_llm({"goals": ["slow"]}) as fake:
        fake.slow_seconds = 1.0
        settings = Settings(llm_base_url=fake.base_url, llm_model="m")  # type: ignore[call-arg]
        draft(gad, TaskDrafter.from_settings(settings, progress=seen.append))
    waiting = [e for e in seen if e.task == "goals" and e.tokens == 0 and e.seconds > 0]
    assert len(waiting) >= 3
    assert "s so far)" in waiting[-1].line()
    assert any(e.task == "goals" and e.done for e in seen)


def test_a_task_stopped_by_the_time_budget_keeps_what_earlier_tasks_wrote() -> None:
    gad = intake_mod.load(INTAKES / "gad_nurse.json")
    offline = draft(gad, "offline").plan
    with fake_task_llm({"problems": ["slow"]}) as fake:
        fake.slow_seconds = 6.0
        plan = draft(gad, _drafter(fake, llm_time_budget_s=5.5, llm_timeout_s=60)).plan
    outcomes = {c.task: c.outcome for c in plan.draft.model_calls}
    assert outcomes == {
        "goals": "used", "problems": "skipped", "interventions": "skipped", "facts": "skipped"
    }  # fmt: skip
    assert fake.tasks() == ["goals", "problems"]  # nothing sent that could not finish
    assert plan.draft.model_failure is None and not plan.draft.fell_back
    assert any(g.provenance.source == "model" for g in plan.goals)
    assert [p.statement for p in plan.problems] == [p.statement for p in offline.problems]
    assert any("stopped at the 5.5 s time budget" in w for w in plan.draft.warnings)
