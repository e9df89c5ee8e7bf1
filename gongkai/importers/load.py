"""Load extracted records into the catalogue: one record in, one Document saved (created or
updated), with its agency. The second half of an import, after ``extract`` has read a page
into a record (a dict) and before ``import_files`` tallies the outcome in a ``Summary``.

    save_record(record, agency_code=None) -> Outcome     or RecordError with a one-line reason

The rules (docs/importing.md):

- **Checked before anything is written**: a 名称; dates that exist and fall in the accepted
  ranges (``gongkai.lib.source_records``); a body of at most ``BODY_LIMIT`` characters; a
  索引号 that fits its column.
- **The same record twice is one document.** A record with a 索引号 is the document with that
  索引号; one without is the document with its natural key (``source_key``: its source address,
  else agency + 文号 + 名称, else agency + 名称 + 发布日期), an indexed, unique column, so each
  lookup costs the same however large the catalogue.
- **Concurrent imports converge.** Each record is saved in its own transaction. When another
  import saved the same document or agency first, the unique constraints (``index_no``,
  ``source_key``, ``Agency.name``) refuse the second copy; the record is then read again and
  updated, up to ``ATTEMPTS`` times.
- **Published through the workflow.** A new dated document is published by
  ``documents.workflow.publish`` (which keeps the imported 发布日期 and assigns the 索引号); a
  record without a 发布日期 becomes a draft that no one sees and gets no 索引号 until staff
  give it a date (or a later import brings one). Within ``as_drafts()`` (``gongkai import
  --draft``) nothing is published: new documents are drafts for review, and an update of a
  live document waits as its pending revision until a reviewer approves it.
- **Agencies by name.** An unknown publisher is created and flagged for review; it takes the
  统一社会信用代码/组织机构代码 its pages' 索引号 begin with when no agency holds that code.
"""

import datetime as dt
import html
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from gongkai.catalog.models import Agency, Audience, Genre, Topic
from gongkai.documents import workflow
from gongkai.documents.models import Disclosure, Document, Status, Validity
from gongkai.lib.identifiers import normalize_doc_no
from gongkai.lib.source_records import agency_code_in_index_no, date_problem, source_key
from gongkai.lib.topics import split_topic_path

JOINT_SEPARATORS = re.compile(r"[、，,；;]\s*|\s{2,}")
# The longest body accepted, in characters of HTML (or of text, for a page without HTML): a
# hundred times the longest law in the laws corpus. Longer ones are refused, not cut: a
# disclosed document must not be published with its end missing.
BODY_LIMIT = 2_000_000
# Saves of one record tried before giving up, when concurrent imports collide.
ATTEMPTS = 3
# PostgreSQL's deadlock_detected and serialization_failure: retried like a duplicate key.
_RETRY_SQLSTATES = {"40P01", "40001"}


class RecordError(Exception):
    """A record that cannot be saved; the message says why, in one line."""


@dataclass
class Outcome:
    action: str  # "created" | "updated"
    document: Document
    new_agency: Agency | None = None

    @property
    def needs_date(self) -> bool:
        """A draft for want of a 发布日期: invisible until someone gives it one."""
        return self.document.status == Status.DRAFT and self.document.published_at is None


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    new_agencies: list[str] = field(default_factory=list)
    # (where, title) of documents kept as drafts because the record has no 发布日期.
    drafts: list[tuple[str, str]] = field(default_factory=list)
    # (where, note): the record was saved, but something about it deserves a look.
    notes: list[tuple[str, str]] = field(default_factory=list)
    # 数据核验: (where, title, inconsistent findings) for every imported page with any.
    figure_issues: list[tuple[str, str, list]] = field(default_factory=list)

    def add(self, outcome: Outcome, where: str = "") -> None:
        setattr(self, outcome.action, getattr(self, outcome.action) + 1)
        if agency := outcome.new_agency:
            self.new_agencies.append(
                f"{agency.name}（机构代码 {agency.code} 取自索引号）" if agency.code else agency.name)
        if outcome.needs_date:
            self.drafts.append((where, outcome.document.title))


