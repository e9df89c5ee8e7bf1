"""How documents are searched: the Record each one becomes (fields, facets, dictionary
words), the facets the search page offers, how a hit reads in the JSON twin, and the signal
handlers that keep every search backend in step with the catalogue.

The handlers run inside the save's transaction (``workflow.publish``/``withdraw`` are
atomic), so a document and its index entry commit or roll back together; errors are not
swallowed, for the same reason (the index is in our database, not an outside service).
Bulk ``QuerySet.update()`` sends no signals: run ``gongkai reindex`` after one.
"""

import datetime as dt
from contextlib import ExitStack, contextmanager

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.functions import Substr
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.lib.html import html_to_text, searchable_body
from gongkai.search.backends import backend_settings, get_search_backend
from gongkai.search.dictionary import get_segmenter, learn
from gongkai.search.highlight import SCAN_CHARS
from gongkai.search.index import Facet, Index, Record
from gongkai.search.segment import agency_name_words, doc_no_prefix

from .attachments import INDEX_CHARS, index_text
from .generation import generation
from .models import Attachment, AttachmentChange, Document, TextStatus, Validity

# Snippets read the first highlight.SCAN_CHARS characters of the text; this much HTML is
# converted to find them (markup included), however long the body.
SNIPPET_HTML_CHARS = 2 * SCAN_CHARS


class DocumentIndex(Index):
    facets = {
        "agency": Facet("发布机构", int),
        "topic": Facet("主题分类", int),  # the top-level topic
        "genre": Facet("体裁分类", int),
        "year": Facet("发布年份", int),
        "validity": Facet("有效性", str),
    }

    def public(self):
        return Document.objects.published()

    def load(self, ids) -> dict:
        return self.public().select_related("agency").in_bulk(list(ids))

    def get_queryset(self):
        """Published documents and those scheduled to become public: they are indexed ahead
        and every query filters ``published_at <= now``, so they appear the moment their
        time comes without anyone saving them again. A document whose scheduled withdrawal
        has come is out even before ``gongkai publish-scheduled`` withdraws it: a search
        that meets it removes it (``results.forget_stale``), so no total counts it."""
        return (Document.objects.publishable().exclude(withdraw_at__lte=timezone.now())
                .prefetch_related(Prefetch("attachments", queryset=texts_to_index())))

    def to_record(self, doc: Document) -> Record:
        return self.record_with(doc, index_text(doc))

    def record_with(self, doc: Document, attached: str) -> Record:
        """``to_record`` with the attachments' ``index_text`` given."""
        return Record(
            id=doc.pk,
            published_at=doc.published_at,
            title=doc.title,
            # 主题词 are searchable with the body (they are not shown in snippets), and so
            # are the attachments' names and text (docs/search.md).
            body="\n".join(filter(None, [searchable_body(doc.abstract, doc.subject_terms,
                                                          doc.body), attached])),
            doc_no=doc.doc_no,
            index_no=doc.index_no or "",
            facets={
                "agency": doc.agency_id,
                "topic": doc.topic.parent_id or doc.topic_id if doc.topic_id else None,
                "genre": doc.genre_id,
                "year": local_year(doc.published_at),
                "validity": doc.validity or None,
            },
            words=document_words(doc),
        )

    def snippet_text(self, doc: Document) -> str:
        return " ".join(filter(None, [doc.abstract, html_to_text(html_prefix(doc.body))]))

    def title_text(self, doc: Document) -> str:
        return doc.title

    def more_texts(self, docs) -> dict:
        """{id: [(attachment name, text)]}: where a hit's snippet comes from when its body
        does not hold the words (one query for every such hit of a page)."""
        found: dict[int, list] = {}
        rows = (texts_to_index().shown().filter(document__in=[d.pk for d in docs])
                .annotate(head=Substr("text", 1, INDEX_CHARS)).order_by("pk"))
        # Only what is indexed can have matched: no more of each text is read.
        for document_id, name, text in rows.values_list("document_id", "name", "head"):
            found.setdefault(document_id, []).append((name, text))
        return found

    def to_dict(self, doc: Document) -> dict:
        """A hit of the JSON twin (docs/search.md), beside title_html, snippet_html, score."""
        return {
            "id": doc.pk,
            "url": doc.get_absolute_url(),
            "title": doc.title,
            "index_no": doc.index_no or "",
            "doc_no": doc.doc_no,
            "agency": doc.agency.name,
            "published": local_date(doc.published_at).isoformat(),
        }

    def dictionary(self):
        for name, short_name in Agency.objects.values_list("name", "short_name"):
            yield from agency_name_words(name)
            yield from agency_name_words(short_name)
        for terms, doc_no in self.get_queryset().values_list("subject_terms", "doc_no"):
            yield from terms or []
            yield doc_no_prefix(doc_no)

    def facet_labels(self, facet: str, values) -> dict:
        models = {"agency": Agency, "topic": Topic, "genre": Genre}
        if facet in models:
            labels = all_labels(models[facet])
            return {v: labels[v] for v in values if v in labels}
        if facet == "validity":
            return dict(Validity.choices)
        return {v: str(v) for v in values}

    def find_exact(self, text: str):
        text = text.strip()
        # Every 文号 and 索引号 has a number in it; most searches have none and skip the lookups.
        if not any(c.isdigit() for c in text):
            return None
        by_doc_no = list(self.public().with_doc_no(text)[:2])
        if len(by_doc_no) == 1:
            return by_doc_no[0]
        return self.public().filter(index_no__in={text, text.upper()}).first()

    def connect(self) -> None:
        post_save.connect(document_saved, sender=Document, dispatch_uid="search_document_saved")
        post_delete.connect(document_deleted, sender=Document,
                            dispatch_uid="search_document_deleted")
        post_save.connect(attachment_changed, sender=Attachment,
                          dispatch_uid="search_attachment_saved")
        post_delete.connect(attachment_changed, sender=Attachment,
                            dispatch_uid="search_attachment_deleted")


