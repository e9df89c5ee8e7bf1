"""Attachments' kinds and text, on real small files of each kind made by the libraries
themselves (gongkai/lib/tests/samples.py), broken copies of each and decompression bombs."""

import pytest

from gongkai.lib import filetext
from gongkai.lib.filetext import EXTRACTED, FAILED, NO_TEXT, TOO_LARGE, Limits, detect, extract
from gongkai.lib.filetext.run import extract_in_child

from . import samples

GOOD = {
    "pdf": (samples.pdf_bytes, "pdfonlyword"),
    "docx": (samples.docx_bytes, "翠竹街道民生实事项目申报表"),
    "xlsx": (samples.xlsx_bytes, "老旧小区改造 1200"),
    "ofd": (samples.ofd_bytes, "OFD版式文件里的词：电子证照"),
    "zip": (lambda: samples.zip_bytes({"申请表.docx": "x", "目录/说明.txt": "y"}), "目录/说明.txt"),
}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", [*GOOD, "image"])
def test_each_kind_is_told_by_its_content(tmp_path, kind):
    make = GOOD[kind][0] if kind in GOOD else samples.png_bytes
    # A misleading name changes nothing: only the content is read.
    assert detect(write(tmp_path, "misnamed.bin", make())) == kind


def test_a_docx_that_says_it_is_a_pdf_is_caught(tmp_path):
    path = write(tmp_path, "报告.pdf", samples.docx_bytes())
    assert detect(path) == "docx"
    assert not filetext.kind_matches_name("docx", "报告.pdf")
    assert filetext.kind_matches_name("docx", "报告.DOCX")


def test_what_is_none_of_the_kinds_has_no_kind(tmp_path):
    assert detect(write(tmp_path, "a.pdf", b"MZ\x90\x00 an executable")) is None
    assert detect(write(tmp_path, "empty.pdf", b"")) is None


@pytest.mark.parametrize("kind", list(GOOD))
def test_text_is_extracted_from_each_kind(tmp_path, kind):
    make, words = GOOD[kind]
    result = extract(write(tmp_path, f"a.{kind}", make()), kind)
    assert result.status == EXTRACTED, result
    assert words in result.text


def test_a_gbk_member_name_in_a_zip_is_read():
    # Windows in China writes GBK names without the UTF-8 flag; zipfile reads them as cp437.
    import zipfile

    from gongkai.lib.filetext.archive import _name

    info = zipfile.ZipInfo("申请表.doc".encode("gbk").decode("cp437"))
    assert _name(info) == "申请表.doc"
    assert _name(zipfile.ZipInfo("plain.txt")) == "plain.txt"


def test_a_scanned_pdf_and_an_image_have_no_text_layer(tmp_path):
    scan = extract(write(tmp_path, "scan.pdf", samples.scanned_pdf_bytes()), "pdf")
    assert scan.status == NO_TEXT and "无文字层" in scan.note
    image = extract(write(tmp_path, "a.png", samples.png_bytes()), "image")
    assert image.status == NO_TEXT and "无文字层" in image.note


@pytest.mark.parametrize("kind", list(GOOD))
def test_a_broken_file_of_each_kind_fails_with_a_reason(tmp_path, kind):
    make, _ = GOOD[kind]
    result = extract(write(tmp_path, f"broken.{kind}", samples.broken(make())), kind)
    assert result.status == FAILED and result.note and result.text == ""


def test_a_broken_image_is_still_an_image_without_text(tmp_path):
    # Images are never decoded (no OCR), so a damaged one costs nothing and says so.
    path = write(tmp_path, "broken.png", samples.broken(samples.png_bytes()))
    assert detect(path) == "image" and extract(path, "image").status == NO_TEXT


def test_a_file_whose_xml_is_broken_fails(tmp_path):
    data = samples.zip_bytes({"OFD.xml": "<ofd:OFD xmlns:ofd='x'><unclosed>"})
    assert extract(write(tmp_path, "a.ofd", data), "ofd").status == FAILED


@pytest.mark.parametrize("name, make", [
    ("bomb.xlsx", samples.xlsx_bomb_bytes),
    ("bomb.docx", lambda: samples.bomb_bytes("word/document.xml", extra={
        "[Content_Types].xml": "<Types/>"})),
    ("bomb.ofd", lambda: samples.bomb_bytes("Doc_0/Document.xml", extra={"OFD.xml": "<x/>"})),
])
def test_a_decompression_bomb_is_too_large_before_anything_is_unpacked(tmp_path, name, make):
    path = write(tmp_path, name, make())
    assert path.stat().st_size < 2 * 1024 * 1024  # 300 MB packed into little
    kind = detect(path)
    assert kind == name.rsplit(".", 1)[1]
    result = extract(path, kind)
    assert result.status == TOO_LARGE and "压缩炸弹" in result.note


def test_a_zip_of_a_bomb_lists_it_without_unpacking_it(tmp_path):
    result = extract(write(tmp_path, "a.zip", samples.bomb_bytes("zeros.bin")), "zip")
    assert result.status == EXTRACTED and result.text == "zeros.bin"


def test_too_many_pages_is_too_large_and_long_text_is_cut(tmp_path):
    path = write(tmp_path, "long.pdf", samples.pdf_bytes(pages=3))
    assert extract(path, "pdf", Limits(pages=2)).status == TOO_LARGE
    cut = extract(path, "pdf", Limits(text_chars=20))
    assert cut.status == EXTRACTED and len(cut.text) == 20 and "20" in cut.note


def test_the_child_process_extracts_the_same(tmp_path):
    path = write(tmp_path, "a.docx", samples.docx_bytes())
    result = extract_in_child(path, "docx", Limits(), seconds=60, memory_bytes=1024**3)
    assert result == extract(path, "docx")


def test_the_child_process_is_stopped_by_its_time_limit(tmp_path):
    path = write(tmp_path, "a.pdf", samples.pdf_bytes())
    result = extract_in_child(path, "pdf", Limits(), seconds=0.001, memory_bytes=1024**3)
    assert result.status == FAILED and "超时" in result.note


def test_the_child_process_is_stopped_by_its_memory_limit(tmp_path):
    # 30 MB of address space is not even enough to start Python with pypdf.
    path = write(tmp_path, "a.pdf", samples.pdf_bytes())
    result = extract_in_child(path, "pdf", Limits(), seconds=60, memory_bytes=30 * 1024**2)
    assert result.status == FAILED and "内存" in result.note, result
