"""``knowledge check``: every mistake in the authored knowledge, reported in one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

knowledge_app = typer.Typer(
    help="Check the authored knowledge base (knowledge/).", no_args_is_help=True
)


@knowledge_app.command("check")
def check(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="A knowledge folder to check (default: the one in use)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check every knowledge file: record formats, template slots, intervention tags,
    adaptation keys and drafting-rules wording. Exit 0 when clean, 2 with every problem."""
    from assistant.knowledge_check import check as run_check

    problems = run_check(directory)
    if as_json:
        typer.echo(json.dumps([p.__dict__ for p in problems], indent=2))
    else:
        for p in problems:
            typer.echo(str(p))
        files = len({p.file for p in problems})
        typer.echo(
            f"{len(problems)} problem(s) in {files} file(s)"
            if problems
            else "knowledge: no problems"
        )
    if problems:
        raise typer.Exit(2)


def schema() -> dict[str, Any]:
    """JSON schema of a knowledge file: a presentation, module, example or rules file."""
    from pydantic import TypeAdapter

    from assistant import knowledge as kb

    data = TypeAdapter(
        kb.Presentation | kb.Module | kb.ExamplePlan | kb.DraftingRules
    ).json_schema()
    data["title"] = "knowledge file (presentation, module, example or drafting rules)"
    return data


def register(app: typer.Typer) -> None:
    app.add_typer(knowledge_app, name="knowledge")
