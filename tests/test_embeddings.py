"""The offline sentence encoder: pinned files, unit vectors, meaning, padding and truncation."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import (
    DIMENSIONS,
    TOKENIZER_PATH,
    ChromaMiniLM,
    Encoder,
    _model_path,
    _Paths,
    get_encoder,
)
from assistant.errors import RetrievalError


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return get_encoder()


def _cos(encoder: Encoder, a: str, b: str) -> float:
    va, vb = encoder.encode([a, b])
    return float(va @ vb)


@pytest.mark.parametrize(
    ("anchor", "close", "far"),
    [
        (
            "I worry about everything all day and cannot switch it off",
            "constant anxious thoughts about work, money and family",
            "the recipe needs two eggs and a cup of flour",
        ),
        (
            "wakes at 3am and cannot get back to sleep",
            "lies awake for hours every night",
            "the train to the airport leaves every twenty minutes",
        ),
        (
            "drinks a bottle of wine most nights",
            "heavy alcohol use every evening",
            "repainted the garden fence blue",
        ),
    ],
)
def test_close_sentences_score_higher_than_unrelated(
    encoder: Encoder, anchor: str, close: str, far: str
) -> None:
    near, away = _cos(encoder, anchor, close), _cos(encoder, anchor, far)
    assert near > away + 0.2, (near, away)


def test_vectors_are_unit_length_and_384_wide(encoder: Encoder) -> None:
    texts = ["short", "a somewhat longer sentence about sleep and worry", "", "x " * 400]
    vectors = encoder.encode(texts)
    assert vectors.shape == (len(texts), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_padding_does_not_change_a_vector(encoder: Encoder) -> None:
    """A short text batched with a long one (so it is padded) keeps the vector it has alone."""
    short = "panic attacks on the motorway"
    alone = encoder.encode([short])[0]
    batched = encoder.encode([short, "a much longer text " * 20])[0]
    assert float(alone @ batched) > 0.9999


def test_text_past_256_tokens_is_cut(encoder: Encoder) -> None:
    base = "the client keeps a sleep diary every night " * 60  # well over 256 tokens
    a, b = encoder.encode([base, base + " and then talks about football and cooking"])
    assert float(a @ b) > 0.9999


@pytest.mark.parametrize("which", ["model", "tokenizer"])
def test_a_changed_file_is_refused(tmp_path: Path, which: str) -> None:
    model, tokenizer = _model_path(), TOKENIZER_PATH
    if which == "model":
        model = tmp_path / "model.onnx"
        model.write_bytes(b"not the pinned model")
    else:
        tokenizer = tmp_path / "tokenizer.json"
        shutil.copy(TOKENIZER_PATH, tokenizer)
        with tokenizer.open("a") as fh:
            fh.write(" ")
    with pytest.raises(RetrievalError, match="not the pinned version"):
        Encoder(_Paths(model=model, tokenizer=tokenizer))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RetrievalError, match="missing"):
        Encoder(_Paths(model=tmp_path / "nothing.onnx", tokenizer=TOKENIZER_PATH))


def test_chromadb_protocol() -> None:
    from chromadb.api.types import EmbeddingFunction, validate_embedding_function

    ef = ChromaMiniLM()
    validate_embedding_function(ef)  # type: ignore[arg-type]
    assert isinstance(ef, EmbeddingFunction)
    assert not ef.is_legacy()
    out = ef(["one text", "another text"])
    assert len(out) == 2 and out[0].shape == (DIMENSIONS,)
    assert len(ef.embed_query(["a query"])) == 1
    assert ChromaMiniLM.build_from_config(ef.get_config()).name() == ef.name()
    with pytest.raises(RetrievalError, match="different embedding model"):
        ChromaMiniLM.validate_config({"sha256": "0" * 64})


def test_encoder_is_loaded_once() -> None:
    assert get_encoder() is get_encoder()
