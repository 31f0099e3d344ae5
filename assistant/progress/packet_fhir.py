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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Build:
    """What every resource builder needs: the plan, its report, the time and the patient."""

    plan: TreatmentPlan
    report: ProgressReport
    now: dt.datetime
    patient: dict[str, str]

    def uid(self, *parts: str) -> str:
        return _uid(self.report, self.plan, *parts)


def _entry(uid: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{uid}", "resource": resource}


def bundle(
    plan: TreatmentPlan,
    report: ProgressReport,
    dispositions: list[ObjectiveDisposition] | None = None,
    *,
    reviewer: str | None = None,
    signer: str | None = None,
    now: dt.datetime | None = None,
) -> Bundle:
    """The validated Bundle: the patient, a Goal and its Observations per objective, the
    reviewed CarePlan, the reviewer and signer, and a Provenance, in that order."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    chosen = {d.objective_id: d for d in dispositions or []}
    patient_entry, old_careplan = _plan_as_exported(plan, now)
    b = _Build(plan, report, now, {"reference": patient_entry["fullUrl"]})
    entries: list[dict[str, Any]] = [patient_entry]
    for p in report.objectives:
        entries.append(_goal(b, p, chosen.get(p.id)))
        entries += _observations(b, p)
    goal_refs = [_ref(b.uid("goal", p.id)) for p in report.objectives]
    entries.append(_careplan(b, goal_refs, old_careplan["fullUrl"], signed=bool(signer)))
    people = [
        (code, name, b.uid("practitioner", role, name))
        for name, role, code in ((reviewer, "reviewer", "verifier"), (signer, "signer", "attester"))
        if name
    ]
    entries += [_practitioner(pid, name) for _, name, pid in people]
    entries.append(_provenance(b, goal_refs, people, signed=bool(signer)))
    return plan_fhir.collection(entries, now, _CLASSES)


def _plan_as_exported(
    plan: TreatmentPlan, now: dt.datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Patient entry and the CarePlan entry of the plan's own export, so the packet
    points at the same patient and replaces that care plan."""
    old = json.loads(plan_fhir.to_json(plan, final=plan.status == "signed", now=now))
    old_entries = {e["resource"]["resourceType"]: e for e in old["entry"]}
    return old_entries["Patient"], old_entries["CarePlan"]


def _goal(b: _Build, p: ObjectiveProgress, d: ObjectiveDisposition | None) -> dict[str, Any]:
    """The objective's Goal: lifecycle from the disposition, achievement from the numbers."""
    goal: dict[str, Any] = {
        "resourceType": "Goal",
        "lifecycleStatus": _LIFECYCLE.get(d.disposition, "active") if d else "active",
        "achievementStatus": {
            "coding": [{"system": ACHIEVEMENT, "code": _ACHIEVED[p.suggested_status]}],
            "text": p.status_reason,
        },
        "description": {"text": p.text},
        "subject": b.patient,
        "statusDate": b.report.as_of.isoformat(),
    }
    if d is not None and d.rationale:
        goal["statusReason"] = f"{d.disposition.replace('_', ' ')}: {d.rationale}"
    return _entry(b.uid("goal", p.id), goal)


def _observations(b: _Build, p: ObjectiveProgress) -> list[dict[str, Any]]:
    """The baseline, each reading after it and the change score; none without a baseline
    and a latest reading."""
    if p.baseline is None or p.latest is None:
        return []
    base_id = b.uid("obs", p.id, "baseline")
    out = [_entry(base_id, _obs(p, b.patient, p.baseline, "Baseline"))]
    last_id = base_id
    for r in p.readings:
        last_id = b.uid("obs", p.id, r.date.isoformat(), f"{r.value:g}")
        out.append(_entry(last_id, _obs(p, b.patient, r, "Reading")))
    change = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": f"{p.measure} change from baseline"},
        "subject": b.patient,
        "effectiveDateTime": p.latest.date.isoformat(),
        "valueQuantity": {"value": p.change},
        "derivedFrom": [_ref(base_id), _ref(last_id)],
        "interpretation": [{"text": p.reliable_change.replace("_", " ")}],
        "note": [{"text": p.reliable_change_basis}],
    }
    out.append(_entry(b.uid("obs", p.id, "change"), change))
    return out


def _careplan(
    b: _Build, goal_refs: list[dict[str, str]], replaces: str, *, signed: bool
) -> dict[str, Any]:
    """The reviewed CarePlan; a draft until someone signs the review."""
    careplan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active" if signed else "draft",
        "intent": "plan",
        "title": f"Treatment plan review of {b.report.as_of}",
        "subject": b.patient,
        "created": b.report.as_of.isoformat(),
        "replaces": [{"reference": replaces, "display": "the plan under review"}],
        "goal": goal_refs,
    }
    return _entry(b.uid("careplan"), careplan)


def _practitioner(uid: str, name: str) -> dict[str, Any]:
    return _entry(uid, {"resourceType": "Practitioner", "name": [{"text": name}]})


def _provenance(
    b: _Build,
    goal_refs: list[dict[str, str]],
    people: list[tuple[str, str, str]],
    *,
    signed: bool,
) -> dict[str, Any]:
    """Who put the packet together (the engine) and who reviewed and signed it, as
    ``(participant code, name, practitioner id)``."""
    agents: list[dict[str, Any]] = [
        {
            "type": _participant("assembler"),
            "who": {"display": "treatment-plan-assistant progress engine"},
        }
    ]
    agents += [{"type": _participant(code), "who": _ref(pid, name)} for code, name, pid in people]
    provenance = {
        "resourceType": "Provenance",
        "target": [_ref(b.uid("careplan")), *goal_refs],
        "recorded": b.now.isoformat(),
        "activity": {"text": "plan review" + ("" if signed else ", not yet signed")},
        "agent": agents,
    }
    return _entry(b.uid("provenance"), provenance)


def _participant(code: str) -> dict[str, Any]:
    return {"coding": [{"system": PARTICIPANT, "code": code}]}


def to_json(plan: TreatmentPlan, report: ProgressReport, **kwargs: Any) -> str:
    b = bundle(plan, report, **kwargs)
    return json.dumps(json.loads(b.model_dump_json(exclude_none=True)), indent=2)
