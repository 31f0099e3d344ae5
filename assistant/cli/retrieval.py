"""Knowledge index commands: ``index`` and ``retrieve``.

Nothing heavy is imported at module level: chromadb and the embedding model load only
when one of these commands runs, so the other commands stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from assistant.retrieval import Hit


def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild even if the knowledge has not changed.")
    ] = False,
    write_shipped_vectors: Annotated[
        bool,
        typer.Option(
            "--write-shipped-vectors",
            help="Embed every knowledge document afresh and write the vectors file that ships "
            "with the package (after editing knowledge/).",
        ),
    ] = False,
) -> None:
    """Build the knowledge index (only when the knowledge files changed, unless --rebuild)."""
    from assistant.retrieval import get_retriever

    retriever = get_retriever()
    if write_shipped_vectors:
        from assistant.retrieval.vectors import SHIPPED, write_shipped

        n = write_shipped([d.text for d in retriever.docs])
        typer.echo(f"wrote {n} document vectors to {SHIPPED}")
        return
    info = retriever.ensure_index(rebuild=rebuild)
    state = "rebuilt" if info.built else "up to date, not rebuilt"
    known = f"; {info.documents - info.embedded} vectors reused" if info.built else ""
    typer.echo(
        f"index {state}: {info.documents} documents in {info.seconds:.1f} s "
        f"({info.embedded} embedded{known}) ({info.location})"
    )


def _as_json(hits: list[Hit]) -> list[dict[str, object]]:
    return [
        {"id": h.id, "title": h.title, "codes": h.codes, "kind": h.kind, "score": h.score}
        for h in hits
    ]


def _read_queries(file: Path) -> list[str]:
    text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def retrieve(
    query: Annotated[str | None, typer.Argument(help="What to look for, in any words.")] = None,
    code: Annotated[
        list[str] | None,
        typer.Option("--code", help="Diagnosis code that boosts matching records (repeatable)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many results.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="One query per line ('-' reads standard input); prints one JSON list per line.",
        ),
    ] = None,
) -> None:
    """Search the knowledge base: goals, objectives, interventions and guidance, best first."""
    from assistant.errors import RetrievalError
    from assistant.retrieval import get_retriever

    codes = code or []
    if file is not None:
        if query:
            raise RetrievalError("give either a query or --file, not both")
        retriever = get_retriever(one_shot=True)
        for q in _read_queries(file):
            typer.echo(json.dumps(_as_json(retriever.search(q, codes=codes, k=k))))
        return
    if not query:
        raise RetrievalError('give a query, e.g. retrieve "worries about everything"')
    hits = get_retriever(one_shot=True).search(query, codes=codes, k=k)
    if as_json:
        typer.echo(json.dumps(_as_json(hits), indent=2))
        return
    if not hits or hits[0].below_floor:
        typer.echo("No close template: nothing in the knowledge base fits this query well.")
    for h in hits:
        flag = "  (weak match)" if h.below_floor else ""
        typer.echo(f"{h.score:.2f}  {h.kind:12} {h.id}{flag}")
        typer.echo(f"      {h.title}")
        typer.echo(f"      {h.reason}")


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("retrieve")(retrieve)
