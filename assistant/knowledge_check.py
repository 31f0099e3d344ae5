"""``knowledge check``: every mistake in the authored knowledge, in one run.

The loader (:mod:`assistant.knowledge`) stops at the first broken file; this check reads
every file on its own and reports each problem with the file, the record and the field,
so an author fixes them all at once. Beyond the record formats it checks what only the
drafter knows:

- the ``{slots}`` of each objective template against the ones the composer fills (read
  from the mapping it passes to ``str.format`` in :mod:`assistant.drafting`, so the two
  cannot drift);
- the ``{slots}`` of each drafting-rules wording against the ones its caller fills;
- each intervention tag against the tag vocabulary (the tags a client's preference can
  select or refuse, read from :mod:`assistant.drafting.select`, plus descriptive tags);
- each adaptation key against the client circumstances the drafter recognises.
"""

from __future__ import annotations

import ast
import fnmatch
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assistant import knowledge as kb
from assistant.yamlio import load_yaml

# Tags that describe an approach but that no preference word selects (kept closed so a
# misspelt tag is caught rather than silently never matching).
DESCRIPTIVE_TAGS = frozenset({"behavioural", "body", "brief", "cbt", "cognitive", "self-help"})

# Client circumstances an adaptation can be written for.
ADAPTATION_KEYS = frozenset({"adolescent", "caregiver", "older_adult", "mandated", "perinatal"})

# Each drafting-rules wording with slots, and the names its caller in assistant/drafting
# passes to ``str.format`` (casefit.py, measures.py, trauma.py, client_goals.py). A wording
# not listed here is shown as written, so it must not contain slots at all.
RULE_SLOTS: dict[str, frozenset[str]] = {
    "levels_of_care.*.frequency": frozenset({"days", "hours"}),
    "monitoring.text": frozenset({"instrument", "cadence", "score"}),
    "composed_objective.decrease": frozenset(
        {"measure", "baseline", "unit", "target", "weeks", "source"}
    ),
    "composed_objective.increase": frozenset(
        {"measure", "baseline", "unit", "target", "weeks", "source"}
    ),
    "composed_objective.maintain_zero": frozenset(
        {"measure", "baseline", "unit", "weeks", "source"}
    ),
    "composed_objective.zero_target": frozenset({"measure", "baseline", "unit", "weeks", "source"}),
    "abstinence.maintenance": frozenset({"substance", "since", "weeks", "source"}),
    "abstinence.maintenance_metric": frozenset({"substance"}),
    "withdrawal.objective": frozenset({"substance", "reason"}),
    "withdrawal.objective_abstinent": frozenset({"substance", "reason"}),
    "withdrawal.safety_action": frozenset({"substance", "reason"}),
    "withdrawal.safety_action_on_medication": frozenset({"substance", "reason", "medications"}),
    "withdrawal.safety_action_abstinent": frozenset({"substance", "reason"}),
    "medication.intervention.technique": frozenset({"medications"}),
    "caregivers.sequencing": frozenset({"text"}),
    "mandate.sequencing": frozenset({"referred_by", "deadline"}),
    "mandate.requirements": frozenset({"referred_by", "requirements"}),
    "mandate.sessions_scope": frozenset({"referred_by", "sessions"}),
    "mandate.release": frozenset({"referred_by", "scope"}),
    "mandate.release_unknown": frozenset({"referred_by"}),
    "preferences.*": frozenset({"text"}),
    "safety_steps.*": frozenset({"text"}),
    "risk_to_others.*.objective": frozenset({"substance"}),
    "risk_to_others.*.action": frozenset({"text"}),
    "trauma_alternatives.text": frozenset({"chosen", "alternative", "reason"}),
    "client_goal.text": frozenset({"goal", "weeks", "now"}),
    "client_goal.baseline_source": frozenset({"now"}),
    "client_goal.metric": frozenset({"goal"}),
}


@dataclass(frozen=True)
class Problem:
    """One mistake: the file, the record (its id), where in it, and what is wrong."""

    file: str
    record: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.where}: {self.message}"


