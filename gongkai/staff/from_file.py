"""A new document from the official file: .docx → title, 文号, 成文日期 and the body.

mammoth converts the Word document to HTML by its styles (headings, lists, tables, bold,
italics, links); a 公文 seldom uses Word's heading styles for its title, so a large
(≥ 18 pt, 小二 and up) centred paragraph counts as one. From the converted text:

- 文号: the first ``机关代字〔年份〕序号号`` near the top (normalised as the catalogue keeps it);
- 名称 (title): the first such heading after the 文号, or the first heading; a 发文机关标志
  (``……文件`` in large type above the 文号) is not it. A title set over two paragraphs is
  joined.
- 成文日期: the last line that is only a date (2024年3月5日, 二〇二四年三月五日), read from
  the end, skipping 印发 lines.

The title and 文号 lines are fields of the record and leave the body; the rest stays, the
date line included. Images are not imported (the body links to images, it does not hold
them); the notes say how many were left out.

Only .docx: the old binary .doc and .wps formats need LibreOffice or another converter this
platform does not ship, so they are refused with the advice to save as .docx.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field

import cn2an
import mammoth
from bs4 import BeautifulSoup

from gongkai.lib.html import sanitize_html
from gongkai.lib.identifiers import normalize_doc_no

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A .docx is compressed; what it unpacks to is capped too (a "zip bomb" is refused).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
TITLE_MIN_POINTS = 18

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='标题'] => h1:fresh
p.Heading1 => h2:fresh
p.Heading2 => h3:fresh
p.Heading3 => h4:fresh
p.Heading4 => h4:fresh
p[style-name='heading 1'] => h2:fresh
p[style-name='heading 2'] => h3:fresh
p[style-name='heading 3'] => h4:fresh
p[style-name='heading 4'] => h4:fresh
"""

DOC_NO = re.compile(
    r"[\u4e00-\u9fff]{1,20}\s*[〔\[［(（【﹝]\s*\d{4}\s*[〕\]］)）】﹞]\s*第?\s*\d{1,5}\s*号")
