"""Snapshots of a document (Revision.data), applying one back, and comparing two.

A snapshot is JSON: ``fields`` holds the content staff edit (what a pending revision carries
and what approval applies to the row), ``labels`` how each related value read at the time
(the agency's name, the topic's path), and ``state`` the workflow state then (status, 索引号,
scheduled times), shown when comparing but never applied.
"""

import datetime as dt
import functools

from django.utils import timezone

from gongkai.lib.textdiff import compare_values, html_lines, side_by_side

from .models import Attachment, Document, Revision

# The content of a document, in the order the compare page shows it.
CONTENT_FIELDS = [
    "title", "agency", "publisher_label", "doc_no", "written_on", "published_at",
    "published_time_known", "topic", "genre", "audience", "subject_terms", "category_label",
    "abstract", "body", "disclosure", "validity", "effective_on", "repealed_on",
    "superseded_by", "source_url",
]
STATE_FIELDS = ["status", "index_no", "withdraw_at", "withdrawn_at"]


def _json(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def local_minute(moment: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM`` in the site's time zone (in UTC at the very end of the calendar,
    where the local time would pass the year 9999)."""
    try:
        moment = timezone.localtime(moment)
    except OverflowError:
        pass
    return moment.strftime("%Y-%m-%d %H:%M")


@functools.cache
def _field(name: str):
    return Document._meta.get_field(name)


def _label(document: Document, name: str) -> str:
    field = _field(name)
    value = getattr(document, field.attname)
    if value in (None, "", []):
        return ""
    if field.is_relation:
        related = getattr(document, name)
        return str(related) if related is not None else ""
    if field.choices:
        return getattr(document, f"get_{name}_display")()
    if isinstance(value, dt.datetime):
        return local_minute(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return " ".join(map(str, value))
    return str(value)


def attachment_list(document: Document, *, edited: bool = False) -> list[dict]:
    """The attachments as a snapshot keeps them: those the published version shows, or
    (``edited``) those of the pending edit. The files are rows of their own, whose pending
    changes the workflow applies (gongkai.documents.attachments)."""
    if document.pk is None:
        return []
    rows = document.attachments.edited() if edited else document.attachments.shown()
    return [{"id": a.pk, "name": a.name, "kind": a.kind, "size": a.size, "sha256": a.sha256}
            for a in rows.order_by("pk")]


def attachment_lists(documents) -> dict[int, list[dict]]:
    """{document id: ``attachment_list(document)``} for many saved documents, in one query."""
    found: dict[int, list[dict]] = {d.pk: [] for d in documents if d.pk is not None}
    rows = Attachment.objects.filter(document__in=list(found)).shown().order_by("pk")
    for a in rows.only("document_id", "name", "kind", "size", "sha256"):
        found[a.document_id].append(
            {"id": a.pk, "name": a.name, "kind": a.kind, "size": a.size, "sha256": a.sha256})
    return found


def snapshot(document: Document, *, edited: bool = False, files: list | None = None) -> dict:
    """``files``: the attachment list when the caller has it (``attachment_lists``)."""
    fields = {name: _json(getattr(document, _field(name).attname)) for name in CONTENT_FIELDS}
    labels = {name: _label(document, name) for name in CONTENT_FIELDS + STATE_FIELDS
              if name != "body"}
    if files is None:
        files = attachment_list(document, edited=edited)
    labels["attachments"] = "；".join(f"{a['name']}（{a['sha256'][:8]}）" for a in files)
    state = {name: _json(getattr(document, name)) for name in STATE_FIELDS}
    return {"fields": fields, "labels": labels, "state": state, "attachments": files}


def apply(document: Document, data: dict) -> Document:
    """Set ``document``'s content to the snapshot's (in memory; the caller saves)."""
    for name, value in data.get("fields", {}).items():
        if name not in CONTENT_FIELDS:
            continue
        field = Document._meta.get_field(name)
        setattr(document, field.attname, field.to_python(value) if value is not None else None)
    return document


def save_revision(document: Document, kind: str, *, user=None, note: str = "",
                  data: dict | None = None) -> Revision:
    revision = new_revision(document, kind, user=user, note=note, data=data)
    revision.save()
    return revision


def new_revision(document: Document, kind: str, *, user=None, note: str = "",
                 data: dict | None = None) -> Revision:
    """The revision ``save_revision`` saves, unsaved (for ``bulk_create``)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return Revision(
        document=document, kind=kind, data=data or snapshot(document), note=note,
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "")


def as_edited(document: Document) -> Document:
    """The document as staff edit it: its pending revision applied when it has one."""
    if document.pending_revision_id:
        apply(document, document.pending_revision.data)
    return document


def compare(old: Revision, new: Revision) -> dict:
    """What the compare page shows: every field side by side, the body line by line."""
    rows = []
    for name in CONTENT_FIELDS + STATE_FIELDS:
        if name == "body":
            continue
        label = Document._meta.get_field(name).verbose_name
        a = old.data.get("labels", {}).get(name, "")
        b = new.data.get("labels", {}).get(name, "")
        rows.append((label, compare_values(a, b)))
    rows.append(("附件", compare_values(old.data.get("labels", {}).get("attachments", ""),
                                       new.data.get("labels", {}).get("attachments", ""))))
    body = side_by_side(html_lines(old.data.get("fields", {}).get("body") or ""),
                        html_lines(new.data.get("fields", {}).get("body") or ""))
    return {"fields": rows, "body": body,
            "changed": [label for label, row in rows if row.changed]
            + (["正文"] if any(r.changed for r in body) else [])}
