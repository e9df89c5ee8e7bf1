"""State changes of a document. Each action changes state, saves, and assigns what the law
fixes at that moment (the 索引号 on first publication) in one transaction."""

from django.db import transaction
from django.utils import timezone

from .models import Document, Status, next_index_no


def assign_index_no(document: Document) -> None:
    """Give ``document`` its 索引号 if it has none and its agency has a code."""
    if document.index_no or not document.agency.code:
        return
    year = timezone.localtime(document.published_at or timezone.now()).year
    document.index_no = next_index_no(document.agency, year)


@transaction.atomic
def publish(document: Document, *, at=None) -> Document:
    """Publish ``document`` now, or at ``at`` (a scheduled time), assigning its 索引号."""
    if document.published_at is None or at is not None:
        document.published_at = at or timezone.now()
        document.published_time_known = True
    assign_index_no(document)
    document.status = Status.PUBLISHED
    document.save()
    return document


@transaction.atomic
def withdraw(document: Document) -> Document:
    """Take a document off the public site. Its 索引号 stays reserved for it."""
    document.status = Status.WITHDRAWN
    document.save(update_fields=["status", "updated_at"])
    return document


def assign_missing_index_nos(agency) -> int:
    """Number the agency's published documents that still lack a 索引号 (imported before the
    agency had a code). Returns how many got one."""
    documents = Document.objects.filter(agency=agency, index_no=None, status=Status.PUBLISHED)
    count = 0
    for document in documents.order_by("published_at", "pk"):
        with transaction.atomic():
            assign_index_no(document)
            if document.index_no:
                document.save(update_fields=["index_no"])
                count += 1
    return count
