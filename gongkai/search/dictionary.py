"""The process-wide segmenter, kept in step with the ``Word`` table."""

import threading
import time

from django.db.models import Max

from .models import Word
from .segment import Segmenter

SYNC_SECONDS = 1.0  # words learned by other processes are seen within this long

_lock = threading.Lock()
_segmenter: Segmenter | None = None
_seen = 0  # highest Word id loaded into _segmenter
_synced_at = float("-inf")


def get_segmenter(*, sync: bool = True) -> Segmenter:
    """The segmenter, with any words other processes added (checked once a second)."""
    global _segmenter, _synced_at
    with _lock:
        if _segmenter is None:
            _segmenter = Segmenter()
        if sync and time.monotonic() - _synced_at >= SYNC_SECONDS:
            _load_new_words(_segmenter)
            _synced_at = time.monotonic()
        return _segmenter


def forget_sync() -> None:
    """Check the table on the next call (tests, and after a rebuild)."""
    global _synced_at
    _synced_at = float("-inf")


def stop_syncing() -> None:
    """Never read the table again in this process: for forked workers, which must not use
    the parent's database connection (see ``gongkai.search.parallel``)."""
    global _synced_at
    _synced_at = float("inf")


def learn(words) -> None:
    """Add ``words`` to the dictionary of this process and, for the others, to the table."""
    new = get_segmenter(sync=False).add_words(words)
    if new:
        Word.objects.bulk_create([Word(word=w) for w in new], ignore_conflicts=True)


def _load_new_words(segmenter: Segmenter) -> None:
    global _seen
    last = Word.objects.aggregate(last=Max("id"))["last"] or 0
    if last > _seen:
        segmenter.add_words(Word.objects.filter(id__gt=_seen).values_list("word", flat=True))
        _seen = last
