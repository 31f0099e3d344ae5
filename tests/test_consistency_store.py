"""A plan edited to contradict the case is refused at submit and at sign (real validator).

Each case starts from a plan that fits its case (the intake stored with the plan, or the
facts the clinician confirmed with it), makes one edit a clinician might make that
contradicts the case, and shows the store refuses to move it on, naming the rule; the
consistent plan goes through.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant import intake as intake_mod
from assistant.facts import extract
from assistant.facts.model import PreferenceFact, RuledOutFact
from assistant.intake import Intake
from assistant.plan import Intervention, Provenance, TreatmentPlan, load
from assistant.store import PlanStore, ValidationBlocked, make_engine, migrate
from assistant.validation import validate
from tests.store_fixtures import PASSWORD

pytest_plugins = ("tests.store_fixtures",)

DATA = Path(__file__).parent / "data"
Edit = Callable[[TreatmentPlan], None]


@dataclass
class Case:
    """A consistent plan and its case, and the edit that contradicts the case."""

    base: str
    rule: str
    contradict: Edit
    context: dict[str, Any] = field(default_factory=dict)
    intake_set: dict[str, Any] = field(default_factory=dict)
    fit: Edit = lambda plan: None  # noqa: E731 - makes the base plan fit the case
    confirm: Callable[[Intake], Any] | None = None  # facts the clinician confirmed

    def intake(self) -> Intake:
        doc = json.loads((DATA / "intakes" / f"{self.base}.json").read_text())
        doc.update(self.intake_set)
        if self.context:
            doc["context"] = self.context
        return intake_mod.parse(doc)

    def plans(self) -> tuple[TreatmentPlan, TreatmentPlan, Intake]:
        intake = self.intake()
        plan = load(DATA / "plans" / f"{self.base}.json")
        self.fit(plan)
        if self.confirm is not None:
            plan.case_facts = self.confirm(intake)
        edited = plan.model_copy(deep=True)
        self.contradict(edited)
        return plan, edited, intake


def _clinician() -> Provenance:
    return Provenance(source="clinician", author="Sol Park", authorship="written")


# ---------------------------------------------------------------- the edits


def _maintenance(plan: TreatmentPlan) -> None:
    o = plan.goals[0].objectives[0]
    o.text = (
        "Client will keep to 0 drinking days a week within 12 weeks and hold it, as logged on "
        "the Timeline Followback."
    )
    o.metric = "drinking days per week"
    o.direction = "achieve"
    o.timeframe.weeks = 12
    o.baseline = o.baseline.model_copy(update={"value": 0.0, "high": None, "text": "0"})  # type: ignore[union-attr]
    o.target = o.target.model_copy(update={"value": 0.0, "high": None, "text": "0"})  # type: ignore[union-attr]
    plan.goals[0].statement = "Client will keep the abstinence he reached after detox."


def _cut_back(plan: TreatmentPlan) -> None:
    """The template's reduction objective, put back by an edit."""
    original = load(DATA / "plans" / "example_aud_anxiety.json").goals[0].objectives[0]
    plan.goals[0].objectives[0] = original


def _long_timeline(plan: TreatmentPlan) -> None:
    plan.timeline.estimated_weeks = 70


def _programme_days(plan: TreatmentPlan) -> None:
    plan.timeline.session_frequency = (
        "3 days a week, 3 hours a day, plus a weekly individual session"
    )


def _weekly(plan: TreatmentPlan) -> None:
    plan.timeline.session_frequency = "weekly"


def _work_criterion(plan: TreatmentPlan) -> None:
    plan.timeline.discharge_criteria.append("back at usual work hours, with no missed work days")


def _no_aa(plan: TreatmentPlan) -> None:
    plan.goals[0].objectives[
        2
    ].text = "Client will attend 2 or more SMART Recovery meetings a week, up from 0, for 8 weeks."
    plan.interventions[6].technique = "Referral to SMART Recovery or Refuge Recovery meetings"


