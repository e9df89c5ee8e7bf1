"""Read a saved government page (or a JSON Lines export) into catalogue records.

    extract(path) -> dict                      one document; ExtractError when there is none
    extract_bytes(data, name="") -> dict       the same for bytes in memory
    extract_all(path) -> list[Extracted]          every document in the file, errors included
    records_from_bytes(data, name="")          the same, lazily, for bytes in memory
    line_chunks(path, size) -> list[LineChunk] | None   a JSON Lines file cut for parallel reading
    chunk_records(chunk) -> list[Extracted]     one chunk's records (in a worker process)

A record is a dict with the keys in ``FIELDS``: index_no, category, publisher, written_on,
title, doc_no, published_on, subject_terms, abstract, body_text, body_html,
published_at_time. Dates are "YYYY-MM-DD", the time "HH:MM", absent values None and absent
subject terms []. ``body_html`` is the page's raw HTML: the caller sanitises it.

Pure Python, no Django: the formats live in ``gongkai.importers.formats``.
"""

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from charset_normalizer import from_bytes

from .formats import FORMATS, Extracted, ExtractError, Format
from .formats.base import FIELDS, looks_like_html, merge, require_document

__all__ = [
    "FIELDS", "ExtractError", "Extracted", "LineChunk", "chunk_records", "decode", "extract",
    "extract_all", "extract_bytes", "line_chunks", "records_from_bytes",
]


def extract(path) -> dict:
    """The one document in the file at ``path``."""
    return extract_bytes(_read(path), Path(path).name)


def extract_bytes(data: bytes, name: str = "") -> dict:
    """The one document in ``data``; ``name`` (a file name) may hint at the format."""
    records = list(_records(decode(data), name))
    if len(records) != 1:
        raise ExtractError(f"{len(records)} documents in one file; use extract_all()")
    if records[0].error:
        raise ExtractError(records[0].error)
    return records[0].fields


def extract_all(path) -> list[Extracted]:
    """Every document in the file, in order; never raises ExtractError.

    A bad JSON line gives a ``Extracted(line, None, reason)`` and the other lines still come
    through; a file that cannot be read at all gives one ``Extracted(0, None, reason)``.
    """
    try:
        data, name = _unzipped(_read(path), Path(path).name)
    except ExtractError as error:
        return [Extracted(0, None, error.reason)]
    return list(records_from_bytes(data, name))


class LineChunk(NamedTuple):
    """``size`` lines of a multi-document file, for a worker process to read."""

    format: Format
    offset: int  # lines of the file before this chunk
    text: str


def line_chunks(path, size: int) -> list[LineChunk] | None:
    """A JSON Lines file (also gzipped) cut into chunks of ``size`` lines, each read on its
    own by ``chunk_records`` with the format the whole file was recognised as; None for any
    other file, and for one that cannot be read (``extract_all`` says why)."""
    try:
        data, name = _unzipped(_read(path), Path(path).name)
        text = decode(data)
    except ExtractError:
        return None
    found = next((f for f in FORMATS if f.multi and f.sniff(text, name)), None)
    if found is None:
        return None
    # split("\n"), as the formats do: JSON strings may hold U+2028, which is no line end.
    lines = text.split("\n")
    return [LineChunk(found, start, "\n".join(lines[start:start + size]))
            for start in range(0, len(lines), size)]


def chunk_records(chunk: LineChunk) -> list[Extracted]:
    """The records of one chunk, numbered by their line in the whole file."""
    return [Extracted(position + chunk.offset, fields, error)
            for position, fields, error in chunk.format.records(chunk.text)]


def _unzipped(data: bytes, name: str) -> tuple[bytes, str]:
    """A gzip file named ….gz (the nightly dump, gongkai-DATE.jsonl.gz) is read unpacked."""
    if not (name.lower().endswith(".gz") and data.startswith(b"\x1f\x8b")):
        return data, name
    try:
        return gzip.decompress(data), name[:-3]
    except (OSError, EOFError) as error:
        raise ExtractError(f"damaged gzip file: {error}")


