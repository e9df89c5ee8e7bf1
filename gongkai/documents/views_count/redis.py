"""浏览次数 buffered in Redis (GONGKAI_VIEW_COUNT_BUFFER=redis): one buffer for every server.

Each view is one round trip: a script adds one to the document's field of the ``pending`` hash
(what is not yet in the database) and of the ``total`` hash (every view of this epoch), and
returns the total. Once the HINCRBY has answered, the view survives the application server: a
``kill -9`` of a server loses nothing.

A flush (every ``VIEW_COUNT_FLUSH_SECONDS`` at most, from whichever process is due; one at a
time across servers, under a Redis lock that expires) renames ``pending`` to a key of its own
flush id, atomically with noting that id in the ``flushes`` set and the amounts in the
``flushed`` hash; writes the counts and the flush id in one database transaction; then forgets
the key. A flusher that dies after the rename leaves the key, and the next flush writes it; one
that dies between its commit and forgetting the key leaves a key whose id the database already
holds, and the next flush drops it without writing it again (base.write). So no view is counted
twice, and none is lost unless Redis itself loses it: Redis here keeps nothing on disk, and a
Redis restart loses what was not yet written, at most one flush interval of views (plus a flush
the database refused meanwhile). Kept across a Redis restart: everything already flushed.

The count shown is exact across servers: ``reading`` (taken with the stored count, by the page
every few seconds) subtracts what this epoch's flushes had moved; ``shown`` adds the epoch's
total, which every server's views raise. A new epoch (every EPOCH_SECONDS, by the flusher)
keeps ``total`` and ``flushed`` small; the old epoch's ``flushed`` is kept two epochs, so the
view that finds its reading of the epoch before still shows the exact count, and the page
reads it again for the next view.

While Redis cannot be reached, the views are counted in this process's memory (memory.py,
with its own flushes, and its limit: a crash loses that process's last interval), a line is
logged, and Redis is tried again after RETRY_SECONDS. No page fails for it.
"""

import logging
import threading
import time
import uuid
from typing import NamedTuple

import redis
from django.db import DatabaseError
from redis.backoff import NoBackoff
from redis.exceptions import LockError, RedisError
from redis.retry import Retry

from .base import ViewCounter, forget_old_flushes, write
from .memory import MemoryViewCounter

log = logging.getLogger(__name__)

PREFIX = "gongkai:views:"
PENDING, TOTAL, FLUSHED = PREFIX + "pending", PREFIX + "total", PREFIX + "flushed"
FLUSHED_BEFORE = PREFIX + "flushed-of:"  # + an earlier epoch
FLUSHES, EPOCH, EPOCH_LEASE, LOCK = (PREFIX + "flushes", PREFIX + "epoch",
                                     PREFIX + "epoch-lease", PREFIX + "lock")
EPOCH_SECONDS = 60
# Longer than any flush takes; a flusher that dies holding the lock stops flushes this long.
LOCK_SECONDS = 30
RETRY_SECONDS = 5
# A page waits at most this for Redis (twice: one immediate retry on a broken connection,
# as after a Redis restart) before it counts in memory.
TIMEOUT_SECONDS = 0.5


def flushing(flush_id: str) -> str:
    return f"{PREFIX}flush:{flush_id}"


# KEYS: pending, total, epoch, prefix of an earlier epoch's flushed hash; ARGV: pk, an epoch
# for a Redis that has none, views (0 or 1), the epoch of the caller's reading. Returns the
# epoch, this epoch's total of pk and, for a reading of the epoch before, what that epoch had
# flushed of pk when it ended (-1: not known any more).
VIEW = """
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[3], epoch)
end
local total
if ARGV[3] == '0' then
  total = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
else
  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
  total = redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[3])
end
local carried = 0
if ARGV[4] ~= '' and ARGV[4] ~= epoch then
  local before = KEYS[4] .. ARGV[4]
  carried = tonumber(redis.call('HGET', before, ARGV[1]) or '0')
  if redis.call('EXISTS', before) == 0 then
    carried = -1
  end
end
return {epoch, total, carried}
"""

