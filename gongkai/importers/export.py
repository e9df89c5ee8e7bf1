"""Bulk export of the public catalogue: JSON Lines (read back by ``gongkai import``) or CSV,
and the nightly gzip dump served at /exports/.

    rows(documents) -> Iterator[dict]         one dict per document, keys EXPORT_FIELDS
    write(documents, out, fmt)                 stream them as "jsonl" or "csv" text
    write_dump(fmt) -> Path                    DATA_DIR/exports/gongkai-YYYY-MM-DD.<fmt>.gz

Only ``Document.objects.published()`` is exported, oldest first (a document names the one in
force after it, so the importer mostly meets links it can resolve at once). Rows stream from
the database (``iterator()``), a few thousand at a time, whatever the catalogue's size.
"""

import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gongkai.accounts.models import AuditAction
from gongkai.documents.models import Document, Status
from gongkai.lib.html import sanitize_html

from .formats.catalogue_export import EXPORT_FIELDS

FORMATS = ("jsonl", "csv")
CHUNK = 2000
# Dumps kept in DATA_DIR/exports per format; older ones are removed when a new one is written.
KEEP_DUMPS = 7
DUMP_NAME = re.compile(r"^gongkai-(\d{4}-\d{2}-\d{2})\.(jsonl|csv)\.gz$")


def public_documents(agency_code: str | None = None, since: dt.date | None = None):
    documents = Document.objects.published()
    if agency_code:
        documents = documents.filter(agency__code=agency_code.strip().upper())
    if since:
        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        documents = documents.filter(published_at__gte=start)
    return documents


def rows(documents) -> Iterator[dict]:
    """The export's rows, streamed; the superseding document is named only when public."""
    current = Document.objects.published().filter(pk=OuterRef("superseded_by")).values("index_no")
    documents = (documents.select_related("agency", "topic__parent", "genre", "audience")
                 .annotate(current_index_no=Subquery(current))
                 .order_by("published_at", "pk"))
    for doc in documents.iterator(chunk_size=CHUNK):
        yield row(doc)


def row(doc: Document) -> dict:
    values = {
        "index_no": doc.index_no, "title": doc.title, "doc_no": doc.doc_no,
        "agency": doc.agency.name, "agency_code": doc.agency.code, "publisher": doc.publisher,
        "written_on": _day(doc.written_on),
        "published_at": timezone.localtime(doc.published_at).isoformat(),
        "published_time_known": doc.published_time_known,
        "topic": doc.topic.path if doc.topic_id else None,
        "category_label": doc.category_label, "genre": doc.genre.name if doc.genre_id else None,
        "audience": doc.audience.name if doc.audience_id else None,
        "subject_terms": list(doc.subject_terms or []), "abstract": doc.abstract,
        "validity": doc.validity, "effective_on": _day(doc.effective_on),
        "repealed_on": _day(doc.repealed_on), "superseded_by": doc.current_index_no,
        # Sanitised again: a body saved before the sanitiser's output was made deterministic
        # (lib.html) comes out as any body saved now, so export → import → export agrees.
        "source_url": doc.source_url, "body": sanitize_html(doc.body),
    }
    return {key: values[key] for key in EXPORT_FIELDS}


def _day(value) -> str | None:
    return value.isoformat() if value else None


def write(documents, out, fmt: str = "jsonl") -> int:
    """Write the rows of ``documents`` to the text stream ``out``; the number written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
    for values in rows(documents):
        if fmt == "jsonl":
            out.write(json.dumps(values, ensure_ascii=False) + "\n")
        else:
            writer.writerow(csv_values(values))
        count += 1
    return count


def csv_values(values: dict) -> dict:
    """CSV cells: 主题词 joined by "；", true/false spelled out, absent values empty."""
    cells = dict(values)
    cells["subject_terms"] = "；".join(values["subject_terms"])
    cells["published_time_known"] = "true" if values["published_time_known"] else "false"
    return cells


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def dumps() -> list[Path]:
    """The dumps on offer, newest first."""
    folder = exports_dir()
    found = [p for p in folder.iterdir() if DUMP_NAME.match(p.name)] if folder.is_dir() else []
    return sorted(found, key=lambda p: p.name, reverse=True)


def write_dump(fmt: str = "jsonl", keep: int = KEEP_DUMPS) -> tuple[Path, int]:
    """Today's dump of every public document, written atomically (a temporary file in the
    same folder, renamed into place: a download never sees half a dump); older dumps of the
    format beyond ``keep`` are removed. Returns the path and the number of documents."""
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"gongkai-{timezone.localdate().isoformat()}.{fmt}.gz"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".dump-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw:
            # mtime=0 and no file name in the header: the same catalogue gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                with open_text(zipped) as out:
                    count = write(public_documents(), out, fmt)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in [p for p in dumps() if p.name.endswith(f".{fmt}.gz")][keep:]:
        old.unlink(missing_ok=True)
    return target, count


def open_text(binary):
    return io.TextIOWrapper(binary, encoding="utf-8", newline="")


def forget_dumps(pk: int | None) -> None:
    """A document that is no longer public may be in the dumps on offer: they are removed
    (the next ``gongkai export --dump`` writes a fresh one), so a withdrawal, a change to
    不予公开 or a deletion also reaches the bulk downloads at once."""
    if not dumps():
        return
    if pk is not None and Document.objects.published().filter(pk=pk).exists():
        return
    for path in dumps():
        path.unlink(missing_ok=True)


# The transitions that can take a public document out of the public: a withdrawal, and an
# approved edit (which may make it 不予公开). Drafts going to review and back never were public.
_LEAVING = {AuditAction.WITHDRAW, AuditAction.PUBLISH}


def document_transitioned(sender, document: Document, action: str = "", **kwargs) -> None:
    if action in _LEAVING:
        forget_dumps(document.pk)


def document_deleted(sender, instance: Document, **kwargs) -> None:
    if instance.status == Status.PUBLISHED:  # it may have been public: it is no longer
        forget_dumps(None)