_DIGITS = dict(zip("〇零○Ｏ０一二三四五六七八九", "00000123456789", strict=True))
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([〇零○Ｏ０一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*日")
_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "table", "ul", "ol"]


class FileRefused(ValueError):
    """Why an upload cannot become a document, in words for staff."""


@dataclass
class DraftDocument:
    title: str = ""
    doc_no: str = ""
    written_on: dt.date | None = None
    body: str = ""
    notes: list[str] = field(default_factory=list)


def check_upload(upload) -> None:
    """Refuse what is not a readable .docx, judged by its content, not its name."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise FileRefused(f"文件太大（{size / 1048576:.1f} MB），"
                          f"上限为 {MAX_UPLOAD_BYTES // 1048576} MB。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head:
        raise FileRefused("文件是空的。")
    if head.startswith(_OLE_MAGIC):
        raise FileRefused("这是旧版 Word（.doc）或 WPS（.wps）格式的文件，或是加密的文档，"
                          "本平台无法转换。请在 Word 或 WPS 中打开，“另存为” .docx 后再上传。")
    if head.startswith(b"%PDF"):
        raise FileRefused("这是 PDF 文件，无法还原正文结构。请上传公文的 Word 文档（.docx）。")
    if not head.startswith(b"PK"):
        raise FileRefused("这不是 Word 文档（.docx），无法读取。请上传 .docx 文件。")
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileRefused("文件已损坏，无法打开。请在 Word 或 WPS 中重新保存为 .docx 后再上传。")
    finally:
        upload.seek(0)
    if "word/document.xml" not in names:
        raise FileRefused("这个压缩文件不是 Word 文档（.docx）：其中没有正文 word/document.xml。")
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused("文件解压后过大，无法转换。")


def _is_large_and_centred(paragraph) -> bool:
    if paragraph.alignment not in ("center", "centre"):
        return False
    sizes = [run.font_size for run in mammoth.transforms.get_descendants_of_type(
        paragraph, mammoth.documents.Run) if run.font_size]
    return bool(sizes) and max(sizes) >= TITLE_MIN_POINTS


def _mark_titles(paragraph):
    if not paragraph.style_name and _is_large_and_centred(paragraph):
        return paragraph.copy(style_id="Title", style_name="Title")
    return paragraph


def convert_docx(fileobj) -> tuple[str, list[str]]:
    """The .docx as HTML (structure only) and notes about what was left out."""
    images = []

    def drop_image(image):
        images.append(image)
        return {}

    try:
        result = mammoth.convert_to_html(
            fileobj, style_map=STYLE_MAP,
            transform_document=mammoth.transforms.paragraph(_mark_titles),
            convert_image=mammoth.images.img_element(drop_image))
    except Exception as e:  # a broken part inside: zip, XML and key errors vary by cause
        raise FileRefused(f"文件内容无法解析（{type(e).__name__}），请在 Word 或 WPS 中重新保存后再上传。")
    notes = []
    if images:
        notes.append(f"文件中有 {len(images)} 张图片未导入，请核对正文，需要时另行上传图片。")
    html = re.sub(r"<img\b[^>]*>", "", result.value)
    return html, notes


def parse_date(text: str) -> dt.date | None:
    """A date written 2024年3月5日 or 二〇二四年三月五日 (spaces allowed), else None."""
    text = re.sub(r"\s+", "", text)
    if match := _DATE.search(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _CN_DATE.search(text):
        year = int("".join(_DIGITS[c] for c in match.group(1)))
        month, day = (int(cn2an.cn2an(g, "smart")) for g in match.groups()[1:])
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _text(element) -> str:
    return re.sub(r"\s+", "", element.get_text()).strip()


def _is_date_line(text: str) -> bool:
    stripped = text.strip("（）()")
    return bool(_DATE.fullmatch(stripped) or _CN_DATE.fullmatch(stripped))


def draft_from_html(html: str) -> DraftDocument:
    """Title, 文号 and 成文日期 read from a converted document; the body without the title and
    文号 lines."""
    soup = BeautifulSoup(html, "html.parser")
    blocks = [b for b in soup.find_all(_BLOCKS, recursive=False) if _text(b)]
    draft = DraftDocument()

    # 文号, near the top.
    doc_no_at = None
    for i, block in enumerate(blocks[:12]):
        if block.name in ("table", "ul", "ol"):
            continue
        if match := DOC_NO.search(_text(block)):
            draft.doc_no = normalize_doc_no(match.group())
            rest = _text(block).replace(re.sub(r"\s+", "", match.group()), "")
            if not rest or rest.startswith("签发人"):
                doc_no_at = i
            break

    # 名称: a heading after the 文号 (a 发文机关标志 above it is not the title).
    def title_candidates(names):
        start = doc_no_at + 1 if doc_no_at is not None else 0
        found = [b for b in blocks[start:] if b.name in names and not _text(b).endswith("文件")]
        return found or [b for b in blocks if b.name in names and not _text(b).endswith("文件")]

    title_blocks = []
    for names in (("h1",), ("h2", "h3", "h4")):
        if candidates := title_candidates(names):
            first = candidates[0]
            title_blocks = [first]
            following = first.find_next_sibling(True)
            while following is not None and following.name == first.name and _text(following):
                title_blocks.append(following)
                following = following.find_next_sibling(True)
            break
    if title_blocks:
        draft.title = "".join(b.get_text(" ", strip=True) for b in title_blocks)[:500]
    else:
        draft.notes.append("未能识别标题，请填写名称。")

    # 成文日期: the last line that is only a date, read from the end.
    for block in reversed(blocks[-12:]):
        text = _text(block)
        if "印发" in text or block.name in ("table", "ul", "ol"):
            continue
        if _is_date_line(text):
            draft.written_on = parse_date(text)
            break
    if draft.written_on is None:
        draft.notes.append("未能识别成文日期，请核对填写。")
    if not draft.doc_no:
        draft.notes.append("未识别到文号；如有文号请填写。")

    # The title, the 文号 line and a 发文机关标志 above them are the record's, not the body's.
    leaving = list(title_blocks)
    if doc_no_at is not None:
        leaving.append(blocks[doc_no_at])
    top = blocks.index(title_blocks[0]) if title_blocks else (doc_no_at or 0)
    leaving += [b for b in blocks[:top] if b.name == "h1" and _text(b).endswith("文件")]
    for block in leaving:
        block.decompose()
    draft.body = sanitize_html(str(soup).strip())
    return draft


def read_docx(upload) -> DraftDocument:
    """A draft document from an uploaded .docx (checked first; FileRefused says why not)."""
    check_upload(upload)
    html, notes = convert_docx(upload)
    if not BeautifulSoup(html, "html.parser").get_text().strip():
        raise FileRefused("文件中没有文字内容。")
    draft = draft_from_html(html)
    draft.notes = notes + draft.notes
    return draft