def _aa(plan: TreatmentPlan) -> None:
    plan.interventions[6].technique = "Referral to Alcoholics Anonymous, twice a week"


def _refuses_aa(intake: Intake) -> Any:
    facts = extract(intake)
    facts.preferences.append(
        PreferenceFact(
            id="preference:aa", kind="refusal", text="does not want AA", target="AA", confirmed=True
        )
    )
    return facts


def _prolonged_exposure(plan: TreatmentPlan) -> None:
    plan.interventions[2].modality = "Prolonged Exposure"
    plan.interventions[2].technique = "Prolonged Exposure (Foa): imaginal and in-vivo exposure"


def _placeholder_score(plan: TreatmentPlan) -> None:
    o = plan.goals[0].objectives[0]
    o.baseline = o.baseline.model_copy(  # type: ignore[union-attr]
        update={"value": None, "text": "[baseline: score at session 1]"}
    )


def _placeholder_count(plan: TreatmentPlan) -> None:
    o = plan.goals[0].objectives[3]
    o.baseline = o.baseline.model_copy(  # type: ignore[union-attr]
        update={"value": None, "text": "[baseline: record in week 1]"}
    )


_DRIVING = "Agree a no-drive plan: car keys handed to his partner on drinking evenings."


def _driving_named(plan: TreatmentPlan) -> None:
    assert plan.safety is not None
    plan.safety.summary = (
        "Risk to others: drives home after drinking (recorded at intake). No suicidal "
        "ideation, self-harm or homicidal ideation reported."
    )
    plan.safety.risk_level = "moderate"
    plan.safety.actions.append(_DRIVING)


def _driving_dropped(plan: TreatmentPlan) -> None:
    assert plan.safety is not None
    plan.safety.actions.remove(_DRIVING)


def _none_to_others(plan: TreatmentPlan) -> None:
    assert plan.safety is not None
    plan.safety.summary = "Risk screened at intake. Harm to others: none reported."


def _no_medical_step(plan: TreatmentPlan) -> None:
    plan.interventions[5] = Intervention(
        id="int-6",
        modality="Care coordination",
        technique="Referral to a peer support worker",
        objective_ids=["obj-1-1"],
        provenance=_clinician(),
    )


def _purging_objective(plan: TreatmentPlan) -> None:
    plan.goals[0].objectives[
        2
    ].text = "Client will cut purging episodes from 3 a week to 0 within 8 weeks, on a food diary."


def _no_purging(intake: Intake) -> Any:
    facts = extract(intake)
    facts.ruled_out.append(RuledOutFact(id="ruled_out:purging", concept="purging", confirmed=True))
    return facts


_ABSTINENT = {"substance_status": [{"substance": "alcohol", "status": "abstinent",
              "since": "2026-09-20", "withdrawal": "none"}]}  # fmt: skip
_DRIVES = {"risk_to_others": ["drives home after drinking"]}


def _release_scope(plan: TreatmentPlan) -> None:
    plan.sequencing.append(
        "What may be shared with the county court: attendance and the discharge summary, as "
        "the client agreed in writing."
    )


