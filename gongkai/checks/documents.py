"""数据核验 of catalogue documents and imported records: the text a reader sees, checked."""

from gongkai.lib.html import reader_text

from .figures import INCONSISTENT, Finding, check_text


def record_text(record: dict) -> str:
    """Title, abstract and body of an extracted record, one paragraph per line."""
    return reader_text(record.get("title") or "", record.get("abstract") or "",
                       record.get("body_html") or "", record.get("body_text") or "")


def document_text(document) -> str:
    return reader_text(document.title, document.abstract, document.body)


def inconsistencies(text: str) -> list[Finding]:
    return [f for f in check_text(text) if f.status == INCONSISTENT]
