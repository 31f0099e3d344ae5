"""The drafting rules' models: what ``knowledge/rules/*.yaml`` may say (dose by level of
care, monitoring, composed objectives, abstinence, withdrawal, medication, caregivers,
mandates, preferences, safety steps, risk to others, trauma alternatives).

Loaded by ``assistant.knowledge``; the names are re-exported there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelOfCare(_Strict):
    """The dose a level of care sets: days a week, hours, programme length, wording."""

    label: str
    days_per_week: int = Field(ge=1, le=7)
    hours_per_day: float | None = None
    programme_weeks: int | None = Field(default=None, ge=1, le=52)
    session_minutes: int = Field(ge=10, le=480)
    frequency: str
    step_down: str = ""
    discharge_criteria: list[str] = Field(
        default_factory=list,
        description=(
            "When the programme ends (step-down criteria); they come first, and a record's "
            "criteria that need longer than the programme are left for the next level of care."
        ),
    )
    note: str = ""

    @property
    def intensive(self) -> bool:
        return self.days_per_week > 1


class MonitoringRule(_Strict):
    default_cadence: str
    screening_cadence: str
    text: str


class ComposedObjectiveRule(_Strict):
    decrease: str
    increase: str
    maintain_zero: str
    target_placeholder: str
    zero_target_words: list[str]
    zero_target: str
    fewer_words: list[str]
    more_words: list[str]


class AbstinenceRule(_Strict):
    presentations: dict[str, str]
    use_words: list[str]
    maintenance: str
    maintenance_metric: str
    moderation_words: list[str]
    skip_templates: list[str]
    source: str


class InterventionText(_Strict):
    modality: str
    technique: str
    frequency: str


class WithdrawalRule(_Strict):
    objective: str
    objective_abstinent: str
    objective_metric: str
    safety_action: str
    safety_action_on_medication: str
    safety_action_abstinent: str
    intervention: InterventionText


class OverdoseRule(_Strict):
    """Overdose risk written in the risk notes ('reduced tolerance raises overdose risk')."""

    words: list[str]
    summary: str
    action: str


class MedicationRule(_Strict):
    intervention: InterventionText
    # medicines that treat a substance use disorder, by substance: a client abstinent on
    # one of them gets coordination with that prescriber, not a new withdrawal referral
    for_substance: dict[str, list[str]] = {}
    # knowledge interventions that refer for such a medicine; folded into the coordination
    # with the current prescriber when the client already takes one
    replaces_modalities: list[str] = []


class CaregiverRule(_Strict):
    sequencing: str
    missing: str


class MandateRule(_Strict):
    sequencing: str
    requirements: str
    sessions_scope: str
    release: str
    release_unknown: str


class RiskToOthersRule(_Strict):
    objective: str
    metric: str
    action: str


class TraumaAlternatives(_Strict):
    therapies: list[str] = Field(min_length=2)
    short: dict[str, str] = Field(default_factory=dict)
    reason: dict[str, str]
    text: str


class ClientGoalRule(_Strict):
    """An objective for a goal the client named, when no objective measures it and the
    intake says the client does not do it now ("go back to choir" / "stopped going to
    choir"): its aim is the client's own, done again, so no figure is invented."""

    text: str
    metric: str
    measurement: str
    frequency: str
    baseline_source: str
    # words that say the client does not do something now ("avoids", "stopped", "quit")
    not_now_words: list[str]
    # words too general to tie a goal to what the intake says ("back", "again", "able")
    general_words: list[str] = []


class DraftingRules(_Strict):
    """Rules the drafter applies over the case facts (``knowledge/rules/*.yaml``)."""

    id: str
    version: int = Field(ge=1)
    kind: Literal["rules"] = "rules"
    levels_of_care: dict[str, LevelOfCare]
    monitoring: MonitoringRule
    composed_objective: ComposedObjectiveRule
    abstinence: AbstinenceRule
    withdrawal: WithdrawalRule
    medication: MedicationRule
    overdose: OverdoseRule | None = None
    caregivers: CaregiverRule
    mandate: MandateRule
    preferences: dict[str, str]
    safety_steps: dict[str, str]
    risk_to_others: dict[str, RiskToOthersRule]
    trauma_alternatives: TraumaAlternatives
    work_phrases: list[str]
    # wording about a job the person holds now (missed work days, shifts): left out for a
    # person out of work even when they name a goal to find work
    current_job_phrases: list[str] = []
    student_swaps: dict[str, str]
    client_goal: ClientGoalRule | None = None

    @model_validator(mode="after")
    def _complete(self) -> DraftingRules:
        for key in ("outpatient", "intensive_outpatient", "partial_hospitalization"):
            if key not in self.levels_of_care:
                raise ValueError(f"levels_of_care has no entry for {key}")
        for key in ("safety_plan", "means_restriction", "naloxone", "other"):
            if key not in self.safety_steps:
                raise ValueError(f"safety_steps has no wording for {key}")
        if "other" not in self.risk_to_others:
            raise ValueError("risk_to_others has no wording for other")
        return self

    def level(self, setting: str) -> LevelOfCare:
        return self.levels_of_care.get(setting) or self.levels_of_care["outpatient"]
