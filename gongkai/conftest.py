"""Every test starts with empty caches of its own, no buffered page views and no learned
ranking model in memory: a page cached, a view counted or a model learned by one test must not
be seen by the next, nor by another test run on the same machine (the default file cache would
be shared with it)."""

import pytest

TEST_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    "shared_pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                     "LOCATION": "shared-pages"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}


@pytest.fixture(autouse=True, scope="session")
def attachments_in_a_temporary_media_root(tmp_path_factory):
    """Uploaded attachments go to a directory of this run (not var/media), and their text is
    extracted during the request: a background process would not see the test database."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"),
                           ATTACHMENT_EXTRACT="inline"):
        yield


@pytest.fixture(autouse=True)
def fresh_caches_and_counts(settings):
    from django.core.cache import caches

    from gongkai.documents.views_count import view_counter
    from gongkai.questions import store
    from gongkai.search.backends.base import forget_word_counts

    settings.CACHES = TEST_CACHES
    # Every alias, not only those this test's (fresh) cache handler has opened: a local-memory
    # cache keeps its entries per LOCATION for the whole process.
    for alias in TEST_CACHES:
        caches[alias].clear()
    view_counter.discard()
    store.reset()  # a ranking model learned by an earlier test stays in this process otherwise
    forget_word_counts()
    yield
