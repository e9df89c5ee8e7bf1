"""Saving extracted records into the catalogue.

A record is the dict that ``gongkai.importers.extract`` produces. Each record is saved in
its own transaction, so a bad one is reported and skipped and never leaves half a document.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.documents.models import Disclosure, Document, Status, Validity
from gongkai.documents.workflow import assign_index_no
from gongkai.lib.identifiers import normalize_doc_no
from gongkai.lib.topics import split_topic_path

JOINT_SEPARATORS = re.compile(r"[、，,；;]\s*|\s{2,}")


class RecordError(Exception):
    """A record that cannot be saved; the message says why, in one line."""


@dataclass
class Outcome:
    action: str  # "created" | "updated"
    document: Document
    new_agency: Agency | None = None


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    new_agencies: list[str] = field(default_factory=list)
    # 数据核验: (where, title, inconsistent findings) for every imported page with any.
    figure_issues: list[tuple[str, str, list]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.action, getattr(self, outcome.action) + 1)
        if outcome.new_agency:
            self.new_agencies.append(outcome.new_agency.name)


def save_record(record: dict, *, agency_code: str | None = None) -> Outcome:
    """Create or update the document described by ``record`` (atomically)."""
    with transaction.atomic():
        agency, new_agency = _agency_for(record.get("publisher"), agency_code)
        document, action = _find_or_new(record, agency)
        _fill(document, record, agency)
        document.save()
        return Outcome(action, document, new_agency)


def _agency_for(publisher: str | None, agency_code: str | None) -> tuple[Agency, Agency | None]:
    """The page's publisher, else the agency named by --agency; unknown names are created
    and flagged for staff to complete their code. A jointly issued document
    (国务院办公厅、中央军委办公厅) belongs to the first agency named."""
    name = JOINT_SEPARATORS.split((publisher or "").strip())[0].strip()
    if name:
        found = (Agency.objects.filter(name=name).first()
                 or Agency.objects.filter(short_name=name).first())
        if found:
            return found, None
        created = Agency.objects.create(name=name, needs_review=True)
        return created, created
    if agency_code:
        found = Agency.objects.filter(code=agency_code.strip().upper()).first()
        if not found:
            raise RecordError(f"目录中没有机构代码为 {agency_code} 的发布机构")
        return found, None
    raise RecordError("页面没有发布机构，请用 --agency 指定机构代码")


def _find_or_new(record: dict, agency: Agency) -> tuple[Document, str]:
    index_no = (record.get("index_no") or "").strip()
    if len(index_no) > Document._meta.get_field("index_no").max_length:
        raise RecordError(f"索引号过长：{index_no[:40]}…")
    if index_no:
        existing = Document.objects.filter(index_no=index_no).first()
    else:
        # Without a 索引号 the same page imported twice is recognised by what it says.
        existing = Document.objects.filter(
            agency=agency, title=_required(record, "title"),
            doc_no=normalize_doc_no(record.get("doc_no")),
            published_at__date=_date(record.get("published_on")),
        ).first()
    if existing:
        return existing, "updated"
    return Document(index_no=index_no or None, status=Status.PUBLISHED,
                    disclosure=Disclosure.ACTIVE), "created"


def _fill(document: Document, record: dict, agency: Agency) -> None:
    document.title = _required(record, "title")[:500]
    document.agency = agency
    publisher = (record.get("publisher") or "").strip()
    document.publisher_label = publisher if publisher != agency.name else ""
    document.doc_no = record.get("doc_no") or ""
    document.written_on = _date(record.get("written_on"))
    document.published_at, document.published_time_known = _published_at(record)
    document.subject_terms = [t for t in (record.get("subject_terms") or []) if t]
    document.abstract = record.get("abstract") or ""
    document.body = record.get("body_html") or _paragraphs(record.get("body_text") or "")
    _classify(document, record.get("category"))
    if genre := (record.get("genre") or "").strip():
        document.genre, _ = Genre.objects.get_or_create(name=genre)
    if validity := record.get("validity"):
        document.validity = _choice(Validity, validity)
    document.effective_on = _date(record.get("effective_on")) or document.effective_on
    document.source_url = record.get("source_url") or document.source_url
    assign_index_no(document)


def _classify(document: Document, category: str | None) -> None:
    category = (category or "").strip()
    document.category_label = category
    # Only a two-level path (一级\二级) is a topic; other labels are kept as the page shows them.
    if len(split_topic_path(category)) > 1:
        document.topic = Topic.from_path(category)


def _published_at(record: dict) -> tuple[dt.datetime | None, bool]:
    day = _date(record.get("published_on"))
    if day is None:
        return None, False
    time_text = record.get("published_at_time")
    try:
        time = dt.time.fromisoformat(time_text) if time_text else dt.time(0, 0)
    except ValueError:
        raise RecordError(f"发布时间格式不对：{time_text!r}（应为 HH:MM）")
    return timezone.make_aware(dt.datetime.combine(day, time)), bool(time_text)


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RecordError(f"日期格式不对：{value!r}（应为 YYYY-MM-DD）")


def _required(record: dict, key: str) -> str:
    value = (record.get(key) or "").strip()
    if not value:
        raise RecordError(f"缺少必填项 {key}")
    return value


def _choice(choices, value: str) -> str:
    for option in choices:
        if value in (option.value, option.label):
            return option.value
    raise RecordError(f"无法识别的取值 {value!r}")


def _paragraphs(text: str) -> str:
    lines = (line.strip() for line in text.splitlines())
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
