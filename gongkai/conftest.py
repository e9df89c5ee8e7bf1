"""Every test starts with empty caches and no buffered page views: a page cached or a view
counted by one test must not be seen by the next."""

import pytest


@pytest.fixture(autouse=True)
def fresh_caches_and_counts():
    from django.core.cache import caches

    from gongkai.documents.views_count import view_counter

    for cache in caches.all(initialized_only=True):
        cache.clear()
    view_counter.discard()
    yield
