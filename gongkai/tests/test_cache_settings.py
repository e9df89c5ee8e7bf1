from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.config import envcaches, envfloat


def test_the_embedded_default_shares_a_file_cache_in_the_data_directory(monkeypatch):
    monkeypatch.delenv("GONGKAI_CACHE_URL", raising=False)
    caches = envcaches("GONGKAI_CACHE_URL", Path("/srv/gongkai"))
    assert caches["default"]["BACKEND"] == "gongkai.filecache.FileCache"
    assert caches["default"]["LOCATION"] == "/srv/gongkai/cache"
    assert caches["pages"]["BACKEND"].endswith("LocMemCache")
    # Pages every worker shares live apart from the generation, so they never push it out.
    assert caches["shared_pages"]["LOCATION"] == "/srv/gongkai/cache-pages"


@pytest.mark.parametrize(("url", "backend", "location"), [
    ("redis://127.0.0.1:6379/1", "RedisCache", "redis://127.0.0.1:6379/1"),
    ("file:///var/cache/gongkai", "FileCache", "/var/cache/gongkai"),
    ("locmem://", "LocMemCache", "gongkai"),
])
def test_it_reads_the_cache_url(monkeypatch, url, backend, location):
    monkeypatch.setenv("GONGKAI_CACHE_URL", url)
    default = envcaches("GONGKAI_CACHE_URL", Path("/x"))["default"]
    assert default["BACKEND"].endswith(backend) and default["LOCATION"] == location


def test_it_names_the_variable_of_a_cache_url_it_cannot_use(monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_URL", "memcached://10.0.0.1")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_CACHE_URL"):
        envcaches("GONGKAI_CACHE_URL", Path("/x"))


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_it_refuses_a_flush_interval_that_is_not_seconds(monkeypatch, value):
    monkeypatch.setenv("GONGKAI_VIEW_COUNT_FLUSH_SECONDS", value)
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_VIEW_COUNT_FLUSH_SECONDS"):
        envfloat("GONGKAI_VIEW_COUNT_FLUSH_SECONDS", "1")
    monkeypatch.setenv("GONGKAI_VIEW_COUNT_FLUSH_SECONDS", "0.5")
    assert envfloat("GONGKAI_VIEW_COUNT_FLUSH_SECONDS", "1") == 0.5


def test_the_file_cache_culls_now_and_then_and_keeps_the_newest_entries(tmp_path, monkeypatch):
    from gongkai import filecache

    monkeypatch.setattr(filecache, "CULL_EVERY", 10)
    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}})
    listings = []
    original = filecache.FileBasedCache._list_cache_files
    monkeypatch.setattr(filecache.FileBasedCache, "_list_cache_files",
                        lambda self: listings.append(1) or original(self))
    for i in range(100):
        cache.set(f"k{i}", i)
    assert len(listings) == 10  # once every 10 writes, not 100 times
    assert len(list(tmp_path.glob("*.djcache"))) <= 20 + 10
    assert cache.get("k99") == 99


def redis_caches(monkeypatch, url):
    from django.utils.module_loading import import_string

    monkeypatch.setenv("GONGKAI_CACHE_URL", url)
    configured = envcaches("GONGKAI_CACHE_URL", Path("/x"))
    return {alias: import_string(c["BACKEND"])(c["LOCATION"], c)
            for alias, c in configured.items() if c["BACKEND"].endswith("RedisCache")}


def test_every_redis_cache_makes_connections_redis_accepts(monkeypatch):
    """Options meant for Django's own caches (MAX_ENTRIES) reach redis-py's connection, which
    refuses them: every read of the shared page cache was a 500 with a redis:// URL."""
    found = redis_caches(monkeypatch, "redis://127.0.0.1:6379/15")
    assert set(found) == {"default", "shared_pages"}
    for cache in found.values():
        cache._cache._get_connection_pool(write=False).make_connection()  # no TypeError


def test_a_redis_that_does_not_answer_is_a_miss_not_an_error(monkeypatch):
    from gongkai import rediscache

    port = free_port()  # nothing listens there
    cache = redis_caches(monkeypatch, f"redis://127.0.0.1:{port}/0")["default"]
    assert cache.get("k", "absent") == "absent"
    assert cache.set("k", 1) is None and cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {} and cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("gongkai:catalogue-generation")  # what generation() takes as "start anew"
    down_until = cache._down_until
    assert down_until > rediscache.time.monotonic()  # not tried again at once
    later = SimpleNamespace(monotonic=lambda: down_until + 1)
    monkeypatch.setattr(rediscache, "time", later)
    assert cache.get("k", "absent") == "absent"
    assert cache._down_until == down_until + 1 + rediscache.PAUSE_SECONDS  # tried, still down


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
