"""The review packet of a stored plan review, for download (the app's Review progress page).

A stored review keeps its dispositions and the hash of the measures file it was read
against, not the file itself. ``review_packet`` takes the plan's latest review, checks that
the measures file given now is that same file (the packet's numbers would otherwise not be
the ones the review was decided on), reads the reviewed version against it as of the
review day again and renders the packet as Markdown, PDF or a FHIR R4 Bundle. The
Provenance names the clinician who signed the review and the supervisor who co-signed it
once the review version is signed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import StoreError
from assistant.plan import TreatmentPlan
from assistant.progress.measures import MeasuresFile
from assistant.progress.report import ProgressReport
from assistant.store import integrity
from assistant.store.review_records import PlanReview
from assistant.store.reviews import ReviewRecord, _assess, reviews_of
from assistant.store.service import PlanStore

__all__ = ["FORMATS", "ReviewPacket", "latest_review", "render"]

FORMATS = ("md", "pdf", "fhir")


@dataclass(frozen=True)
class ReviewPacket:
    record: ReviewRecord
    reviewed: TreatmentPlan  # the signed version the review reads
    measures: MeasuresFile
    report: ProgressReport
    signed: bool  # the review version has taken its last signature
    reviewer: str | None  # the clinician's signature on the review version
    signer: str | None  # the supervisor's signature on the review version


def latest_review(
    store: PlanStore, actor: object, plan_id: int, measures: MeasuresFile
) -> ReviewPacket | None:
    """What the packet of ``plan_id``'s latest review is made of; ``None`` when the plan has
    never been reviewed. A measures file other than the review's own is refused."""
    records = reviews_of(store, actor, plan_id)
    if not records:
        return None
    record = records[-1]
    with Session(store.engine) as s:
        kept = s.scalars(
            select(PlanReview.measures_hash).where(
                PlanReview.plan_id == plan_id, PlanReview.version == record.version
            )
        ).one()
    if integrity.sha256(measures.model_dump_json()) != kept:
        raise StoreError(
            f"Measures file: it is not the file the review of {record.as_of.isoformat()} was "
            "decided on; load that file to export its packet"
        )
    reviewed = store.get(actor, plan_id, record.reviews_version).plan
    current = store.get(actor, plan_id).plan
    report = _assess(reviewed, measures, record.as_of, store.intake(actor, plan_id))
    signed = current.status == "signed"
    names = {sig.role: _named(sig.name, sig.credentials) for sig in current.signatures}
    return ReviewPacket(
        record=record,
        reviewed=reviewed,
        measures=measures,
        report=report,
        signed=signed,
        reviewer=names.get("clinician") if signed else None,
        signer=names.get("supervisor", names.get("clinician")) if signed else None,
    )


def render(packet: ReviewPacket, fmt: str) -> bytes:
    """The packet as ``md``, ``pdf`` or ``fhir`` (a FHIR R4 Bundle, validated as it is made)."""
    dispositions = packet.record.dispositions
    if fmt == "md":
        from assistant.progress.packet import to_markdown

        text = to_markdown(packet.reviewed, packet.measures, packet.report, dispositions)
        return text.encode("utf-8")
    if fmt == "pdf":
        from assistant.progress.packet_pdf import write

        return write(packet.reviewed, packet.measures, packet.report, dispositions)
    if fmt == "fhir":
        from assistant.progress.packet_fhir import to_json

        return to_json(
            packet.reviewed,
            packet.report,
            dispositions=dispositions,
            reviewer=packet.reviewer,
            signer=packet.signer,
        ).encode("utf-8")
    raise StoreError(f"packet format: choose one of {', '.join(FORMATS)}; got {fmt!r}")


def _named(name: str, credentials: str | None) -> str:
    return f"{name}, {credentials}" if credentials else name