@lru_cache(maxsize=1)
def template_slots() -> frozenset[str]:
    """The slot names the composer fills in an objective template, read from the drafting
    code: in any function of ``assistant/drafting`` that calls ``text.format(**mapping)``,
    the keys of the dict assigned to that mapping and of any ``mapping["key"] = ...``."""
    names: set[str] = set()
    folder = Path(__file__).with_name("drafting")
    for source in sorted(folder.glob("*.py")):
        code = source.read_text(encoding="utf-8")
        if ".format(**" not in code:  # parse only what can hold one (keeps loading fast)
            continue
        tree = ast.parse(code)
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                names |= _format_mapping_keys(fn)
    if not names:
        raise RuntimeError(
            f"no '.format(**slots)' call found under {folder}; the template check needs one"
        )
    return frozenset(names)


def _format_mapping_keys(fn: ast.FunctionDef) -> set[str]:
    mappings = {
        kw.value.id
        for call in ast.walk(fn)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "format"
        for kw in call.keywords
        if kw.arg is None and isinstance(kw.value, ast.Name)
    }
    keys: set[str] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Assign):
            continue
        for t in node.targets:
            if isinstance(t, ast.Name) and t.id in mappings and isinstance(node.value, ast.Dict):
                keys |= {
                    k.value
                    for k in node.value.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
            if (
                isinstance(t, ast.Subscript)
                and isinstance(t.value, ast.Name)
                and t.value.id in mappings
                and isinstance(t.slice, ast.Constant)
                and isinstance(t.slice.value, str)
            ):
                keys.add(t.slice.value)
    return keys


def tag_vocabulary() -> frozenset[str]:
    """Tags a preference can select or refuse (from the drafter's own word table), plus
    the descriptive tags."""
    from assistant.drafting.select import _TAG_WORDS

    return frozenset(_TAG_WORDS.values()) | DESCRIPTIVE_TAGS


def slots_in(text: str) -> tuple[list[str], str | None]:
    """The slot names in ``text`` and, when its braces do not parse, why."""
    try:
        return [f for _, f, _, _ in string.Formatter().parse(text) if f is not None], None
    except ValueError as exc:
        return [], f"braces do not pair up ({exc}); write a literal brace as {{{{ or }}}}"


def _slot_problems(
    text: str, allowed: frozenset[str], file: str, record: str, where: str
) -> list[Problem]:
    names, broken = slots_in(text)
    if broken:
        return [Problem(file, record, where, broken)]
    out = []
    for name in names:
        if name == "" or name.isdigit():
            out.append(Problem(file, record, where, "a slot must have a name, e.g. {target}"))
        elif name not in allowed:
            choice = ", ".join("{" + s + "}" for s in sorted(allowed)) or "none"
            out.append(
                Problem(file, record, where, f"unknown slot {{{name}}}; the drafter fills {choice}")
            )
    return out


def template_problems(rec: kb.Presentation | kb.Module, file: str) -> list[Problem]:
    """Slots of every objective template in one record."""
    allowed = template_slots()
    out: list[Problem] = []
    for o in rec.objectives:
        out += _slot_problems(o.text, allowed, file, rec.id, f"objective {o.id} text")
    return out


def _leaves(data: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        return [
            leaf for k, v in data.items() for leaf in _leaves(v, f"{path}.{k}" if path else str(k))
        ]
    if isinstance(data, list):
        return [leaf for i, v in enumerate(data) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, data)] if isinstance(data, str) else []


def rules_problems(rules: kb.DraftingRules, file: str) -> list[Problem]:
    """Slots of every drafting-rules wording against what its caller fills."""
    out: list[Problem] = []
    for path, text in _leaves(rules.model_dump()):
        allowed = next(
            (slots for pattern, slots in RULE_SLOTS.items() if fnmatch.fnmatchcase(path, pattern)),
            frozenset(),
        )
        out += _slot_problems(text, allowed, file, rules.id, path)
    return out


def _record_problems(rec: kb.Record, file: str, tags: frozenset[str]) -> list[Problem]:
    if isinstance(rec, kb.ExamplePlan):
        return []
    out = template_problems(rec, file)
    for iv in rec.interventions:
        for tag in iv.tags:
            if tag not in tags:
                out.append(
                    Problem(
                        file,
                        rec.id,
                        f"intervention {iv.id} tags",
                        f"unknown tag '{tag}'; use one of {', '.join(sorted(tags))}",
                    )
                )
    if isinstance(rec, kb.Presentation):
        for key in rec.adaptations:
            if key not in ADAPTATION_KEYS:
                out.append(
                    Problem(
                        file,
                        rec.id,
                        "adaptations",
                        f"unknown adaptation '{key}'; use one of {', '.join(sorted(ADAPTATION_KEYS))}",
                    )
                )
    return out


def _validation_problems(exc: ValidationError, file: str, record: str) -> list[Problem]:
    return [
        Problem(file, record, ".".join(str(p) for p in e["loc"]) or "(top level)", e["msg"])
        for e in exc.errors()
    ]


_MODELS: dict[str, type[BaseModel]] = {
    "presentation": kb.Presentation,
    "module": kb.Module,
    "example": kb.ExamplePlan,
}


def check(directory: Path | None = None) -> list[Problem]:
    """Every problem in the knowledge under ``directory`` (default: the knowledge folder)."""
    directory = directory or kb.KNOWLEDGE_DIR
    files = sorted(directory.rglob("*.yaml"))
    if not files:
        return [Problem(str(directory), "-", "-", "no knowledge files found")]
    tags = tag_vocabulary()
    out: list[Problem] = []
    seen: dict[str, str] = {}
    presentations: set[str] = set()
    examples: list[tuple[str, kb.ExamplePlan]] = []
    rules_files: list[str] = []
    for path in files:
        name = path.relative_to(directory).as_posix()
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            out.append(Problem(name, "-", "-", f"not valid YAML ({exc})"))
            continue
        if not isinstance(data, dict):
            out.append(Problem(name, "-", "-", "expected a mapping at the top level"))
            continue
        record = str(data.get("id", "(no id)"))
        if path.parent.name == kb.RULES_FOLDER:
            rules_files.append(name)
            try:
                rules = kb.DraftingRules.model_validate(data)
            except ValidationError as exc:
                out += _validation_problems(exc, name, record)
                continue
            out += rules_problems(rules, name)
            continue
        kind = str(data.get("kind", "presentation"))
        if kind not in _MODELS:
            out.append(
                Problem(name, record, "kind", f"unknown kind '{kind}'; use {', '.join(_MODELS)}")
            )
            continue
        try:
            rec = _MODELS[kind].model_validate(data)
        except ValidationError as exc:
            out += _validation_problems(exc, name, record)
            continue
        assert isinstance(rec, kb.Presentation | kb.Module | kb.ExamplePlan)
        if rec.id in seen:
            out.append(Problem(name, rec.id, "id", f"already used by {seen[rec.id]}"))
        seen[rec.id] = name
        if isinstance(rec, kb.Presentation):
            presentations.add(rec.id)
        if isinstance(rec, kb.ExamplePlan):
            examples.append((name, rec))
        out += _record_problems(rec, name, tags)
    for name, ex in examples:
        if ex.presentation not in presentations:
            out.append(
                Problem(
                    name,
                    ex.id,
                    "presentation",
                    f"refers to presentation '{ex.presentation}', which does not exist",
                )
            )
    if len(rules_files) > 1:
        out.append(Problem(rules_files[1], "-", "-", "only one drafting-rules file is allowed"))
    return out


def refuse_bad_slots(rec: kb.Record | kb.DraftingRules, file: str) -> None:
    """Raise :class:`KnowledgeError` naming the file, record and slot when an objective
    template has a slot the composer does not fill (called by the loader per file).

    Rules wordings are checked by ``knowledge check`` only: their slot table is kept by
    hand, and a new wording must not stop every draft before the table learns it."""
    if isinstance(rec, kb.Presentation | kb.Module):
        problems = template_problems(rec, file)
        if problems:
            raise kb.KnowledgeError(str(problems[0]))
