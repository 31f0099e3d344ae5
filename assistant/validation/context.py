"""Everything a rule may look at, computed once per validation run."""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from assistant import instruments, knowledge
from assistant.errors import AssistantError
from assistant.facts.model import CaseFacts
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase
from assistant.plan import Goal, Objective, Provenance, TreatmentPlan
from assistant.validation.numbers import (
    PlanSources,
    intake_numbers,
    number_sources,
    plan_sources,
)
from assistant.validation.profiles import Profile
from assistant.validation.smart import LintResult, lint_objective

if TYPE_CHECKING:
    once = cached_property
else:

    class once:  # noqa: N801 - used as a decorator, like the functools one it stands for
        """:func:`functools.cached_property` without its lock: Python 3.11 takes a lock,
        shared by every instance, on each first read, and a Context belongs to one check
        on one thread."""

        def __init__(self, fn):
            self.fn = fn
            self.attrname = fn.__name__
            self.__doc__ = fn.__doc__

        def __set_name__(self, owner, name):
            self.attrname = name

        def __get__(self, obj, cls=None):
            if obj is None:
                return self
            value = obj.__dict__[self.attrname] = self.fn(obj)
            return value


@dataclass
class Context:
    plan: TreatmentPlan
    intake: Intake | None
    profile: Profile
    for_signing: bool = False

    def param(self, key: str, default: Any = None) -> Any:
        return self.profile.param(key, default)

    @property
    def signing(self) -> bool:
        """True when the plan is signed or is being checked before signing."""
        return self.for_signing or self.plan.status == "signed"

    def lint(self, o: Objective) -> LintResult:
        return lint_objective(o.text)

    def instrument(self, o: Objective) -> instruments.Instrument | None:
        """The instrument an objective measures with: its field, else one named in its text."""
        if o.instrument:
            return instrument_named(o.instrument)
        found = self.lint(o).instrument
        return instrument_named(found) if found else None

    @once
    def knowledge(self) -> KnowledgeBase | None:
        """The knowledge base, or None when it cannot be loaded (e.g. a file is mid-edit)."""
        try:
            return knowledge.load_cached()
        except (AssistantError, OSError, ValueError):
            return _partial_knowledge()

    @once
    def facts(self) -> CaseFacts | None:
        """The case facts: those confirmed with the plan, else read from the intake."""
        if self.plan.case_facts is not None:
            return self.plan.case_facts
        if self.intake is None:
            return None
        return facts_of(self.intake)

    @once
    def _number_sources(self) -> tuple[set[float], set[float]]:
        return number_sources(
            self.plan, self.intake, self.plan_sources, intake_sets=self.intake_numbers
        )

    @once
    def intake_key(self) -> str | None:
        """The intake's content (its JSON): what is read from an intake is read once per
        content, as a plan is checked again and again against the same intake while it is
        edited. None without an intake."""
        return None if self.intake is None else self.intake.model_dump_json()

    @once
    def intake_numbers(self) -> tuple[frozenset[float], frozenset[float]] | None:
        """(every number, the baseline values) of the intake (see
        :func:`assistant.validation.numbers.intake_numbers`), read once per intake content."""
        key = self.intake_key
        if key is None or self.intake is None:
            return None
        found = _INTAKE_NUMBERS.get(key)
        if found is None:
            a, b = intake_numbers(self.intake, self.intake_texts)
            found = (frozenset(a), frozenset(b))
            remember(_INTAKE_NUMBERS, key, found)
        return found

    @once
    def allowed_numbers(self) -> set[float]:
        """Numbers the plan may state (see :mod:`assistant.validation.numbers`)."""
        return self._number_sources[0]

    @once
    def general_numbers(self) -> set[float]:
        """Numbers the plan may state from its own sources alone (the registry entries and
        knowledge records it cites), as :attr:`allowed_numbers` would be with no intake."""
        return self._number_sources[1]

    @once
    def plan_sources(self) -> PlanSources:
        """The instruments the plan names and the figures of the records it cites."""
        return plan_sources(self.plan, self.knowledge, [t for _, t in self.texts])

    @once
    def intake_texts(self) -> list[str]:
        """Every free-text field of the intake (none without an intake), read once per run."""
        return [] if self.intake is None else [t for _, t in self.intake.free_text()]

    @once
    def objectives(self) -> list[tuple[str, Goal, Objective]]:
        """Every objective with its path and goal (computed once per run)."""
        return list(self.plan.objectives())

    @once
    def texts(self) -> list[tuple[str, str]]:
        """Every free-text field with its path (computed once per run)."""
        return list(self.plan.texts())

    @once
    def targets(self) -> list[tuple[str, str]]:
        """What the plan sets out to do, with paths (see
        :func:`assistant.validation.rules_consistency.targets`), computed once per run."""
        from assistant.validation.rules_consistency import targets

        return list(targets(self.plan))

    @once
    def objective_ids(self) -> set[str]:
        return {o.id for _, _, o in self.objectives}

    @once
    def provenance_by_path(self) -> dict[str, Provenance | None]:
        out: dict[str, Provenance | None] = {p: item.provenance for p, _, item in self.plan.items()}
        out["timeline"] = self.plan.timeline.provenance
        return out

    @once
    def suggested_texts(self) -> list[tuple[str, str]]:
        """The free-text fields (with their paths) that the clinician has not written or edited
        (computed once per run)."""
        plan = self.plan
        items: list[Any] = [*plan.problems, *plan.interventions]
        for g in plan.goals:
            items.append(g)
            items += g.objectives
        if not written_by_clinician(plan.timeline.provenance) and not any(
            written_by_clinician(item.provenance) for item in items
        ):
            return self.texts  # nothing is the clinician's own
        owner = self.provenance_by_path.get
        return [
            (p, t) for p, t in self.texts if not written_by_clinician(owner(p.rsplit(".", 1)[0]))
        ]

    def provenance_for(self, text_path: str) -> Provenance | None:
        """The provenance of the item that owns a text field path
        (``goals[0].objectives[1].text`` -> the objective's)."""
        return self.provenance_by_path.get(text_path.rsplit(".", 1)[0])

    @once
    def word_stems(self) -> set[str]:
        """The first five letters of every word in the plan's text, strengths and client words."""
        parts = [t for _, t in self.texts] + self.plan.strengths
        parts += [g.client_words or "" for g in self.plan.goals]
        return set().union(*map(_word_stems, parts))


