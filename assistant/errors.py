"""One base error for everything the assistant refuses, with messages for clinicians."""

from __future__ import annotations


class AssistantError(Exception):
    """Base error: the message says what is wrong and how to fix it."""

    exit_code = 2


class IntakeError(AssistantError):
    """An intake file or form could not be accepted. ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class PlanError(AssistantError):
    """A plan file could not be read or does not match the plan format."""


class OutputError(AssistantError):
    """A file could not be written where the command was asked to write it."""


class KnowledgeError(AssistantError):
    """A knowledge file is malformed or a record does not exist."""


class ConfigError(AssistantError):
    """A setting is missing or invalid."""


class RetrievalError(AssistantError):
    """The knowledge index could not be built or queried."""


class DraftingError(AssistantError):
    """A draft could not be produced."""


class ModelError(AssistantError):
    """The language model could not be reached or answered badly."""


class StoreError(AssistantError):
    """The plan store refused an operation."""


class ConflictError(StoreError):
    """Someone else saved a newer version first."""


class AccessDenied(StoreError):
    """The signed-in user may not see or change this plan."""
