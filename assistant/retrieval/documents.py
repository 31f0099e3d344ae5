"""The documents the index holds: one per presentation, goal, objective template,
intervention option, lay term, module section and example plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.errors import RetrievalError

if TYPE_CHECKING:
    from assistant.knowledge import KnowledgeBase, Module, Presentation

Kind = Literal["presentation", "goal", "objective", "intervention", "module", "example"]


@dataclass(frozen=True)
class Doc:
    id: str
    record_id: str
    record_version: int
    kind: str
    title: str
    codes: tuple[str, ...]
    text: str
    hit_id: str = ""  # what a hit reports as its id when it differs from the document id
    lay_term: bool = False

    @property
    def shown_id(self) -> str:
        return self.hit_id or self.id

    def metadata(self) -> dict[str, str | int]:
        return {
            "id": self.shown_id,
            "record_id": self.record_id,
            "record_version": self.record_version,
            "kind": self.kind,
            "title": self.title,
            "codes": ",".join(self.codes),
        }


# ---------------------------------------------------------------- documents


def _lines(*parts: str | Sequence[str] | None) -> str:
    out: list[str] = []
    for p in parts:
        if not p:
            continue
        out.append(p if isinstance(p, str) else "; ".join(p))
    return "\n".join(s.strip() for s in out)


def _items(rec: Presentation | Module, kb_codes: tuple[str, ...], context: str) -> list[Doc]:
    docs = []
    for o in rec.objectives:
        measure = ", ".join(x for x in (o.instrument, o.baseline_measure) if x)
        docs.append(
            Doc(o.id, rec.id, rec.version, "objective", f"{rec.title}: {o.metric}", kb_codes,
                _lines(f"Objective: {o.text}", f"Measured by {o.measurement}; {measure}",
                       context))
        )  # fmt: skip
    for i in rec.interventions:
        docs.append(
            Doc(i.id, rec.id, rec.version, "intervention", f"{rec.title}: {i.name}", kb_codes,
                _lines(f"{i.name} ({i.modality})", i.techniques, i.evidence, context))
        )  # fmt: skip
    return docs


def _lay(rec: Presentation | Module, kind: str, title: str) -> list[Doc]:
    """One short document per lay term: a query in the client's words meets a phrase of
    the same length rather than a long overview where the phrase is diluted."""
    return [
        Doc(f"{rec.id}.lay.{n}", rec.id, rec.version, kind, title, tuple(rec.codes),
            _lines(term, rec.title), hit_id=rec.id, lay_term=True)
        for n, term in enumerate(rec.lay_terms, start=1)
    ]  # fmt: skip


def documents(kb: KnowledgeBase) -> list[Doc]:
    """Every indexed document, in a stable order."""
    docs: list[Doc] = []
    for p in kb.presentations.values():
        codes = tuple(p.codes)
        context = _lines(p.title, p.lay_terms)
        docs.append(
            Doc(p.id, p.id, p.version, "presentation", p.title, codes,
                _lines(p.title, p.lay_terms, p.summary, " ".join(codes),
                       p.problem.must_capture, p.problem.example))
        )  # fmt: skip
        docs.extend(_lay(p, "presentation", p.title))
        for g in p.goals:
            docs.append(
                Doc(g.id, p.id, p.version, "goal", f"{p.title}: {g.text}", codes,
                    _lines(f"Goal: {g.text}", context))
            )  # fmt: skip
        docs.extend(_items(p, codes, context))
    for m in kb.modules.values():
        codes = tuple(m.codes)
        context = _lines(m.title, m.lay_terms)
        for n, s in enumerate(m.sections, start=1):
            docs.append(
                Doc(f"{m.id}.section.{n}", m.id, m.version, "module", f"{m.title}: {s.heading}",
                    codes, _lines(s.heading, s.body, context))
            )  # fmt: skip
        docs.extend(_lay(m, "module", m.title))
        docs.extend(_items(m, codes, context))
    for e in kb.examples.values():
        docs.append(
            Doc(e.id, e.id, e.version, "example", e.title, tuple(e.codes),
                _lines(e.title, e.problem, e.goals, e.objectives, e.interventions))
        )  # fmt: skip
    seen: set[str] = set()
    for d in docs:
        if d.id in seen:
            raise RetrievalError(f"knowledge item id '{d.id}' is used twice; ids must be unique")
        seen.add(d.id)
    return docs


# ---------------------------------------------------------------- lexical side