CASES = {
    "reduction target while abstinent": Case(
        "example_aud_anxiety", "CF01", _cut_back, _ABSTINENT, fit=_maintenance
    ),
    "timeline past the court's deadline": Case(
        "example_aud_anxiety", "CF02", _long_timeline,
        {"legal": {"mandated": True, "referred_by": "the county court", "deadline": "2027-12-31"}},
        fit=_release_scope,
    ),
    "weekly sessions in an intensive programme": Case(
        "example_gad", "CF03", _weekly, intake_set={"setting": "intensive_outpatient"},
        fit=_programme_days,
    ),
    "work goal for a retired client": Case(
        "example_aud_anxiety", "CF04", _work_criterion, {"occupation": "retired"}
    ),
    "a refused element proposed": Case(
        "example_aud_anxiety", "CF05", _aa, fit=_no_aa, confirm=_refuses_aa
    ),
    "two trauma-focused therapies in parallel": Case(
        "example_ptsd", "CF06", _prolonged_exposure
    ),
    "a recorded score left as a placeholder": Case("example_gad", "CF07", _placeholder_score),
    "a recorded count left as a placeholder": Case("example_gad", "CF08", _placeholder_count),
    "risk to others dropped": Case(
        "example_aud_anxiety", "CF09", _driving_dropped, _DRIVES, fit=_driving_named
    ),
    "safety text says no risk to others": Case(
        "example_aud_anxiety", "CF10", _none_to_others, _DRIVES, fit=_driving_named
    ),
    "withdrawal signs without a medical step": Case(
        "example_aud_anxiety", "CF12", _no_medical_step,
        {"substance_status": [{"substance": "alcohol", "status": "current_use",
                               "withdrawal": "current_signs"}]},
    ),
    "an objective about what the intake rules out": Case(
        "example_gad", "CF13", _purging_objective, confirm=_no_purging
    ),
}  # fmt: skip


# ---------------------------------------------------------------- the store


@pytest.fixture
def real_store(db_url: str) -> Iterator[PlanStore]:
    engine = make_engine(db_url)
    migrate(engine)
    yield PlanStore(engine, validator=validate)
    engine.dispose()


def _accounts(store: PlanStore) -> tuple[Any, Any]:
    """(a supervisee who submits, an independent clinician who signs directly)."""
    acc = store.accounts
    acc.init("sam", PASSWORD, role="supervisor", full_name="Sam Reyes", credentials="PhD")
    admin = acc.login("sam", PASSWORD)
    acc.add(admin, "dana", PASSWORD, full_name="Dana Okafor", credentials="LCSW", supervisor="sam")
    acc.add(admin, "sol", PASSWORD, full_name="Sol Park", credentials="LCSW")
    return acc.login("dana", PASSWORD), acc.login("sol", PASSWORD)


@pytest.mark.parametrize("name", list(CASES))
def test_an_edit_that_contradicts_the_case_is_refused(real_store: PlanStore, name: str) -> None:
    case = CASES[name]
    plan, edited, intake = case.plans()
    fits = validate(plan, intake)
    assert fits.ok, [f.line() for f in fits.errors]
    dana, sol = _accounts(real_store)

    mine = real_store.create(dana, edited, intake=intake)
    with pytest.raises(ValidationBlocked) as refused:
        real_store.submit(dana, mine.plan_id)
    assert case.rule in {f.rule for f in refused.value.findings}, str(refused.value)
    assert real_store.get(dana, mine.plan_id).status == "draft"

    theirs = real_store.create(sol, plan, intake=intake)
    saved = real_store.save(sol, theirs.plan_id, edited, expected_version=1, note="edited")
    with pytest.raises(ValidationBlocked) as unsigned:
        real_store.sign(sol, theirs.plan_id)
    assert case.rule in {f.rule for f in unsigned.value.findings}, str(unsigned.value)
    assert real_store.get(sol, theirs.plan_id).status == "draft"

    real_store.save(sol, theirs.plan_id, plan, expected_version=saved.version, note="undo")
    assert real_store.sign(sol, theirs.plan_id).status == "signed"


def test_a_safety_plan_asked_for_again_is_a_warning_not_a_refusal(real_store: PlanStore) -> None:
    case = Case(
        "example_mdd",
        "CF11",
        lambda plan: None,
        {"safety_steps_taken": ["safety plan written at intake"]},
    )
    plan, _, intake = case.plans()  # the plan still asks to write a safety plan by session 2
    report = validate(plan, intake)
    assert {f.severity for f in report.findings if f.rule == "CF11"} == {"warning"}
    dana, _ = _accounts(real_store)
    saved = real_store.create(dana, plan, intake=intake)
    assert real_store.submit(dana, saved.plan_id).status == "submitted"
