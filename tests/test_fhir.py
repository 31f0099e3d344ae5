"""FHIR R4 export: every example plan gives a Bundle that fhir.resources validates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from assistant import instruments, review
from assistant import plan as plan_mod
from assistant.export import fhir, render
from assistant.plan import Signature

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import EXAMPLE_PLANS, FakeValidator, example_plan, suggested_plan  # noqa: E402


def _resources(data: bytes, kind: str) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in json.loads(data)["entry"] if e["resource"]["resourceType"] == kind
    ]


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_bundle_validates_and_links_up(path: Path) -> None:
    plan = plan_mod.load(path)
    data = render(plan, "fhir")
    bundle = Bundle.model_validate_json(data)  # raises when any resource is invalid
    assert bundle.type == "collection"
    full_urls = {e.fullUrl for e in bundle.entry}

    [careplan] = _resources(data, "CarePlan")
    assert (careplan["intent"], careplan["status"]) == ("proposal", "draft")
    goals = _resources(data, "Goal")
    assert len(goals) == sum(1 for _ in plan.objectives())
    assert {g["reference"] for g in careplan["goal"]} <= full_urls
    assert {a["reference"] for a in careplan["addresses"]} <= full_urls
    assert len(careplan["activity"]) == len(plan.interventions)

    conditions = _resources(data, "Condition")
    assert [c["code"]["coding"][0] for c in conditions] == [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": d.code, "display": d.label}
        for d in plan.diagnoses
    ]


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_loinc_codes_only_where_the_registry_confirms_them(path: Path) -> None:
    plan = plan_mod.load(path)
    data = render(plan, "fhir")
    goals = _resources(data, "Goal")
    for (_, _, o), goal in zip(plan.objectives(), goals, strict=True):
        coding = goal["target"][0]["measure"].get("coding", [])
        inst = instruments.get(o.instrument) if o.instrument else None
        if inst is not None and inst.loinc_confirmed:
            assert coding == [
                {"system": "http://loinc.org", "code": inst.loinc, "display": inst.name}
            ]
        else:
            assert coding == [], f"{o.id}: no LOINC code without a confirmed one"
    for obs in _resources(data, "Observation"):
        for c in obs["code"].get("coding", []):
            assert c["system"] == "http://loinc.org"
            assert any(
                i.loinc == c["code"] and i.loinc_confirmed for i in instruments.all_instruments()
            )


def test_known_codes_in_the_gad_example() -> None:
    data = render(example_plan("example_gad"), "fhir")
    goal = _resources(data, "Goal")[0]
    target = goal["target"][0]
    assert target["measure"]["coding"][0]["code"] == "70274-6"  # GAD-7
    assert target["detailQuantity"] == {"value": 10.0, "comparator": "<"}
    assert target["dueDate"] == "2026-11-03"  # created 2026-09-08 + 8 weeks
    obs = _resources(data, "Observation")[0]
    assert obs["code"]["coding"][0]["code"] == "70274-6"
    assert obs["valueQuantity"] == {"value": 17.0}
    assert obs["effectiveDateTime"] == "2026-09-08"


def test_ranges_become_detail_range() -> None:
    plan = example_plan("example_ptsd")
    data = render(plan, "fhir")
    ranged = [
        (o, g)
        for (_, _, o), g in zip(plan.objectives(), _resources(data, "Goal"), strict=True)
        if o.target and o.target.high is not None and o.target.value is not None
    ]
    assert ranged, "the PTSD example has a target range"
    for o, g in ranged:
        assert g["target"][0]["detailRange"] == {
            "low": {"value": o.target.value},
            "high": {"value": o.target.high},
        }


def test_signed_plan_becomes_an_active_plan() -> None:
    plan = example_plan().model_copy(
        update={
            "status": "signed",
            "signatures": [
                Signature(
                    role="clinician", name="J W", credentials="LPC", signed_on=dt.date(2026, 9, 9)
                )
            ],
        }
    )
    data = render(plan, "fhir", validator=FakeValidator())
    [careplan] = _resources(data, "CarePlan")
    assert (careplan["intent"], careplan["status"]) == ("plan", "active")
    assert {g["lifecycleStatus"] for g in _resources(data, "Goal")} == {"active"}


def test_provenance_marks_ai_suggested_items_only() -> None:
    assert _resources(render(example_plan(), "fhir"), "Provenance") == [], "clinician-written"
    plan = review.edit(
        suggested_plan(), "obj-1-1", "Client will bring GAD-7 below 10 within 8 weeks."
    )
    plan = review.reject(plan, "int-1")
    data = render(plan, "fhir")
    provs = _resources(data, "Provenance")
    items = [i for _, _, i in review.active(plan).items()]
    assert len(provs) == len(items)
    edited = [p for p in provs if "edited" in p["activity"]["text"]]
    assert len(edited) == 1
    assert [a["type"]["coding"][0]["code"] for a in edited[0]["agent"]] == ["assembler", "verifier"]
    assert edited[0]["entity"][0]["what"]["display"].startswith("knowledge gad.core v2")


def test_ids_are_stable_between_exports() -> None:
    now = dt.datetime(2026, 9, 9, 12, 0, tzinfo=dt.UTC)
    a = fhir.to_json(example_plan(), final=False, now=now)
    b = fhir.to_json(example_plan(), final=False, now=now)
    assert a == b
