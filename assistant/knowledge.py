"""The authored knowledge base: typed models over the YAML files in ``knowledge/``.

Every record carries an ``id`` and a ``version``; the drafter cites both in the
provenance of each suggestion it takes from a record. Loading is strict: an unknown
field, a duplicate id or a dangling reference is an error that names the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import KnowledgeError
from assistant.knowledge_rules import DraftingRules as DraftingRules  # re-exported
from assistant.knowledge_rules import LevelOfCare as LevelOfCare  # re-exported
from assistant.resources import authored_dir
from assistant.yamlio import load_yaml

KNOWLEDGE_DIR = authored_dir("knowledge")

Stage = Literal["safety", "skills", "application", "outcome"]
TargetKind = Literal[
    "below_cutoff",  # instrument score below the registry's cut-off (or a stated value)
    "remission",  # instrument score below the registry's remission threshold
    "percent_reduction",  # reduce the baseline by `value` percent
    "at_most",  # a count at or below `value`
    "at_least",  # a count at or above `value`
    "completion",  # a task done (safety plan written, protocol completed)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A citation: an id from the clinical-facts sheet (e.g. ``B-GAD1``) and what it supports."""

    id: str
    note: str = ""
    confirmed: bool = True


class TargetRule(_Strict):
    kind: TargetKind
    value: float | None = None
    note: str = ""


class ObjectiveTemplate(_Strict):
    """A SMART objective pattern.

    ``text`` may use the slots ``{baseline}``, ``{target}``, ``{weeks}``, ``{metric}``,
    ``{unit}`` and ``{measurement}``; the drafter fills them from the intake and the
    registry, or leaves a visible placeholder.
    """

    id: str
    stage: Stage
    text: str
    metric: str
    instrument: str | None = None
    baseline_measure: str | None = Field(
        default=None,
        description="Words that match an intake behavioural baseline (e.g. 'panic attacks').",
    )
    taught_in_therapy: bool = Field(
        default=False,
        description=(
            "The objective counts a practice the therapy itself teaches (thought records, "
            "problem-solving worksheets): before it is taught the count is 0, so the baseline "
            "is 0 rather than a figure to record."
        ),
    )
    zero_because: str | None = Field(
        default=None,
        description=(
            "With taught_in_therapy: why the count starts at 0, in place of 'not yet taught' "
            "(e.g. a written plan made in therapy: 'no written relapse plan recorded at intake')."
        ),
    )
    builds_on_step: str | None = Field(
        default=None,
        description=(
            "The kind of safety step already taken (naloxone, safety_plan) this objective "
            "builds on: when the case records one, the objective starts from it instead of "
            "from none."
        ),
    )
    unit: str = ""
    direction: Literal["decrease", "increase"] = "decrease"
    target: TargetRule
    timeframe_weeks: int = Field(gt=0, le=104)
    measurement: str
    frequency: str
    interventions: list[str] = Field(default_factory=list)


class GoalTemplate(_Strict):
    id: str
    text: str
    objectives: list[str] = Field(min_length=1)


class SessionRange(_Strict):
    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> SessionRange:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self


class InterventionOption(_Strict):
    id: str
    modality: str
    name: str
    techniques: list[str] = Field(min_length=1)
    sessions: SessionRange | None = None
    session_minutes: int | None = None
    frequency: str = "weekly"
    evidence: str
    sources: list[Source] = Field(min_length=1)
    not_for: list[str] = Field(default_factory=list)
    tags: list[str] = Field(
        default_factory=list,
        description="Words that client preferences can select or refuse "
        "(talking, exposure, eye-movements, group, medication, family, written, telehealth).",
    )


class Timeline(_Strict):
    sessions: SessionRange
    weeks: int = Field(gt=0, le=104)
    session_minutes: int = 50
    frequency: str = "weekly"
    review_weeks: list[int] = Field(min_length=1)
    discharge_criteria: list[str] = Field(min_length=1)


class ProblemGuidance(_Strict):
    must_capture: list[str] = Field(min_length=1)
    example: str


