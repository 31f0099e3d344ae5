"""``draft`` and ``local-model`` commands."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import IntakeError


class DrafterName(StrEnum):
    offline = "offline"
    llm = "llm"


class DraftFormat(StrEnum):
    json = "json"
    md = "md"


def draft(
    file: Annotated[Path, typer.Argument(help="Intake JSON file (treatment-intake/1).")],
    drafter: Annotated[
        DrafterName, typer.Option(help="offline (default, no network) or llm.")
    ] = DrafterName.offline,
    profile: Annotated[str, typer.Option(help="Payer profile for validation.")] = "default",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the plan here.")
    ] = None,
    fmt: Annotated[DraftFormat, typer.Option("--format", help="json or md.")] = DraftFormat.json,
    retrieval: Annotated[bool, typer.Option(help="Rank knowledge with the local index.")] = True,
) -> None:
    """Draft a plan from an intake. Exit 0 with no validator errors, 1 with errors, 2 on bad input."""
    from assistant import intake as intake_mod
    from assistant.drafting import draft as run_draft

    try:
        loaded = intake_mod.load(file)
    except IntakeError as exc:
        typer.echo(f"{file}: refused", err=True)
        for p in exc.problems:
            typer.echo(f"  {p}", err=True)
        raise typer.Exit(2) from None
    retriever = None
    if retrieval:
        from assistant.retrieval import get_retriever

        retriever = get_retriever()
    result = run_draft(loaded, drafter.value, profile=profile, retriever=retriever)
    if fmt is DraftFormat.json:
        text = result.plan.dumps()
    else:
        from assistant.export import render

        text = render(result.plan, "md").decode("utf-8")
    if output:
        output.write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
        typer.echo(f"plan written to {output}", err=True)
    else:
        typer.echo(text)
    for n in result.notices:
        typer.echo(f"note {n.path}: {n.message}", err=True)
    errors = [f for f in result.report.findings if f.severity == "error"]
    warnings = [f for f in result.report.findings if f.severity == "warning"]
    typer.echo(
        f"validator: {len(errors)} error(s), {len(warnings)} warning(s); "
        f"{len(result.plan.placeholders())} placeholder(s) to fill",
        err=True,
    )
    for f in errors:
        typer.echo(f"  error {f.rule} {f.path}: {f.message}", err=True)
    if result.plan.draft.fell_back:
        typer.echo("  the model's draft did not pass; this is the offline draft", err=True)
    raise typer.Exit(1 if errors else 0)


def run_evals(ctx: typer.Context) -> None:
    """Score draft quality over the eval cases (same as 'python -m evals'; --help for options)."""
    from evals.run import main as evals_main

    raise typer.Exit(evals_main(list(ctx.args)))


def register(app: typer.Typer) -> None:
    app.command("draft")(draft)
    app.command(
        "eval",
        context_settings={
            "allow_extra_args": True,
            "ignore_unknown_options": True,
            "help_option_names": [],
        },
    )(run_evals)
    from assistant.cli import local_model

    app.add_typer(local_model.app, name="local-model")
