"""The report as HTML (the web preview, the print page and the catalogue document's body) and
as DOCX. Both lay out the same ``grids(report)``, so they hold the same numbers."""

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from gongkai.applications.letters import font_path
from gongkai.applications.stats import COLUMNS, ROWS

from . import forms_labels as L
from .build import Report
from .checks import check


@dataclass
class Grid:
    caption: str
    header: list[str]
    rows: list[tuple[int, str, list[str]]]  # (indent, label, cells)


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value else "0"
    return str(value)


def grids(report: Report) -> list[Grid]:
    t2 = Grid(L.TABLE2, ["信息内容", L.ISSUED, L.REPEALED, L.IN_FORCE], [])
    for item, rows in report.table2.items():
        columns = list(next(iter(rows.values())))
        if item == L.ITEM1:
            t2.rows.append((0, item, []))
        else:
            t2.rows.append((0, item, columns))
        for row, cols in rows.items():
            t2.rows.append((1, row, [_cell(cols[c]) for c in columns]))
    t3 = Grid(L.TABLE3, ["本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
                         *COLUMNS], [])
    seen = set()
    for row in ROWS:
        for depth, label in enumerate(row[:-1]):
            if (depth, label) not in seen:
                seen.add((depth, label))
                t3.rows.append((depth, label, []))
        t3.rows.append((len(row) - 1, row[-1], [str(report.table3[row][c]) for c in COLUMNS]))
    t4 = Grid(L.TABLE4, ["类别", *L.TABLE4_OUTCOMES], [])
    for group in L.TABLE4_GROUPS:
        t4.rows.append((0, "·".join(group), [str(report.table4[group][c])
                                             for c in L.TABLE4_OUTCOMES]))
    return [t2, t3, t4]


def context(report: Report) -> dict:
    return {"report": report, "grids": grids(report), "failures": check(report),
            "labels": L}


def to_html(report: Report) -> str:
    """The report alone (no page around it): the catalogue document's body."""
    return render_to_string("reports/report_body.html", context(report))


def to_page(report: Report, *, standalone: bool = True) -> str:
    """A whole printable page: ``standalone`` (``gongkai report --format html``) carries its
    stylesheet inside; served by the site it links it (the Content-Security-Policy forbids
    inline styles)."""
    css = Path(finders.find("gongkai/report.css")).read_text("utf-8") if standalone else ""
    return render_to_string("reports/report_page.html", {**context(report), "css": css})


def to_docx(report: Report) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(report.title)
    run.bold, run.font.size = True, Pt(16)
    _section(doc, L.SECTION1, [report.figures_sentence, *report.overview.splitlines()])
    for grid in grids(report):
        doc.add_heading(grid.caption, level=2)
        table = doc.add_table(rows=1, cols=len(grid.header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, grid.header, strict=True):
            cell.text = text
        for depth, label, cells in grid.rows:
            row = table.add_row().cells
            row[0].text = "　" * depth + label
            for cell, text in zip(row[1:], cells, strict=False):
                cell.text = text
    _section(doc, L.SECTION5, report.problems.splitlines())
    _section(doc, L.SECTION6, [report.fee_sentence, *report.other_matters.splitlines()])
    if report.missing:
        _section(doc, "未报送年度报告的机构", ["、".join(report.missing)])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_pdf(report: Report) -> bytes:
    """The report as PDF (fpdf2, with the CJK font the letters use), from the same grids."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = font_path()
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("cjk", fname=str(font),
                 **({"collection_font_number": 0} if font.suffix == ".ttc" else {}))
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(0, 9, report.title, align="C", new_x="LMARGIN", new_y="NEXT")

    def section(heading, lines):
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        for line in lines:
            if line.strip():
                pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")

    section(L.SECTION1, [report.figures_sentence, *report.overview.splitlines()])
    for grid in grids(report):
        section(grid.caption, [])
        pdf.set_font("cjk", size=7 if len(grid.header) > 5 else 9)
        first = 34 if len(grid.header) > 5 else 22
        widths = (first, *[(100 - first) / (len(grid.header) - 1)] * (len(grid.header) - 1))
        # the CJK font has no bold face: headings in the regular one
        with pdf.table(col_widths=widths, text_align="LEFT",
                       headings_style=FontFace(emphasis="")) as table:
            table.row(grid.header)
            for depth, label, cells in grid.rows:
                table.row(["　" * depth + label, *cells,
                           *[""] * (len(grid.header) - 1 - len(cells))])
    section(L.SECTION5, report.problems.splitlines())
    section(L.SECTION6, [report.fee_sentence, *report.other_matters.splitlines()])
    if report.missing:
        section("未报送年度报告的机构", ["、".join(report.missing)])
    return bytes(pdf.output())


def _section(doc, heading: str, lines: list[str]) -> None:
    doc.add_heading(heading, level=2)
    for line in lines:
        if line.strip():
            doc.add_paragraph(line)
