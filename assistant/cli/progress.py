"""``progress``: read a plan's objectives against a measures file (treatment-measures/1)."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.errors import AssistantError


class ProgressFormat(StrEnum):
    json = "json"
    md = "md"


def progress(
    plan_file: Annotated[Path, typer.Argument(help="The signed plan (treatment-plan/1).")],
    measures_file: Annotated[
        Path, typer.Option("--measures", help="Scores, counts and session notes.")
    ],
    intake_file: Annotated[
        Path | None, typer.Option("--intake", help="The intake the plan was drafted from.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Read progress as of YYYY-MM-DD (default today).")
    ] = None,
    fmt: Annotated[ProgressFormat, typer.Option("--format", help="json or md.")] = (
        ProgressFormat.json
    ),
    packet: Annotated[
        Path | None,
        typer.Option(
            "--packet", help="Also write the review packet: .md, .pdf, or .json (FHIR R4 Bundle)."
        ),
    ] = None,
    untouched_weeks: Annotated[
        int, typer.Option(help="Flag an objective no note has worked on for this many weeks.")
    ] = 4,
) -> None:
    """Progress per objective and checks on the notes. Exit 0 ok, 2 when an input is refused."""
    from assistant import intake as intake_mod
    from assistant import plan as plan_mod
    from assistant.config import get_settings
    from assistant.progress import measures as measures_mod
    from assistant.progress.report import assess, to_markdown

    try:
        when = _date(as_of) if as_of else dt.date.today()
        plan = plan_mod.load(plan_file)
        measures = measures_mod.load(measures_file, today=max(when, dt.date.today()))
        intake = intake_mod.load(intake_file) if intake_file else None
        report = assess(
            plan,
            measures,
            as_of=when,
            intake=intake,
            review_days=plan.header.review_interval_days or get_settings().review_interval_days,
            untouched_weeks=untouched_weeks,
        )
    except measures_mod.MeasuresError as exc:
        typer.echo(f"{measures_file}: refused", err=True)
        for p in exc.problems:
            typer.echo(f"  {p}", err=True)
        raise typer.Exit(2) from None
    except AssistantError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if plan.status != "signed":
        typer.echo(
            f"note: the plan is {plan.status}, not signed; progress is read against it", err=True
        )
    if packet is not None:
        inputs = (plan_file, measures_file, *([intake_file] if intake_file else []))
        _write_packet(packet, plan, measures, report, inputs)
    if fmt is ProgressFormat.json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        typer.echo(to_markdown(report), nl=False)


def _write_packet(
    path: Path, plan: Any, measures: Any, report: Any, inputs: tuple[Path, ...] = ()
) -> None:
    from assistant.cli.drafting import refuse_overwriting
    from assistant.private_files import write_private

    refuse_overwriting(path, *inputs)  # atomic, 0600, never over an input (issue 12)
    suffix = path.suffix.lower()
    if suffix == ".md":
        from assistant.progress.packet import to_markdown as packet_md

        data = packet_md(plan, measures, report).encode("utf-8")
    elif suffix == ".pdf":
        from assistant.progress.packet_pdf import write

        data = write(plan, measures, report)
    elif suffix == ".json":
        from assistant.progress.packet_fhir import to_json

        data = to_json(plan, report).encode("utf-8")
    else:
        typer.echo(f"error: --packet: name the file .md, .pdf or .json; got {path.name}", err=True)
        raise typer.Exit(2)
    try:
        write_private(path, data)
    except OSError as exc:
        typer.echo(f"error: --packet: cannot write {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"packet written to {path} ({len(data)} bytes)", err=True)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AssistantError(f"--as-of: must be a date written YYYY-MM-DD; got {text!r}") from None


def register(app: typer.Typer) -> None:
    app.command("progress")(progress)
