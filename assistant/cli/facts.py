"""``facts``: the case facts of an intake, each with the words it came from."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import IntakeError


class FactsFormat(StrEnum):
    text = "text"
    json = "json"


def facts(
    file: Annotated[Path, typer.Argument(help="An intake JSON file (treatment-intake/1).")],
    fmt: Annotated[
        FactsFormat, typer.Option("--format", help="text (one line a fact) or json.")
    ] = FactsFormat.text,
) -> None:
    """Show the case facts read from an intake: scores, baselines, circumstances,
    preferences and risk, each with the intake field (and words) it came from."""
    from assistant import intake as intake_mod
    from assistant.facts import extract
    from assistant.facts.model import fact_kind
    from assistant.facts.review import describe

    try:
        loaded = intake_mod.load(file)
    except IntakeError as exc:
        typer.echo(f"{file}: refused", err=True)
        for p in exc.problems:
            typer.echo(f"  {p}", err=True)
        raise typer.Exit(2) from None
    case = extract(loaded)
    if fmt is FactsFormat.json:
        typer.echo(case.model_dump_json(indent=2, by_alias=True))
        return
    shown = [f for f in case.all_facts() if f.evidence]
    typer.echo(f"{file}: {len(shown)} fact(s)")
    for fact in shown:
        typer.echo(f"  {fact_kind(fact):<15} {describe(fact)}")


def register(app: typer.Typer) -> None:
    app.command("facts")(facts)
