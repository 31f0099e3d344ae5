"""One gate: the payer profile comes from the plan, and submit, approve, sign and final
export all use it (real validator)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from assistant.export import is_final, render
from assistant.plan import Signature, TreatmentPlan
from assistant.store import PlanStore, ValidationBlocked, gate, make_engine, migrate, profile_for
from assistant.validation import validate

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import Team, add_team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


def _long_plan(payer: str | None) -> TreatmentPlan:
    """The MDD example planned for 60 weeks: fine for most payers, over Medicare's year."""
    plan = example_plan("example_mdd")
    timeline = plan.timeline.model_copy(update={"estimated_weeks": 60})
    header = plan.header.model_copy(update={"payer": payer})
    return plan.model_copy(update={"timeline": timeline, "header": header})


@pytest.fixture
def real(db_url: str) -> Iterator[tuple[PlanStore, Team]]:
    engine = make_engine(db_url)
    migrate(engine)
    store = PlanStore(engine, validator=validate)
    yield store, add_team(store)
    engine.dispose()


@pytest.mark.parametrize(
    ("plan_payer", "intake_payer", "profile"),
    [
        ("medicare", None, "medicare"),
        ("Medicare", None, "medicare"),
        (None, "medicare", "medicare"),
        ("commercial", "medicare", "medicare"),  # the stricter one applies
        ("commercial", None, "default"),
        ("private_pay", "medicaid", "default"),
        (None, None, "default"),
    ],
)
def test_the_profile_comes_from_the_plans_payer(
    plan_payer: str | None, intake_payer: str | None, profile: str
) -> None:
    from assistant import intake as intake_mod
    from tests.conftest import INTAKES

    intake = intake_mod.load(INTAKES / "gad_nurse.json").model_copy(update={"payer": intake_payer})
    assert profile_for(_long_plan(plan_payer), intake) == profile


def test_a_medicare_plan_over_a_year_is_refused_at_sign(real: tuple[PlanStore, Team]) -> None:
    store, team = real
    ok = store.create(team.solo, _long_plan("commercial")).plan_id
    assert store.sign(team.solo, ok).status == "signed", "60 weeks is fine for this payer"
    pid = store.create(team.solo, _long_plan("medicare")).plan_id
    with pytest.raises(ValidationBlocked, match="timeline.estimated_weeks"):
        store.sign(team.solo, pid)
    assert store.get(team.solo, pid).status == "draft"


def test_a_medicare_plan_failing_a_medicare_rule_is_refused_at_submit_and_approve(
    real: tuple[PlanStore, Team],
) -> None:
    store, team = real
    pid = store.create(team.ana, _long_plan("medicare")).plan_id
    with pytest.raises(ValidationBlocked, match="cannot be submitted"):
        store.submit(team.ana, pid)


def test_a_signed_medicare_plan_failing_a_medicare_rule_is_not_exported_as_final() -> None:
    plan = _long_plan("medicare")
    sig = Signature(
        role="clinician", name="Selma Varga", credentials="LCSW", signed_on=dt.date(2026, 9, 20)
    )
    signed = plan.model_copy(update={"status": "signed", "signatures": [sig]})
    result = gate(signed, for_signing=True)
    assert result.profile == "medicare" and not result.ok
    assert any(f.rule == "PY02" for f in result.errors)
    assert not is_final(signed)
    assert b"DRAFT" in render(signed, "md")
    commercial = signed.model_copy(
        update={"header": signed.header.model_copy(update={"payer": "commercial"})}
    )
    assert is_final(commercial), "the same plan for another payer is final"
