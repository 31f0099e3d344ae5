"""The Draft page while the model drafts: its steps, the seconds they take, and the offline
draft with the reason when the model fails (``AppTest``, a fake OpenAI-compatible server on
127.0.0.1; nothing else is reached)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant import intake as intake_mod
from assistant.drafting import draft
from assistant.validation import validate
from tests.conftest import INTAKES
from tests.fake_llm_tasks import FakeTaskLLM, fake_task_llm
from tests.test_app import (
    GAD,
    accounts,
    app,
    data_dir,
    goto,
    load_intake,
    no_exceptions,
    seen,
    sign_in,
    texts,
)

__all__ = ["accounts", "data_dir"]

STEPS = [
    "goals in the client's own words",
    "problem statements about this person",
    "choosing among the retrieved interventions",
    "case facts from the intake's free text",
]


@pytest.fixture
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTaskLLM]:
    """The fake model server, named to the app as its model (TPA_LLM_BASE_URL)."""
    from assistant.config import get_settings

    with fake_task_llm() as fake:
        monkeypatch.setenv("TPA_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("TPA_LLM_MODEL", "fake-model")
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


def draft_with_the_model(at: AppTest) -> AppTest:
    goto(load_intake(at), "draft")
    assert at.radio(key="draft_drafter").options == [
        "Offline drafter (no network)",
        "Model: fake-model",
    ]
    at.radio(key="draft_drafter").set_value("llm")
    at.button(key="draft_go").click()
    return at.run()


def model_expander(at: AppTest) -> Any:
    (box,) = [e for e in at.expander if e.label.startswith("How the model (fake-model)")]
    return box


def test_the_model_draft_lists_each_step_with_its_tokens_and_seconds(
    accounts: dict[str, Any], server: FakeTaskLLM
) -> None:
    at = draft_with_the_model(sign_in(app(), "ana"))
    no_exceptions(at)
    assert server.tasks() == ["goals", "problems", "interventions", "facts"]
    plan = at.session_state["plan"]
    assert plan.draft.drafter == "llm" and not plan.draft.fell_back
    assert not [w for w in texts(at, "warning") if "offline draft" in w]
    box = model_expander(at)
    assert box.label.startswith("How the model (fake-model) drafted this plan: 4 step(s), ")
    lines = [seen(str(m.value)) for m in box.markdown]
    assert [x.split(":")[0] for x in lines] == [s[0].upper() + s[1:] for s in STEPS]
    goals = next(c for c in plan.draft.model_calls if c.task == "goals")
    assert lines[0] == (
        f"Goals in the client's own words: answered; {goals.input_tokens} tokens sent, "
        f"{goals.output_tokens} received in {goals.seconds:.0f} s; "
        f"{goals.edits_kept} of {goals.edits_proposed} edits kept"
    )
    assert goals.edits_kept > 0
    # the model's wording is what the page shows for the goals it rewrote
    assert any(g.statement.startswith("In their words") for g in plan.goals)


@pytest.mark.parametrize(
    ("script", "env", "line", "step"),
    [
        (
            {"*": ["slow"] * 4},
            {"TPA_LLM_TIMEOUT_S": "0.5"},
            "The model could not be used (the model did not answer the goals task within "
            "0.5 s (it was not sent again, as the server on this machine may still be working "
            "on it)), so this is the offline draft.",
            "Goals in the client's own words: did not answer",
        ),
        (
            {"*": ["malformed"] * 8},
            {},
            "The model's answers could not be read, so this is the offline draft.",
            "Goals in the client's own words: answered in a form that could not be read",
        ),
    ],
    ids=["timeout", "garbage"],
)
def test_when_the_model_fails_the_page_says_why_and_shows_the_offline_draft(
    accounts: dict[str, Any],
    server: FakeTaskLLM,
    monkeypatch: pytest.MonkeyPatch,
    script: dict[str, list[str]],
    env: dict[str, str],
    line: str,
    step: str,
) -> None:
    from assistant.config import get_settings

    server.script, server.slow_seconds = script, 2.0
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    at = draft_with_the_model(sign_in(app(), "ana"))
    no_exceptions(at)
    assert line in texts(at, "warning")
    assert any(seen(str(m.value)).startswith(step) for m in model_expander(at).markdown)
    plan = at.session_state["plan"]
    gad = intake_mod.load(GAD)
    offline = draft(gad, "offline").plan
    assert [g.statement for g in plan.goals] == [g.statement for g in offline.goals]
    assert [p.statement for p in plan.problems] == [p.statement for p in offline.problems]
    assert validate(plan, gad).ok
    assert {m.label: m.value for m in at.metric}["Errors"] == "0"


def test_the_fallback_line_says_why_the_model_edits_were_not_used() -> None:
    from assistant.plan import DraftInfo, ModelCall
    from assistant.ui.model_progress import fallback_line

    skipped = [ModelCall(task=t, outcome="skipped") for t in ("goals", "problems")]
    info = DraftInfo(drafter="llm", fell_back=True, model_calls=skipped)
    assert fallback_line(info) == (
        "No step of the model could finish within the time budget, so this is the offline draft."
    )
    used = ModelCall(task="goals", edits_proposed=2, edits_kept=0)
    info = DraftInfo(drafter="llm", fell_back=True, model_calls=[used, skipped[1]])
    assert fallback_line(info) == (
        "None of the model's edits passed the checks, so this is the offline draft."
    )
    assert fallback_line(DraftInfo(drafter="llm", model_calls=[used])) is None


def _live_page(base_url: str, intake_path: str, finish: bool) -> None:
    """A page that drafts with the model inside a status box, as the Draft page does."""
    import streamlit as st

    from assistant import intake
    from assistant.config import Settings
    from assistant.drafting import draft
    from assistant.drafting.llm_tasks import TaskDrafter
    from assistant.ui.model_progress import LiveProgress

    settings = Settings(llm_base_url=base_url, llm_model="fake-model", llm_timeout_s=1.5)
    status = st.status("Drafting the plan…", expanded=True)  # left running unless finished
    live = LiveProgress(status)
    result = draft(intake.load(intake_path), TaskDrafter.from_settings(settings, progress=live))
    if finish:
        live.finish(result.plan)


@pytest.mark.parametrize("finish", [False, True], ids=["while-drafting", "finished"])
def test_the_status_box_shows_each_step_and_the_wait_for_the_slow_one(
    finish: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.drafting import llm_client

    monkeypatch.setattr(llm_client, "TICK_S", 0.4)  # 'still reading' every 0.4 s, not 5 s
    with fake_task_llm({"facts": ["slow"]}) as fake:
        fake.slow_seconds = 3.0  # the last step outlasts the 1.5 s wait
        at = AppTest.from_function(
            _live_page,
            args=(fake.base_url, str(INTAKES / "gad_nurse.json"), finish),
            default_timeout=60,
        )
        at.run()
    no_exceptions(at)
    (status,) = at.status
    done = [seen(str(m.value)) for m in status.markdown]
    assert [x.split(":")[0] for x in done] == [
        f"Step {n} of 4, {title}" for n, title in enumerate(STEPS[:3], 1)
    ]
    assert all(" tokens in " in x and " tokens/s)" in x for x in done)
    bars: list[Any] = list(status.get("progress"))
    (bar,) = bars
    if not finish:  # what the page shows at the moment the slow step gives up
        assert status.label == "Drafting with the model: step 4 of 4" and status.state == "running"
        assert bar.text.startswith(f"Step 4 of 4: {STEPS[3]} · ") and bar.value == 75
        (waiting,) = [seen(str(c.value)) for c in status.caption]
        # drawn from the model client's own thread while the server reads the request
        assert waiting.startswith("The model is reading the request (about ")
        assert waiting.endswith(" s so far).")
    else:
        assert status.label == "Offline draft ready: the model's work was not used"
        assert status.state == "complete" and bar.value == 100
        assert bar.text.startswith("Finished in ")
        assert [seen(str(w.value)) for w in status.warning] == [
            "The model could not be used (the model did not answer the facts task within 1.5 s "
            "(it was not sent again, as the server on this machine may still be working on it)), "
            "so this is the offline draft."
        ]
        assert not status.caption


def _summary_page() -> None:
    """The Draft page's account of a model draft whose last step ran out of time."""
    from assistant.plan import ModelCall
    from assistant.ui.model_progress import summary
    from tests.store_fixtures import example_plan

    plan = example_plan()
    plan.draft.drafter, plan.draft.model = "llm", "fake-model"
    plan.draft.model_calls = [
        ModelCall(
            task="goals",
            attempts=2,
            input_tokens=900,
            output_tokens=120,
            seconds=41.4,
            edits_proposed=3,
            edits_kept=2,
            discarded=["model edit to goal 2 undone: validator GL02 the goal names no change"],
        ),
        ModelCall(task="problems", outcome="skipped"),
    ]
    summary(plan)


def test_after_the_draft_a_step_left_out_for_time_is_named_and_each_step_accounted() -> None:
    at = AppTest.from_function(_summary_page, default_timeout=30).run()
    no_exceptions(at)
    assert texts(at, "warning") == [
        "The step 'problem statements about this person' was left out to stay within the "
        "time budget; that part is the offline draft."
    ]
    (box,) = at.expander
    assert box.label == "How the model (fake-model) drafted this plan: 2 step(s), 41 s"
    assert [seen(str(m.value)) for m in box.markdown] == [
        "Goals in the client's own words: answered; 900 tokens sent, 120 received in 41 s "
        "(2 tries); 2 of 3 edits kept",
        "Problem statements about this person: left out to stay within the time budget",
    ]
    assert [seen(str(c.value)) for c in box.caption] == [
        "model edit to goal 2 undone: validator GL02 the goal names no change"
    ]