def records_from_bytes(data: bytes, name: str = "") -> Iterator[Extracted]:
    try:
        records = _records(decode(data), name)
        first = next(records, None)  # a file-level failure raises here, before any record
    except ExtractError as error:
        yield Extracted(0, None, error.reason)
        return
    if first is not None:
        yield first
        yield from records


def _records(text: str, name: str) -> Iterator[Extracted]:
    for multi in (f for f in FORMATS if f.multi):
        if multi.sniff(text, name):
            yield from multi.records(text)  # a damaged line (a NUL byte…) is that line's error
            return
    # A page with a stray NUL byte: HTML parsers drop it, and so do we.
    text = text.replace("\x00", "")
    formats = [f for f in FORMATS if not f.multi and f.sniff(text, name)]
    if not formats:
        raise ExtractError(_unrecognised(text))
    # Single-document formats that match the same page are merged: labels, then meta tags.
    try:
        record = merge([f.parse(text) for f in formats])
        for f in formats:
            record = f.complete(record, text)
        yield Extracted(1, require_document(record), None)
    except ExtractError as error:
        yield Extracted(1, None, error.reason)


def _unrecognised(text: str) -> str:
    if looks_like_html(text):
        return ("no document metadata on this web page "
                "(no 索引号/标题/发布日期 labels, no ArticleTitle/PubDate meta tags)")
    return "not a recognised document (no 'label: value' metadata lines, not HTML or JSON Lines)"


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ExtractError(f"cannot read the file: {error.strerror or error}")


# --- Decoding ------------------------------------------------------------------------

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
# Files that are documents, but not text: say what they are rather than "binary".
_MAGIC = [
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive or Office document (.docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
]
_DECLARED_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_\-.]+)""",
    re.I,
)
# Pages that say GB2312 or GBK routinely use characters only GB18030 has (镕, 堃…);
# GB18030 decodes every GB2312/GBK byte sequence the same way.
_GB_FAMILY = {"gb2312", "gb-2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936",
              "windows-936", "euc-cn", "x-euc-cn", "csgb2312", "chinese", "gb18030", "gb-18030"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes) -> str:
    """Text from bytes: BOM, then the declared charset, then UTF-8, then a guess."""
    if not data.strip():
        raise ExtractError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ExtractError(f"binary file ({what}), not a web page or text")
    if _mostly_nul(data[:8192]):
        raise ExtractError("binary file (contains NUL bytes), not a web page or text")
    for encoding in (_declared_encoding(data), "utf-8"):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                pass  # mislabelled page: guess below
    return _guess(data)


def _mostly_nul(sample: bytes) -> bool:
    """NUL bytes are what binary files (and UTF-16 without a BOM) are full of; a text file
    damaged in a few places has a few. Those few cost their own line, not the whole file:
    JSON Lines reports the line, a page's text drops them."""
    return sample.count(b"\x00") > max(2, len(sample) // 100)


def _declared_encoding(data: bytes) -> str | None:
    match = _DECLARED_RE.search(data[:8192])
    if not match:
        return None
    return canonical_encoding((match.group(1) or match.group(2)).decode("ascii"))


def canonical_encoding(name: str) -> str:
    name = name.strip().lower()
    return "gb18030" if name in _GB_FAMILY else name


def _guess(data: bytes) -> str:
    best = from_bytes(data).best()
    if best is None:
        raise ExtractError("binary file or unknown text encoding")
    encoding = canonical_encoding(best.encoding)
    text = data.decode(encoding, errors="replace")
    if len(_CONTROL_RE.findall(text)) > len(text) / 100:
        raise ExtractError("binary file (control characters), not a web page or text")
    return text


def file_text(path, record_text) -> str:
    """What ``gongkai check`` and ``gongkai pii`` read of the file at ``path``: a page's
    record as ``record_text(record)`` gives it, any other text file as it is. A file that
    cannot be read, or is not text, is an ExtractError saying why."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ExtractError(e.strerror or str(e))
    try:
        return record_text(extract(path))
    except ExtractError:
        pass
    try:
        # The extractor's judgement of text: a stray NUL byte is dropped, a binary file refused.
        return decode(data).replace("\x00", "")
    except ExtractError as e:
        raise ExtractError(f"不是文本文件（{e.reason}）")
