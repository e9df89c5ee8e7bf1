"""新建 from a file: a .docx built here with python-docx becomes a pre-filled document; what is
not a .docx is refused with the reason."""

import datetime as dt
import io
import zipfile

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from gongkai.staff import from_file
from gongkai.staff.from_file import FileRefused, check_upload, parse_date, read_docx
from gongkai.test import BaseTestCase

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _centred(doc, text, points):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).font.size = Pt(points)
    return paragraph


def official_docx(*, date="二〇二四年三月五日", title_style=False) -> bytes:
    """A 公文 as offices write them: 发文机关标志, 文号, a two-line title in large centred type,
    a heading, a numbered list, a table, the signature and the date, the 印发 line."""
    doc = Docx()
    _centred(doc, "深圳市人民政府办公厅文件", 36)
    doc.add_paragraph("深府办函[2024]12号").alignment = WD_ALIGN_PARAGRAPH.CENTER
    if title_style:
        doc.add_paragraph("深圳市人民政府办公厅关于印发社区养老服务工作方案的通知", style="Title")
    else:
        _centred(doc, "深圳市人民政府办公厅关于印发社区养老服务", 22)
        _centred(doc, "工作方案的通知", 22)
    doc.add_paragraph("各区人民政府，市政府直属各单位：")
    doc.add_heading("一、工作目标", level=1)
    doc.add_paragraph("建成社区养老服务站5个；", style="List Number")
    doc.add_paragraph("改造老旧小区3个。", style="List Number")
    doc.add_heading("（一）资金安排", level=2)
    table = doc.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "项目", (0, 1): "金额（万元）", (1, 0): "养老服务站",
                             (1, 1): "120"}.items():
        table.cell(row, col).text = text
    doc.add_paragraph("深圳市人民政府办公厅").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(date).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("深圳市人民政府办公厅秘书处 2024年3月8日印发")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(content: bytes, name="通知.docx"):
    return SimpleUploadedFile(name, content, content_type=DOCX)


class ReadDocxTestCase(SimpleTestCase):
    def test_title_doc_no_and_date_are_read(self):
        draft = read_docx(upload(official_docx()))
        assert draft.title == "深圳市人民政府办公厅关于印发社区养老服务工作方案的通知"
        assert draft.doc_no == "深府办函〔2024〕12号"
        assert draft.written_on == dt.date(2024, 3, 5)
        assert draft.notes == []

    def test_the_body_keeps_headings_lists_and_the_table(self):
        body = read_docx(upload(official_docx())).body
        assert body.startswith("<p>各区人民政府，市政府直属各单位：</p><h2>一、工作目标</h2>")
        assert "<ol><li>建成社区养老服务站5个；</li><li>改造老旧小区3个。</li></ol>" in body
        assert "<h3>（一）资金安排</h3>" in body
        assert ("<table><tbody><tr><td><p>项目</p></td><td><p>金额（万元）</p></td></tr>"
                "<tr><td><p>养老服务站</p></td><td><p>120</p></td></tr></tbody></table>") in body
        assert "<p>二〇二四年三月五日</p>" in body

    def test_the_title_and_doc_no_lines_leave_the_body(self):
        body = read_docx(upload(official_docx())).body
        assert "工作方案的通知" not in body and "12号" not in body and "办公厅文件" not in body

    def test_a_title_in_words_title_style_and_an_arabic_date(self):
        draft = read_docx(upload(official_docx(title_style=True, date="2024年3月15日")))
        assert draft.title == "深圳市人民政府办公厅关于印发社区养老服务工作方案的通知"
        assert draft.written_on == dt.date(2024, 3, 15)

    def test_what_it_cannot_find_is_said(self):
        doc = Docx()
        doc.add_paragraph("只有一段正文。")
        out = io.BytesIO()
        doc.save(out)
        draft = read_docx(upload(out.getvalue()))
        assert draft.doc_no == "" and draft.written_on is None and draft.title == ""
        assert any("成文日期" in note for note in draft.notes)
        assert draft.body == "<p>只有一段正文。</p>"

    def test_dates_in_both_numeral_systems(self):
        assert parse_date("二〇二四年十二月三十一日") == dt.date(2024, 12, 31)
        assert parse_date("2024 年 3 月 5 日") == dt.date(2024, 3, 5)
        assert parse_date("二〇二四年二月三十日") is None
        assert parse_date("三月") is None


class RefusedFilesTestCase(SimpleTestCase):
    def assert_refused(self, content: bytes, words: str, name="通知.docx"):
        with self.assertRaises(FileRefused) as refused:
            read_docx(upload(content, name))
        assert words in str(refused.exception), str(refused.exception)

    def test_a_broken_docx(self):
        self.assert_refused(official_docx()[:3000], "损坏")

    def test_a_text_file_renamed_docx(self):
        self.assert_refused("这不是 Word 文档".encode(), "不是 Word 文档")

    def test_a_zip_without_a_word_document(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "hello")
        self.assert_refused(out.getvalue(), "word/document.xml")

    def test_an_old_doc_or_wps_file(self):
        self.assert_refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为", "通知.wps")

    def test_a_pdf(self):
        self.assert_refused(b"%PDF-1.7\n...", "PDF")

    def test_an_empty_file(self):
        self.assert_refused(b"", "空")

    def test_a_file_over_the_size_limit(self):
        big = upload(b"PK" + b"0" * 100)
        big.size = from_file.MAX_UPLOAD_BYTES + 1
        with self.assertRaises(FileRefused) as refused:
            check_upload(big)
        assert "太大" in str(refused.exception)

    def test_broken_xml_inside_a_valid_zip(self):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(official_docx())) as source, \
                zipfile.ZipFile(out, "w") as archive:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "word/document.xml":
                    data = data[: len(data) // 2]
                archive.writestr(item, data)
        self.assert_refused(out.getvalue(), "无法解析")


class FromFileViewTestCase(BaseTestCase):
    def setUp(self):
        self.staff = User.objects.create_superuser("zhangsan", "zs@example.gov.cn", "pw")
        self.client.force_login(self.staff)

    def test_the_changelist_links_to_it(self):
        html = self.client.get("/admin/documents/document/").content.decode()
        assert 'href="/admin/documents/document/from-file/"' in html and "从文件新建" in html

    def test_an_upload_opens_the_add_form_filled_in(self):
        r = self.client.post("/admin/documents/document/from-file/",
                             {"file": upload(official_docx())})
        assert r.status_code == 302 and r["Location"] == "/admin/documents/document/add/?from_file=1"
        html = self.client.get(r["Location"]).content.decode()
        assert 'value="深圳市人民政府办公厅关于印发社区养老服务工作方案的通知"' in html
        assert 'value="深府办函〔2024〕12号"' in html and 'value="2024-03-05"' in html
        assert "&lt;h2&gt;一、工作目标&lt;/h2&gt;" in html and "&lt;table&gt;" in html
        assert "已读取“通知.docx”" in html

    def test_a_refused_file_is_explained_on_the_form(self):
        r = self.client.post("/admin/documents/document/from-file/",
                             {"file": upload(b"not a word file", "x.docx")})
        assert r.status_code == 200
        assert "这不是 Word 文档（.docx）" in r.content.decode()

    def test_it_needs_the_add_permission(self):
        viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
        self.client.force_login(viewer)
        assert self.client.get("/admin/documents/document/from-file/").status_code == 403
