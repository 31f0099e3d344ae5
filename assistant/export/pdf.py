"""The plan as a PDF (fpdf2). Drafts carry a diagonal watermark on every page.

A DejaVu or Liberation font from the system is embedded when present so every character
prints; without one the text is reduced to Latin-1 and the core Helvetica font is used.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from assistant.export.document import Bullets, Document, Heading, Para, SignatureLine, Table

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/dejavu"),
)
_FONT_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
)
_ASCII = {
    "—": "-",
    "–": "-",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "≤": "<=",
    "≥": ">=",
    "…": "...",
}


def pdf_text(text: str, unicode_font: bool) -> str:
    """Text the PDF's font can draw: as it is with the Unicode font, else folded to Latin-1
    (dashes, quotes and ≤/≥ spelled out, other marks decomposed, the rest replaced)."""
    if unicode_font:
        return text
    for k, v in _ASCII.items():
        text = text.replace(k, v)
    text = unicodedata.normalize("NFKD", text)
    return text.encode("latin-1", "replace").decode("latin-1")


def find_font() -> tuple[Path, Path, Path] | None:
    for folder in _FONT_DIRS:
        for regular, bold, italic in _FONT_FILES:
            paths = (folder / regular, folder / bold, folder / italic)
            if all(p.exists() for p in paths):
                return paths
    return None


class _PlanPDF(FPDF):
    def __init__(self, doc: Document, unicode_font: bool):
        super().__init__(format="Letter")
        self.doc = doc
        self.unicode_font = unicode_font
        self.family = "Body" if unicode_font else "helvetica"
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def t(self, text: str) -> str:
        return pdf_text(text, self.unicode_font)

    def header(self) -> None:
        self.set_font(self.family, "", 8)
        self.set_text_color(110, 110, 110)
        left = "Treatment plan — confidential health information"
        self.cell(0, 4, self.t(left), align="L")
        if self.doc.mark:
            self.set_text_color(180, 0, 0)
            self.cell(0, 4, self.t(self.doc.mark), align="R")
        self.set_text_color(0, 0, 0)
        self.ln(8)

    def footer(self) -> None:
        if self.doc.mark:  # drawn last, so it lies over tables and shading
            with self.local_context(text_color=(200, 30, 30), fill_opacity=0.18):
                self.set_font(self.family, "B", 54)
                with self.rotation(35, x=self.w / 2, y=self.h / 2):
                    width = self.get_string_width(self.t(self.doc.mark))
                    self.text(self.w / 2 - width / 2, self.h / 2, self.t(self.doc.mark))
        self.set_y(-13)
        self.set_font(self.family, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.t(f"Page {self.page_no()} of {{nb}}"), align="C")
        self.set_text_color(0, 0, 0)


def write(doc: Document) -> bytes:
    fonts = find_font()
    pdf = _PlanPDF(doc, fonts is not None)
    if fonts is not None:
        pdf.add_font("Body", "", str(fonts[0]))
        pdf.add_font("Body", "B", str(fonts[1]))
        pdf.add_font("Body", "I", str(fonts[2]))
    pdf.set_title(doc.title)
    pdf.set_creator("treatment-plan-assistant")
    pdf.alias_nb_pages()
    pdf.add_page()
    fam = pdf.family
    pdf.set_font(fam, "B", 17)
    pdf.multi_cell(0, 9, pdf.t(doc.title), new_x="LMARGIN", new_y="NEXT")
    if doc.mark:
        pdf.set_font(fam, "B", 10)
        pdf.set_text_color(180, 0, 0)
        pdf.multi_cell(
            0,
            5,
            pdf.t("This plan has not been signed; do not use it as the final record."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    for block in doc.blocks:
        _block(pdf, block)
    out: Any = pdf.output()
    return bytes(out)


def _block(pdf: _PlanPDF, b: object) -> None:
    fam = pdf.family
    width = pdf.epw
    if isinstance(b, Heading):
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(3 if b.level == 1 else 1)
        pdf.set_font(fam, "B", 13 if b.level == 1 else 11)
        if b.level == 1:
            pdf.set_fill_color(232, 238, 244)
            pdf.multi_cell(width, 7, pdf.t(b.text), fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_fill_color(255, 255, 255)
        else:
            pdf.multi_cell(width, 6, pdf.t(b.text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif isinstance(b, Para):
        pdf.set_font(fam, "", 10)
        text = pdf.t(b.text)
        if b.label:  # bold lead-in; wrapped lines return to the margin
            for marker in ("**", "__", "--"):
                text = text.replace(marker, marker[0])
            text = f"**{pdf.t(b.label)}** {text}"
        pdf.multi_cell(
            width, 5, text, align="L", markdown=bool(b.label), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(1)
    elif isinstance(b, Bullets):
        pdf.set_font(fam, "", 10)
        for item in b.items:
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(4, 5, "•" if pdf.unicode_font else "-")
            pdf.multi_cell(width - 7, 5, pdf.t(item), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif isinstance(b, Table):
        _table(pdf, b)
    elif isinstance(b, SignatureLine):
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(fam, "B", 10)
        pdf.cell(28, 6, pdf.t(b.role))
        pdf.set_font(fam, "", 10)
        who = ", ".join(x for x in (b.name, b.credentials) if x)
        pdf.cell(62, 6, pdf.t(who or " "), border="B")
        pdf.cell(4, 6, "")
        pdf.cell(48, 6, pdf.t("(signed)" if b.date else " "), border="B")
        pdf.cell(4, 6, "")
        pdf.cell(0, 6, pdf.t(b.date or " "), border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(fam, "", 7)
        pdf.set_text_color(110, 110, 110)
        pdf.cell(28, 4, "")
        pdf.cell(66, 4, pdf.t("Name, credentials"))
        pdf.cell(52, 4, pdf.t("Signature"))
        pdf.cell(0, 4, pdf.t("Date"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)


# A table row is drawn on one page: a cell longer than this is written below the table as a
# labelled paragraph instead, so it wraps across pages like any other text.
LONG_CELL = 700


def _table(pdf: _PlanPDF, b: Table) -> None:
    """A table, with any row that holds a very long cell written out as paragraphs."""
    run: list[list[str]] = []
    for cells in b.rows:
        if any(len(c) > LONG_CELL for c in cells):
            if run:
                _grid(pdf, Table(headers=b.headers, rows=run, widths=b.widths))
                run = []
            if any(b.headers):
                for name, c in zip(b.headers, cells, strict=False):
                    if c.strip():
                        _block(pdf, Para(text=c, label=f"{name}:" if name else ""))
            else:  # a keyed table: the first cell names the row
                _block(pdf, Para(text=" ".join(cells[1:]), label=cells[0]))
            continue
        run.append(list(cells))
    if run or not b.rows:
        _grid(pdf, Table(headers=b.headers, rows=run, widths=b.widths))


def _grid(pdf: _PlanPDF, b: Table) -> None:
    fam = pdf.family
    keyed = not any(b.headers)
    widths = tuple(b.widths or [1] * len(b.headers))
    pdf.set_font(fam, "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(232, 238, 244))
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align="LEFT",
        line_height=4.6,
        padding=1.2,
        first_row_as_headings=not keyed,
        headings_style=heading,
        borders_layout="SINGLE_TOP_LINE" if keyed else "ALL",
        repeat_headings=1,
        cell_fill_mode="NONE",
    ) as table:
        if not keyed:
            row = table.row()
            for h in b.headers:
                row.cell(pdf.t(h))
        for cells in b.rows:
            row = table.row()
            for i, c in enumerate(cells):
                style = FontFace(emphasis="BOLD") if keyed and i == 0 else None
                row.cell(pdf.t(c), style=style)
    pdf.ln(2)
