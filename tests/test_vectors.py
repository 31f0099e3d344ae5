"""Document vectors reused between index builds (shipped file and the local cache)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import knowledge
from assistant.retrieval import vectors
from assistant.retrieval.documents import documents

TEXTS = ["checks the stove before leaving", "wakes at 4 am and cannot get back to sleep"]


@pytest.fixture()
def no_shipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(vectors, "SHIPPED", tmp_path / "none.npz")


def test_second_build_embeds_nothing_and_gives_the_same_vectors(
    no_shipped: None, tmp_path: Path
) -> None:
    first, n1 = vectors.embed_documents(TEXTS, cache_dir=tmp_path / "index")
    second, n2 = vectors.embed_documents(TEXTS, cache_dir=tmp_path / "index")
    assert (n1, n2) == (2, 0)
    assert np.array_equal(first, second)


def test_only_a_changed_text_is_embedded_again(no_shipped: None, tmp_path: Path) -> None:
    vectors.embed_documents(TEXTS, cache_dir=tmp_path)
    changed = [TEXTS[0], TEXTS[1] + " most nights"]
    _, n = vectors.embed_documents(changed, cache_dir=tmp_path)
    assert n == 1
    # the local file keeps only what the current texts use
    assert set(vectors.read(tmp_path / vectors.LOCAL_NAME)) == {vectors.key(t) for t in changed}


def test_a_damaged_cache_file_costs_time_not_correctness(no_shipped: None, tmp_path: Path) -> None:
    (tmp_path / vectors.LOCAL_NAME).write_bytes(b"not an npz file")
    got, n = vectors.embed_documents(TEXTS, cache_dir=tmp_path)
    assert n == 2
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)


def test_vectors_depend_on_the_model_as_well_as_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    before = vectors.key(TEXTS[0])
    monkeypatch.setattr(vectors, "MODEL_SHA256", "0" * 64)
    assert vectors.key(TEXTS[0]) != before


def test_shipped_vectors_cover_the_knowledge_base_and_match_the_model() -> None:
    texts = [d.text for d in documents(knowledge.load_cached())]
    share = vectors.coverage(texts)
    assert share == 1.0, (
        f"the shipped vectors cover {share:.0%} of the knowledge documents; after editing "
        "knowledge/, run: python -m assistant index --write-shipped-vectors"
    )
    from assistant.embeddings import get_encoder

    shipped = vectors.read(vectors.SHIPPED)
    sample = texts[:: max(1, len(texts) // 5)][:5]
    fresh = get_encoder().encode(sample)
    for row, text in enumerate(sample):
        assert float(np.dot(shipped[vectors.key(text)], fresh[row])) > 0.999


def test_two_processes_building_the_index_at_once_leave_it_usable(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "from assistant.retrieval import get_retriever\n"
        "r = get_retriever(); r.ensure_index(rebuild=True)\n"
        "print(r.search('checks the stove before leaving', k=1)[0].id)\n"
    )
    env = {**os.environ, "TPA_DATA_DIR": str(tmp_path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err.decode()[-400:] for _, err in outs]
    assert len({out.strip() for out, _ in outs}) == 1