class Presentation(_Strict):
    id: str
    version: int = Field(ge=1)
    kind: Literal["presentation"] = "presentation"
    title: str
    codes: list[str] = Field(min_length=1)
    lay_terms: list[str] = Field(default_factory=list)
    summary: str
    problem: ProblemGuidance
    goals: list[GoalTemplate] = Field(min_length=1)
    objectives: list[ObjectiveTemplate] = Field(min_length=2)
    interventions: list[InterventionOption] = Field(min_length=1)
    timeline: Timeline
    sequencing: list[str] = Field(default_factory=list)
    adaptations: dict[str, str] = Field(default_factory=dict)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _links(self) -> Presentation:
        obj_ids = {o.id for o in self.objectives}
        int_ids = {i.id for i in self.interventions}
        for g in self.goals:
            for oid in g.objectives:
                if oid not in obj_ids:
                    raise ValueError(f"goal {g.id} names objective {oid}, which is not defined")
        for o in self.objectives:
            for iid in o.interventions:
                if iid not in int_ids:
                    raise ValueError(
                        f"objective {o.id} names intervention {iid}, which is not defined"
                    )
        for item_id in [*obj_ids, *int_ids, *(g.id for g in self.goals)]:
            if not item_id.startswith(self.id + "."):
                raise ValueError(f"item id {item_id} must start with '{self.id}.'")
        return self


class Section(_Strict):
    heading: str
    body: str


class BehaviouralTarget(_Strict):
    """A first target for a behaviour count or duration the intake measured and no objective
    template covers, from a cited source; the clinician confirms it with the client."""

    id: str
    measure_words: list[str] = Field(
        min_length=1, description="Any of these (lower case) in the baseline's measure."
    )
    unit_words: list[str] = Field(
        default_factory=list, description="When set, one of these is in the measure or unit."
    )
    exclude_words: list[str] = Field(
        default_factory=list, description="None of these may be in the measure or unit."
    )
    direction: Literal["decrease", "increase"]
    value: float
    comparator: Literal["<", "<=", "=", ">="]
    text: str = Field(description="The target as the objective reads it ('3 a day').")
    why: str
    not_for: list[Literal["child", "adolescent", "older_adult", "perinatal"]] = Field(
        default_factory=list
    )
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _states_value(self) -> BehaviouralTarget:
        shown = str(int(self.value)) if float(self.value).is_integer() else f"{self.value:g}"
        if shown not in self.text.split():
            raise ValueError(f"text '{self.text}' does not state the value {shown}")
        return self


class Module(_Strict):
    """Cross-cutting guidance (safety planning, SMART writing, audit criteria, instruments)."""

    id: str
    version: int = Field(ge=1)
    kind: Literal["module"] = "module"
    title: str
    codes: list[str] = Field(default_factory=list)
    lay_terms: list[str] = Field(default_factory=list)
    summary: str
    sections: list[Section] = Field(min_length=1)
    objectives: list[ObjectiveTemplate] = Field(default_factory=list)
    interventions: list[InterventionOption] = Field(default_factory=list)
    targets: list[BehaviouralTarget] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    citations: dict[str, str] = Field(
        default_factory=dict,
        description="Full references for source ids that are not in the clinical-facts sheet.",
    )


class ExamplePlan(_Strict):
    """A worked example plan (facts from the reference guide, in our own words)."""

    id: str
    version: int = Field(ge=1)
    kind: Literal["example"] = "example"
    title: str
    codes: list[str] = Field(min_length=1)
    presentation: str
    problem: str
    goals: list[str] = Field(min_length=1)
    objectives: list[str] = Field(min_length=1)
    interventions: list[str] = Field(min_length=1)
    timeline: str
    discharge_criteria: list[str] = Field(min_length=1)
    avoid: list[str] = Field(
        default_factory=list, description="Vague objectives this example rewrites."
    )
    sources: list[Source] = Field(min_length=1)


