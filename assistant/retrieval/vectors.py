"""Document vectors kept between index builds, keyed by exactly what was embedded.

Embedding is the slow part of building the index (tens of milliseconds a document on two
cores). A vector depends only on the model and the text, so it is stored under
``sha256(model sha256 + text)`` and reused whenever that text comes round again:

- ``assistant/data/knowledge-vectors.npz`` ships with the package and holds the vectors of
  the knowledge base as released, so a first start does not wait for the whole base to be
  embedded (regenerate it with ``python -m assistant index --write-shipped-vectors`` after
  editing ``knowledge/``; a test reports when it has fallen behind);
- ``<index_dir>/vectors.npz`` keeps what this machine embedded since (edited records).

A text that changed is embedded again and nothing else is, so a stale or missing file costs
time, never correctness. Files are plain arrays (``allow_pickle=False``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embeddings import DIMENSIONS, MODEL_SHA256

if TYPE_CHECKING:
    from numpy.typing import NDArray

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "knowledge-vectors.npz"
LOCAL_NAME = "vectors.npz"


def key(text: str) -> str:
    """The cache key of one document's vector: the model and the exact text."""
    return hashlib.sha256(f"{MODEL_SHA256}\n{text}".encode()).hexdigest()


def read(path: Path) -> dict[str, NDArray[np.float32]]:
    """Vectors stored at ``path`` by key; an unreadable or foreign file reads as empty."""
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vecs = data["keys"], data["vectors"]
    except (OSError, KeyError, ValueError):
        return {}
    if vecs.ndim != 2 or vecs.shape[1] != DIMENSIONS or len(keys) != len(vecs):
        return {}
    return {str(k): vecs[i].astype(np.float32) for i, k in enumerate(keys)}


def write(path: Path, vectors: dict[str, NDArray[np.float32]]) -> None:
    """Store ``vectors`` at ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    mat = (
        np.stack([vectors[k] for k in keys]).astype(np.float32)
        if keys
        else np.zeros((0, DIMENSIONS), dtype=np.float32)
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, keys=np.array(keys), vectors=mat)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def embed_documents(
    texts: Sequence[str], cache_dir: Path | None = None
) -> tuple[NDArray[np.float32], int]:
    """Vectors for ``texts`` (one row each) and how many had to be embedded now.

    Known vectors come from the shipped file and from ``cache_dir``; only the rest are
    encoded, and those are added to ``cache_dir``'s file for next time."""
    known = read(SHIPPED)
    local_path = cache_dir / LOCAL_NAME if cache_dir is not None else None
    local = read(local_path) if local_path is not None else {}
    known.update(local)
    keys = [key(t) for t in texts]
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    missing = [i for i, k in enumerate(keys) if k not in known]
    for i, k in enumerate(keys):
        if k in known:
            out[i] = known[k]
    if missing:
        from assistant.embeddings import get_encoder

        fresh = get_encoder().encode([texts[i] for i in missing])
        for row, i in enumerate(missing):
            out[i] = fresh[row]
            local[keys[i]] = fresh[row]
        if local_path is not None:
            wanted = set(keys)  # keep the local file to what the current base uses
            write(local_path, {k: v for k, v in local.items() if k in wanted})
    return out, len(missing)


def write_shipped(texts: Sequence[str], path: Path = SHIPPED) -> int:
    """Embed every text afresh and write the shipped file; returns the number of vectors."""
    from assistant.embeddings import get_encoder

    unique = list(dict.fromkeys(texts))
    vecs = get_encoder().encode(unique)
    write(path, {key(t): vecs[i] for i, t in enumerate(unique)})
    path.chmod(0o644)  # package data, read by every user of an installation
    return len(unique)


def coverage(texts: Sequence[str]) -> float:
    """Share of ``texts`` whose vector the shipped file already holds."""
    if not texts:
        return 1.0
    known = read(SHIPPED)
    return sum(key(t) in known for t in texts) / len(texts)
