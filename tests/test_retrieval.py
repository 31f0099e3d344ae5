"""Retrieval over a real chromadb index and the real embedding model, offline.

One index is built per module (over a subset of the knowledge base, to keep the file
fast) and shared by the tests that only read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant import knowledge, retrieval
from assistant.config import Settings
from assistant.errors import RetrievalError
from assistant.intake import Intake, parse
from assistant.knowledge import KnowledgeBase
from assistant.retrieval import FLOOR, Retriever

SUBSET = (
    "gad",
    "panic",
    "ocd",
    "ptsd",
    "insomnia",
    "alcohol",
    "mdd",
    "pdd",
    "eating-binge-bulimia",
)


def _kb(ids: tuple[str, ...], content_hash: str, modules: bool = True) -> KnowledgeBase:
    full = knowledge.load()
    return KnowledgeBase(
        presentations={i: full.presentations[i] for i in ids},
        modules=dict(full.modules) if modules else {},
        examples={},
        content_hash=content_hash,
    )


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    settings = Settings(data_dir=tmp_path_factory.mktemp("retrieval"), chroma_host=None)
    r = Retriever(settings=settings, knowledge=_kb(SUBSET, "subset-v1"))
    info = r.ensure_index()
    assert info.built and info.documents > 100
    return r


def _intake(summary: str, code: str, symptoms: list[str] | None = None) -> Intake:
    return parse(
        {
            "format": "treatment-intake/1",
            "client": {"name": "Test Client", "date_of_birth": "1990-01-01", "record_id": "T-1"},
            "clinician": {"name": "Test Clinician"},
            "intake_date": "2026-01-05",
            "presenting_problems": [{"summary": summary, "symptoms": symptoms or []}],
            "diagnoses": [{"code": code, "primary": True}],
        }
    )


# ---------------------------------------------------------------- rebuilding


def test_index_is_rebuilt_only_when_the_knowledge_changes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_host=None)
    small = _kb(("insomnia",), "hash-a", modules=False)
    first = Retriever(settings=settings, knowledge=small).ensure_index()
    assert first.built
    again = Retriever(settings=settings, knowledge=small).ensure_index()
    assert not again.built and again.documents == first.documents
    changed = small.model_copy(update={"content_hash": "hash-b"})
    assert Retriever(settings=settings, knowledge=changed).ensure_index().built
    forced = Retriever(settings=settings, knowledge=changed)
    assert forced.ensure_index(rebuild=True).built
    assert not forced.ensure_index().built  # nothing changed since the forced rebuild


def test_the_shared_index_is_reused(retriever: Retriever) -> None:
    twin = Retriever(settings=retriever.settings, knowledge=retriever.kb)
    assert not twin.ensure_index().built


# ---------------------------------------------------------------- client choice


def _clear_chroma_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CHROMA_HOST", "CHROMA_PORT", "TPA_CHROMA_HOST", "TPA_CHROMA_PORT"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    "env",
    [
        {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": "9"},
        {"TPA_CHROMA_HOST": "127.0.0.1", "TPA_CHROMA_PORT": "9"},
    ],
    ids=["CHROMA_HOST", "TPA_CHROMA_HOST"],
)
def test_a_chroma_host_sends_the_index_to_that_server_not_to_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]
) -> None:
    _clear_chroma_env(monkeypatch)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    r = Retriever(settings=Settings(data_dir=tmp_path), knowledge=_kb(("gad",), "x", modules=False))
    with pytest.raises(RetrievalError, match=r"shared index at 127\.0\.0\.1:9"):
        r.ensure_index()
    assert not (tmp_path / "index").exists(), "a shared index must not create a local one"


def test_without_a_chroma_host_the_index_is_a_local_folder_without_telemetry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _clear_chroma_env(monkeypatch)
    client = retrieval.make_client(Settings(data_dir=tmp_path))
    client.get_or_create_collection("probe")
    assert any((tmp_path / "index").iterdir()), "the local index is written under the data dir"
    assert client.get_settings().anonymized_telemetry is False


# ---------------------------------------------------------------- ranking


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("keeps going back to check the door is locked, over and over", "ocd"),
        ("jumps at every bang and has flashbacks of the attack", "ptsd"),
        ("gets through a bottle of vodka every couple of days and hides it", "alcohol"),
        ("lies in bed for hours unable to drop off, then dreads bedtime", "insomnia"),
        ("eats huge amounts in secret and then makes herself throw up", "eating-binge-bulimia"),
        ("heart races out of nowhere and she thinks she is dying", "panic"),
    ],
)
def test_lay_words_find_the_presentation(retriever: Retriever, query: str, expected: str) -> None:
    hits = retriever.records(query, k=3)
    assert hits[0].record_id == expected, [h.record_id for h in hits]
    assert not hits[0].below_floor


def test_a_diagnosis_code_lifts_its_presentation(retriever: Retriever) -> None:
    query = "low mood and tiredness, little enjoyment"
    plain = {h.record_id: h for h in retriever.records(query, k=9)}
    coded = retriever.records(query, codes=["F34.1"], k=9)
    assert coded[0].record_id == "pdd"
    assert coded[0].score > plain["pdd"].score
    assert "code F34.1 matches" in coded[0].reason


def test_category_code_matches_its_specific_codes(retriever: Retriever) -> None:
    hits = retriever.records("nightmares", codes=["F43.1"], k=1)
    assert hits[0].record_id == "ptsd" and "code F43.1" in hits[0].reason


@pytest.mark.parametrize(
    "query", ["purple giraffe carburettor spreadsheet", "the stock market closed higher on Tuesday"]
)
def test_off_topic_text_is_flagged_no_close_template(retriever: Retriever, query: str) -> None:
    hits = retriever.records(query, k=3)
    assert all(h.below_floor and h.score < FLOOR for h in hits)


def test_search_returns_items_best_first(retriever: Retriever) -> None:
    hits = retriever.search("breathing exercises for panic attacks", k=6)
    assert len(hits) == 6 and len({h.id for h in hits}) == 6
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0 <= h.score <= 1 and h.reason for h in hits)
    assert sum(h.record_id == "panic" for h in hits) >= 3, [h.id for h in hits]


def test_search_by_kind(retriever: Retriever) -> None:
    hits = retriever.search("exposure and response prevention", kinds=["intervention"], k=4)
    assert {h.kind for h in hits} == {"intervention"}
    assert hits[0].id.startswith("ocd.int.")
    with pytest.raises(RetrievalError, match="unknown kind"):
        retriever.search("x", kinds=["recipe"])


def test_intake_matches(retriever: Retriever) -> None:
    from assistant.intake import load
    from tests.conftest import INTAKES

    matches = retriever.for_intake(load(INTAKES / "aud_with_anxiety.json"), k=5)
    ids = [h.record_id for h in matches.presentations]
    assert ids[:2] == ["alcohol", "gad"] and len(set(ids)) == len(ids)
    assert not matches.no_close_template
    assert len(matches.per_problem) == 2
    assert matches.per_problem[0][0].record_id == "alcohol"
    assert {h.record_id for h in matches.hits[:3]} <= {"alcohol", "gad"}


def test_intake_with_nothing_close_says_so(retriever: Retriever) -> None:
    intake = _intake("Wants help choosing paint colours for the kitchen", "F84.0", ["indecision"])
    matches = retriever.for_intake(intake)
    assert matches.no_close_template
    assert all(h.below_floor for h in matches.presentations)


# ---------------------------------------------------------------- command line


@pytest.fixture()
def cli(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> Any:
    import typer

    from assistant.cli import retrieval as cli_retrieval

    monkeypatch.setattr(retrieval, "get_retriever", lambda one_shot=False: retriever)
    app = typer.Typer()
    cli_retrieval.register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_retrieve_json(cli: Any) -> None:
    result = cli("retrieve", "washing hands until they bleed", "--k", "3", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 3
    assert all(set(r) == {"id", "title", "codes", "kind", "score"} for r in rows)
    assert all(isinstance(r["codes"], list) for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rows[0]["id"].startswith("ocd")


def test_cli_retrieve_file(cli: Any, tmp_path: Path) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text("wakes at four every morning\n\nflashbacks of the crash\n")
    result = cli("retrieve", "--file", str(queries), "--k", "2", "--code", "F51.01")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert len(first) == 2 and first[0]["id"].startswith("insomnia")
    assert second[0]["id"].startswith(("ptsd", "insomnia"))


def test_cli_index_reports_not_rebuilt(cli: Any) -> None:
    result = cli("index")
    assert result.exit_code == 0
    assert "not rebuilt" in result.output and "documents" in result.output
