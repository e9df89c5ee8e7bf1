from pathlib import Path

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


@pytest.mark.parametrize("cache_url, chosen, expected", [
    ("", "", ("memory", None)),
    ("redis://r:6379/1", "", ("redis", "redis://r:6379/1")),
    ("redis://r:6379/1", "memory", ("memory", None)),
    ("file:///srv/cache", "", ("memory", None)),
])
def test_views_are_buffered_in_redis_when_the_shared_cache_is(monkeypatch, cache_url, chosen, expected):
    from gongkai.config import envviewbuffer

    monkeypatch.setenv("GONGKAI_CACHE_URL", cache_url)
    monkeypatch.setenv("GONGKAI_VIEW_COUNT_BUFFER", chosen)
    assert envviewbuffer("GONGKAI_VIEW_COUNT_BUFFER", "GONGKAI_CACHE_URL") == expected


@pytest.mark.parametrize("cache_url, chosen", [("", "redis"), ("redis://r/1", "disk")])
def test_it_refuses_a_view_buffer_it_cannot_use(monkeypatch, cache_url, chosen):
    from gongkai.config import envviewbuffer

    monkeypatch.setenv("GONGKAI_CACHE_URL", cache_url)
    monkeypatch.setenv("GONGKAI_VIEW_COUNT_BUFFER", chosen)
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_VIEW_COUNT_BUFFER"):
        envviewbuffer("GONGKAI_VIEW_COUNT_BUFFER", "GONGKAI_CACHE_URL")


def test_a_redis_cache_url_gives_caches_that_open(monkeypatch, caplog):
    from django.core.cache import CacheHandler

    from gongkai import rediscache

    monkeypatch.setenv("GONGKAI_CACHE_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    handler = CacheHandler(envcaches("GONGKAI_CACHE_URL", Path("/x")))
    for alias in ("default", "shared_pages"):
        rediscache._down_until.clear()
        caplog.clear()
        # Opening a connection passes the backend's OPTIONS to redis-py, which refused some
        # (a TypeError, every page a 500); what is left is the refused connection, a miss.
        assert handler[alias].get("k") is None
        assert "Connection refused" in caplog.text
    rediscache._down_until.clear()
