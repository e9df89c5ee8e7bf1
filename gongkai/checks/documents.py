"""数据核验 of catalogue documents and imported records: the text a reader sees, checked."""

from gongkai.search.highlight import html_to_text

from .figures import INCONSISTENT, Finding, check_text


def record_text(record: dict) -> str:
    """Title, abstract and body of an extracted record, one paragraph per line."""
    body = record.get("body_text") or html_to_text(record.get("body_html") or "")
    return "\n".join(filter(None, [record.get("title"), record.get("abstract"), body]))


def document_text(document) -> str:
    return "\n".join(filter(None, [document.title, document.abstract, html_to_text(document.body)]))


def inconsistencies(text: str) -> list[Finding]:
    return [f for f in check_text(text) if f.status == INCONSISTENT]