# intake JSON -> (its numbers, its baseline values)
_INTAKE_NUMBERS: dict[str, tuple[frozenset[float], frozenset[float]]] = {}
INTAKES_KEPT = 128
_REMEMBER_LOCK = threading.Lock()


def remember(cache: dict[str, Any], key: str, value: Any) -> None:
    """Keep ``value`` under an intake's content, forgetting the oldest beyond
    :data:`INTAKES_KEPT` intakes."""
    with _REMEMBER_LOCK:
        if len(cache) >= INTAKES_KEPT:
            cache.pop(next(iter(cache)), None)
        cache[key] = value


@lru_cache(maxsize=1024)
def instrument_named(name: str) -> instruments.Instrument | None:
    """:func:`assistant.instruments.get`, looked up once per name (the registry is fixed)."""
    return instruments.get(name)


@lru_cache(maxsize=8192)
def _word_stems(text: str) -> frozenset[str]:
    """The first five letters of every word in one text (most texts recur from check to
    check while a plan is worked on, so each is read once)."""
    return frozenset(w[:5] for w in re.findall(r"[a-z]+", text.lower()))


# id(intake) -> (a weak reference to it, its facts); an entry goes when its intake does.
_FACTS: dict[int, tuple[weakref.ref[Intake], CaseFacts]] = {}
_FACTS_LOCK = threading.Lock()


def facts_of(intake: Intake) -> CaseFacts:
    """The case facts read from ``intake``, read once per intake object: the store and the app
    check the same stored intake again and again, and reading free text is the costly part.
    Intakes are not changed after loading, so the facts stay true for the object's life."""
    key = id(intake)
    with _FACTS_LOCK:
        entry = _FACTS.get(key)
    if entry is not None and entry[0]() is intake:
        return entry[1]
    from assistant.facts import extract

    found = extract(intake)
    with _FACTS_LOCK:
        _FACTS[key] = (weakref.ref(intake), found)
    weakref.finalize(intake, _FACTS.pop, key, None)
    return found


def written_by_clinician(prov: Provenance | None) -> bool:
    """Clinician-written or clinician-edited text is the clinician's own statement."""
    return prov is not None and (
        prov.source == "clinician" or prov.authorship in ("written", "edited")
    )


def _partial_knowledge() -> KnowledgeBase | None:
    """The records that load on their own, when the whole base does not (a file mid-edit)."""
    from assistant import knowledge
    from assistant.errors import AssistantError

    tables: dict[str, dict[str, Any]] = {"presentation": {}, "module": {}, "example": {}}
    for path in sorted(knowledge.KNOWLEDGE_DIR.rglob("*.yaml")):
        try:
            rec = knowledge._parse(path)
        except (AssistantError, OSError, ValueError):
            continue
        tables[rec.kind].setdefault(rec.id, rec)
    if not any(tables.values()):
        return None
    return KnowledgeBase(
        presentations=tables["presentation"],
        modules=tables["module"],
        examples=tables["example"],
        content_hash="partial",
    )
