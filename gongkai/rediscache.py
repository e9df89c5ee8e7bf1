"""Django's Redis cache, made to fail soft: when Redis does not answer, a read is a miss and a
write is dropped, so the site keeps serving (from the database) instead of answering 500.

Everything Gongkai keeps in the cache can be rebuilt: rendered pages, counts and labels are
keyed by the catalogue's generation, and a generation that cannot be read is a new one
(``gongkai.documents.generation``), so a page is never served stale because Redis was away —
only slower, rendered on every request. After a failure Redis is left alone for
``DOWN_SECONDS`` (per process), so an unanswering server costs one request per worker a
timeout, not every request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

DOWN_SECONDS = 5.0
# Far above a healthy Redis's answer (well under a millisecond on the same network), far below
# what a reader would notice once per worker.
TIMEOUT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
_down_until: dict[str, float] = {}  # per server address, shared by the aliases using it


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**TIMEOUT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._where = ",".join(self._servers)

    def _soft(self, method, default, *args, **kwargs):
        if time.monotonic() < _down_until.get(self._where, 0.0):
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except FAILURES as error:
            log.warning("Redis cache at %s does not answer (%s): serving without it for %d s",
                        self._where, error, DOWN_SECONDS)
            _down_until[self._where] = time.monotonic() + DOWN_SECONDS
            return default

    def get(self, key, default=None, version=None):
        return self._soft("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        # As for a missing key: callers (the generation) then start a new series with set().
        result = self._soft("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (Redis does not answer)")
        return result

    def clear(self):
        return self._soft("clear", False)