def save_record(record: dict, *, agency_code: str | None = None,
                checked: "Checked | None" = None) -> Outcome:
    """Create or update the document described by ``record``, atomically. ``checked``: what
    ``check_record(record)`` gave, when the caller (the bulk importer) has it already."""
    checked = checked or check_record(record)
    attempts_left = ATTEMPTS
    while True:
        try:
            with transaction.atomic():
                return _save(record, checked, agency_code)
        except DatabaseError as error:
            # Another import saved this document (or agency) first: read it again and update.
            attempts_left -= 1
            if not attempts_left or not _is_collision(error):
                raise


@dataclass
class Checked:
    """What the record says, parsed and checked before the database is touched (pure: the
    bulk importer computes it in worker processes)."""

    title: str
    index_no: str
    doc_no: str
    written_on: dt.date | None
    published_on: dt.date | None
    published_at: dt.datetime | None
    time_known: bool
    effective_on: dt.date | None
    body: str  # as given; ``sanitize_html`` (Document.save) cleans it
    validity: str | None = None
    repealed_on: dt.date | None = None


def subject_terms(record: dict) -> list[str]:
    """The record's 主题词 as the document keeps them."""
    return [t for t in (record.get("subject_terms") or []) if t]


def check_record(record: dict) -> Checked:
    title = _required(record, "title")[:Document._meta.get_field("title").max_length]
    index_no = (record.get("index_no") or "").strip()
    if len(index_no) > Document._meta.get_field("index_no").max_length:
        raise RecordError(f"索引号过长：{index_no[:40]}…")
    today = timezone.localdate()
    dates = {}
    for key in ("written_on", "published_on", "effective_on"):
        dates[key] = _date(record.get(key))
        if problem := date_problem(key, dates[key], today):
            raise RecordError(problem)
    body = record.get("body_html") or record.get("body_text") or ""
    if len(body) > BODY_LIMIT:
        raise RecordError(f"正文过长：{len(body):,} 字符，超过上限 {BODY_LIMIT:,} 字符，未导入"
                          f"（请拆分后再导入）")
    published_at, time_known = _published_at(dates["published_on"], record.get("published_at_time"))
    if record.get("from_export"):
        published_at, time_known = _exact_moment(record["published_at"]), record["published_time_known"]
    validity = _choice(Validity, record["validity"]) if record.get("validity") else None
    return Checked(
        title=title, index_no=index_no, doc_no=normalize_doc_no(record.get("doc_no")),
        written_on=dates["written_on"], published_on=dates["published_on"],
        published_at=published_at, time_known=time_known, effective_on=dates["effective_on"],
        body=record.get("body_html") or _paragraphs(record.get("body_text") or ""),
        validity=validity, repealed_on=_date(record.get("repealed_on")),
    )


@dataclass
class Resolved:
    """A record matched with the catalogue, before anything is saved: its agency (created
    when new), its document (found or new) with the record's fields filled in, and whether
    saving it publishes it."""

    document: Document
    action: str  # "created" | "updated"
    new_agency: Agency | None
    publish: bool


def resolve(record: dict, checked: Checked, agency_code: str | None,
            lookups: "Lookups") -> Resolved:
    agency, new_agency = record_agency(record, checked, agency_code, lookups)
    document, action = _find_or_new(record, checked, agency, lookups)
    was_dateless_draft = document.status == Status.DRAFT and document.published_at is None
    _fill(document, record, checked, agency, lookups)
    if action == "created":
        publish = document.published_at is not None
    else:
        # Staff decisions stand (a withdrawn document stays withdrawn); a draft kept only for
        # want of a date is published once a record brings one.
        publish = document.status == Status.PUBLISHED or (
            was_dateless_draft and document.published_at is not None)
    return Resolved(document, action, new_agency, publish)


def record_agency(record: dict, checked: Checked, agency_code: str | None,
                  lookups: "Lookups") -> tuple[Agency, Agency | None]:
    """The record's agency, and the same again when it was created for it."""
    if record.get("from_export"):
        return _exported_agency(record, checked.index_no, lookups)
    return _agency_for(record.get("publisher"), agency_code, checked.index_no, lookups)


