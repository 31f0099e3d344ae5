"""The plan as a Word document (python-docx). Drafts are marked in the page header and title."""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from assistant.export.document import Bullets, Document, Heading, Para, SignatureLine, Table

_RED = RGBColor(0xB4, 0x00, 0x00)


def write(doc: Document) -> bytes:
    d = new_document()
    style = d.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    header = d.sections[0].header.paragraphs[0]
    header.text = "Treatment plan — confidential health information"
    if doc.mark:
        run = header.add_run(f"    {doc.mark}")
        run.bold = True
        run.font.color.rgb = _RED
    d.add_heading(doc.title, level=0)
    if doc.mark:
        p = d.add_paragraph()
        run = p.add_run(
            f"{doc.mark}: this plan has not been signed; do not use it as the final record."
        )
        run.bold = True
        run.font.color.rgb = _RED
    for b in doc.blocks:
        if isinstance(b, Heading):
            d.add_heading(b.text, level=b.level)
        elif isinstance(b, Para):
            p = d.add_paragraph()
            if b.label:
                p.add_run(b.label + " ").bold = True
            p.add_run(b.text)
        elif isinstance(b, Bullets):
            for item in b.items:
                d.add_paragraph(item, style="List Bullet")
        elif isinstance(b, Table):
            keyed = not any(b.headers)
            rows = b.rows if keyed else [b.headers, *b.rows]
            table = d.add_table(rows=len(rows), cols=len(b.headers))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = text
                    if (keyed and c == 0) or (not keyed and r == 0):
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            d.add_paragraph()
        elif isinstance(b, SignatureLine):
            p = d.add_paragraph()
            p.add_run(f"{b.role}: ").bold = True
            who = ", ".join(x for x in (b.name, b.credentials) if x) or "______________________"
            p.add_run(
                f"{who}    Signature: ______________________    Date: {b.date or '____________'}"
            )
    if doc.mark:
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(doc.mark)
        run.bold = True
        run.font.color.rgb = _RED
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
