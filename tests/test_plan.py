"""The plan model: stable JSON round trip, placeholders, navigation, clear load errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from assistant import intake as intake_mod
from assistant import plan as plan_mod
from assistant.drafting import draft
from assistant.errors import PlanError
from tests.conftest import INTAKES, VALID_INTAKES
from tests.test_intake import intakes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intakes())
def test_drafted_plans_round_trip_through_json(data: dict) -> None:
    plan = draft(intake_mod.parse(data)).plan
    again = plan_mod.loads(plan.dumps())
    assert again == plan
    assert again.dumps() == plan.dumps()


@pytest.mark.parametrize("path", VALID_INTAKES, ids=lambda p: p.name)
def test_shared_plans_round_trip(path) -> None:  # type: ignore[no-untyped-def]
    plan = draft(intake_mod.load(path)).plan
    assert plan_mod.loads(plan.dumps()) == plan


def test_placeholders_are_found_with_their_paths() -> None:
    # the AUD intake has no figure for its high-risk-situations objective: a baseline gap
    plan = draft(intake_mod.load(INTAKES / "aud_with_anxiety.json")).plan
    found = plan.placeholders()
    assert found and all(text.startswith("[") for _, text in found)
    assert any(path.endswith(".baseline") for path, _ in found)


def test_measures_distinguish_placeholders_from_stated_outcomes() -> None:
    assert plan_mod.Target(value=None, text="[target: agree with the client]").is_placeholder
    done = plan_mod.Target(value=None, text="done by session 2")
    assert not done.is_placeholder and done.is_qualitative


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "not valid JSON"),
        (
            '{"schema": "treatment-plan/1", "status": "draft", "status": "signed"}',
            "status: appears twice",
        ),
        ('{"schema": "treatment-plan/1"}', "header"),
        ('{"schema": "treatment-plan/9", "header": {}}', "schema"),
    ],
)
def test_bad_plan_files_are_refused_clearly(text: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected):
        plan_mod.loads(text)


def test_missing_plan_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlanError, match="cannot read"):
        plan_mod.load(tmp_path / "nope.json")


def test_a_plan_path_that_is_not_a_regular_file_is_refused_without_reading_it() -> None:
    with pytest.raises(PlanError, match="not a regular file"):
        plan_mod.load("/dev/urandom")
