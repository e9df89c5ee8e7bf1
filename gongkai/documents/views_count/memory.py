"""浏览次数 buffered in this process's memory (GONGKAI_VIEW_COUNT_BUFFER=memory).

A page view adds one to a counter in this process; the counts reach the database together, in
one short transaction, at most every ``VIEW_COUNT_FLUSH_SECONDS`` (and when the process
exits), so a popular page never makes its readers queue on one row and a page that is served
from a cache still counts. What a crash can lose is at most the views of the last interval in
that process (docs/configuration.md). With the interval at 0 every view is written at once.

Only views of public documents are counted: the caller counts after the page was found.

A page need not read its stored count on every view: ``reading(pk, stored)`` notes what this
process had written of ``pk`` when ``stored`` was read, and ``shown(pk, reading)`` adds what
it has written and counted since. A reading is good until the process starts a new epoch
(every ``EPOCH_SECONDS``, which bounds the memory kept per document viewed); other processes'
views show once the caller reads the stored count again.
"""

import logging
import threading
import time
from collections import Counter

from django.db import DatabaseError

from .base import ViewCounter, write

log = logging.getLogger(__name__)


EPOCH_SECONDS = 60


class MemoryViewCounter(ViewCounter):
    def __init__(self):
        self._pending: Counter = Counter()
        self._written: Counter = Counter()  # views written by this process, this epoch
        self._lock = threading.Lock()
        self._flushed = time.monotonic()
        self._epoch, self._epoch_began = 0, self._flushed

    def add(self, pk: int) -> None:
        with self._lock:
            self._pending[pk] += 1
            due = time.monotonic() - self._flushed >= self.interval()
        if due:
            self.flush()

    def reading(self, pk: int, stored: int) -> tuple[int, int, int]:
        """What ``shown`` needs of a stored count ``stored`` just read from the database."""
        with self._lock:
            return (self._epoch, stored - self._written.get(pk, 0), pk)

    def current(self, reading) -> bool:
        """Whether ``reading`` can still be used (it was taken in this epoch)."""
        return reading[0] == self._epoch

    def shown(self, reading, *, counting: bool = True) -> int:
        """浏览次数 to show with a page: the stored count of ``reading``, what this process has
        written and counted since and, when ``counting``, this view (counted here)."""
        _, base, pk = reading
        with self._lock:
            shown = base + self._written.get(pk, 0) + self._pending.get(pk, 0) + int(counting)
        if counting:
            self.add(pk)
        return shown

    def pending(self, pk: int) -> int:
        return self._pending.get(pk, 0)

    def has_pending(self) -> bool:
        return bool(self._pending)

    def discard(self) -> None:
        with self._lock:
            self._pending.clear()
            self._written.clear()
            self._flushed = time.monotonic()
            self._epoch += 1

    def flush(self) -> int:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._flushed = time.monotonic()
            if self._flushed - self._epoch_began >= EPOCH_SECONDS:
                self._written.clear()
                self._epoch, self._epoch_began = self._epoch + 1, self._flushed
            # Counted as written now: a reading taken before the update commits shows them
            # through _written, one taken after through the stored count minus _written.
            self._written.update(pending)
        if not pending:
            return 0
        try:
            write(pending)
        except DatabaseError:
            log.exception("浏览次数 could not be written; kept for the next flush")
            with self._lock:
                self._pending.update(pending)
                self._written.subtract(pending)
            return 0
        return sum(pending.values())