Record = Presentation | Module | ExamplePlan


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(frozen=True)

    presentations: dict[str, Presentation]
    modules: dict[str, Module]
    examples: dict[str, ExamplePlan]
    content_hash: str
    rules: DraftingRules | None = Field(
        default=None, description="Drafting rules over the case facts (knowledge/rules/)."
    )

    def records(self) -> Iterator[Record]:
        yield from self.presentations.values()
        yield from self.modules.values()
        yield from self.examples.values()

    def get(self, record_id: str) -> Record:
        for table in (self.presentations, self.modules, self.examples):
            if record_id in table:
                return table[record_id]
        raise KnowledgeError(f"knowledge record '{record_id}' does not exist")

    def targets(self) -> list[tuple[Module, BehaviouralTarget]]:
        """Every behavioural target with the module that cites it."""
        return [(m, t) for m in self.modules.values() for t in m.targets]

    def for_code(self, code: str) -> list[Presentation]:
        """Presentations that list ``code`` exactly, or its category (``F43.1`` for ``F43.10``)."""
        code = code.upper()
        hits = []
        for p in self.presentations.values():
            if any(code == c or (code.startswith(c) and len(c) >= 3) for c in p.codes):
                hits.append(p)
        return hits

    def item(self, item_id: str) -> tuple[Presentation | Module, object]:
        """Find an objective or intervention by its id, with the record that holds it."""
        holders: list[Presentation | Module] = [
            *self.presentations.values(),
            *self.modules.values(),
        ]
        for rec in holders:
            for o in rec.objectives:
                if o.id == item_id:
                    return rec, o
            for i in rec.interventions:
                if i.id == item_id:
                    return rec, i
        raise KnowledgeError(f"knowledge item '{item_id}' does not exist")


def _parse(path: Path) -> Record:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping at the top level")
    kind = data.get("kind", "presentation")
    models: dict[str, type[Presentation] | type[Module] | type[ExamplePlan]] = {
        "presentation": Presentation,
        "module": Module,
        "example": ExamplePlan,
    }
    model = models.get(kind, Presentation)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(f"{path.name}: {where}: {first['msg']}") from exc


RULES_FOLDER = "rules"


def _parse_rules(path: Path) -> DraftingRules:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML ({exc})") from exc
    try:
        return DraftingRules.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(f"{path.name}: {where}: {first['msg']}") from exc


def load(directory: Path | None = None) -> KnowledgeBase:
    """Load and cross-check every YAML file under ``directory`` (default ``knowledge/``)."""
    from assistant.knowledge_check import refuse_bad_slots  # the check imports these models

    directory = directory or KNOWLEDGE_DIR
    files = sorted(directory.rglob("*.yaml"))
    if not files:
        raise KnowledgeError(f"no knowledge files found under {directory}")
    digest = hashlib.sha256()
    presentations: dict[str, Presentation] = {}
    modules: dict[str, Module] = {}
    examples: dict[str, ExamplePlan] = {}
    seen: dict[str, Path] = {}
    rules: DraftingRules | None = None
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
        if path.parent.name == RULES_FOLDER:
            if rules is not None:
                raise KnowledgeError(f"{path.name}: only one drafting-rules file is allowed")
            rules = _parse_rules(path)
            refuse_bad_slots(rules, path.name)
            continue
        rec = _parse(path)
        refuse_bad_slots(rec, path.name)
        if rec.id in seen:
            raise KnowledgeError(
                f"{path.name}: id '{rec.id}' is already used by {seen[rec.id].name}"
            )
        seen[rec.id] = path
        if isinstance(rec, Presentation):
            presentations[rec.id] = rec
        elif isinstance(rec, Module):
            modules[rec.id] = rec
        else:
            examples[rec.id] = rec
    for ex in examples.values():
        if ex.presentation not in presentations:
            raise KnowledgeError(
                f"example '{ex.id}' refers to presentation '{ex.presentation}', which does not exist"
            )
    return KnowledgeBase(
        presentations=presentations,
        modules=modules,
        examples=examples,
        content_hash=digest.hexdigest(),
        rules=rules,
    )


@lru_cache(maxsize=4)
def load_cached(directory: str | None = None) -> KnowledgeBase:
    return load(Path(directory) if directory else None)
