"""The plan as Markdown."""

from __future__ import annotations

from assistant.export.document import Bullets, Document, Heading, Para, SignatureLine, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(doc: Document) -> bytes:
    out: list[str] = [f"# {doc.title}", ""]
    if doc.mark:
        out += [
            f"> **{doc.mark}.** This plan has not been signed; do not use it as the final record.",
            "",
        ]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += [f"{'#' * (b.level + 1)} {b.text}", ""]
        elif isinstance(b, Para):
            out += [(f"**{b.label}** " if b.label else "") + b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {x}" for x in b.items] + [""]
        elif isinstance(b, Table):
            head = b.headers if any(b.headers) else ["Item", "Detail"]
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "|".join("---" for _ in head) + "|")
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, SignatureLine):
            who = ", ".join(x for x in (b.name, b.credentials) if x) or "________________"
            out += [
                f"**{b.role}:** {who} — signature: ________________ — date: {b.date or '__________'}",
                "",
            ]
    if doc.mark:
        out += ["---", f"*{doc.mark}*", ""]
    return "\n".join(out).encode("utf-8")
