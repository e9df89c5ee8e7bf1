"""浏览次数, counted apart from the page.

A page view adds one to a buffer; the counts reach the database together, in one short
transaction, at most every ``VIEW_COUNT_FLUSH_SECONDS``, so a popular page never makes its
readers queue on one row and a page served from a cache still counts. Two buffers
(GONGKAI_VIEW_COUNT_BUFFER, docs/configuration.md):

- ``memory`` (memory.py): each process counts in its own memory and writes its counts; a
  crashed process loses at most its last interval.
- ``redis`` (redis.py): every process of every server counts in one Redis hash, and one
  flusher at a time moves it to the database; a crashed server loses nothing, a restarted
  Redis at most the last interval. While Redis cannot be reached, views are counted in memory.

Only views of public documents are counted: the caller counts after the page was found.
"""

import atexit

from django.conf import settings
from django.utils.functional import LazyObject, empty

from .base import ViewCounter


def build() -> ViewCounter:
    """The buffer the settings name."""
    if getattr(settings, "VIEW_COUNT_BUFFER", "memory") == "redis":
        from .redis import RedisViewCounter

        return RedisViewCounter(settings.VIEW_COUNT_REDIS_URL)
    from .memory import MemoryViewCounter

    return MemoryViewCounter()


class _Configured(LazyObject):
    # Chosen on first use, once the settings are loaded (this module is imported before).
    def _setup(self):
        self._wrapped = build()


view_counter: ViewCounter = _Configured()


EXIT_ATTEMPTS = 3


@atexit.register
def _flush_at_exit():
    """The last flush: a failed one (the database busy, a lost connection) has no next flush
    to keep its counts for, so it is tried again before the process goes."""
    if view_counter._wrapped is empty:
        return
    for _ in range(EXIT_ATTEMPTS):
        view_counter.flush()
        if not view_counter.has_pending():
            return
