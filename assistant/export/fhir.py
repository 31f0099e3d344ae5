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
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.provenance import Provenance

from assistant import instruments, plandates
from assistant.plan import Goal as PlanGoal
from assistant.plan import Objective, TreatmentPlan
from assistant.review import active

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
_TERMS = "http://terminology.hl7.org/CodeSystem"
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
        due = plandates.start(plan) + dt.timedelta(weeks=o.timeframe.weeks)  # from signing
    if due is not None:
        target["dueDate"] = due.isoformat()
    return target


@dataclass
class _Build:
    """What every resource builder needs: the plan, whether it is final, and the ids."""

    plan: TreatmentPlan
    final: bool
    now: dt.datetime
    patient_id: str
    practitioner_id: str
    careplan_id: str
    condition_ids: dict[str, str] = field(default_factory=dict)
    goal_ids: dict[str, str] = field(default_factory=dict)

    @property
    def patient(self) -> dict[str, str]:
        return _ref(self.patient_id)


def _entry(uid: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{uid}", "resource": resource}


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _patient(b: _Build) -> dict[str, Any]:
    h = b.plan.header
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"value": h.record_id}],
        "name": [{"text": h.client_name}],
    }
    if h.client_dob:
        patient["birthDate"] = h.client_dob.isoformat()
    return _entry(b.patient_id, patient)


def _practitioner(b: _Build) -> dict[str, Any]:
    h = b.plan.header
    prac: dict[str, Any] = {"resourceType": "Practitioner", "name": [{"text": h.clinician_name}]}
    if h.clinician_license:
        prac["identifier"] = [{"value": h.clinician_license}]
    if h.clinician_credentials:
        prac["qualification"] = [{"code": {"text": h.clinician_credentials}}]
    return _entry(b.practitioner_id, prac)


def _conditions(b: _Build) -> list[dict[str, Any]]:
    out = []
    for d in b.plan.diagnoses:
        cid = b.condition_ids[d.code] = _id(b.plan, "condition", d.code)
        condition = {
            "resourceType": "Condition",
            "clinicalStatus": _coded(f"{_TERMS}/condition-clinical", "active"),
            "verificationStatus": _coded(
                f"{_TERMS}/condition-ver-status", "confirmed" if b.final else "provisional"
            ),
            "category": [_coded(f"{_TERMS}/condition-category", "problem-list-item")],
            "code": {
                "coding": [{"system": ICD10CM, "code": d.code, "display": d.label}],
                "text": d.label,
            },
            "subject": b.patient,
        }
        out.append(_entry(cid, condition))
    return out


def _goal(b: _Build, g: PlanGoal, o: Objective) -> dict[str, Any]:
    problem_codes = {p.id: p.diagnosis_codes for p in b.plan.problems}
    gid = b.goal_ids[o.id] = _id(b.plan, "goal", o.id)
    codes = {c for pid in g.problem_ids for c in problem_codes.get(pid, [])}
    goal: dict[str, Any] = {
        "resourceType": "Goal",
        "lifecycleStatus": "active" if b.final else "proposed",
        "description": {"text": o.text},
        "subject": b.patient,
        "startDate": b.plan.header.created.isoformat(),
        "target": [_target(b.plan, o)],
        "note": [{"text": f"Part of the goal: {g.statement}"}],
    }
    addresses = [_ref(b.condition_ids[c]) for c in sorted(codes) if c in b.condition_ids]
    if addresses:
        goal["addresses"] = addresses
    return _entry(gid, goal)


def _baseline_observation(b: _Build, o: Objective) -> dict[str, Any] | None:
    base = o.baseline
    if base is None or base.value is None:
        return None
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            _coded(f"{_TERMS}/observation-category", "survey" if o.instrument else "social-history")
        ],
        "code": _measure(o),
        "subject": b.patient,
        "valueQuantity": {"value": base.value},
        "note": [
            {
                "text": f"Baseline for objective {o.id}: {base.text}"
                + (f" ({base.source})" if base.source else "")
            }
        ],
    }
    if base.date:
        obs["effectiveDateTime"] = base.date.isoformat()
    return _entry(_id(b.plan, "observation", o.id), obs)


