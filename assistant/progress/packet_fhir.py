"""The review packet as a FHIR R4 Bundle (``fhir.resources.R4B`` models, validated on the way out).

- a Goal per objective: ``lifecycleStatus`` from the disposition (met is completed, discontinued
  is cancelled, deferred is on-hold, otherwise active) and ``achievementStatus`` from the numbers
  (achieved, improving, no-change, worsening, in-progress);
- an Observation per reading (baseline and each entry after it) and a change-score Observation
  whose ``derivedFrom`` points at the baseline and the latest reading;
- the reviewed CarePlan, which ``replaces`` the CarePlan of the plan as exported by
  :mod:`assistant.export.fhir`;
- a Provenance naming who reviewed and who signed, when they are given.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.provenance import Provenance

from assistant import instruments
from assistant.export import fhir as plan_fhir
from assistant.plan import TreatmentPlan
from assistant.progress.engine import ObjectiveProgress, Reading
from assistant.progress.report import ProgressReport
from assistant.progress.review import ObjectiveDisposition

_NS = uuid.UUID("0b8f6a52-3c1d-4f57-9e1a-7d2c5b9e4a10")
ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
_ACHIEVED = {
    "met": "achieved",
    "improving": "improving",
    "no_change": "no-change",
    "worsening": "worsening",
    "no_data": "in-progress",
}
_LIFECYCLE = {"met": "completed", "discontinued": "cancelled", "deferred": "on-hold"}
_CLASSES: dict[str, Any] = {
    "Patient": Patient,
    "Practitioner": Practitioner,
    "Goal": Goal,
    "Observation": Observation,
    "CarePlan": CarePlan,
    "Provenance": Provenance,
}


def _uid(report: ProgressReport, plan: TreatmentPlan, *parts: str) -> str:
    key = "/".join(
        (plan.header.record_id, plan.header.created.isoformat(), str(report.as_of), *parts)
    )
    return str(uuid.uuid5(_NS, key))


def _ref(uid: str, display: str | None = None) -> dict[str, str]:
    out = {"reference": f"urn:uuid:{uid}"}
    if display:
        out["display"] = display
    return out


def _code(p: ObjectiveProgress) -> dict[str, Any]:
    inst = instruments.get(p.measure)
    if inst is not None and inst.loinc and inst.loinc_confirmed:
        return {
            "coding": [{"system": "http://loinc.org", "code": inst.loinc, "display": inst.name}],
            "text": inst.id,
        }
    return {"text": p.measure}


def _obs(p: ObjectiveProgress, patient: dict[str, str], r: Reading, what: str) -> dict[str, Any]:
    unit = p.unit or ("score" if p.kind == "instrument" else None)
    q: dict[str, Any] = {"value": r.value}
    if unit:
        q["unit"] = unit
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": _code(p),
        "subject": patient,
        "effectiveDateTime": r.date.isoformat(),
        "valueQuantity": q,
        "note": [{"text": f"{what} for objective {p.id}" + (f" ({r.source})" if r.source else "")}],
    }


def bundle(
    plan: TreatmentPlan,
    report: ProgressReport,
    dispositions: list[ObjectiveDisposition] | None = None,
    *,
    reviewer: str | None = None,
    signer: str | None = None,
    now: dt.datetime | None = None,
) -> Bundle:
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    chosen = {d.objective_id: d for d in dispositions or []}
    old = json.loads(plan_fhir.to_json(plan, final=plan.status == "signed", now=now))
    old_entries = {e["resource"]["resourceType"]: e for e in old["entry"]}
    patient_entry, old_careplan = old_entries["Patient"], old_entries["CarePlan"]
    patient = {"reference": patient_entry["fullUrl"]}
    entries: list[dict[str, Any]] = [patient_entry]
    goal_refs = []
    for p in report.objectives:
        gid = _uid(report, plan, "goal", p.id)
        goal_refs.append(_ref(gid))
        d = chosen.get(p.id)
        goal: dict[str, Any] = {
            "resourceType": "Goal",
            "lifecycleStatus": _LIFECYCLE.get(d.disposition, "active") if d else "active",
            "achievementStatus": {
                "coding": [{"system": ACHIEVEMENT, "code": _ACHIEVED[p.suggested_status]}],
                "text": p.status_reason,
            },
            "description": {"text": p.text},
            "subject": patient,
            "statusDate": report.as_of.isoformat(),
        }
        if d is not None and d.rationale:
            goal["statusReason"] = f"{d.disposition.replace('_', ' ')}: {d.rationale}"
        entries.append({"fullUrl": f"urn:uuid:{gid}", "resource": goal})
        if p.baseline is None or p.latest is None:
            continue
        base_id = _uid(report, plan, "obs", p.id, "baseline")
        entries.append(
            {"fullUrl": f"urn:uuid:{base_id}", "resource": _obs(p, patient, p.baseline, "Baseline")}
        )
        last_id = base_id
        for r in p.readings:
            last_id = _uid(report, plan, "obs", p.id, r.date.isoformat(), f"{r.value:g}")
            entries.append(
                {"fullUrl": f"urn:uuid:{last_id}", "resource": _obs(p, patient, r, "Reading")}
            )
        change = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": f"{p.measure} change from baseline"},
            "subject": patient,
            "effectiveDateTime": p.latest.date.isoformat(),
            "valueQuantity": {"value": p.change},
            "derivedFrom": [_ref(base_id), _ref(last_id)],
            "interpretation": [{"text": p.reliable_change.replace("_", " ")}],
            "note": [{"text": p.reliable_change_basis}],
        }
        cid = _uid(report, plan, "obs", p.id, "change")
        entries.append({"fullUrl": f"urn:uuid:{cid}", "resource": change})
    cp_id = _uid(report, plan, "careplan")
    careplan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active" if signer else "draft",
        "intent": "plan",
        "title": f"Treatment plan review of {report.as_of}",
        "subject": patient,
        "created": report.as_of.isoformat(),
        "replaces": [{"reference": old_careplan["fullUrl"], "display": "the plan under review"}],
        "goal": goal_refs,
    }
    entries.append({"fullUrl": f"urn:uuid:{cp_id}", "resource": careplan})
    agents: list[dict[str, Any]] = [
        {
            "type": _participant("assembler"),
            "who": {"display": "treatment-plan-assistant progress engine"},
        }
    ]
    for name, role, code in ((reviewer, "reviewer", "verifier"), (signer, "signer", "attester")):
        if name:
            pid = _uid(report, plan, "practitioner", role, name)
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{pid}",
                    "resource": {"resourceType": "Practitioner", "name": [{"text": name}]},
                }
            )
            agents.append({"type": _participant(code), "who": _ref(pid, name)})
    entries.append(
        {
            "fullUrl": f"urn:uuid:{_uid(report, plan, 'provenance')}",
            "resource": {
                "resourceType": "Provenance",
                "target": [_ref(cp_id), *goal_refs],
                "recorded": now.isoformat(),
                "activity": {"text": "plan review" + ("" if signer else ", not yet signed")},
                "agent": agents,
            },
        }
    )
    for e in entries:
        _CLASSES[e["resource"]["resourceType"]].model_validate(e["resource"])
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": now.isoformat(),
            "entry": entries,
        }
    )


def _participant(code: str) -> dict[str, Any]:
    return {"coding": [{"system": PARTICIPANT, "code": code}]}


def to_json(plan: TreatmentPlan, report: ProgressReport, **kwargs: Any) -> str:
    b = bundle(plan, report, **kwargs)
    return json.dumps(json.loads(b.model_dump_json(exclude_none=True)), indent=2)
