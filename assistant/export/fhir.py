"""The plan as a FHIR R4 Bundle (``fhir.resources.R4B`` models, validated on the way out).

Patient, Practitioner, a Condition per diagnosis (ICD-10-CM), a Goal per objective (with
the instrument's LOINC code where the registry confirms it), an Observation per baseline
score, the CarePlan tying them together (``intent`` ``proposal`` until signed, then
``plan``), and a Provenance per item that came from the knowledge base or a model.
Ids are stable for one plan, so two exports of the same plan match.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.provenance import Provenance

from assistant import instruments
from assistant.plan import Objective, TreatmentPlan
from assistant.store.review import active

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
_NS = uuid.UUID("6f1c2b1e-5d0a-4c7e-9a53-1f6f0c1d2e3a")
_CLASSES: dict[str, Any] = {
    "Patient": Patient,
    "Practitioner": Practitioner,
    "Condition": Condition,
    "Goal": Goal,
    "Observation": Observation,
    "CarePlan": CarePlan,
    "Provenance": Provenance,
}


def _id(plan: TreatmentPlan, *parts: str) -> str:
    return str(
        uuid.uuid5(_NS, "/".join((plan.header.record_id, plan.header.created.isoformat(), *parts)))
    )


def _ref(uid: str, display: str | None = None) -> dict[str, str]:
    out = {"reference": f"urn:uuid:{uid}"}
    if display:
        out["display"] = display
    return out


def _measure(o: Objective) -> dict[str, Any]:
    inst = instruments.get(o.instrument) if o.instrument else None
    text = o.metric or (inst.name if inst else o.text[:80])
    if inst is not None and inst.loinc and inst.loinc_confirmed:
        return {
            "coding": [{"system": LOINC, "code": inst.loinc, "display": inst.name}],
            "text": text,
        }
    return {"text": text}


def _target(plan: TreatmentPlan, o: Objective) -> dict[str, Any]:
    target: dict[str, Any] = {"measure": _measure(o)}
    t = o.target
    if t is not None and t.value is not None and t.high is not None:
        target["detailRange"] = {"low": {"value": t.value}, "high": {"value": t.high}}
    elif t is not None and t.value is not None:
        q: dict[str, Any] = {"value": t.value}
        if t.comparator != "=":
            q["comparator"] = t.comparator
        target["detailQuantity"] = q
    elif t is not None:
        target["detailString"] = t.text
    due = o.timeframe.by_date
    if due is None and o.timeframe.weeks:
        due = plan.header.created + dt.timedelta(weeks=o.timeframe.weeks)
    if due is not None:
        target["dueDate"] = due.isoformat()
    return target


def bundle(plan: TreatmentPlan, *, final: bool, now: dt.datetime | None = None) -> Bundle:
    """The validated Bundle for ``plan`` (rejected suggestions left out)."""
    plan = active(plan)
    h = plan.header
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    entries: list[dict[str, Any]] = []
    pat_id, prac_id, cp_id = _id(plan, "patient"), _id(plan, "practitioner"), _id(plan, "careplan")
    patient_ref = _ref(pat_id)

    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"value": h.record_id}],
        "name": [{"text": h.client_name}],
    }
    if h.client_dob:
        patient["birthDate"] = h.client_dob.isoformat()
    entries.append({"fullUrl": f"urn:uuid:{pat_id}", "resource": patient})
    prac: dict[str, Any] = {"resourceType": "Practitioner", "name": [{"text": h.clinician_name}]}
    if h.clinician_license:
        prac["identifier"] = [{"value": h.clinician_license}]
    if h.clinician_credentials:
        prac["qualification"] = [{"code": {"text": h.clinician_credentials}}]
    entries.append({"fullUrl": f"urn:uuid:{prac_id}", "resource": prac})

    cond_ids: dict[str, str] = {}
    for d in plan.diagnoses:
        cid = cond_ids[d.code] = _id(plan, "condition", d.code)
        entries.append(
            {
                "fullUrl": f"urn:uuid:{cid}",
                "resource": {
                    "resourceType": "Condition",
                    "clinicalStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                "code": "active",
                            }
                        ]
                    },
                    "verificationStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                "code": "confirmed" if final else "provisional",
                            }
                        ]
                    },
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                    "code": "problem-list-item",
                                }
                            ]
                        }
                    ],
                    "code": {
                        "coding": [{"system": ICD10CM, "code": d.code, "display": d.label}],
                        "text": d.label,
                    },
                    "subject": patient_ref,
                },
            }
        )

    problem_codes = {p.id: p.diagnosis_codes for p in plan.problems}
    goal_ids: dict[str, str] = {}
    for _path, g, o in plan.objectives():
        gid = goal_ids[o.id] = _id(plan, "goal", o.id)
        codes = {c for pid in g.problem_ids for c in problem_codes.get(pid, [])}
        goal: dict[str, Any] = {
            "resourceType": "Goal",
            "lifecycleStatus": "active" if final else "proposed",
            "description": {"text": o.text},
            "subject": patient_ref,
            "startDate": h.created.isoformat(),
            "target": [_target(plan, o)],
            "note": [{"text": f"Part of the goal: {g.statement}"}],
        }
        addresses = [_ref(cond_ids[c]) for c in sorted(codes) if c in cond_ids]
        if addresses:
            goal["addresses"] = addresses
        entries.append({"fullUrl": f"urn:uuid:{gid}", "resource": goal})
        b = o.baseline
        if b is not None and b.value is not None:
            oid = _id(plan, "observation", o.id)
            obs: dict[str, Any] = {
                "resourceType": "Observation",
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": "survey" if o.instrument else "social-history",
                            }
                        ]
                    }
                ],
                "code": _measure(o),
                "subject": patient_ref,
                "valueQuantity": {"value": b.value},
                "note": [
                    {
                        "text": f"Baseline for objective {o.id}: {b.text}"
                        + (f" ({b.source})" if b.source else "")
                    }
                ],
            }
            if b.date:
                obs["effectiveDateTime"] = b.date.isoformat()
            entries.append({"fullUrl": f"urn:uuid:{oid}", "resource": obs})

    activities = []
    for iv in plan.interventions:
        detail: dict[str, Any] = {
            "status": "not-started",
            "code": {"text": iv.modality},
            "description": iv.technique,
        }
        served = [_ref(goal_ids[i]) for i in iv.objective_ids if i in goal_ids]
        if served:
            detail["goal"] = served
        if iv.frequency:
            detail["scheduledString"] = iv.frequency
        activities.append({"detail": detail})
    careplan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active" if final else "draft",
        "intent": "plan" if final else "proposal",
        "title": "Mental health treatment plan",
        "subject": patient_ref,
        "created": h.created.isoformat(),
        "author": _ref(prac_id, h.clinician_name),
        "category": [{"text": "Behavioral health treatment plan"}],
    }
    if cond_ids:
        careplan["addresses"] = [_ref(c) for c in cond_ids.values()]
    if goal_ids:
        careplan["goal"] = [_ref(g) for g in goal_ids.values()]
    if activities:
        careplan["activity"] = activities
    if plan.timeline.estimated_weeks:
        end = h.created + dt.timedelta(weeks=plan.timeline.estimated_weeks)
        careplan["period"] = {"start": h.created.isoformat(), "end": end.isoformat()}
    notes = [f"Problem: {p.statement}" for p in plan.problems] + [
        f"Discharge when: {c}" for c in plan.timeline.discharge_criteria
    ]
    if plan.safety:
        notes.append(f"Safety: {plan.safety.summary}")
    if notes:
        careplan["note"] = [{"text": n} for n in notes]
    entries.append({"fullUrl": f"urn:uuid:{cp_id}", "resource": careplan})

    for _path, kind, item in plan.items():
        prov = item.provenance
        if prov.source not in ("knowledge", "model"):
            continue
        target = (
            _ref(goal_ids[item.id]) if kind == "objective" else _ref(cp_id, f"{kind} {item.id}")
        )
        agents: list[dict[str, Any]] = [
            {
                "type": _participant("assembler"),
                "who": {"display": f"treatment-plan-assistant ({prov.label()})"},
            }
        ]
        if prov.authorship in ("accepted", "edited"):
            agents.append(
                {"type": _participant("verifier"), "who": _ref(prac_id, h.clinician_name)}
            )
        resource: dict[str, Any] = {
            "resourceType": "Provenance",
            "target": [target],
            "recorded": now.isoformat(),
            "activity": {
                "text": f"AI-suggested {kind}, {prov.authorship} by the clinician"
                if prov.authorship != "suggested"
                else f"AI-suggested {kind}, not yet reviewed"
            },
            "agent": agents,
        }
        if prov.source == "knowledge" and prov.record_id:
            resource["entity"] = [{"role": "source", "what": {"display": prov.label()}}]
        entries.append(
            {"fullUrl": f"urn:uuid:{_id(plan, 'provenance', item.id)}", "resource": resource}
        )

    for e in entries:  # validate each resource against its own R4 model
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
    return {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                "code": code,
            }
        ]
    }


def to_json(plan: TreatmentPlan, *, final: bool, now: dt.datetime | None = None) -> str:
    b = bundle(plan, final=final, now=now)
    return json.dumps(json.loads(b.model_dump_json(exclude_none=True)), indent=2)
