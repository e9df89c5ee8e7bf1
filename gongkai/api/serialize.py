"""Documents as the API writes them, field by field, so that ``fields=`` can pick them.

What a document shows follows its public page: a published document everything the page
shows; a withdrawn one only the record that identifies it (as its page at the same URL),
never its body, 内容概述 or 主题词, which are not even read from the database."""

from django.urls import reverse
from django.utils import timezone

from gongkai.documents.models import Document


class UnknownField(ValueError):
    pass


def _date(value):
    return value.isoformat() if value else None


def _moment(value):
    return timezone.localtime(value).isoformat() if value else None


def _ref(obj):
    return {"id": obj.pk, "name": obj.name} if obj else None


def document_ref(doc) -> dict:
    return {"id": doc.pk, "title": doc.title, "url": doc.get_absolute_url(),
            "api_url": api_url(doc.pk)}


def api_url(pk: int) -> str:
    return reverse("api-v1:document", args=[pk])


# name → how it is read from a document (ctx holds the public documents that replace others).
FIELDS = {
    "id": lambda d, ctx: d.pk,
    "url": lambda d, ctx: d.get_absolute_url(),
    "api_url": lambda d, ctx: api_url(d.pk),
    "status": lambda d, ctx: "withdrawn" if ctx.get("withdrawn") else "published",
    "index_no": lambda d, ctx: d.index_no or "",
    "title": lambda d, ctx: d.title,
    "doc_no": lambda d, ctx: d.doc_no,
    "agency": lambda d, ctx: _ref(d.agency),
    "publisher": lambda d, ctx: d.publisher,
    "written_on": lambda d, ctx: _date(d.written_on),
    "published_at": lambda d, ctx: _moment(d.published_at),
    "published": lambda d, ctx: d.published_display,
    "topic": lambda d, ctx: {"id": d.topic.pk, "name": d.topic.name, "path": d.topic.path}
    if d.topic_id else None,
    "category": lambda d, ctx: d.category,
    "genre": lambda d, ctx: _ref(d.genre),
    "audience": lambda d, ctx: _ref(d.audience),
    "subject_terms": lambda d, ctx: list(d.subject_terms or []),
    "abstract": lambda d, ctx: d.abstract,
    "body_html": lambda d, ctx: d.body,
    "validity": lambda d, ctx: d.validity or None,
    "validity_label": lambda d, ctx: d.get_validity_display() if d.validity else "",
    "effective_on": lambda d, ctx: _date(d.effective_on),
    "repealed_on": lambda d, ctx: _date(d.repealed_on),
    "superseded_by": lambda d, ctx: document_ref(ctx["current"][d.superseded_by_id])
    if d.superseded_by_id in ctx.get("current", {}) else None,
    "source_url": lambda d, ctx: d.source_url,
    "updated_at": lambda d, ctx: _moment(d.updated_at),
    # A scheduled withdrawal is not shown before it comes (the page does not show it).
    "withdrawn_on": lambda d, ctx: _date(d.withdrawn_on) if ctx.get("withdrawn") else None,
}
# Read only when asked for (or on a single document): lists do not read the long texts.
LONG = ("subject_terms", "abstract", "body_html")
MODEL_FIELD = {"body_html": "body"}
# What a withdrawn document's page still shows.
RECORD = ("id", "url", "api_url", "status", "index_no", "title", "doc_no", "agency",
          "publisher", "written_on", "published_at", "published", "withdrawn_on")
LIST_DEFAULT = tuple(name for name in FIELDS if name not in LONG and name != "withdrawn_on")
DETAIL_DEFAULT = tuple(name for name in FIELDS if name != "withdrawn_on")


def pick(fields: str | None, default) -> tuple:
    """The fields asked for by ``fields=a,b`` (in the order of FIELDS), or ``default``;
    UnknownField names the ones that do not exist."""
    if fields is None or not fields.strip():
        return tuple(default)
    asked = {name.strip() for name in fields.split(",") if name.strip()}
    if unknown := sorted(asked - set(FIELDS)):
        raise UnknownField(f"未知字段：{', '.join(unknown)}。可用字段：{', '.join(FIELDS)}")
    return tuple(name for name in FIELDS if name in asked)


def for_fields(queryset, fields):
    """``queryset`` with what ``fields`` read joined in one query, the long texts left out
    unless asked for."""
    queryset = queryset.select_related("agency", "topic__parent", "genre", "audience")
    skip = [MODEL_FIELD.get(name, name) for name in LONG if name not in fields]
    return queryset.defer(*skip) if skip else queryset


def context(documents, fields, withdrawn=False) -> dict:
    """What the fields of these documents need beyond their rows: the public documents that
    replace them (one query, and only when some are replaced)."""
    ctx = {"withdrawn": withdrawn}
    if "superseded_by" in fields:
        ids = {d.superseded_by_id for d in documents if d.superseded_by_id and d.is_superseded}
        ctx["current"] = Document.objects.published().only("pk", "title").in_bulk(ids) \
            if ids else {}
    return ctx


def to_dict(doc, fields, ctx) -> dict:
    if ctx.get("withdrawn"):
        fields = [name for name in fields if name in RECORD]
    return {name: FIELDS[name](doc, ctx) for name in fields}


def to_dicts(documents, fields, withdrawn=False) -> list[dict]:
    ctx = context(documents, fields, withdrawn)
    return [to_dict(doc, fields, ctx) for doc in documents]
