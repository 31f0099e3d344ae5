"""Case facts: what the intake says about this person, interpreted once.

The intake is read once into :class:`CaseFacts` (structured fields first, then free text
read with a clinical NLP pipeline that understands negation and history). The drafter, the
validator's consistency rules and the app all read these facts instead of re-reading raw
intake fields. Every fact carries its :class:`Evidence`: the intake path it came from and,
for a fact read from free text, the exact words.

This module holds only the data model; it imports nothing from drafting or validation so
that the plan model can keep confirmed facts with a plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FactSource = Literal["structured", "text", "model", "clinician"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where a fact came from.

    ``path`` is an intake path (``assessments[0]``, ``context.legal.deadline``, ``notes``).
    For a fact read from free text, ``quote`` is the exact span of that field's text and
    ``start``/``end`` its character offsets, so that ``field_text[start:end] == quote``.
    """

    path: str
    quote: str | None = None
    start: int | None = None
    end: int | None = None


class Fact(_Model):
    """Common part of every fact."""

    id: str = Field(
        description="Stable within one intake, e.g. 'measure:PHQ-9', 'substance:alcohol'."
    )
    source: FactSource = "structured"
    evidence: list[Evidence] = Field(default_factory=list)
    confirmed: bool = Field(
        default=False, description="True once the clinician has confirmed or corrected it."
    )


# ---------------------------------------------------------------- measured figures


class MeasureFact(Fact):
    """A scored standardised instrument from ``assessments``."""

    instrument: str = Field(description="Registry id when known (PHQ-9), else the name as written.")
    name_as_written: str
    score: float
    date: dt.date | None = None
    validated: bool = Field(
        description="True when the registry knows this instrument and its range; an unknown "
        "or ambiguous name is kept, shown and tracked as an unvalidated measure."
    )
    range_text: str | None = None
    severity: str | None = None


class BaselineFact(Fact):
    """A behavioural count or rating from ``baselines`` (or read from free text)."""

    measure: str
    value: str = Field(description="As written: '4-5', '12', '0'.")
    low: float
    high: float
    unit: str = ""
    window: str | None = Field(
        default=None, description="The time window the figure covers ('per week', 'past 30 days')."
    )
    current: bool = Field(
        default=True,
        description="False when the figure describes an earlier period ('30 days before detox').",
    )
    measured_by: str = ""


# ---------------------------------------------------------------- circumstances

LevelOfCareName = Literal[
    "outpatient", "telehealth", "intensive_outpatient", "partial_hospitalization", "unknown"
]


class LevelOfCareFact(Fact):
    setting: LevelOfCareName = "unknown"
    days_per_week: int | None = None
    hours_per_day: float | None = None


SubstanceStatus = Literal["current_use", "abstinent", "unknown"]
Withdrawal = Literal["none", "history", "current_signs", "unknown"]


class SubstanceFact(Fact):
    substance: str = Field(description="alcohol, opioids, cannabis, stimulants, ...")
    status: SubstanceStatus = "unknown"
    since: dt.date | None = None
    withdrawal: Withdrawal = "unknown"


class LegalFact(Fact):
    mandated: bool = False
    referred_by: str | None = None
    deadline: dt.date | None = None
    release_scope: str | None = Field(
        default=None, description="What may be released to the referrer, as the client agreed."
    )
    requirements: list[str] = Field(default_factory=list)


OccupationStatus = Literal[
    "employed", "retired", "student", "unemployed", "on_leave", "homemaker", "unknown"
]


class OccupationFact(Fact):
    status: OccupationStatus = "unknown"
    text: str = ""


class MedicationFact(Fact):
    name: str
    dose: str | None = None
    prescriber: str | None = None


SafetyStepKind = Literal["safety_plan", "means_restriction", "naloxone", "crisis_contacts", "other"]


class SafetyStepFact(Fact):
    kind: SafetyStepKind = "other"
    text: str


RiskToOthersKind = Literal["impaired_driving", "violence", "threats", "child_safety", "other"]


class RiskToOthersFact(Fact):
    kind: RiskToOthersKind = "other"
    text: str


PreferenceKind = Literal["refusal", "wants", "therapist", "scheduling", "scope"]


class PreferenceFact(Fact):
    """A stated preference. ``refusal``: an approach or element the client declines (``target``
    names it: 'weigh-ins', 'Narcotics Anonymous', 'exposure'); ``wants``: an approach asked
    for; ``therapist``: e.g. a therapist gender; ``scheduling``: time limits; ``scope``: limits
    on what treatment covers ('only what the court requires')."""

    kind: PreferenceKind
    text: str
    target: str | None = None


