"""The Redis cache fails soft: with Redis away the site serves every public page from the
database, never stale, never a 500 (gongkai/rediscache.py)."""

import socket
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import override_settings

from gongkai import rediscache
from gongkai.documents.models import Document, Status
from gongkai.test import BaseTestCase


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def _redis_caches(url: str) -> dict:
    backend = {"BACKEND": "gongkai.rediscache.ResilientRedisCache", "LOCATION": url}
    return {"default": backend, "shared_pages": {**backend, "KEY_PREFIX": "pages"},
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "pages-rediscache-test"}}


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(autouse=True)
def _forget_down_servers():
    rediscache._down_until.clear()
    yield
    rediscache._down_until.clear()


class RedisAwayTestCase(BaseTestCase):
    def test_every_public_page_is_served_and_a_change_shows_at_once(self):
        with override_settings(CACHES=_redis_caches(f"redis://127.0.0.1:{_closed_port()}/0")), \
                self.assertLogs("gongkai.rediscache", "WARNING"):
            for url in ["/", f"/agencies/{self.cuizhu.pk}/", f"/documents/{self.summary.pk}/",
                        "/search/?q=工作总结", "/search/?q=工作总结&format=json", "/api/v1/documents/"]:
                assert self.client.get(url).status_code == 200, url
            self.summary.title = "罗湖区翠竹街道办事处2021年工作总结（修订）"
            self.summary.save()
            assert "（修订）" in self.client.get(f"/documents/{self.summary.pk}/").content.decode()
            Document.objects.filter(pk=self.summary.pk).update(status=Status.WITHDRAWN)
            assert self.client.get(f"/documents/{self.summary.pk}/").status_code in (404, 410)

    def test_after_a_failure_redis_is_left_alone_for_a_while(self):
        with override_settings(CACHES=_redis_caches(f"redis://127.0.0.1:{_closed_port()}/0")), \
                self.assertLogs("gongkai.rediscache", "WARNING") as logged:
            cache = caches["default"]
            assert cache.get("k", "missing") == "missing"
            with mock.patch("django.core.cache.backends.redis.RedisCache.get") as get:
                assert cache.get("k", "missing") == "missing"
                assert cache.set("k", 1) is None
                get.assert_not_called()
            with pytest.raises(ValueError):
                cache.incr("k")  # as for a missing key: the generation starts a new series
        assert len(logged.records) == 1


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_answering_it_is_django_s_redis_cache():
    cache = rediscache.ResilientRedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "t"})
    cache.clear()
    cache.set("k", 41)
    assert cache.incr("k") == 42
    assert cache.get_many(["k", "none"]) == {"k": 42}
    assert cache.add("k", 0) is False and cache.delete("k") is True
    cache.clear()
