"""The plan as Markdown. Every text in it is escaped so that nothing a client, clinician or
model wrote can form an image, link or HTML tag (which a viewer would fetch)."""

from __future__ import annotations

from assistant.export.document import Bullets, Document, Heading, Para, SignatureLine, Table
from assistant.text import escape_links as esc


def _cell(text: str) -> str:
    return esc(text).replace("|", "\\|").replace("\n", " ")


def write(doc: Document) -> bytes:
    out: list[str] = [f"# {esc(doc.title)}", ""]
    if doc.mark:
        out += [
            f"> **{doc.mark}.** This plan has not been signed; do not use it as the final record.",
            "",
        ]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += [f"{'#' * (b.level + 1)} {esc(b.text)}", ""]
        elif isinstance(b, Para):
            out += [(f"**{esc(b.label)}** " if b.label else "") + esc(b.text), ""]
        elif isinstance(b, Bullets):
            out += [f"- {esc(x)}" for x in b.items] + [""]
        elif isinstance(b, Table):
            head = b.headers if any(b.headers) else ["Item", "Detail"]
            out.append("| " + " | ".join(_cell(h) for h in head) + " |")
            out.append("|" + "|".join("---" for _ in head) + "|")
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, SignatureLine):
            who = esc(", ".join(x for x in (b.name, b.credentials) if x)) or "________________"
            out += [
                f"**{b.role}:** {who} — signature: ________________ — date: {b.date or '__________'}",
                "",
            ]
    if doc.mark:
        out += ["---", f"*{doc.mark}*", ""]
    return "\n".join(out).encode("utf-8")
