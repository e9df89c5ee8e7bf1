"""What every 浏览次数 buffer does, and the one way counts reach the database."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

# A flush's id is kept this long (docs/configuration.md): a buffer that finds the counts of a
# flush again (its flusher died between the commit and forgetting them) skips them if the id
# is still there, and any flusher picks such counts up within a flush interval.
FLUSH_IDS_KEPT = dt.timedelta(days=1)


class ViewCounter:
    """A buffer of page views: ``add`` counts one, ``flush`` writes what was counted.

    ``reading(pk, stored)`` notes what the buffer needs, with a stored count just read from the
    database, to show the count of the moment: ``shown(reading)`` (and counts this view);
    ``current(reading)`` says whether a reading may still be used."""

    @staticmethod
    def interval() -> float:
        return float(getattr(settings, "VIEW_COUNT_FLUSH_SECONDS", 1.0))

    def add(self, pk: int) -> None:
        raise NotImplementedError

    def reading(self, pk: int, stored: int):
        raise NotImplementedError

    def current(self, reading) -> bool:
        raise NotImplementedError

    def shown(self, reading, *, counting: bool = True) -> int:
        raise NotImplementedError

    def pending(self, pk: int) -> int:
        """Views of ``pk`` counted and not yet written."""
        raise NotImplementedError

    def has_pending(self) -> bool:
        """Whether views counted here would be lost with this process (not yet written)."""
        raise NotImplementedError

    def discard(self) -> None:
        """Forget the pending counts (tests start from a clean counter)."""
        raise NotImplementedError

    def flush(self) -> int:
        """Write the pending counts; returns how many views were written."""
        raise NotImplementedError


def write(counts: dict[int, int], flush_id: str | None = None) -> bool:
    """Add ``counts`` (document pk → views) to the stored counts in one transaction.

    With a ``flush_id`` the transaction also records it, and a flush already recorded is not
    written again (returns False): counts found twice are never counted twice. One UPDATE per
    distinct increment, not per document: a popular set of 300 pages was 300 statements a
    second, and each worker's pages waited on them (PostgreSQL p99 84 ms). A DatabaseError
    (a deadlock with another flush too) is the caller's: the counts wait for the next flush."""
    from ..models import Document, ViewCountFlush

    by_increment: dict[int, list[int]] = {}
    for pk, n in sorted(counts.items()):
        by_increment.setdefault(n, []).append(pk)
    try:
        with transaction.atomic():
            if flush_id:
                ViewCountFlush.objects.create(id=flush_id)
            # Every flush locks its rows in one order, by id, before updating them: the
            # UPDATEs go by increment, and two workers flushing at once (at every exit, both
            # stopped together) locked the same rows in crossing orders — a deadlock, and the
            # flush that lost it at exit lost its views. (SQLite locks the whole database.)
            list(Document.objects.select_for_update().filter(pk__in=sorted(counts))
                 .order_by("pk").values_list("pk", flat=True))
            for n, pks in sorted(by_increment.items()):
                Document.objects.filter(pk__in=pks).update(view_count=F("view_count") + n)
    except IntegrityError:
        if flush_id and ViewCountFlush.objects.filter(id=flush_id).exists():
            return False
        raise
    return True


def forget_old_flushes() -> None:
    from ..models import ViewCountFlush

    ViewCountFlush.objects.filter(at__lt=timezone.now() - FLUSH_IDS_KEPT).delete()
