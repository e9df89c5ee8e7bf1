"""Letters (告知书) from the editable templates, as text, DOCX (python-docx) and PDF (fpdf2,
with a CJK font). A reply's letter is rendered once, when it is sent, and kept on the case:
a later change of the template does not change a letter already sent."""

import io
from pathlib import Path

from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from .letter_texts import defaults
from .models import LetterTemplate

FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                   "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


class LetterError(Exception):
    """A letter that cannot be made; the message says why, in Chinese."""


def template_for(kind: str) -> tuple[str, str]:
    found = LetterTemplate.objects.filter(kind=kind).values_list("title", "body").first()
    if found:
        return found
    return defaults()[kind]


def render(kind: str, app, **extra) -> tuple[str, str]:
    """(title, text) of letter ``kind`` for ``app``."""
    title, body = template_for(kind)
    context = {"app": app, "agency": app.agency, "date": timezone.localdate(),
               "documents": [], "files": [], **extra}
    try:
        text = Template(body).render(Context(context, autoescape=False))
    except TemplateSyntaxError as error:
        raise LetterError(f"告知书模板“{title}”有语法错误：{error}")
    return title, text.strip()


def check_template(body: str) -> str | None:
    """Why ``body`` is not a usable template, or None."""
    try:
        Template(body)
    except TemplateSyntaxError as error:
        return str(error)
    return None


def to_docx(title: str, text: str) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(18)
    for line in text.split("\n"):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def font_path() -> Path:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    raise LetterError("无法生成PDF：服务器缺少中文字体（请安装 fonts-wqy-microhei："
                      "apt-get install fonts-wqy-microhei）。")


def to_pdf(title: str, text: str) -> bytes:
    from fpdf import FPDF

    font = font_path()
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    options = {"collection_font_number": 0} if font.suffix == ".ttc" else {}
    pdf.add_font("cjk", fname=str(font), **options)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=13)
    for line in text.split("\n"):
        pdf.multi_cell(0, 8, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
