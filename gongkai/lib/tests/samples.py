"""Small real files of each kind, made by the libraries themselves (fpdf2 writes a PDF with
a text layer, python-docx a DOCX, openpyxl an XLSX, Pillow images; an OFD is put together
here from its XML), broken copies of each, and decompression bombs."""

import io
import zipfile

# ASCII words in the PDF: fpdf2's core fonts have no Chinese, and a CJK font file is not
# something every machine has.
PDF_WORDS = "Quarterly report of the subdistrict: pdfonlyword appears here."


def pdf_bytes(text: str = PDF_WORDS, pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for _ in range(pages):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def scanned_pdf_bytes() -> bytes:
    """A page holding only a picture, as a scanner makes it: no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(png_bytes()), x=10, y=10, w=50)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes(text: str = "附件正文：翠竹街道民生实事项目申报表", cell: str = "表格里的词") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = cell
    table.rows[0].cells[1].text = "300万元"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows=(("项目", "金额"), ("老旧小区改造", 1200))) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "资金安排"
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OFD_NS = "http://www.ofdspec.org/2016"


def ofd_bytes(text: str = "OFD版式文件里的词：电子证照") -> bytes:
    """A minimal OFD package (GB/T 33190): OFD.xml → Doc_0/Document.xml → one page."""
    entry = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" '
             'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID>'
             '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
                '<ofd:CommonData><ofd:MaxUnitID>10</ofd:MaxUnitID></ofd:CommonData>'
                '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
                '</ofd:Document>')
    page = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
            '<ofd:Layer ID="2"><ofd:TextObject ID="3" Boundary="10 10 100 10" Font="4" Size="5">'
            f'<ofd:TextCode X="0" Y="5">{text}</ofd:TextCode></ofd:TextObject></ofd:Layer>'
            '</ofd:Content></ofd:Page>')
    return zip_bytes({"OFD.xml": entry, "Doc_0/Document.xml": document,
                      "Doc_0/Pages/Page_0/Content.xml": page})


def zip_bytes(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def bomb_bytes(name: str = "bomb.txt", size: int = 300 * 1024 * 1024, extra=None) -> bytes:
    """A ZIP holding ``size`` bytes of zeros packed to a few hundred kilobytes; ``extra``
    members make it look like a DOCX or an XLSX."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member, data in (extra or {}).items():
            archive.writestr(member, data)
        with archive.open(name, "w", force_zip64=True) as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return buffer.getvalue()


def xlsx_bomb_bytes() -> bytes:
    """An XLSX whose sheet unpacks to 300 MB."""
    real = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    members = {n: real.read(n) for n in real.namelist() if n != "xl/worksheets/sheet1.xml"}
    return bomb_bytes("xl/worksheets/sheet1.xml", extra=members)


def broken(data: bytes) -> bytes:
    """The file cut in half: its signature stays, its structure does not."""
    return data[: len(data) // 2]
