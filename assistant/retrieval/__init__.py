"""Find the knowledge records that fit an intake: a chromadb index plus a lexical ranking.

Every presentation, goal, objective template, intervention option, module section and
example plan becomes one document. Item documents repeat their record's title and lay
terms, so a query in the client's own words still reaches a technique or an objective.

A query is scored two ways and the two are blended: cosine similarity of MiniLM vectors
(the chromadb collection's, every document at once as one matrix product) and BM25 over
the same texts (bm25s). A one-shot command (``draft``, ``retrieve``) reads those vectors
from the copy the local index keeps beside its collection, when it matches the documents
exactly, rather than spending half a second opening chromadb to read them. Diagnosis codes add
a fixed boost to the records that list them. Records are ranked by their best document
(ties broken by the second best).
A result whose blended score stays under :data:`FLOOR` is flagged ``below_floor``; when
the best record is under it, :class:`IntakeMatches` says ``no_close_template`` so the
drafter writes from the intake alone instead of pretending a template fits.

The index lives under ``settings.index_dir`` (or on a shared Chroma server when
``CHROMA_HOST`` is set) and is rebuilt only when the knowledge files change: their
``content_hash`` is stored in the collection metadata (:mod:`assistant.retrieval.index`). chromadb, onnxruntime and bm25s
are imported inside functions so that commands which need no index stay fast.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant import knowledge as knowledge_mod
from assistant.config import Settings, get_settings
from assistant.errors import RetrievalError
from assistant.retrieval.documents import Doc, Kind, _lines, documents
from assistant.retrieval.index import COLLECTION, IndexInfo, KnowledgeIndex, make_client

__all__ = [
    "COLLECTION",
    "Doc",
    "Hit",
    "IndexInfo",
    "IntakeMatches",
    "KnowledgeIndex",
    "Kind",
    "Retriever",
    "code_matches",
    "documents",
    "get_retriever",
    "make_client",
    "tokens",
]
from assistant.retrieval.lexical import code_matches, tokens

if TYPE_CHECKING:
    from assistant.intake import Intake, PresentingProblem
    from assistant.knowledge import KnowledgeBase

KINDS: tuple[str, ...] = ("presentation", "goal", "objective", "intervention", "module", "example")

# Blended score under which no template counts as close: set between the weakest real
# query of evals/retrieval.jsonl (about 0.40) and off-topic text (0.27 at most).
FLOOR = 0.33
VECTOR_WEIGHT = 0.75  # the rest is BM25
LEX_HALF = 8.0  # BM25 score that maps to 0.5 (saturating: s / (s + LEX_HALF))
CODE_BOOST = 0.25


class Hit(BaseModel):
    """One ranked document or record, with a short reason a clinician can read."""

    id: str
    record_id: str
    record_version: int
    title: str
    codes: list[str] = Field(default_factory=list)
    kind: str
    score: float = Field(ge=0, le=1)
    reason: str
    below_floor: bool


class IntakeMatches(BaseModel):
    presentations: list[Hit]
    hits: list[Hit]
    no_close_template: bool
    per_problem: list[list[Hit]]


@dataclass
class _Scored:
    doc: Doc
    vector: float
    lexical: float
    codes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        lex = self.lexical / (self.lexical + LEX_HALF) if self.lexical > 0 else 0.0
        blended = VECTOR_WEIGHT * max(self.vector, 0.0) + (1 - VECTOR_WEIGHT) * lex
        return min(1.0, blended + (CODE_BOOST if self.codes else 0.0))


class Retriever:
    """Ranked knowledge for a query or an intake. Builds the index on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        knowledge: KnowledgeBase | None = None,
        client: Any | None = None,
        *,
        one_shot: bool = False,
    ) -> None:
        self.settings = settings or get_settings()
        # a one-shot command (``draft``, ``retrieve``) reads the vectors the local index
        # wrote beside its collection when they match, instead of opening chromadb
        self._one_shot = one_shot
        self.kb = knowledge or knowledge_mod.load_cached()
        self._docs = documents(self.kb)
        self._index = KnowledgeIndex(self.settings, self.kb.content_hash, self._docs, client)
        self._by_id = {d.id: n for n, d in enumerate(self._docs)}
        self._token_lists = [tokens(d.text) for d in self._docs]  # BM25 reuses them
        self._doc_tokens = [frozenset(t) for t in self._token_lists]
        self._rarity: dict[str, int] = {}
        for toks in self._doc_tokens:
            for t in toks:
                self._rarity[t] = self._rarity.get(t, 0) + 1
        self._record_kind = {r.id: r.kind for r in self.kb.records()}
        self._bm25: Any = None
        self._lock = threading.Lock()

    @property
    def docs(self) -> list[Doc]:
        """The documents the index holds, one per knowledge item."""
        return list(self._docs)

    @property
    def location(self) -> str:
        return self._index.location

    @property
    def embedded(self) -> int:
        """Documents embedded by the last build (the rest had known vectors)."""
        return self._index.embedded

    def ensure_index(self, rebuild: bool = False) -> IndexInfo:
        """Build the index if it is missing, stale (knowledge changed) or ``rebuild`` is set."""
        with self._lock, self._index.build_lock():
            start = time.perf_counter()
            built = self._index.ensure(rebuild)
            self._index.matrix()
            if self._bm25 is None:
                self._bm25 = self._build_bm25()
            return IndexInfo(
                built=built,
                embedded=self.embedded if built else 0,
                documents=len(self._docs),
                seconds=round(time.perf_counter() - start, 3),
                content_hash=self.kb.content_hash,
                location=self.location,
            )

    def _ready(self) -> None:
        """The vectors and BM25 ready to score: from the snapshot for a one-shot command when
        there is one, else by opening (and if need be building) the index."""
        if self._bm25 is not None and self._index.has_matrix:
            return
        if self._one_shot:
            with self._lock:
                if self._index.open_snapshot():
                    if self._bm25 is None:
                        self._bm25 = self._build_bm25()
                    return
        self.ensure_index()

    def _build_bm25(self) -> Any:
        import bm25s

        model = bm25s.BM25()
        model.index([t or [""] for t in self._token_lists], show_progress=False)
        return model

    # ------------------------------------------------------------ scoring

    def _score(
        self, queries: Sequence[str], codes: Sequence[str], vectors: Any | None = None
    ) -> list[list[_Scored]]:
        """Every document scored against each query (same order as ``self._docs``).

        ``vectors`` may carry the query embeddings when the caller already has them."""
        import numpy as np

        from assistant.embeddings import get_encoder

        self._ready()
        if vectors is None:
            vectors = get_encoder().encode(list(queries))
        q = np.asarray(vectors, dtype=np.float32)
        q = q / np.clip(np.linalg.norm(q, axis=1, keepdims=True), 1e-12, None)
        # cosine similarity with every document: what the collection's cosine distance
        # gives (1 - distance), for all documents at once
        sims_all = q @ self._index.matrix().T
        wanted = [c for c in (c.strip().upper() for c in codes) if c]
        seen: dict[tuple[str, ...], list[str]] = {}

        def matches(doc_codes: Sequence[str]) -> list[str]:
            key = tuple(doc_codes)
            if key not in seen:
                seen[key] = [c for c in wanted if code_matches(c, doc_codes)]
            return seen[key]

        out = []
        for qi, query in enumerate(queries):
            sims = sims_all[qi].tolist()
            q_tokens = [t for t in tokens(query) if t in self._bm25.vocab_dict]
            lex = self._bm25.get_scores(q_tokens) if q_tokens else [0.0] * len(self._docs)
            out.append(
                [
                    _Scored(d, sims[n], float(lex[n]), matches(d.codes))
                    for n, d in enumerate(self._docs)
                ]
            )
        return out

    def _hit(self, s: _Scored, query: str, as_record: bool = False) -> Hit:
        d = s.doc
        reasons = [f"code {', '.join(s.codes)} matches"] if s.codes else []
        reasons.append(f"text similarity {max(s.vector, 0.0):.2f}")
        doc_tokens = self._doc_tokens[self._by_id[d.id]]
        common = len(self._docs) // 5  # words in a fifth of the documents say little
        shared = [t for t in dict.fromkeys(tokens(query)) if t in doc_tokens]
        shared = sorted(
            (t for t in shared if self._rarity.get(t, 0) <= common),
            key=lambda t: self._rarity.get(t, 0),
        )
        if shared:
            reasons.append("shared words: " + ", ".join(shared[:4]))
        score = round(s.score, 4)
        title, kind, ident, codes = d.title, d.kind, d.shown_id, list(d.codes)
        if as_record:
            rec = self.kb.get(d.record_id)
            title, kind, ident, codes = rec.title, rec.kind, rec.id, list(rec.codes)
            if d.shown_id != rec.id:
                reasons.append(f"best match: {d.kind} {d.id}")
        if d.lay_term:
            reasons.append(f"close to the description '{d.text.splitlines()[0]}'")
        return Hit(
            id=ident,
            record_id=d.record_id,
            record_version=d.record_version,
            title=title,
            codes=codes,
            kind=kind,
            score=score,
            reason="; ".join(reasons),
            below_floor=score < FLOOR,
        )

    @staticmethod
    def _filter(scored: list[_Scored], kinds: Sequence[str] | None) -> list[_Scored]:
        if kinds is None:
            return scored
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise RetrievalError(
                f"unknown kind(s) {', '.join(sorted(unknown))}; use one of {', '.join(KINDS)}"
            )
        return [s for s in scored if s.doc.kind in kinds]

    def _rank_items(self, scored: list[_Scored], query: str, k: int) -> list[Hit]:
        best: dict[str, _Scored] = {}  # one hit per shown id
        for s in sorted(scored, key=lambda s: s.score, reverse=True):
            best.setdefault(s.doc.shown_id, s)
            if len(best) == k:
                break
        return [self._hit(s, query) for s in best.values()]

    def _rank_records(
        self, scored: list[_Scored], query: str, k: int, kinds: Sequence[str] = ("presentation",)
    ) -> list[Hit]:
        groups: dict[str, list[_Scored]] = {}
        for s in scored:
            if self._record_kind[s.doc.record_id] in kinds:
                groups.setdefault(s.doc.record_id, []).append(s)
        ranked = []
        for items in groups.values():
            items.sort(key=lambda s: s.score, reverse=True)
            second = items[1].score if len(items) > 1 else 0.0
            ranked.append(((items[0].score, second), items[0]))
        ranked.sort(key=lambda t: t[0], reverse=True)
        return [self._hit(s, query, as_record=True) for _, s in ranked[:k]]

    # ------------------------------------------------------------ public

    def search(
        self, query: str, codes: Sequence[str] = (), k: int = 5, kinds: Sequence[str] | None = None
    ) -> list[Hit]:
        """Item-level hits (one per document), best first."""
        if not query.strip() and not codes:
            raise RetrievalError("the search is empty: give some text or a diagnosis code")
        (scored,) = self._score([query], codes)
        return self._rank_items(self._filter(scored, kinds), query, k)

    def records(
        self,
        query: str,
        codes: Sequence[str] = (),
        k: int = 5,
        kinds: Sequence[str] = ("presentation",),
    ) -> list[Hit]:
        """Record-level hits (one per record id: presentations by default), best first."""
        (scored,) = self._score([query], codes)
        return self._rank_records(scored, query, k, kinds)

    def _intake_vectors(self, problems: list[str], measures: list[str]) -> Any:
        """Embeddings for [overall, *problems] with one encoder pass over the problems.

        The overall query is the normalised mean of the problem vectors (and of the
        measures line when there is one) instead of a second, longer encoding of the
        same words: it ranks the same records and halves the time of a draft."""
        import numpy as np

        from assistant.embeddings import get_encoder

        texts = [*problems, *([_lines(measures)] if measures else [])]
        vecs = np.asarray(get_encoder().encode(texts), dtype=np.float32)
        mean = vecs.mean(axis=0)
        mean = mean / (float(np.linalg.norm(mean)) or 1.0)
        return [mean, *vecs[: len(problems)]]

    def for_intake(self, intake: Intake, k: int = 8) -> IntakeMatches:
        """Presentations and items that fit the intake, overall and per presenting problem."""
        codes = [d.code for d in intake.ordered_diagnoses()]
        problems = [_problem_text(p) for p in intake.presenting_problems]
        measures = [a.instrument for a in intake.assessments]
        measures += [b.measure for b in intake.baselines]
        overall = _lines(problems, measures)
        scored = self._score([overall, *problems], codes, self._intake_vectors(problems, measures))
        presentations = self._rank_records(scored[0], overall, k)
        return IntakeMatches(
            presentations=presentations,
            hits=self._rank_items(scored[0], overall, k),
            no_close_template=not presentations or presentations[0].below_floor,
            per_problem=[
                self._rank_records(s, q, k) for s, q in zip(scored[1:], problems, strict=True)
            ],
        )


def _problem_text(p: PresentingProblem) -> str:
    return _lines(p.summary, p.symptoms, p.functional_impact, p.client_words)


@lru_cache(maxsize=2)
def get_retriever(one_shot: bool = False) -> Retriever:
    """The process-wide retriever over the default settings and knowledge base;
    ``one_shot`` for a command that drafts or searches once and exits (see
    :class:`Retriever`)."""
    return Retriever(one_shot=one_shot)