def _save(record: dict, checked: Checked, agency_code: str | None) -> Outcome:
    resolved = resolve(record, checked, agency_code, Lookups())
    document = resolved.document
    if _as_drafts.get():
        # gongkai import --draft: nothing goes public without review; an update of a live
        # document waits as its pending revision.
        if resolved.action == "created":
            document.status = Status.DRAFT
        workflow.save_imported(document, draft=True)
    elif resolved.publish:
        workflow.publish(document)  # keeps the imported 发布日期; assigns the 索引号
    else:
        workflow.save_imported(document)
    return Outcome(resolved.action, document, resolved.new_agency)


_as_drafts: ContextVar[bool] = ContextVar("import_as_drafts", default=False)


@contextmanager
def as_drafts(enabled: bool = True):
    """Within this block, records are saved as drafts for review instead of published
    (``gongkai import --draft``)."""
    token = _as_drafts.set(enabled)
    try:
        yield
    finally:
        _as_drafts.reset(token)


def drafts_only() -> bool:
    """True within ``as_drafts()``."""
    return _as_drafts.get()


def _is_collision(error: DatabaseError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) in _RETRY_SQLSTATES


class Lookups:
    """How a record's agency, vocabulary and earlier copy are found: a query each, for a
    record saved on its own. ``bulk.BatchLookups`` answers the same questions for a batch
    of records from a few queries."""

    def document(self, **filters) -> Document | None:
        return Document.objects.filter(**filters).first()

    def agency_named(self, name: str) -> Agency | None:
        """By name, then by short name."""
        return (Agency.objects.filter(name=name).first()
                or Agency.objects.filter(short_name=name).first())

    def agency_with_code(self, code: str) -> Agency | None:
        # "code <> ''" repeats the unique index's condition, so SQLite can use that partial index.
        return Agency.objects.filter(code=code).exclude(code="").first() if code else None

    def new_agency(self, name: str, code: str) -> tuple[Agency, bool]:
        """The agency called ``name``, created (flagged for review) when missing.
        get_or_create: an import running beside this one may create it first."""
        return Agency.objects.get_or_create(name=name, defaults={"needs_review": True,
                                                                 "code": code})

    def genre(self, name: str) -> Genre:
        return Genre.objects.get_or_create(name=name)[0]

    def audience(self, name: str) -> Audience:
        return Audience.objects.get_or_create(name=name)[0]

    def topic(self, path: str) -> Topic | None:
        return Topic.from_path(path)


def _agency_for(publisher: str | None, agency_code: str | None, index_no: str,
                lookups: Lookups) -> tuple[Agency, Agency | None]:
    """The page's publisher, else the agency named by --agency; unknown names are created
    and flagged for staff to complete. A jointly issued document (国务院办公厅、中央军委办公厅)
    belongs to the first agency named."""
    name = JOINT_SEPARATORS.split((publisher or "").strip())[0].strip()
    if name:
        if found := lookups.agency_named(name):
            return found, None
        agency, created = lookups.new_agency(name, _unclaimed_code(index_no, lookups))
        return agency, agency if created else None
    if agency_code:
        found = lookups.agency_with_code(agency_code.strip().upper())
        if not found:
            raise RecordError(f"目录中没有机构代码为 {agency_code} 的发布机构")
        return found, None
    raise RecordError("页面没有发布机构，请用 --agency 指定机构代码")


def _unclaimed_code(index_no: str, lookups: Lookups) -> str:
    """The agency code the page's 索引号 begins with, if valid and no agency holds it yet:
    the new agency's own documents are then numbered in the series its site used."""
    code = agency_code_in_index_no(index_no)
    return code if code and not lookups.agency_with_code(code) else ""


def _find_or_new(record: dict, checked: Checked, agency: Agency,
                 lookups: Lookups) -> tuple[Document, str]:
    key = natural_key(record, checked, agency)
    if checked.index_no:
        existing = lookups.document(index_no=checked.index_no)
    else:
        existing = lookups.document(source_key=key)
        if existing is None and key.startswith(("url:", "url#")):
            # Imported before without its address: the same page if that copy has none.
            existing = lookups.document(source_key=content_key(agency, checked), source_url="")
        if existing is None and record.get("from_export"):
            # Exported from a catalogue where it was entered by hand (no natural key kept):
            # the same agency, 名称 and exact publication time.
            existing = lookups.document(agency=agency, title=checked.title,
                                        published_at=checked.published_at, index_no=None)
    if existing:
        return existing, "updated"
    if checked.index_no and lookups.document(source_key=key) is not None:
        key = None  # another document (with another 索引号) has the same content: both stay
    return Document(index_no=checked.index_no or None, source_key=key, status=Status.DRAFT,
                    disclosure=Disclosure.ACTIVE), "created"