class CaregiverFact(Fact):
    """For a minor (or a dependent adult): who consents, who attends, what is shared."""

    text: str
    consent_by: str | None = None
    attends: str | None = None
    confidentiality: str | None = None


AgeBand = Literal["child", "adolescent", "adult", "older_adult"]


class PopulationFact(Fact):
    age: int
    age_band: AgeBand
    perinatal: bool = False


class RuledOutFact(Fact):
    """A symptom or behaviour the intake explicitly rules out ('no purging', 'denies
    vomiting'); templates about it must not be drafted."""

    concept: str = Field(description="Normalised concept, e.g. 'purging', 'panic attacks'.")


class ClientGoalFact(Fact):
    text: str
    baseline: str | None = Field(default=None, description="A measured figure named with the goal.")


# ---------------------------------------------------------------- the whole case

_KINDS: dict[type[Fact], str] = {
    MeasureFact: "measure",
    BaselineFact: "baseline",
    LevelOfCareFact: "level_of_care",
    SubstanceFact: "substance",
    LegalFact: "legal",
    OccupationFact: "occupation",
    MedicationFact: "medication",
    SafetyStepFact: "safety_step",
    RiskToOthersFact: "risk_to_others",
    PreferenceFact: "preference",
    CaregiverFact: "caregiver",
    PopulationFact: "population",
    RuledOutFact: "ruled_out",
    ClientGoalFact: "client_goal",
}


def fact_kind(fact: Fact) -> str:
    """The kind of a fact as written in labelled files and shown to clinicians ('measure',
    'substance', 'preference', ...)."""
    return _KINDS.get(type(fact), "fact")


def fact_class(kind: str) -> type[Fact] | None:
    """The fact class for a kind name (the inverse of :func:`fact_kind`)."""
    return next((cls for cls, name in _KINDS.items() if name == kind), None)


class CaseFacts(_Model):
    """Everything the drafter, the validator and the app need to know about the case."""

    schema_: Literal["case-facts/1"] = Field(default="case-facts/1", alias="schema")
    measures: list[MeasureFact] = Field(default_factory=list)
    baselines: list[BaselineFact] = Field(default_factory=list)
    level_of_care: LevelOfCareFact = Field(
        default_factory=lambda: LevelOfCareFact(id="level_of_care")
    )
    substances: list[SubstanceFact] = Field(default_factory=list)
    legal: LegalFact | None = None
    occupation: OccupationFact | None = None
    medications: list[MedicationFact] = Field(default_factory=list)
    safety_steps: list[SafetyStepFact] = Field(default_factory=list)
    risk_to_others: list[RiskToOthersFact] = Field(default_factory=list)
    preferences: list[PreferenceFact] = Field(default_factory=list)
    caregivers: list[CaregiverFact] = Field(default_factory=list)
    population: PopulationFact | None = None
    ruled_out: list[RuledOutFact] = Field(default_factory=list)
    client_goals: list[ClientGoalFact] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # ------------------------------------------------------------ convenience

    def all_facts(self) -> list[Fact]:
        """Every fact, in a stable order (for display, confirmation and scoring)."""
        out: list[Fact] = [*self.measures, *self.baselines, self.level_of_care]
        out += self.substances
        if self.legal is not None:
            out.append(self.legal)
        if self.occupation is not None:
            out.append(self.occupation)
        out += [*self.medications, *self.safety_steps, *self.risk_to_others]
        out += [*self.preferences, *self.caregivers]
        if self.population is not None:
            out.append(self.population)
        out += [*self.ruled_out, *self.client_goals]
        return out

    def refusals(self) -> list[PreferenceFact]:
        return [p for p in self.preferences if p.kind == "refusal"]

    def substance(self, name: str) -> SubstanceFact | None:
        for s in self.substances:
            if s.substance.lower() == name.lower():
                return s
        return None

    @property
    def abstinent_substances(self) -> list[SubstanceFact]:
        return [s for s in self.substances if s.status == "abstinent"]

    @property
    def withdrawal_concern(self) -> bool:
        return any(s.withdrawal in ("history", "current_signs") for s in self.substances)

    @property
    def works(self) -> bool:
        """True unless the intake says the person is retired, unemployed or a homemaker."""
        return self.occupation is None or self.occupation.status in (
            "employed",
            "on_leave",
            "unknown",
        )

    def is_ruled_out(self, concept: str) -> bool:
        c = concept.lower()
        return any(r.concept.lower() == c for r in self.ruled_out)
