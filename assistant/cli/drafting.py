"""``draft`` and ``local-model`` commands."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.errors import IntakeError, OutputError

if TYPE_CHECKING:
    from assistant.intake import Intake


# exit code of 'draft' when the model failed and the plan written is the offline draft
MODEL_FAILED = 4


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
    clinician: Annotated[
        str | None,
        typer.Option(help="The clinician's name for the plan, when the intake records none."),
    ] = None,
    credentials: Annotated[
        str | None, typer.Option(help="The clinician's credentials, e.g. LCSW.")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="With --drafter llm: stop with an error when the model fails."
        ),
    ] = False,
) -> None:
    """Draft a plan from an intake. Exit 0 with no validator errors, 1 with errors, 2 on bad
    input, 4 when the model failed and the plan is the offline draft (see --strict)."""
    from assistant import intake as intake_mod

    if output is not None:
        refuse_overwriting(output, file)
    try:
        loaded = intake_mod.load(file)
        if clinician:
            loaded = with_clinician(loaded, clinician, credentials)
    except IntakeError as exc:
        typer.echo(f"{file}: refused", err=True)
        for p in exc.problems:
            typer.echo(f"  {p}", err=True)
        raise typer.Exit(2) from None
    from assistant.drafting import draft as run_draft  # after the checks: refusals are quick

    retriever = None
    if retrieval:
        from assistant.retrieval import get_retriever

        retriever = get_retriever(one_shot=True)
    chosen: object = drafter.value
    if drafter is DrafterName.llm:
        from assistant.cli.model_progress import ProgressLine
        from assistant.config import get_settings
        from assistant.drafting.model_path import llm_drafter

        chosen = llm_drafter(get_settings(), strict=strict, progress=ProgressLine())
    result = run_draft(loaded, chosen, profile=profile, retriever=retriever)  # type: ignore[arg-type]
    if fmt is DraftFormat.json:
        text = result.plan.dumps()
    else:
        from assistant.export import render

        text = render(result.plan, "md").decode("utf-8")
    if output:
        from assistant.private_files import write_private

        write_private(output, (text + ("\n" if not text.endswith("\n") else "")).encode("utf-8"))
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
    if result.plan.draft.model_failure:
        typer.echo(
            f"  the model failed ({result.plan.draft.model_failure}); this is the offline draft",
            err=True,
        )
    elif result.plan.draft.fell_back:
        typer.echo("  the model's draft did not pass; this is the offline draft", err=True)
    raise typer.Exit(1 if errors else MODEL_FAILED if result.plan.draft.model_failure else 0)


def refuse_overwriting(output: Path, *inputs: Path) -> None:
    """Refuse an output path that is one of the command's inputs (or a folder)."""
    if output.is_dir():
        raise OutputError(f"output: {output} is a folder; give a file name")
    if not output.parent.is_dir():
        raise OutputError(
            f"output: the folder {output.parent} does not exist; create it or choose another"
        )
    for source in inputs:
        try:
            same = output.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same or output.resolve() == source.resolve():
            raise OutputError(
                f"output: {output} is the input file {source.name}; choose another file name"
            )


def with_clinician(intake: Intake, name: str, credentials: str | None) -> Intake:
    """The intake with the clinician given on the command line (checked like the file)."""
    from assistant import intake as intake_mod

    data = intake.model_dump(mode="json", exclude_none=True)
    data["clinician"] = {
        **(data.get("clinician") or {}),
        "name": name,
        **({"credentials": credentials} if credentials else {}),
    }
    return intake_mod.parse(data)


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
