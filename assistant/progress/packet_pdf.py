"""The review packet as a PDF (fpdf2), with a chart per measured objective.

Each chart shows the instrument's severity bands as shaded strips, the reliable-change band
around the baseline, the target as a dashed line, the plan's review dates as vertical
markers, and the readings from baseline to the latest. Text is the same as the Markdown
packet's: numbers from the measures file, placeholders where a number or a decision is missing.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from assistant import instruments
from assistant.export.pdf import find_font, pdf_text
from assistant.plan import TreatmentPlan
from assistant.progress.engine import ObjectiveProgress
from assistant.progress.measures import MeasuresFile
from assistant.progress.packet import justification, reliable_band
from assistant.progress.report import ProgressReport
from assistant.progress.review import SUGGESTED, ObjectiveDisposition, evidence
from assistant.progress.safety import REVIEW_NOW

_BAND_SHADES = ((246, 246, 246), (232, 232, 232))
W, H = 170.0, 58.0  # chart size in mm


class _PacketPDF(FPDF):
    def __init__(self, unicode_font: bool):
        super().__init__(format="Letter")
        self.unicode_font = unicode_font
        self.fam = "Body" if unicode_font else "helvetica"
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def t(self, text: str) -> str:
        return pdf_text(text, self.unicode_font)

    def header(self) -> None:
        self.set_font(self.fam, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, self.t("Plan review packet — confidential health information"))
        self.set_text_color(0, 0, 0)
        self.ln(8)

    def para(self, text: str, size: int = 10, style: str = "") -> None:
        self.set_font(self.fam, style, size)
        self.multi_cell(0, 5, self.t(text), new_x="LMARGIN", new_y="NEXT")


def _y_range(p: ObjectiveProgress, target: float | None) -> tuple[float, float]:
    inst = instruments.get(p.measure) if p.kind == "instrument" else None
    if inst is not None:
        return inst.low, inst.high
    values = [r.value for r in p.readings] + ([p.baseline.value] if p.baseline else [])
    values += [target] if target is not None else []
    lo, hi = min(values), max(values)
    pad = max(1.0, (hi - lo) * 0.1)
    return max(0.0, lo - pad), hi + pad


def _chart(pdf: _PacketPDF, p: ObjectiveProgress, plan: TreatmentPlan, as_of: dt.date) -> None:
    assert p.baseline is not None
    o = plan.objective(p.id)
    target = o.target.value if o is not None and o.target is not None else None
    lo, hi = _y_range(p, target)
    start = p.baseline.date
    end = max(
        [as_of, *(d for d in plan.timeline.review_dates if d <= as_of + dt.timedelta(days=120))]
    )
    span = max(1, (end - start).days)
    if pdf.get_y() + H + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y()

    def x(day: dt.date) -> float:
        return x0 + W * min(1.0, max(0.0, (day - start).days / span))

    def y(v: float) -> float:
        return y0 + H * (1 - (min(hi, max(lo, v)) - lo) / ((hi - lo) or 1))

    pdf.set_font(pdf.fam, "", 6)
    inst = instruments.get(p.measure) if p.kind == "instrument" else None
    for i, band in enumerate(inst.bands if inst else ()):
        top, bottom = y(min(hi, band.high + 0.5)), y(max(lo, band.low - 0.5))
        pdf.set_fill_color(*_BAND_SHADES[i % 2])
        pdf.rect(x0, top, W, bottom - top, style="F")
        pdf.set_text_color(120, 120, 120)
        pdf.text(x0 + W + 1, (top + bottom) / 2 + 1, pdf.t(band.label))
    rc = reliable_band(p)
    if rc is not None:
        with pdf.local_context(fill_opacity=0.25):
            pdf.set_fill_color(120, 170, 230)
            pdf.rect(x0, y(rc[1]), W, y(rc[0]) - y(rc[1]), style="F")
    pdf.set_draw_color(150, 150, 150)
    pdf.rect(x0, y0, W, H)
    for day in plan.timeline.review_dates:
        if start <= day <= end:
            pdf.set_draw_color(200, 120, 0)
            pdf.line(x(day), y0, x(day), y0 + H)
            pdf.set_text_color(200, 120, 0)
            pdf.text(x(day) - 6, y0 + H + 3, pdf.t(f"review {day}"))
    if target is not None:
        pdf.set_draw_color(0, 130, 60)
        pdf.set_dash_pattern(dash=1.5, gap=1)
        pdf.line(x0, y(target), x0 + W, y(target))
        pdf.set_dash_pattern()
        pdf.set_text_color(0, 130, 60)
        pdf.text(x0 + 1, y(target) - 1, pdf.t(f"target {p.target}"))
    points = [p.baseline, *p.readings]
    pdf.set_draw_color(20, 60, 160)
    pdf.set_fill_color(20, 60, 160)
    for a, b in zip(points, points[1:], strict=False):
        pdf.line(x(a.date), y(a.value), x(b.date), y(b.value))
    pdf.set_text_color(20, 20, 20)
    for r in points:
        pdf.ellipse(x(r.date) - 0.9, y(r.value) - 0.9, 1.8, 1.8, style="F")
        pdf.text(x(r.date) - 1, y(r.value) - 1.8, f"{r.value:g}")
    pdf.set_text_color(90, 90, 90)
    caption = f"scale {lo:g}-{hi:g}; {start} to {end}"
    if rc is not None:
        caption += "; shaded blue: within measurement error of the baseline"
    pdf.text(x0, y0 + H + 7, pdf.t(caption))
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(y0 + H + 10)


def write(
    plan: TreatmentPlan,
    measures: MeasuresFile,
    report: ProgressReport,
    dispositions: list[ObjectiveDisposition] | None = None,
    *,
    compress: bool = True,
) -> bytes:
    fonts = find_font()
    pdf = _PacketPDF(unicode_font=fonts is not None)
    pdf.set_compression(compress)
    if fonts is not None:
        for style, path in zip(("", "B", "I"), fonts, strict=True):
            pdf.add_font("Body", style, str(path))
    pdf.add_page()
    chosen = {d.objective_id: d for d in dispositions or []}
    pdf.para("Plan review packet", 16, "B")
    pdf.para(
        f"Plan created {plan.header.created}; progress read on {report.as_of}; review every "
        f"{report.review_days} days; plan status {plan.status}. Figures come from the measures "
        "file and cited thresholds; a clinician reviews and signs every disposition."
    )
    if report.review_now:
        pdf.set_text_color(180, 0, 0)
        pdf.para(REVIEW_NOW + " " + " ".join(f.message for f in report.safety), 10, "B")
        pdf.set_text_color(0, 0, 0)
    for p in report.objectives:
        pdf.ln(3)
        pdf.para(f"{p.id}: {p.measure}", 12, "B")
        pdf.para(p.text, 9)
        pdf.para(evidence(p), 10)
        d = chosen.get(p.id)
        suggested = SUGGESTED[p.suggested_status].replace("_", " ")
        if d is not None:
            pdf.para(
                f"Disposition: {d.disposition.replace('_', ' ')} (suggested {suggested}). "
                f"{d.rationale or '[rationale: write why]'}"
            )
        else:
            pdf.para(f"Suggested disposition: {suggested}.")
        if p.baseline is not None and p.readings:
            pdf.ln(2)
            _chart(pdf, p, plan, report.as_of)
        worked = [s for s in measures.sessions if p.id in s.objectives and s.date <= report.as_of]
        pdf.para(
            "Sessions: "
            + (
                "; ".join(
                    f"{s.date} ({', '.join(s.interventions) or 'none named'})" for s in worked
                )
                or "no session note cites this objective."
            ),
            9,
        )
        pdf.para("Continued treatment: " + justification(p), 9)
    checks = report.notes + report.cadence
    if checks:
        pdf.ln(3)
        pdf.para("Documentation checks", 12, "B")
        for f in checks:
            when = f"{f.session_date}: " if f.session_date else ""
            pdf.para(f"- {f.code} {when}{f.message}", 9)
    return bytes(pdf.output())
