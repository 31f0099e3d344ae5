"""``plan review ID --measures``, ``plan due`` and ``plan population``: plan reviews from the
command line (the store side is ``store/reviews.py``, ``store/review_due.py`` and
``store/population.py``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, get_args

import typer

from assistant.errors import StoreError


def as_of_date(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise StoreError(f"--as-of: must be a date written YYYY-MM-DD; got {text!r}") from None


def parse_dispositions(given: list[str], justify: list[str]) -> dict[str, dict[str, str]]:
    """``OBJ=STATUS:rationale`` (STATUS empty keeps the suggestion) and ``OBJ=justification``."""
    from assistant.progress.review import Disposition

    allowed = get_args(Disposition)
    out: dict[str, dict[str, str]] = {}
    for item in given:
        obj, sep, rest = item.partition("=")
        status, sep2, rationale = rest.partition(":")
        if not sep or not sep2 or not obj.strip():
            raise StoreError(
                f'--disposition: write OBJECTIVE=STATUS:rationale, e.g. G1.O3=met:"GAD-7 7"; '
                f"got '{item}'"
            )
        key = status.strip().lower().replace(" ", "_").replace("-", "_")
        if key and key not in allowed:
            raise StoreError(
                f"--disposition {obj.strip()}: '{status.strip()}' is not a disposition; use one "
                f"of {', '.join(a.replace('_', ' ') for a in allowed)}"
            )
        out[obj.strip()] = {"disposition": key, "rationale": rationale.strip()}
    for item in justify:
        obj, sep, text = item.partition("=")
        if not sep or not obj.strip() or not text.strip():
            raise StoreError(f"--justify: write OBJECTIVE=why the disposition stands; got '{item}'")
        out.setdefault(obj.strip(), {"disposition": "", "rationale": ""})["justification"] = (
            text.strip()
        )
    return out


def review_start(
    store: Any,
    me: Any,
    plan_id: int,
    measures_path: Path,
    given: list[str],
    justify: list[str],
    as_of: str | None,
    packet: Path | None = None,
) -> None:
    from assistant.progress import measures as measures_mod
    from assistant.progress.review import ObjectiveDisposition
    from assistant.store import reviews

    when = as_of_date(as_of)
    if packet is not None and packet.suffix.lower() not in (".md", ".pdf", ".json"):
        raise StoreError(f"--packet: name the file .md, .pdf or .json; got {packet.name}")
    try:
        measures = measures_mod.load(measures_path, today=max(when, dt.date.today()))
    except measures_mod.MeasuresError as exc:
        raise StoreError(f"{measures_path.name} refused: {'; '.join(exc.problems)}") from None
    partial = parse_dispositions(given, justify)
    _, prefilled = reviews.prepare(store, me, plan_id, measures, as_of=when)
    suggested = {d.objective_id: d for d in prefilled}
    choices: dict[str, ObjectiveDisposition] = {}
    for k, d in partial.items():
        base = suggested.get(k)
        choices[k] = ObjectiveDisposition(
            objective_id=k,
            disposition=d["disposition"] or (base.disposition if base else "deferred"),
            rationale=d["rationale"] or (base.rationale if base else ""),
            justification=d.get("justification", ""),
        )
    try:
        started = reviews.start_review(store, me, plan_id, measures, choices, as_of=when)
    except reviews.ReviewBlocked as exc:
        typer.echo(f"plan {plan_id}: the review was not stored", err=True)
        for f in exc.findings:
            typer.echo(f"  {f.code} {f.message}", err=True)
        for sug in prefilled:
            typer.echo(
                f"  suggested {sug.objective_id}: {sug.disposition} ({sug.evidence})", err=True
            )
        raise typer.Exit(2) from None
    for chosen in started.dispositions:
        typer.echo(
            f"{chosen.objective_id}: {chosen.disposition.replace('_', ' ')}: {chosen.rationale}"
        )
    for f in started.findings:
        typer.echo(f"  {f.severity} {f.code} {f.message}")
    if started.report.review_now:
        typer.echo("note: the numbers or notes call for a review now: update the safety section")
    s = started.stored
    if packet is not None:
        reviewed = store.get(me, plan_id, started.reviews_version).plan
        write_packet(packet, reviewed, measures, started, me.display, measures_path)
    typer.echo(
        f"plan {plan_id} version {s.version}: review of version {started.reviews_version} "
        f"({s.status}); submit and sign it like any plan"
    )


def write_packet(
    path: Path, plan: Any, measures: Any, started: Any, reviewer: str, source: Path
) -> None:
    """The review packet with the dispositions: .md, .pdf or .json (FHIR R4 Bundle)."""
    from assistant.cli.drafting import refuse_overwriting
    from assistant.private_files import write_private

    refuse_overwriting(path, source)
    suffix = path.suffix.lower()
    if suffix == ".md":
        from assistant.progress.packet import to_markdown

        data = to_markdown(plan, measures, started.report, started.dispositions).encode("utf-8")
    elif suffix == ".pdf":
        from assistant.progress.packet_pdf import write

        data = write(plan, measures, started.report, started.dispositions)
    elif suffix == ".json":
        from assistant.progress.packet_fhir import to_json

        data = to_json(
            plan, started.report, dispositions=started.dispositions, reviewer=reviewer
        ).encode("utf-8")
    else:
        raise StoreError(f"--packet: name the file .md, .pdf or .json; got {path.name}")
    write_private(path, data)
    typer.echo(f"packet written to {path} ({len(data)} bytes)")


def due(store: Any, me: Any, as_of: str | None, include_all: bool) -> None:
    from assistant.store.review_due import due_reviews

    rows = due_reviews(store, me, as_of=as_of_date(as_of), include_all=include_all)
    if not rows:
        typer.echo("no plan reviews due")
    for r in rows:
        when = f"{-r.days_left} days overdue" if r.days_left < 0 else f"in {r.days_left} days"
        typer.echo(
            f"{r.plan_id:>4}  {r.state:<10} {r.due.isoformat()}  {when:<16} every "
            f"{r.interval_days} days  {r.owner:<12} {r.client_name}"
        )


def population(store: Any, me: Any, measures_dir: Path, as_of: str | None) -> None:
    from assistant.store.population import Summary, collect

    got = collect(store, me, measures_dir, as_of=as_of_date(as_of))
    for p in got.problems:
        typer.echo(f"note: {p}", err=True)

    def part(s: Summary, n: int) -> str:
        share = s.share(n)
        return f"{n} ({share:.0%})" if share is not None else f"{n} (-)"

    typer.echo(
        f"population as of {got.as_of.isoformat()}: shares are of the clients whose change "
        "could be judged (a reliable-change reading that is not 'unknown')"
    )
    head = ("clinician", "clients", "measured", "judged", "improved", "recovered",
            "deteriorated", "overdue", "copied notes")  # fmt: skip
    typer.echo("  ".join(f"{h:<12}" for h in head).rstrip())
    for s in [*got.by_clinician, got.total]:
        cells = (
            s.clinician, str(s.clients), str(s.with_measures), str(s.judged),
            part(s, s.improved), part(s, s.recovered), part(s, s.deteriorated),
            str(s.reviews_overdue), f"{s.notes_copied} in {s.clients_with_copied_notes}",
        )  # fmt: skip
        typer.echo("  ".join(f"{c:<12}" for c in cells).rstrip())
