"""The store keeps the intake a plan was drafted from and gates with it (real validator)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant import intake as intake_mod
from assistant.drafting import draft
from assistant.store import PlanStore, ValidationBlocked, make_engine, migrate
from assistant.validation import validate
from tests.conftest import INTAKES
from tests.store_fixtures import PASSWORD

pytest_plugins = ("tests.store_fixtures",)


@pytest.fixture
def real_store(db_url: str) -> Iterator[PlanStore]:
    engine = make_engine(db_url)
    migrate(engine)
    yield PlanStore(engine, validator=validate)
    engine.dispose()


def _supervisee(store: PlanStore):  # type: ignore[no-untyped-def]
    store.accounts.add("sam", PASSWORD, role="supervisor", full_name="Sam Reyes", credentials="PhD")
    return store.accounts.add(
        "dana", PASSWORD, full_name="Dana Okafor", credentials="LCSW", supervisor="sam"
    )


def test_a_drafted_plan_submits_when_its_intake_is_kept(real_store: PlanStore) -> None:
    me = _supervisee(real_store)
    intake = intake_mod.load(INTAKES / "gad_nurse.json")
    plan = draft(intake).plan  # its problem statement quotes "40-60 minutes" from the intake
    saved = real_store.create(me, plan, intake=intake)
    assert real_store.intake(me, saved.plan_id) == intake
    submitted = real_store.submit(me, saved.plan_id)
    assert submitted.status == "submitted"


def test_without_its_intake_the_gate_cannot_trace_the_intake_figures(real_store: PlanStore) -> None:
    me = _supervisee(real_store)
    intake = intake_mod.load(INTAKES / "gad_nurse.json")
    saved = real_store.create(me, draft(intake).plan)
    with pytest.raises(ValidationBlocked) as exc:
        real_store.submit(me, saved.plan_id)
    assert "NI01" in str(exc.value) or "figure" in str(exc.value).lower()
    assert real_store.get(me, saved.plan_id).status == "draft"  # nothing half-saved
