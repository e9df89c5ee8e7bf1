"""Documents per agency, maintained instead of counted on every page.

The home page shows how many documents each agency has published. Counting them is a scan of
every published row (340 ms at 100,000 documents on SQLite, ten times that at a million), so
``catalog.AgencyCount`` keeps the number of *publishable* documents per agency
(``Document.objects.publishable()``: published now or scheduled), moved by one in the same
transaction as the save or delete that changes it. What the public sees is that number less
the agency's scheduled documents, which are few and found through the date index.

Whether a document counts is asked of the database through ``publishable()`` itself, before
and after the save, so this module holds no second definition of "public".
``QuerySet.update()`` and ``bulk_create()`` send no signals: ``recount()`` (run by
``gongkai optimize-db``) puts the numbers right after such bulk changes.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from gongkai.catalog.models import AgencyCount

from .models import Document


def public_counts() -> dict[int, int]:
    """{agency id: documents the public sees now}."""
    counts = dict(AgencyCount.objects.filter(publishable__gt=0).values_list("agency", "publishable"))
    if not counts and not AgencyCount.objects.exists() and Document.objects.exists():
        recount()  # documents loaded without signals (bulk_create) into a fresh catalogue
        counts = dict(AgencyCount.objects.values_list("agency", "publishable"))
    scheduled = (Document.objects.publishable().filter(published_at__gt=timezone.now())
                 .values_list("agency").annotate(n=Count("pk")).order_by())
    for agency, n in scheduled:
        counts[agency] = counts.get(agency, 0) - n
    return {agency: n for agency, n in counts.items() if n > 0}


@transaction.atomic
def recount() -> None:
    """Count every agency's publishable documents again."""
    counted = dict(Document.objects.publishable().values_list("agency")
                   .annotate(n=Count("pk")).order_by())
    AgencyCount.objects.exclude(agency__in=counted).delete()
    for agency, n in counted.items():
        AgencyCount.objects.update_or_create(agency_id=agency, defaults={"publishable": n})


def by_agency(pks) -> Counter:
    """{agency id: how many of the documents ``pks`` count}: read before and after a bulk
    write, the difference is what ``move_by`` applies (``workflow.save_imported_many``)."""
    pks = list(pks)
    counted: Counter = Counter()
    for start in range(0, len(pks), 2000):
        counted.update(dict(Document.objects.publishable().filter(pk__in=pks[start:start + 2000])
                            .values_list("agency").annotate(n=Count("pk")).order_by()))
    return counted


def move_by(before: Counter, after: Counter) -> None:
    """Move each agency's count by its difference: one statement run for all the agencies
    that have a count (executemany), a count of its own for any that has none yet."""
    deltas = {agency: after[agency] - before[agency] for agency in before.keys() | after.keys()}
    deltas = {agency: delta for agency, delta in deltas.items() if delta}
    have = set(AgencyCount.objects.filter(agency__in=deltas).values_list("agency", flat=True))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {AgencyCount._meta.db_table} SET publishable = publishable + %s "
            f"WHERE agency_id = %s", [(delta, a) for a, delta in deltas.items() if a in have])
    for agency in deltas.keys() - have:
        _move(agency, deltas[agency])  # counts the agency's documents, these included


def _publishable_agency(pk) -> int | None:
    """The agency a stored document counts for, or None when it does not count."""
    if pk is None:
        return None
    return Document.objects.publishable().filter(pk=pk).values_list("agency", flat=True).first()


def _move(agency: int | None, delta: int) -> None:
    if agency is None:
        return
    if not AgencyCount.objects.filter(agency_id=agency).update(publishable=F("publishable") + delta):
        n = Document.objects.publishable().filter(agency=agency).count()
        AgencyCount.objects.update_or_create(agency_id=agency, defaults={"publishable": n})


def before_save(sender, instance, raw=False, **kwargs):
    instance._counted_for = None if raw else _publishable_agency(instance.pk)


def after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before, after = getattr(instance, "_counted_for", None), _publishable_agency(instance.pk)
    if before != after:
        _move(before, -1)
        _move(after, +1)


def before_delete(sender, instance, **kwargs):
    instance._counted_for = _publishable_agency(instance.pk)


def after_delete(sender, instance, **kwargs):
    _move(getattr(instance, "_counted_for", None), -1)


def connect() -> None:
    pre_save.connect(before_save, sender=Document, dispatch_uid="counts_before_save")
    post_save.connect(after_save, sender=Document, dispatch_uid="counts_after_save")
    pre_delete.connect(before_delete, sender=Document, dispatch_uid="counts_before_delete")
    post_delete.connect(after_delete, sender=Document, dispatch_uid="counts_after_delete")
