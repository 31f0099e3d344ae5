"""The chromadb collection that holds the knowledge documents and their vectors.

:class:`KnowledgeIndex` opens the collection (a local folder, or a shared Chroma server when
``CHROMA_HOST`` is set), keeps it when its stored ``content_hash`` and document count match
the knowledge base, and otherwise builds it again from reused or freshly embedded vectors
(:mod:`assistant.retrieval.vectors`). A local build holds the folder's lock file, so the app
and a command started together never build over each other. chromadb is imported inside
functions so that commands which need no index stay fast.

After a build, or the first check of an existing local collection, the collection's vectors
are also written beside it (``collection-vectors-<digest>.npy``, the digest covering the
embedding model and every document's id and text), so a one-shot command can score without
opening chromadb; a copy for other documents is never read, and a shared server's index
never has one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.errors import RetrievalError
from assistant.private_files import write_private
from assistant.retrieval.documents import Doc

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

COLLECTION = "tpa-knowledge"
SNAPSHOT_PREFIX = "collection-vectors-"


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
        self._matrix: NDArray[np.float32] | None = None

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
        self._keep(vectors)
        return True

    # ------------------------------------------------------------ the collection's vectors

    @functools.cached_property
    def digest(self) -> str:
        """What the collection's vectors depend on: the embedding model and every
        document's id and text, in order."""
        from assistant.embeddings import ChromaMiniLM

        h = hashlib.sha256(ChromaMiniLM.NAME.encode())
        for d in self.docs:
            h.update(f"\0{d.id}\0{d.text}".encode())
        return h.hexdigest()

    def _snapshot_path(self) -> Path:
        return self.settings.index_dir / f"{SNAPSHOT_PREFIX}{self.digest[:32]}.npy"

    @property
    def has_matrix(self) -> bool:
        return self._matrix is not None

    def matrix(self) -> NDArray[np.float32]:
        """The vectors the collection holds, one row per document in ``docs`` order (read
        once from the collection after :meth:`ensure`; scoring every document against a
        query is then one matrix product)."""
        if self._matrix is None:
            import numpy as np

            if self.collection is None:
                raise RetrievalError("the knowledge index is not open")
            got = self.collection.get(ids=[d.id for d in self.docs], include=["embeddings"])
            by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
            self._keep(np.asarray([by_id[d.id] for d in self.docs], dtype=np.float32))
        assert self._matrix is not None
        return self._matrix

    def _keep(self, vectors: Any) -> None:
        """Hold the collection's vectors (unit length, as cosine distance uses them) and,
        for a local index, write the copy a new process reads instead of opening chromadb."""
        import numpy as np

        mat = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        self._matrix = mat / np.clip(norms, 1e-12, None)
        if self.settings.chroma_host:
            return
        folder = self.settings.index_dir
        target = self._snapshot_path()
        if target.exists():
            return
        for old in folder.glob(f"{SNAPSHOT_PREFIX}*.npy"):  # of knowledge since changed
            old.unlink(missing_ok=True)
        buf = io.BytesIO()
        np.save(buf, self._matrix, allow_pickle=False)
        write_private(target, buf.getvalue())

    def open_snapshot(self) -> bool:
        """Take the collection's vectors from the copy the last build or check of this local
        index wrote beside it, without opening chromadb (about half a second of a one-shot
        command). False when there is no copy for exactly these documents and this model,
        or the index is a shared server's."""
        if self.settings.chroma_host:
            return False
        import numpy as np

        try:
            mat = np.load(self._snapshot_path(), allow_pickle=False)
        except (OSError, ValueError):
            return False
        if mat.ndim != 2 or mat.shape[0] != len(self.docs) or mat.dtype != np.float32:
            return False
        self._matrix = mat
        return True
