"""Validation commands: ``validate``, ``lint-objective`` and ``rules``.

Imports stay light (no vector store, no model libraries) so these run in a fraction of a
second. Exit codes: 0 no errors, 1 errors found, 2 the input could not be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import AssistantError


def validate_cmd(
    plan_file: Annotated[Path, typer.Argument(help="A plan JSON file (treatment-plan/1).")],
    intake_file: Annotated[
        Path | None, typer.Option("--intake", help="The intake the plan was drafted from.")
    ] = None,
    profile: Annotated[str, typer.Option("--profile", help="Payer profile.")] = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    for_signing: Annotated[
        bool, typer.Option("--for-signing", help="Apply the stricter checks used before signing.")
    ] = False,
) -> None:
    """Check a plan. Exit 0 when it has no errors, 1 when it has errors, 2 when unreadable."""
    from assistant import intake as intake_mod
    from assistant import plan as plan_mod
    from assistant.validation import validate

    try:
        plan = plan_mod.load(plan_file)
        intake = intake_mod.load(intake_file) if intake_file else None
        report = validate(plan, intake, profile, for_signing=for_signing)
    except AssistantError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({**report.to_json(), "profile": report.profile}, indent=2))
    else:
        for f in report.findings:
            typer.echo(f.line())
        typer.echo(
            f"{plan_file.name}: {len(report.errors)} error(s), {len(report.warnings)} "
            f"warning(s) under profile '{report.profile}'"
        )
    raise typer.Exit(0 if report.ok else 1)


def _read_lines(source: str) -> list[str]:
    if source == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"error: cannot read {source}: {exc}", err=True)
        raise typer.Exit(2) from None


def lint_objective_cmd(
    text: Annotated[str | None, typer.Argument(help="One objective sentence.")] = None,
    file: Annotated[
        str | None,
        typer.Option("--file", help="Read one objective per line from FILE ('-' for stdin)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check one objective sentence for metric, baseline, target, timeframe and measurement."""
    from assistant.validation.smart import lint_objective

    if (text is None) == (file is None):
        typer.echo("error: give one objective as TEXT, or --file FILE", err=True)
        raise typer.Exit(2)
    if file is not None:
        ok = True
        for line in _read_lines(file):
            if line.strip():
                res = lint_objective(line.strip())
                ok &= res.ok
                typer.echo(json.dumps({"text": line.strip(), **res.to_json()}))
        raise typer.Exit(0 if ok else 1)
    assert text is not None
    res = lint_objective(text)
    if as_json:
        typer.echo(json.dumps(res.to_json(), indent=2))
    else:
        typer.echo(f"kind: {res.kind}")
        for part, value in res.parsed.items():
            typer.echo(f"  {part:<12} {value if value is not None else '- missing -'}")
        for f in res.findings:
            typer.echo(f"{f.severity:<7} {f.rule} {f.message}")
    raise typer.Exit(0 if res.ok else 1)


def rules_cmd(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the rule reference page (docs/rules.md).")
    ] = False,
) -> None:
    """List every validation rule with its code, name and what it checks."""
    from assistant.validation import RULES, rules_markdown

    if markdown:
        typer.echo(rules_markdown(), nl=False)
        return
    for code in sorted(RULES):
        r = RULES[code]
        typer.echo(f"{r.code}  {r.name:<36} {r.summary}")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_cmd)
    app.command("lint-objective")(lint_objective_cmd)
    app.command("rules")(rules_cmd)
