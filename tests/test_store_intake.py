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
    store.accounts.init(
        "sam", PASSWORD, role="supervisor", full_name="Sam Reyes", credentials="PhD"
    )
    admin = store.accounts.login("sam", PASSWORD)
    store.accounts.add(
        admin, "dana", PASSWORD, full_name="Dana Okafor", credentials="LCSW", supervisor="sam"
    )
    return store.accounts.login("dana", PASSWORD)


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


def test_a_signed_drafted_plan_exports_as_final_with_its_intake(real_store: PlanStore) -> None:
    from assistant import review
    from assistant.export import is_final, render

    me = _supervisee(real_store)
    intake = intake_mod.load(INTAKES / "gad_nurse.json")
    plan = draft(intake).plan
    # the clinician fills every placeholder before signing: here, each baseline gets a figure
    for _, _, o in plan.objectives():
        if o.baseline is not None and o.baseline.is_placeholder:
            o.baseline = o.baseline.model_copy(
                update={
                    "value": 0.0,
                    "text": "0",
                    "date": intake.intake_date,
                    "source": "week-1 log",
                }
            )
            o.text = o.text.replace(plan_placeholder(o.text), "0")
    for path, _, _item in list(plan.items()):
        plan = review.accept(plan, path)
    saved = real_store.create(me, plan, intake=intake)
    real_store.submit(me, saved.plan_id)
    supervisor = real_store.accounts.login("sam", PASSWORD)
    real_store.approve(supervisor, saved.plan_id)
    real_store.sign(me, saved.plan_id)
    signed = real_store.sign(supervisor, saved.plan_id)
    assert signed.status == "signed"
    assert is_final(signed.plan, intake=intake)
    assert b"DRAFT" not in render(signed.plan, "md", intake=intake)
    # without its intake the figures quoted from it cannot be traced: exported as a draft
    assert not is_final(signed.plan)
    assert b"DRAFT" in render(signed.plan, "md")
    # a plan file is a signed copy only when it is, word for word, the kept signed version
    assert real_store.is_signed_copy(signed.plan.dumps())
    edited = signed.plan.model_copy(deep=True)
    edited.goals[0].objectives[0].text += " Client denies SI."
    assert not real_store.is_signed_copy(edited.dumps())


def test_a_signed_plan_file_not_kept_in_the_store_exports_as_a_draft(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import typer
    from typer.testing import CliRunner

    from assistant.cli import store as store_cli
    from assistant.export import is_final
    from tests.test_export import _signed, example_plan

    monkeypatch.setenv("TPA_DATA_DIR", str(tmp_path / "data"))
    plan = _signed(example_plan())  # signed and through the gate, but only a file
    assert is_final(plan)
    src = tmp_path / "plan.json"
    src.write_text(plan.dumps())
    out = tmp_path / "plan.md"
    app = typer.Typer()
    store_cli.register(app)
    result = CliRunner().invoke(app, ["export", str(src), "--format", "md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not a signed version kept in the plan store" in result.output
    assert "DRAFT" in out.read_text()


def plan_placeholder(text: str) -> str:
    from assistant.plan import PLACEHOLDER

    m = PLACEHOLDER.search(text)
    return m.group(0) if m else "\x00"
