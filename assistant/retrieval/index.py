"""The chromadb collection that holds the knowledge documents and their vectors.

:class:`KnowledgeIndex` opens the collection (a local folder, or a shared Chroma server when
``CHROMA_HOST`` is set), keeps it when its stored ``content_hash`` and document count match
the knowledge base, and otherwise builds it again from reused or freshly embedded vectors
(:mod:`assistant.retrieval.vectors`). A local build holds the folder's lock file, so the app
and a command started together never build over each other. chromadb is imported inside
functions so that commands which need no index stay fast.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.errors import RetrievalError
from assistant.retrieval.documents import Doc

COLLECTION = "tpa-knowledge"


class IndexInfo(BaseModel):
    built: bool
    documents: int
    embedded: int = Field(
        default=0, description="Documents embedded by this build; the rest had known vectors."
    )
    seconds: float
    content_hash: str
    location: str = ""


def make_client(settings: Settings) -> Any:
    """A chromadb client: HTTP when ``chroma_host`` is set, else a persistent local one."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many kinds
        where = (
            f"the shared index at {settings.chroma_host}:{settings.chroma_port} "
            "(check CHROMA_HOST / CHROMA_PORT, or unset CHROMA_HOST to use the local index)"
            if settings.chroma_host
            else f"the local index at {settings.index_dir}"
        )
        raise RetrievalError(f"could not open {where}: {exc}") from exc


class KnowledgeIndex:
    """One knowledge base's documents in the chromadb collection, built when stale."""

    def __init__(
        self, settings: Settings, content_hash: str, docs: Sequence[Doc], client: Any | None
    ) -> None:
        self.settings = settings
        self.content_hash = content_hash
        self.docs = docs
        self._client = client
        self.collection: Any = None  # set by ensure()
        self.embedded = 0  # documents embedded by the last build (the rest were known)

    @property
    def location(self) -> str:
        s = self.settings
        return f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.index_dir)

    def _open(self, create: bool) -> Any:
        from assistant.embeddings import ChromaMiniLM, register_with_chromadb

        register_with_chromadb()
        if self._client is None:
            self._client = make_client(self.settings)
        if not create:
            return self._client.get_or_create_collection(
                COLLECTION, embedding_function=ChromaMiniLM()
            )
        return self._client.create_collection(
            COLLECTION,
            embedding_function=ChromaMiniLM(),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"content_hash": self.content_hash, "embedding": ChromaMiniLM.NAME},
        )

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """Hold the index folder's lock file while checking or building the local index, so
        the app and a command started together never build over each other."""
        if self.settings.chroma_host:
            yield  # a shared Chroma server orders its own writes
            return
        import fcntl

        folder = self.settings.index_dir
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".build.lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def ensure(self, rebuild: bool) -> bool:
        """Open the collection, building it when missing, stale or ``rebuild`` is set; True
        when it was built. Any failure is a :class:`RetrievalError` that says how to fix it."""
        try:
            return self._ensure(rebuild)
        except RetrievalError:
            raise
        except Exception as exc:
            raise RetrievalError(
                f"the knowledge index at {self.location} could not be used ({exc}); "
                "rebuild it with `python -m assistant index --rebuild`"
            ) from exc

    def _ensure(self, rebuild: bool) -> bool:
        if self.collection is not None and not rebuild:
            return False
        try:
            col = self._open(create=False)
        except RetrievalError:
            raise
        except Exception:
            if not rebuild:  # e.g. a collection made with another embedding function
                raise
            col = None
        if (
            col is not None
            and not rebuild
            and (col.metadata or {}).get("content_hash") == self.content_hash
            and col.count() == len(self.docs)
        ):
            self.collection = col
            return False
        from assistant.retrieval.vectors import embed_documents

        assert self._client is not None  # opened by _open()
        if col is not None or COLLECTION in [c.name for c in self._client.list_collections()]:
            self._client.delete_collection(COLLECTION)
        col = self._open(create=True)
        vectors, self.embedded = embed_documents(
            [d.text for d in self.docs], cache_dir=self.settings.index_dir
        )
        step = 500
        for i in range(0, len(self.docs), step):
            chunk = self.docs[i : i + step]
            col.add(
                ids=[d.id for d in chunk],
                documents=[d.text for d in chunk],
                metadatas=[d.metadata() for d in chunk],
                embeddings=list(vectors[i : i + step]),
            )
        self.collection = col
        return True