# KEYS: pending, flush key, flushes, flushed; ARGV: flush id. Returns the counts moved.
MOVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], ARGV[1])
local counts = redis.call('HGETALL', KEYS[2])
for i = 1, #counts, 2 do
  redis.call('HINCRBY', KEYS[4], counts[i], counts[i + 1])
end
return counts
"""

# KEYS: total, flushed, epoch, prefix of an earlier epoch's flushed hash; ARGV: the new
# epoch, seconds to keep the old epoch's flushed hash. What was flushed leaves ``total``, which
# keeps the views not yet moved; ``flushed`` starts again, and the old one is kept a while
# (with a marker field) so that a page's reading of the old epoch still shows the exact count.
NEW_EPOCH = """
local flushed = redis.call('HGETALL', KEYS[2])
for i = 1, #flushed, 2 do
  if redis.call('HINCRBY', KEYS[1], flushed[i], -tonumber(flushed[i + 1])) <= 0 then
    redis.call('HDEL', KEYS[1], flushed[i])
  end
end
local old = redis.call('GET', KEYS[3])
if old then
  redis.call('HSET', KEYS[2], '-', 0)
  redis.call('RENAME', KEYS[2], KEYS[4] .. old)
  redis.call('EXPIRE', KEYS[4] .. old, ARGV[2])
