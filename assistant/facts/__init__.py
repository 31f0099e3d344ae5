"""The case-formulation stage: intake -> :class:`CaseFacts`, read once, used everywhere.

``extract(intake)`` is deterministic and offline. Structured fields are read first
(``assessments``, ``baselines``, ``setting``, ``context``); free text is read afterwards
for what the structured fields do not say, each such fact quoting the words it came from.
"""

from __future__ import annotations

from assistant.facts.extract import extract
from assistant.facts.model import (
    BaselineFact,
    CaregiverFact,
    CaseFacts,
    ClientGoalFact,
    Evidence,
    Fact,
    LegalFact,
    LevelOfCareFact,
    MeasureFact,
    MedicationFact,
    OccupationFact,
    PopulationFact,
    PreferenceFact,
    RiskToOthersFact,
    RuledOutFact,
    SafetyStepFact,
    SubstanceFact,
)

__all__ = [
    "BaselineFact",
    "CaregiverFact",
    "CaseFacts",
    "ClientGoalFact",
    "Evidence",
    "Fact",
    "LegalFact",
    "LevelOfCareFact",
    "MeasureFact",
    "MedicationFact",
    "OccupationFact",
    "PopulationFact",
    "PreferenceFact",
    "RiskToOthersFact",
    "RuledOutFact",
    "SafetyStepFact",
    "SubstanceFact",
    "extract",
]
