"""Every test starts with empty caches of its own and no buffered page views: a page cached
or a view counted by one test must not be seen by the next, nor by another test run on the
same machine (the default file cache would be shared with it)."""

import pytest

TEST_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}


@pytest.fixture(autouse=True)
def fresh_caches_and_counts(settings):
    from django.core.cache import caches

    from gongkai.documents.views_count import view_counter

    settings.CACHES = TEST_CACHES
    for cache in caches.all(initialized_only=True):
        cache.clear()
    view_counter.discard()
    yield