end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[3], ARGV[1])
return 1
"""


class RedisReading(NamedTuple):
    epoch: str | None
    stored: int
    flushed: int  # of ``pk``, by this epoch's flushes when ``stored`` was read
    pk: int


class RedisViewCounter(ViewCounter):
    def __init__(self, url: str):
        self.client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 1))
        self.memory = MemoryViewCounter()
        self._view = self.client.register_script(VIEW)
        self._move = self.client.register_script(MOVE)
        self._new_epoch = self.client.register_script(NEW_EPOCH)
        self._epoch: str | None = None  # as Redis last said
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._flushed = time.monotonic()

    # Redis, or memory while it is away

    def _up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        if self._up():
            log.warning("Redis cannot be reached (%s): 浏览次数 counted in this process's "
                        "memory; trying Redis again in %s s", error, RETRY_SECONDS)
        self._down_until = time.monotonic() + RETRY_SECONDS
        self._epoch = None

    def _count(self, pk: int, views: int, reading_epoch: str | None = None):
        """(this epoch's views of ``pk`` after adding ``views``, what the epoch of the reading
        flushed of it after the reading's epoch ended, or -1); None when Redis is away."""
        if not self._up():
            return None
        try:
            epoch, total, carried = self._view(
                keys=[PENDING, TOTAL, EPOCH, FLUSHED_BEFORE],
                args=[pk, uuid.uuid4().hex, views, reading_epoch or ""])
        except RedisError as e:
            self._failed(e)
            return None
        self._epoch = epoch
        return int(total), int(carried)

    # The counter

    def add(self, pk: int) -> None:
        if self._count(pk, 1) is None:
            self.memory.add(pk)
        self._flush_when_due()

    def reading(self, pk: int, stored: int):
        if self._up():
            try:
                with self.client.pipeline() as pipe:
                    epoch, flushed = pipe.get(EPOCH).hget(FLUSHED, pk).execute()
                return RedisReading(epoch, stored, int(flushed or 0), pk)
            except RedisError as e:
                self._failed(e)
        return self.memory.reading(pk, stored)

    def current(self, reading) -> bool:
        if isinstance(reading, RedisReading):
            return self._up() and reading.epoch is not None and reading.epoch == self._epoch
        return not self._up() and self.memory.current(reading)

    def shown(self, reading, *, counting: bool = True) -> int:
        pk = reading[-1]
        redis_reading = isinstance(reading, RedisReading)
        counted = self._count(pk, int(counting), reading.epoch if redis_reading else None)
        if counted is None:
            if isinstance(reading, RedisReading):
                shown = reading.stored + self.memory.pending(pk) + int(counting)
                if counting:
                    self.memory.add(pk)
            else:
                shown = self.memory.shown(reading, counting=counting)
        elif redis_reading and reading.epoch is not None and counted[1] >= 0:
            # (Of the epoch before: plus what it flushed after the reading, carried.)
            shown = reading.stored - reading.flushed + sum(counted)
        else:
            # A reading of a Redis without an epoch yet, of an epoch long gone, or taken while
            # Redis was away: the stored count then and the views not yet moved now (exact but
            # for flushes since the reading). The page reads it again for the next view.
            shown = (reading.stored if redis_reading else reading[1]) + counted[0]
        if counting:
            self._flush_when_due()
        return shown

    def pending(self, pk: int) -> int:
        try:
            in_redis = int(self.client.hget(PENDING, pk) or 0) if self._up() else 0
        except RedisError as e:
            self._failed(e)
            in_redis = 0
        return in_redis + self.memory.pending(pk)

    def has_pending(self) -> bool:
        # What is in Redis outlives this process (any server's flusher writes it); what was
        # counted in memory while Redis was away does not.
        return self.memory.has_pending()

    def discard(self) -> None:
        self.memory.discard()
        try:
            keys = list(self.client.scan_iter(match=PREFIX + "*", count=1000))
            if keys:
                self.client.delete(*keys)
        except RedisError as e:
            self._failed(e)
        self._epoch = None

    # Flushing

    def _flush_when_due(self) -> None:
        with self._lock:
            now = time.monotonic()
            due = now - self._flushed >= self.interval()
            if due:
                self._flushed = now
        if due:
            self.flush()

    def flush(self) -> int:
        written = self.memory.flush()
        if not self._up():
            return written
        try:
            lock = self.client.lock(LOCK, timeout=LOCK_SECONDS, blocking=False)
            if not lock.acquire():
                return written  # another process is flushing; what it leaves goes next time
            try:
                written += self._flush_locked()
            finally:
                try:
                    lock.release()
                except LockError:
                    log.warning("浏览次数: the flush outlasted its lock (%s s)", LOCK_SECONDS)
        except RedisError as e:
            self._failed(e)
        return written

    def _flush_locked(self) -> int:
        written = 0
        # Keys left by a flusher that died, then the pending counts.
        for flush_id in sorted(self.client.smembers(FLUSHES)):
            n = self._write(flush_id, self.client.hgetall(flushing(flush_id)))
            if n is None:
                return written  # the database is away: everything waits in Redis
            written += n
        flush_id = uuid.uuid4().hex
        moved = self._move(keys=[PENDING, flushing(flush_id), FLUSHES, FLUSHED], args=[flush_id])
        if moved:
            written += self._write(flush_id, dict(zip(moved[::2], moved[1::2], strict=True))) or 0
        if self.client.set(EPOCH_LEASE, 1, nx=True, ex=EPOCH_SECONDS):
            self._new_epoch(keys=[TOTAL, FLUSHED, EPOCH, FLUSHED_BEFORE],
                            args=[uuid.uuid4().hex, 2 * EPOCH_SECONDS])
            try:
                forget_old_flushes()
            except DatabaseError:
                log.exception("浏览次数: old flush ids could not be deleted; next epoch")
        return written

    def _write(self, flush_id: str, raw: dict) -> int | None:
        """Write one flush's counts and forget its key: the views written, None on failure."""
        counts = {int(pk): int(n) for pk, n in raw.items()}
        try:
            fresh = write(counts, flush_id) if counts else False
        except DatabaseError:
            log.exception("浏览次数 could not be written; kept in Redis for the next flush")
            return None
        with self.client.pipeline() as pipe:
            pipe.delete(flushing(flush_id)).srem(FLUSHES, flush_id).execute()
        return sum(counts.values()) if fresh else 0
