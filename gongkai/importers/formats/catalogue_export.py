"""Gongkai's own JSON Lines export (``gongkai export --format jsonl``), read back exactly.

Every line has exactly the keys of ``EXPORT_FIELDS``, in that order; that is how the format
is recognised (the first line), ahead of the generic JSON Lines format. The values are the
catalogue's own, already clean, so nothing is normalised: the record carries the page
fields the loader reads (title, 索引号, body as HTML …) plus the catalogue fields a page does
not have (agency and its code, exact publication time, topic, genre, audience, validity
dates, the superseding document's 索引号), and ``from_export`` tells the loader to restore
them as they are, so that export → import → export gives the same file.
"""

import json
from collections.abc import Iterator

from .base import FIELDS, Extracted, Format

EXPORT_FIELDS = (
    "index_no", "title", "doc_no", "agency", "agency_code", "publisher", "written_on",
    "published_at", "published_time_known", "topic", "category_label", "genre", "audience",
    "subject_terms", "abstract", "validity", "effective_on", "repealed_on", "superseded_by",
    "source_url", "body",
)
_BOOLEANS = {"published_time_known"}
_LISTS = {"subject_terms"}


class CatalogueExport(Format):
    name = "gongkai-export"
    multi = True

    def sniff(self, text: str, name: str = "") -> bool:
        first = next((line for line in text.split("\n") if line.strip()), "")
        try:
            data = json.loads(first)
        except (ValueError, RecursionError):
            return False
        return isinstance(data, dict) and tuple(data) == EXPORT_FIELDS

    def records(self, text: str) -> Iterator[Extracted]:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield self._record(number, line)

    def _record(self, number: int, line: str) -> Extracted:
        try:
            data = json.loads(line)
            return Extracted(number, record(checked(data)), None)
        except json.JSONDecodeError as error:
            return Extracted(number, None, f"not valid JSON ({error.msg} at column {error.colno})")
        except (ValueError, RecursionError) as error:
            return Extracted(number, None, str(error) or "not valid JSON")


def checked(data) -> dict:
    """The line's values, each of the type the export writes; ValueError names the first
    that is not."""
    if not isinstance(data, dict) or set(data) != set(EXPORT_FIELDS):
        raise ValueError("不是完整的导出记录（字段与 gongkai export 的不一致）")
    for key, value in data.items():
        if key in _BOOLEANS:
            ok = isinstance(value, bool)
        elif key in _LISTS:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            ok = value is None or isinstance(value, str)
        if not ok:
            raise ValueError(f"{key}: 取值类型不对：{value!r:.40}")
    if not (data["title"] or "").strip():
        raise ValueError("no title (标题/名称) found")
    if not data["published_at"]:
        raise ValueError("published_at: 导出记录缺少发布时间")
    return data


def record(data: dict) -> dict:
    """A loader record: the page fields (``FIELDS``) and the export's own, untouched."""
    published_at = data["published_at"]
    fields = dict.fromkeys(FIELDS)
    fields.update(
        index_no=data["index_no"], title=data["title"], doc_no=data["doc_no"],
        publisher=data["publisher"], written_on=data["written_on"],
        published_on=published_at[:10],
        published_at_time=published_at[11:16] if data["published_time_known"] else None,
        subject_terms=data["subject_terms"], abstract=data["abstract"], body_html=data["body"],
        category=data["topic"] or data["category_label"],
    )
    return {**data, **fields, "from_export": True}