def natural_key(record: dict, checked: Checked, agency: Agency) -> str:
    """The record's ``Document.source_key``."""
    return source_key(agency=str(agency.pk), title=checked.title, doc_no=checked.doc_no,
                      published_on=checked.published_on, source_url=record.get("source_url") or "")


def content_key(agency: Agency, checked: Checked) -> str:
    return source_key(agency=str(agency.pk), title=checked.title, doc_no=checked.doc_no,
                      published_on=checked.published_on)


def _fill(document: Document, record: dict, checked: Checked, agency: Agency,
          lookups: Lookups) -> None:
    document.title = checked.title
    document.agency = agency
    publisher = (record.get("publisher") or "").strip()
    document.publisher_label = publisher if publisher != agency.name else ""
    document.doc_no = checked.doc_no
    document.written_on = checked.written_on
    if checked.published_at is not None:
        document.published_at, document.published_time_known = checked.published_at, checked.time_known
    # A record without a date leaves an existing document's date as it was.
    document.subject_terms = subject_terms(record)
    document.abstract = record.get("abstract") or ""
    document.body = checked.body
    _classify(document, record.get("category"), lookups)
    if genre := (record.get("genre") or "").strip():
        document.genre = lookups.genre(genre)
    if checked.validity:
        document.validity = checked.validity
    document.effective_on = checked.effective_on or document.effective_on
    document.source_url = record.get("source_url") or document.source_url
    if record.get("from_export"):
        _fill_exported(document, record, checked, lookups)


def _exported_agency(record: dict, index_no: str,
                     lookups: Lookups) -> tuple[Agency, Agency | None]:
    """The agency an export names, by its exact name; a new one takes the exported code
    (else the 索引号's) when no agency holds it."""
    name = (record.get("agency") or "").strip()
    if not name:
        raise RecordError("导出记录缺少发布机构（agency）")
    code = (record.get("agency_code") or "").strip().upper()
    code = code if code and not lookups.agency_with_code(code) else _unclaimed_code(index_no,
                                                                                   lookups)
    agency, created = lookups.new_agency(name, code)
    return agency, agency if created else None


def _fill_exported(document: Document, record: dict, checked: Checked,
                   lookups: Lookups) -> None:
    """What an export holds beyond a page's fields, restored exactly: absent means none."""
    document.topic = lookups.topic(record["topic"]) if record.get("topic") else None
    document.category_label = record.get("category_label") or ""
    document.genre = lookups.genre(record["genre"]) if record.get("genre") else None
    document.audience = lookups.audience(record["audience"]) if record.get("audience") else None
    document.validity = checked.validity or ""
    document.effective_on = checked.effective_on
    document.repealed_on = checked.repealed_on
    document.source_url = record.get("source_url") or ""
    # The document in force may come later in the file: link_superseded() finishes the job.
    index_no = record.get("superseded_by")
    document.superseded_by = lookups.document(index_no=index_no) if index_no else None


def _by_index_no(index_no: str | None) -> Document | None:
    return Document.objects.filter(index_no=index_no).first() if index_no else None


def link_superseded(records: list[tuple[Document, str]]) -> None:
    """Point each (document, 索引号 of the document in force) at that document, once the
    whole file is in (an export lists older documents, which name newer ones, first)."""
    for document, index_no in records:
        if (current := _by_index_no(index_no)) and document.superseded_by_id != current.pk:
            document.superseded_by = current
            document.save(update_fields=["superseded_by", "updated_at"])


def _exact_moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RecordError(f"发布时间格式不对：{value!r}（应为 ISO 8601）")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _classify(document: Document, category: str | None, lookups: Lookups) -> None:
    category = (category or "").strip()
    document.category_label = category
    # Only a two-level path (一级\二级) is a topic; other labels are kept as the page shows them.
    if len(split_topic_path(category)) > 1:
        document.topic = lookups.topic(category)


def _published_at(day: dt.date | None, time_text: str | None) -> tuple[dt.datetime | None, bool]:
    if day is None:
        return None, False
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
