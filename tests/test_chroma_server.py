"""A practice's shared index: the retriever over a real Chroma server on 127.0.0.1.

``chroma run`` (shipped with chromadb) is started by the test on a free loopback port;
the retriever reaches it through ``HttpClient`` because ``chroma_host`` is set.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant import knowledge
from assistant.config import Settings
from assistant.knowledge import KnowledgeBase
from assistant.retrieval import Retriever

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not CHROMA.exists():
        pytest.skip(f"no chroma server binary at {CHROMA}")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the chroma server did not start within 30 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _small_kb() -> KnowledgeBase:
    full = knowledge.load()
    return KnowledgeBase(
        presentations={i: full.presentations[i] for i in ("panic", "ocd", "insomnia")},
        modules={},
        examples={},
        content_hash="server-test-v1",
    )


def test_shared_index_on_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=chroma_server)
    first = Retriever(settings=settings, knowledge=_small_kb())
    info = first.ensure_index()
    assert info.built and info.documents > 20
    assert not (tmp_path / "index").exists(), "a shared index must not create a local one"
    hits = first.search("checks the stove thirty times before leaving", k=3)
    assert hits[0].record_id == "ocd"
    # a second process (here: a second retriever) finds the index already built
    second = Retriever(settings=settings, knowledge=_small_kb())
    assert not second.ensure_index().built