def _careplan(b: _Build) -> dict[str, Any]:
    plan, h = b.plan, b.plan.header
    activities = []
    for iv in plan.interventions:
        detail: dict[str, Any] = {
            "status": "not-started",
            "code": {"text": iv.modality},
            "description": iv.technique,
        }
        served = [_ref(b.goal_ids[i]) for i in iv.objective_ids if i in b.goal_ids]
        if served:
            detail["goal"] = served
        if iv.frequency:
            detail["scheduledString"] = iv.frequency
        activities.append({"detail": detail})
    careplan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active" if b.final else "draft",
        "intent": "plan" if b.final else "proposal",
        "title": "Mental health treatment plan",
        "subject": b.patient,
        "created": h.created.isoformat(),
        "author": _ref(b.practitioner_id, h.clinician_name),
        "category": [{"text": "Behavioral health treatment plan"}],
    }
    if b.condition_ids:
        careplan["addresses"] = [_ref(c) for c in b.condition_ids.values()]
    if b.goal_ids:
        careplan["goal"] = [_ref(g) for g in b.goal_ids.values()]
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
    return _entry(b.careplan_id, careplan)


def _provenances(b: _Build) -> list[dict[str, Any]]:
    """A Provenance for each item that came from the knowledge base or a model."""
    out = []
    clinician = b.plan.header.clinician_name
    for _path, kind, item in b.plan.items():
        prov = item.provenance
        if prov.source not in ("knowledge", "model"):
            continue
        target = (
            _ref(b.goal_ids[item.id])
            if kind == "objective"
            else _ref(b.careplan_id, f"{kind} {item.id}")
        )
        agents: list[dict[str, Any]] = [
            {
                "type": _participant("assembler"),
                "who": {"display": f"treatment-plan-assistant ({prov.label()})"},
            }
        ]
        if prov.authorship in ("accepted", "edited"):
            agents.append(
                {"type": _participant("verifier"), "who": _ref(b.practitioner_id, clinician)}
            )
        resource: dict[str, Any] = {
            "resourceType": "Provenance",
            "target": [target],
            "recorded": b.now.isoformat(),
            "activity": {
                "text": f"AI-suggested {kind}, {prov.authorship} by the clinician"
                if prov.authorship != "suggested"
                else f"AI-suggested {kind}, not yet reviewed"
            },
            "agent": agents,
        }
        if prov.source == "knowledge" and prov.record_id:
            resource["entity"] = [{"role": "source", "what": {"display": prov.label()}}]
        out.append(_entry(_id(b.plan, "provenance", item.id), resource))
    return out


def bundle(plan: TreatmentPlan, *, final: bool, now: dt.datetime | None = None) -> Bundle:
    """The validated Bundle for ``plan`` (rejected suggestions left out). Each resource has
    its own builder; they run in reference order (conditions before the goals that address
    them, goals before the care plan and provenance that point at them)."""
    plan = active(plan)
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    b = _Build(
        plan=plan,
        final=final,
        now=now,
        patient_id=_id(plan, "patient"),
        practitioner_id=_id(plan, "practitioner"),
        careplan_id=_id(plan, "careplan"),
    )
    entries = [_patient(b), _practitioner(b), *_conditions(b)]
    for _path, g, o in plan.objectives():
        entries.append(_goal(b, g, o))
        obs = _baseline_observation(b, o)
        if obs is not None:
            entries.append(obs)
    entries += [_careplan(b), *_provenances(b)]
    return collection(entries, now, _CLASSES)


def collection(entries: list[dict[str, Any]], now: dt.datetime, classes: dict[str, Any]) -> Bundle:
    """A collection Bundle of ``entries``, each resource first checked against its own R4
    model in ``classes`` (so an error names the resource, not the bundle)."""
    for e in entries:
        classes[e["resource"]["resourceType"]].model_validate(e["resource"])
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
                "system": f"{_TERMS}/provenance-participant-type",
                "code": code,
            }
        ]
    }


def to_json(plan: TreatmentPlan, *, final: bool, now: dt.datetime | None = None) -> str:
    b = bundle(plan, final=final, now=now)
    return json.dumps(json.loads(b.model_dump_json(exclude_none=True)), indent=2)
