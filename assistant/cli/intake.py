"""Intake and schema commands."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import IntakeError


class SchemaName(StrEnum):
    intake = "intake"
    plan = "plan"
    knowledge = "knowledge"


def schema(
    name: Annotated[SchemaName, typer.Argument(help="intake, plan or knowledge")],
) -> None:
    """Print the JSON schema of the intake, plan or knowledge-file format."""
    if name is SchemaName.knowledge:
        from assistant.cli.knowledge import schema as knowledge_schema

        data = knowledge_schema()
    elif name is SchemaName.intake:
        from assistant.intake import Intake

        data = Intake.model_json_schema()
        data["title"] = "treatment-intake/1"
    else:
        from assistant.plan import TreatmentPlan

        data = TreatmentPlan.model_json_schema(by_alias=True)
        data["title"] = "treatment-plan/1"
    typer.echo(json.dumps(data, indent=2))


def check_intake(
    file: Annotated[Path, typer.Argument(help="An intake JSON file (treatment-intake/1).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check an intake file. Exit 0 when it is valid, 2 when it is refused."""
    from assistant import intake as intake_mod

    try:
        loaded = intake_mod.load(file)
    except IntakeError as exc:
        if as_json:
            typer.echo(json.dumps({"ok": False, "problems": exc.problems, "notices": []}, indent=2))
        else:
            typer.echo(f"{file}: refused", err=True)
            for p in exc.problems:
                typer.echo(f"  {p}", err=True)
        raise typer.Exit(2) from None
    from assistant.notices import notices

    notes = notices(loaded)
    if as_json:
        typer.echo(
            json.dumps(
                {"ok": True, "problems": [], "notices": [n.model_dump() for n in notes]}, indent=2
            )
        )
        return
    typer.echo(
        f"{file}: valid ({len(loaded.presenting_problems)} problem(s), "
        f"{len(loaded.diagnoses)} diagnosis(es), {len(loaded.assessments)} score(s))"
    )
    for n in notes:
        typer.echo(f"  note {n.path}: {n.message}")


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
    app.command("check-intake")(check_intake)
