"""Commands for the plan store and exports (account commands are in ``cli/users.py``).

``plan save|list|show|history|audit|submit|approve|return|sign|comments|review|due|
population|verify|export``, and ``export PLAN.json --format ...``. Plan commands act as
``--user`` after a password check (typed hidden, or ``--password-stdin``). Files written
are 0600.
"""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.users import login, user_app
from assistant.errors import AccessDenied, StoreError

plan_app = typer.Typer(help="Keep, review and sign plans in the plan store.", no_args_is_help=True)

UserOpt = typer.Option(..., "--user", "-u", help="Your user name.")
IntakeOpt = typer.Option(
    None, "--intake", help="The intake the plan was drafted from (checked at submit and sign)."
)
ExportIntakeOpt = typer.Option(
    None,
    "--intake",
    help="The intake the plan was drafted from (needed to export a signed plan as final).",
)
StdinOpt = typer.Option(False, "--password-stdin", help="Read the password from standard input.")
VersionOpt = typer.Option(None, "--expected-version", help="The version you started from.")
ShowOutOpt = typer.Option(None, "-o", "--output", help="Write the plan JSON here.")
ExportOutOpt = typer.Option(None, "-o", "--output", help="Output file (default: beside the plan).")
RequiredOutOpt = typer.Option(..., "-o", "--output", help="Output file.")
CommentOpt = typer.Option(
    ..., "--comment", "-c", help="ITEM:REASON:text, e.g. obj-1-1:missing_baseline:add the score"
)

# plan reviews (cli/reviews.py)
MeasuresOpt = typer.Option(
    None, "--measures", help="Review a signed plan against these measures (a new version)."
)
DispositionOpt = typer.Option(
    [], "--disposition", help='OBJ=STATUS:"rationale" (STATUS empty keeps the suggestion).'
)
JustifyOpt = typer.Option([], "--justify", help="OBJ=why a disposition stands against the numbers.")
AsOfOpt = typer.Option(None, "--as-of", help="The review date, YYYY-MM-DD (default today).")
PacketOpt = typer.Option(
    None, "--packet", help="With --measures: also write the review packet (.md, .pdf, .json)."
)
AllDueOpt = typer.Option(False, "--all", help="Also list plans whose review is later.")
MeasuresDirOpt = typer.Option(
    ..., "--measures-dir", help="A folder of measures files (matched to plans by record id)."
)


def _login(user: str, password_stdin: bool):  # type: ignore[no-untyped-def]
    return login(user, password_stdin)


# ---------------------------------------------------------------- plans


