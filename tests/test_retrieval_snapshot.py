"""A one-shot command (``draft``, ``retrieve``) reads the local index's vectors from the copy
the index wrote beside its chromadb collection, and ranks exactly as the open index does.

Built over a small part of the knowledge base so that each index takes a second.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import knowledge
from assistant.config import Settings
from assistant.knowledge import KnowledgeBase
from assistant.retrieval import Retriever
from assistant.retrieval.index import SNAPSHOT_PREFIX

QUERIES = (
    "lies awake for hours and dreads going to bed",
    "worries about everything at work and cannot switch off",
    "wakes at 4 am and cannot get back to sleep",
)


def _kb(ids: tuple[str, ...], content_hash: str) -> KnowledgeBase:
    full = knowledge.load()
    return KnowledgeBase(
        presentations={i: full.presentations[i] for i in ids},
        modules={},
        examples={},
        content_hash=content_hash,
    )


def _ranked(r: Retriever) -> list[list[tuple[str, float, str]]]:
    return [[(h.id, h.score, h.reason) for h in r.search(q, k=8)] for q in QUERIES]


@pytest.fixture
def built(tmp_path: Path) -> tuple[Settings, KnowledgeBase, list[list[tuple[str, float, str]]]]:
    settings = Settings(data_dir=tmp_path, chroma_host=None)
    kb = _kb(("insomnia", "gad"), "snap-a")
    r = Retriever(settings=settings, knowledge=kb)
    assert r.ensure_index().built
    return settings, kb, _ranked(r)


def test_a_one_shot_search_ranks_as_the_open_index_without_opening_chromadb(
    built: tuple[Settings, KnowledgeBase, list[list[tuple[str, float, str]]]],
) -> None:
    settings, kb, expected = built
    assert list(settings.index_dir.glob(f"{SNAPSHOT_PREFIX}*.npy")), "the build wrote no copy"
    one_shot = Retriever(settings=settings, knowledge=kb, one_shot=True)
    assert _ranked(one_shot) == expected
    assert one_shot._index.collection is None, "the one-shot search opened the collection"


def test_a_copy_for_other_documents_is_not_read_and_the_index_is_rebuilt(
    built: tuple[Settings, KnowledgeBase, list[list[tuple[str, float, str]]]],
) -> None:
    settings, _, _ = built
    other = _kb(("insomnia", "panic"), "snap-b")  # the knowledge changed since the build
    one_shot = Retriever(settings=settings, knowledge=other, one_shot=True)
    got = _ranked(one_shot)
    assert one_shot._index.collection is not None, "a stale copy was read"
    assert got == _ranked(Retriever(settings=settings, knowledge=other))
    assert any(h[0].startswith("panic") for hits in got for h in hits)
    copies = list(settings.index_dir.glob(f"{SNAPSHOT_PREFIX}*.npy"))
    assert len(copies) == 1, "the copy of the old documents' vectors was left behind"


def test_an_unreadable_copy_falls_back_to_the_collection(
    built: tuple[Settings, KnowledgeBase, list[list[tuple[str, float, str]]]],
) -> None:
    settings, kb, expected = built
    (copy,) = settings.index_dir.glob(f"{SNAPSHOT_PREFIX}*.npy")
    copy.write_bytes(b"not an array")
    one_shot = Retriever(settings=settings, knowledge=kb, one_shot=True)
    assert _ranked(one_shot) == expected
    assert one_shot._index.collection is not None


def test_a_shared_chroma_server_is_never_bypassed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=9)
    one_shot = Retriever(settings=settings, knowledge=_kb(("gad",), "snap-c"), one_shot=True)
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / f"{SNAPSHOT_PREFIX}{one_shot._index.digest[:32]}.npy").write_bytes(b"")
    assert not one_shot._index.open_snapshot()
