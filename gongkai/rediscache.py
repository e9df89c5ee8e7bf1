"""Django's Redis cache, but a Redis that does not answer is a cache miss, not an error page.

Everything Gongkai keeps in the cache can be made again from the database: rendered pages,
counts, the catalogue's generation (a lost generation starts a new series that no cached page
was stored under, gongkai.documents.generation). So when Redis is down (restarting, its machine
lost) every read is a miss and every write is dropped, and the site goes on serving from the
database, slower, instead of answering 500. Each command waits at most TIMEOUT_SECONDS for
Redis, so a Redis that hangs costs a bounded delay, not a hung worker.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 0.5
# After a failure, commands are not even tried for this long (each try of a dead host would
# cost up to TIMEOUT_SECONDS, several times a page).
PAUSE_SECONDS = 2.0


class TolerantRedisCache(RedisCache):
    _down_until = 0.0
    _failing = False

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {"socket_connect_timeout": TIMEOUT_SECONDS,
                                        "socket_timeout": TIMEOUT_SECONDS,
                                        **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    def _tolerant(self, command, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            result = getattr(super(), command)(*args, **kwargs)
        except RedisError as error:
            if not self._failing:
                logger.warning("Redis does not answer (%s): serving without the cache", error)
            self._failing, self._down_until = True, time.monotonic() + PAUSE_SECONDS
            return default
        if self._failing:
            logger.warning("Redis answers again")
            self._failing = False
        return result

    def get(self, key, default=None, version=None):
        return self._tolerant("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerant("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._tolerant("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._tolerant("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._tolerant("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._tolerant("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key {key!r} not found")  # as for a missing key: callers start anew
        return result

    def clear(self):
        return self._tolerant("clear", None)