def texts_to_index():
    """Attachments whose text is searched: extracted, whatever their pending state (the
    record keeps those the published version shows, ``attachment_texts``)."""
    return Attachment.objects.filter(text_status=TextStatus.EXTRACTED).only(
        "document_id", "name", "text", "pending")


def local_date(moment: dt.datetime) -> dt.date:
    """The date in the site's time zone; in UTC at the very ends of the calendar
    (9999-12-31 23:00 UTC is past 9999 in Beijing)."""
    try:
        return timezone.localtime(moment).date()
    except OverflowError:
        return moment.date()


def local_year(moment: dt.datetime) -> int:
    return local_date(moment).year


def html_prefix(html: str) -> str:
    """The first SNIPPET_HTML_CHARS of ``html``, without a tag cut in half."""
    if len(html or "") <= SNIPPET_HTML_CHARS:
        return html or ""
    head = html[:SNIPPET_HTML_CHARS]
    if head.rfind("<") > head.rfind(">"):
        head = head[:head.rfind("<")]
    return head


def all_labels(model) -> dict:
    """{pk: name shown} of every agency, topic or genre: a few hundred rows, read once per
    catalogue generation (renaming one moves the generation) instead of on every search."""
    key = f"gongkai:labels:{model._meta.label_lower}:{generation()}"
    labels = cache.get(key)
    if labels is None:
        labels = {o.pk: getattr(o, "display_name", None) or o.name for o in model.objects.all()}
        cache.set(key, labels, 3600)
    return labels


def document_words(doc: Document) -> list[str]:
    """Dictionary words a document brings: its agency's names, 主题词 and 文号 prefix."""
    return words_brought([doc.agency.name, doc.agency.short_name], doc.subject_terms,
                         doc.doc_no)


def words_brought(agency_names, subject_terms, doc_no: str) -> list[str]:
    """``document_words`` from the values themselves (before the document exists)."""
    return [*(word for name in agency_names for word in agency_name_words(name)),
            *(subject_terms or []), doc_no_prefix(doc_no)]


def backends():
    return [get_search_backend(alias) for alias in backend_settings()]


def sync_document(doc: Document) -> None:
    """Index ``doc`` if it is (or is scheduled to be) public; otherwise remove it."""
    index = DocumentIndex()
    if index.is_indexable(doc):
        record = index.to_record(doc)
        learn(record.words)
        for backend in backends():
            backend.index([record])
    else:
        for backend in backends():
            backend.remove([doc.pk])