@plan_app.command("save")
def plan_save(
    path: Path,
    user: str = UserOpt,
    plan_id: int = typer.Option(None, "--plan-id", help="Save as a new version of this plan."),
    expected_version: int = VersionOpt,
    note: str = typer.Option("", help="A short note for the history."),
    intake_path: Path = IntakeOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Store PATH as a new plan, or as a new version of --plan-id."""
    from assistant import intake as intake_mod
    from assistant.plan import load

    plan = load(path)
    source = intake_mod.load(intake_path) if intake_path is not None else None
    store, me = _login(user, password_stdin)
    if plan_id is None:
        saved = store.create(me, plan, note=note, intake=source)
    else:
        if expected_version is None:
            raise StoreError(
                "say which version you edited: --expected-version N (see `plan history`)"
            )
        saved = store.save(me, plan_id, plan, expected_version=expected_version, note=note)
    typer.echo(f"plan {saved.plan_id} version {saved.version} ({saved.status})")


@plan_app.command("list")
def plan_list(user: str = UserOpt, password_stdin: bool = StdinOpt) -> None:
    """Plans you may see: yours, and your supervisees'."""
    store, me = _login(user, password_stdin)
    rows = store.plans(me)
    if not rows:
        typer.echo("no plans")
    for p in rows:
        typer.echo(f"{p.plan_id:>4}  v{p.version:<3} {p.status:<10} {p.owner:<12} {p.client_name}")


@plan_app.command("show")
def plan_show(
    plan_id: int,
    user: str = UserOpt,
    version: int = typer.Option(None, help="An older version."),
    output: Path = ShowOutOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Print (or write) a plan's JSON."""
    store, me = _login(user, password_stdin)
    got = store.get(me, plan_id, version)
    if output:
        from assistant.private_files import write_private

        write_private(output, got.plan.dumps().encode("utf-8"))
        typer.echo(f"plan {plan_id} version {got.version} written to {output}")
    else:
        typer.echo(got.plan.dumps())


@plan_app.command("history")
def plan_history(plan_id: int, user: str = UserOpt, password_stdin: bool = StdinOpt) -> None:
    """Every version with who saved it and when."""
    store, me = _login(user, password_stdin)
    for h in store.history(me, plan_id):
        typer.echo(
            f"v{h.version:<3} {h.status:<10} {h.saved_by:<12} {h.saved_at:%Y-%m-%d %H:%M}  {h.note}"
        )


@plan_app.command("audit")
def plan_audit(plan_id: int, user: str = UserOpt, password_stdin: bool = StdinOpt) -> None:
    """The audit log of one plan."""
    store, me = _login(user, password_stdin)
    for a in store.audit(me, plan_id):
        v = f"v{a.version}" if a.version else "-"
        typer.echo(f"{a.at:%Y-%m-%d %H:%M:%S}  {a.username:<12} {a.action:<8} {v:<5} {a.detail}")


@plan_app.command("submit")
def plan_submit(
    plan_id: int,
    user: str = UserOpt,
    expected_version: int = VersionOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Send a plan to your supervisor."""
    store, me = _login(user, password_stdin)
    s = store.submit(me, plan_id, expected_version=expected_version)
    typer.echo(f"plan {plan_id} version {s.version}: {s.status}")


@plan_app.command("approve")
def plan_approve(
    plan_id: int,
    user: str = UserOpt,
    expected_version: int = VersionOpt,
    note: str = typer.Option(""),
    password_stdin: bool = StdinOpt,
) -> None:
    """Approve a supervisee's submitted plan."""
    store, me = _login(user, password_stdin)
    s = store.approve(me, plan_id, expected_version=expected_version, note=note)
    typer.echo(f"plan {plan_id} version {s.version}: {s.status}")


@plan_app.command("return")
def plan_return(
    plan_id: int,
    user: str = UserOpt,
    comment: list[str] = CommentOpt,
    expected_version: int = VersionOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Return a plan to the clinician with comments per item."""
    from assistant.store import ReviewNote

    notes = []
    for c in comment:
        parts = c.split(":", 2)
        if len(parts) != 3:
            raise StoreError(f"write each comment as ITEM:REASON:text (got '{c}')")
        notes.append(ReviewNote(parts[0].strip(), parts[1].strip(), parts[2].strip()))
    store, me = _login(user, password_stdin)
    s = store.return_plan(me, plan_id, notes, expected_version=expected_version)
    typer.echo(f"plan {plan_id} version {s.version}: {s.status} with {len(notes)} comment(s)")


@plan_app.command("sign")
def plan_sign(
    plan_id: int,
    user: str = UserOpt,
    credentials: str = typer.Option(
        None, help="Credentials to sign with (default: your account's)."
    ),
    expected_version: int = VersionOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Sign a plan (as its clinician, or as the supervisor)."""
    store, me = _login(user, password_stdin)
    s = store.sign(me, plan_id, expected_version=expected_version, credentials=credentials)
    typer.echo(f"plan {plan_id} version {s.version}: {s.status}")


@plan_app.command("comments")
def plan_comments(plan_id: int, user: str = UserOpt, password_stdin: bool = StdinOpt) -> None:
    """The supervisor's comments from the last review."""
    store, me = _login(user, password_stdin)
    rows = store.comments(me, plan_id)
    if not rows:
        typer.echo("no comments")
    for c in rows:
        typer.echo(
            f"[{c.reason}] {c.item_id or c.item_path}: {c.comment} ({c.author}, on version {c.version})"
        )


@plan_app.command("review")
def plan_review(
    plan_id: int,
    user: str = UserOpt,
    measures: Path = MeasuresOpt,
    disposition: list[str] = DispositionOpt,
    justify: list[str] = JustifyOpt,
    as_of: str = AsOfOpt,
    packet: Path = PacketOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Without --measures, the supervisor's view: each item's suggestion, current text, diff,
    provenance, findings. With --measures, a plan review: a new version of the signed plan
    with a disposition and rationale per objective (see `cli/reviews.py`)."""
    from assistant import review

    store, me = _login(user, password_stdin)
    if measures is not None:
        from assistant.cli.reviews import review_start

        review_start(store, me, plan_id, measures, disposition, justify, as_of, packet)
        return
    got = store.get(me, plan_id)
    for v in review.view(got.plan, store.findings(got.plan, plan_id=plan_id)):
        typer.echo(f"== {v.item_id} ({v.kind}, {v.authorship}; {v.provenance})")
        typer.echo(f"   now: {v.current}")
        if v.diff:
            typer.echo("\n".join("   " + line for line in v.diff.splitlines()))
        for f in v.findings:
            typer.echo(f"   ! {f.severity} {f.rule}: {f.message}")
    c = review.counts(got.plan)
    typer.echo(
        f"accepted {c.accepted}, edited {c.edited}, rejected {c.rejected}, written {c.written}, not reviewed {c.pending}"
    )


@plan_app.command("due")
def plan_due(
    user: str = UserOpt,
    as_of: str = AsOfOpt,
    include_all: bool = AllDueOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Signed plans due or overdue for review: yours, and your supervisees'."""
    from assistant.cli.reviews import due

    store, me = _login(user, password_stdin)
    due(store, me, as_of, include_all)


@plan_app.command("population")
def plan_population(
    user: str = UserOpt,
    measures_dir: Path = MeasuresDirOpt,
    as_of: str = AsOfOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """For a supervisor: their clinicians' clients with reliable improvement, recovery,
    deterioration, reviews overdue and copied notes."""
    from assistant.cli.reviews import population

    store, me = _login(user, password_stdin)
    population(store, me, measures_dir, as_of)


@plan_app.command("verify")
def plan_verify(
    plan_id: int = typer.Argument(None, help="One plan (default: every plan you may see)."),
    user: str = UserOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Recompute the hashes of stored plans and of the audit log; name anything changed."""
    store, me = _login(user, password_stdin)
    problems = store.verify(me, plan_id)
    for p in problems:
        typer.echo(f"changed: {p.where} [{p.field}]: {p.message}")
    what = f"plan {plan_id}" if plan_id is not None else "your plans"
    if problems:
        typer.echo(f"{what} and the audit log: {len(problems)} problem(s); not final")
        raise typer.Exit(1)
    typer.echo(f"{what} and the audit log: every hash checks out")


@plan_app.command("export")
def plan_export(
    plan_id: int,
    user: str = UserOpt,
    fmt: str = typer.Option("md", "--format", "-f", help="md, docx, pdf, json, fhir or client"),
    output: Path = RequiredOutOpt,
    version: int = typer.Option(None, help="An older version."),
    password_stdin: bool = StdinOpt,
) -> None:
    """Export a stored plan: final only when signed, intact and through the gate."""
    from assistant.export import FORMATS

    if fmt not in FORMATS:
        raise StoreError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    store, me = _login(user, password_stdin)
    out = store.export(me, plan_id, fmt, version=version)
    from assistant.private_files import write_private

    write_private(output, out.data)
    kind = "final" if out.final else "marked DRAFT — not final"
    typer.echo(f"wrote {output} ({len(out.data)} bytes, version {out.version}, {kind})")


# ---------------------------------------------------------------- export


def export(
    path: Path,
    fmt: str = typer.Option("md", "--format", "-f", help="md, docx, pdf, json, fhir or client"),
    output: Path = ExportOutOpt,
    intake_path: Path = ExportIntakeOpt,
) -> None:
    """Export a plan file as a document, FHIR R4 Bundle, or plain-language client copy.

    A signed plan is exported as final only when it passes the check; give --intake (the
    intake it was drafted from) so figures quoted from the intake can be traced."""
    from assistant import intake as intake_mod
    from assistant.export import FORMATS, SUFFIX, render
    from assistant.plan import load

    if fmt not in FORMATS:
        raise StoreError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    source = intake_mod.load(intake_path) if intake_path is not None else None
    plan = load(path)
    kept = plan.status == "signed" and _signed_copy_in_store(path)
    data = render(plan, fmt, intake=source, may_be_final=kept)
    target = output or path.with_name(path.stem + SUFFIX[fmt])
    if target.resolve() == path.resolve():
        raise StoreError("the export would overwrite the plan file: choose another -o")
    if intake_path is not None:
        from assistant.cli.drafting import refuse_overwriting

        refuse_overwriting(target, intake_path)
    from assistant.private_files import write_private

    write_private(target, data)
    typer.echo(f"wrote {target} ({len(data)} bytes)")
    if plan.status == "signed" and not kept:
        typer.echo(
            "note: this file is not a signed version kept in the plan store, so it is exported "
            "as DRAFT; export the signed record with: plan export ID",
            err=True,
        )


def _signed_copy_in_store(path: Path) -> bool:
    """Whether the plan file is word for word an intact signed version in the local store."""
    from assistant.intake_json import read_file
    from assistant.store import open_store

    try:
        return open_store().is_signed_copy(read_file(path).decode("utf-8"))
    except Exception:  # no store here, or it cannot be opened: the copy stays a draft
        return False


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(plan_app, name="plan")
    app.command("export")(export)


__all__ = ["AccessDenied", "register"]
