"""How documents are searched: the Record each one becomes (fields, facets, dictionary
words), and the signal handlers that keep every search backend in step with the catalogue.

The handlers run inside the save's transaction (``workflow.publish``/``withdraw`` are
atomic), so a document and its index entry commit or roll back together; errors are not
swallowed, for the same reason (the index is in our database, not an outside service).
Bulk ``QuerySet.update()`` sends no signals: run ``gongkai reindex`` after one.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.lib.html import html_to_text, searchable_body
from gongkai.search.backends import backend_settings, get_search_backend
from gongkai.search.dictionary import learn
from gongkai.search.index import Index, Record
from gongkai.search.segment import agency_name_words, doc_no_prefix

from .models import Document, Validity


class DocumentIndex(Index):
    def public(self):
        return Document.objects.published()

    def get_queryset(self):
        """Published documents and those scheduled to become public: they are indexed ahead
        and every query filters ``published_at <= now``, so they appear the moment their
        time comes without anyone saving them again."""
        return Document.objects.publishable()

    def to_record(self, doc: Document) -> Record:
        return Record(
            id=doc.pk,
            published_at=doc.published_at,
            title=doc.title,
            # 主题词 are searchable with the body (they are not shown in snippets).
            body=searchable_body(doc.abstract, doc.subject_terms, doc.body),
            doc_no=doc.doc_no,
            index_no=doc.index_no or "",
            facets={
                "agency": doc.agency_id,
                "topic": doc.topic.parent_id or doc.topic_id if doc.topic_id else None,
                "genre": doc.genre_id,
                "year": timezone.localtime(doc.published_at).year,
                "validity": doc.validity or None,
            },
            words=document_words(doc),
        )

    def snippet_text(self, doc: Document) -> str:
        return " ".join(filter(None, [doc.abstract, html_to_text(doc.body)]))

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
            objects = models[facet].objects.filter(pk__in=list(values))
            return {o.pk: getattr(o, "display_name", None) or o.name for o in objects}
        if facet == "validity":
            return dict(Validity.choices)
        return {v: str(v) for v in values}

    def find_exact(self, text: str):
        text = text.strip()
        if not text:
            return None
        by_doc_no = list(self.public().with_doc_no(text)[:2])
        if len(by_doc_no) == 1:
            return by_doc_no[0]
        return self.public().filter(index_no__in={text, text.upper()}).first()

    def connect(self) -> None:
        post_save.connect(document_saved, sender=Document, dispatch_uid="search_document_saved")
        post_delete.connect(document_deleted, sender=Document,
                            dispatch_uid="search_document_deleted")


def document_words(doc: Document) -> list[str]:
    """Dictionary words a document brings: its agency's names, 主题词 and 文号 prefix."""
    agency = doc.agency
    return [*agency_name_words(agency.name), *agency_name_words(agency.short_name),
            *(doc.subject_terms or []), doc_no_prefix(doc.doc_no)]


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


def document_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: fixtures are indexed by `gongkai reindex`
        sync_document(instance)


def document_deleted(sender, instance, **kwargs):
    for backend in backends():
        backend.remove([instance.pk])