def sync_documents(pks, chunk: int = 2000) -> int:
    """``sync_document`` for many documents at once, after a bulk write (which sends no
    signals): those that are (or are scheduled to be) public are indexed in batches, with
    segmentation on every core, the others removed. Returns how many were indexed."""
    index = DocumentIndex()
    pks = sorted(set(pks))
    queryset = index.get_queryset().select_related("agency", "topic")
    indexable = []
    for start in range(0, len(pks), chunk):
        indexable += queryset.filter(pk__in=pks[start:start + chunk]).values_list("pk", flat=True)
    # Every word these documents bring, learned before any is cut (and before forking).
    learn(word for start in range(0, len(indexable), chunk)
          for doc in Document.objects.filter(pk__in=indexable[start:start + chunk])
          .select_related("agency").only("agency__name", "agency__short_name", "subject_terms",
                                         "doc_no")
          for word in document_words(doc))
    public = set(indexable)
    gone = [pk for pk in pks if pk not in public]

    def batches():
        for start in range(0, len(indexable), chunk):
            yield [index.to_record(doc) for doc in
                   queryset.filter(pk__in=indexable[start:start + chunk]).order_by("pk")]

    for backend in backends():
        if gone:
            with transaction.atomic(using=backend.database):
                backend.remove(gone)
        backend.update(batches())
    return len(indexable)


# -- a bulk import: segmented in its workers, indexed in its batches' transactions ------------


def storage_kinds() -> dict:
    """{how stored: a backend that stores text so}: what ``segment_ahead`` segments for."""
    return {backend.segments_as: backend for backend in backends()}


def segment_ahead(*, title: str, abstract: str, subject_terms, body_html: str, publisher: str,
                  doc_no: str, index_no: str = "", kinds: dict | None = None) -> dict:
    """In a bulk import's worker process, before the document exists: its title, body, 文号
    and 索引号 (as ``to_record`` will read them) segmented for each way the backends store text, with
    the words the document itself brings learned first (as ``sync_document`` learns them).
    {how stored: {field: (text, segmented)}}, for ``index_batch``. ``kinds``:
    ``storage_kinds()``, when the caller segments many records and has it already."""
    segmenter = get_segmenter(sync=False)  # a worker never reads the database
    segmenter.add_words(words_brought([publisher], subject_terms, doc_no))
    texts = {"title": title, "body": searchable_body(abstract, subject_terms, body_html),
             "doc_no": doc_no, "index_no": index_no}
    kinds = storage_kinds() if kinds is None else kinds
    return {kind: {name: (text, backend.segment_field(text, segmenter))
                   for name, text in texts.items()} for kind, backend in kinds.items()}


@contextmanager
def loading(records: int):
    """Around a bulk load of about ``records`` documents: each backend's ``loading``."""
    with ExitStack() as stack:
        for backend in backends():
            stack.enter_context(backend.loading(records))
        yield


def ensure_indexes() -> None:
    """What an interrupted bulk load may have left unbuilt (``gongkai optimize-db``)."""
    for backend in backends():
        backend.ensure_indexes()


def index_batch(documents, *, created, ahead) -> int:
    """Index a bulk import batch's ``documents`` in the batch's transaction (bulk writes send
    no signals): the public and scheduled ones written to every backend with what the
    workers segmented (``ahead``: {document id: ``segment_ahead(...)``}; a field whose text
    changed since is segmented here), earlier copies that are no longer public removed.
    ``created``: ids of the documents the batch created (they have no attachments and no
    index entry yet). Returns how many were indexed."""
    index = DocumentIndex()
    documents = list({d.pk: d for d in documents}.values())
    learn(word for d in documents for word in document_words(d))
    public = set(index.get_queryset().filter(pk__in=[d.pk for d in documents])
                 .values_list("pk", flat=True))
    earlier = [d for d in documents if d.pk not in created]
    prefetch_related_objects(earlier, Prefetch("attachments", queryset=texts_to_index()))
    records = [index.record_with(d, "" if d.pk in created else index_text(d))
               for d in documents if d.pk in public]
    replaced = [d.pk for d in earlier if d.pk in public]
    gone = [d.pk for d in earlier if d.pk not in public]
    for backend in backends():
        if gone:
            backend.remove(gone)
        given = {pk: found[backend.segments_as] for pk, found in ahead.items()
                 if backend.segments_as in found}
        backend.replace(replaced, backend.prepare(records, given))
    return len(records)


def document_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: fixtures are indexed by `gongkai reindex`
        sync_document(instance)


def attachment_changed(sender, instance, raw=False, **kwargs):
    """An attachment added, extracted, approved or removed: its document's record again.
    One waiting in a pending revision changes nothing public and is skipped."""
    if raw or instance.pending == AttachmentChange.ADD:
        return
    document = Document.objects.filter(pk=instance.document_id).select_related("agency").first()
    if document is not None:  # None: deleted with its document
        sync_document(document)


def document_deleted(sender, instance, **kwargs):
    for backend in backends():
        backend.remove([instance.pk])
