"""Cached pages never show what has changed: each test warms every page first, then
publishes, edits or withdraws, and reads the pages again."""

from django.core.cache import caches
from django.test import override_settings

from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.documents.views_count import view_counter
from gongkai.test import BaseTestCase, aware


class PageCacheTestCase(BaseTestCase):
    def setUp(self):
        self.pages = ["/", f"/agencies/{self.cuizhu.pk}/", f"/agencies/{self.cuizhu.pk}/documents/",
                      self.summary.get_absolute_url()]

    def html(self, url: str) -> str:
        response = self.client.get(url)
        return response.content.decode() if response.status_code == 200 else ""

    def warm(self) -> None:
        for url in self.pages:
            self.client.get(url)

    def test_it_serves_the_second_request_from_the_cache(self):
        self.warm()
        Document.objects.filter(pk=self.summary.pk).update(title="改了但没人知道")  # no signal
        assert "改了但没人知道" not in self.html("/")
        assert "罗湖区翠竹街道办事处2021年工作总结" in self.html("/")

    def test_a_page_rendered_by_one_worker_is_served_to_the_others(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = f"/agencies/{self.cuizhu.pk}/"
        first = self.html(url)
        caches["pages"].clear()  # another worker: nothing in its own memory yet
        with CaptureQueriesContext(connection) as captured:
            assert self.html(url) == first
        assert len(captured) == 0  # nothing looked up, nothing rendered

    def test_search_results_are_kept_in_this_worker_s_memory_only(self):
        """Most queries are asked once: writing each to the shared store cost more than the
        rare second render saves."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        shared = caches["shared_pages"]
        shared.clear()
        for url in ["/search/?q=工作总结", "/search/?q=工作总结&format=json",
                    "/api/v1/search/?q=工作总结"]:
            first = self.client.get(url)
            assert first.status_code == 200, url
            with CaptureQueriesContext(connection) as captured:
                assert self.client.get(url).content == first.content
            assert len(captured) == 0, url  # the second time: from this worker's memory
        assert not shared._cache  # nothing written for the other workers (LocMemCache here)
        caches["pages"].clear()  # another worker renders it itself
        with CaptureQueriesContext(connection) as captured:
            self.client.get("/search/?q=工作总结")
        assert len(captured) > 0

    def test_an_edited_title_shows_at_once_everywhere(self):
        self.warm()
        self.summary.title = "翠竹街道2021年工作总结（修订）"
        self.summary.save()
        for url in self.pages:
            assert "翠竹街道2021年工作总结（修订）" in self.html(url), url

    def test_a_withdrawn_document_disappears_at_once_everywhere(self):
        self.warm()
        workflow.withdraw(self.summary)
        for url in self.pages[:3]:
            assert "罗湖区翠竹街道办事处2021年工作总结" not in self.html(url), url
        # Its own page stays, saying so, without the body: nothing stale is served.
        page = self.html(self.summary.get_absolute_url())
        assert "本信息已于" in page and "撤回" in page and "第一议题" not in page
        assert "罗湖区翠竹街道办事处2021年工作总结" in page

    def test_a_republished_document_shows_its_body_again_at_once(self):
        workflow.withdraw(self.summary)
        assert "第一议题" not in self.html(self.summary.get_absolute_url())
        workflow.republish(self.summary)
        assert "第一议题" in self.html(self.summary.get_absolute_url())

    def test_a_published_draft_appears_at_once_everywhere(self):
        self.warm()
        workflow.publish(self.draft)
        for url in self.pages[:3]:
            assert "翠竹街道2023年工作计划（草稿）" in self.html(url), url

    def test_a_renamed_agency_shows_its_new_name(self):
        self.warm()
        self.cuizhu.name = "深圳市罗湖区翠竹街道办事处（新）"
        self.cuizhu.save()
        for url in self.pages:
            assert "翠竹街道办事处（新）" in self.html(url), url

    def test_a_change_committed_elsewhere_reaches_this_process(self):
        """Another process's change moves the shared generation after its commit."""
        self.warm()
        Document.objects.filter(pk=self.summary.pk).update(status=Status.WITHDRAWN)
        with self.captureOnCommitCallbacks(execute=True):
            from gongkai.documents.generation import bump

            bump()
        assert "第一议题" not in self.html(self.summary.get_absolute_url())
        assert "罗湖区翠竹街道办事处2021年工作总结" not in self.html("/")

    def test_pages_differ_by_display_preference(self):
        assert "elder" not in self.html("/").split(">", 2)[1]
        self.client.cookies["elder"] = "1"
        assert "elder" in self.html("/").split(">", 2)[1]  # <html class="… elder">

    def test_it_answers_304_to_a_matching_etag_and_200_after_a_change(self):
        url = self.summary.get_absolute_url()
        etag = self.client.get(url)["ETag"]
        assert self.client.get(url, headers={"If-None-Match": etag}).status_code == 304
        self.summary.abstract = "新的概述"
        self.summary.save()
        response = self.client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200 and "新的概述" in response.content.decode()
        assert "Cookie" in response["Vary"]


@override_settings(VIEW_COUNT_FLUSH_SECONDS=3600)  # written when a test says so
class ViewCountTestCase(BaseTestCase):
    def views_shown(self) -> int:
        html = self.client.get(self.summary.get_absolute_url()).content.decode()
        return int(html.split('class="views">', 1)[1].split("<", 1)[0])

    def stored(self) -> int:
        self.summary.refresh_from_db()
        return self.summary.view_count

    def test_a_cached_page_still_counts_and_shows_each_view(self):
        assert [self.views_shown() for _ in range(4)] == [1, 2, 3, 4]
        assert self.stored() == 0  # buffered
        assert view_counter.flush() == 4
        assert self.stored() == 4
        assert self.views_shown() == 5

    @override_settings(VIEW_COUNT_FLUSH_SECONDS=0)
    def test_with_no_interval_every_view_is_written_at_once(self):
        self.views_shown()
        self.views_shown()
        assert self.stored() == 2

    def test_counts_that_could_not_be_written_are_kept_for_the_next_flush(self):
        from unittest import mock

        from django.db import DatabaseError

        self.views_shown()
        with mock.patch("django.db.models.query.QuerySet.update", side_effect=DatabaseError):
            assert view_counter.flush() == 0
        assert view_counter.flush() == 1
        assert self.stored() == 1

    def test_a_view_of_a_page_from_the_browser_cache_counts_too(self):
        url = self.summary.get_absolute_url()
        etag = self.client.get(url)["ETag"]
        assert self.client.get(url, headers={"If-None-Match": etag}).status_code == 304
        view_counter.flush()
        assert self.stored() == 2

    def test_scheduled_documents_are_not_cached_before_their_time(self):
        later = Document.objects.create(
            title="定时发布的通知", agency=self.cuizhu, status=Status.PUBLISHED,
            published_at=aware(2099, 1, 1))
        assert self.client.get(later.get_absolute_url()).status_code == 404
        for cache in caches.all(initialized_only=True):
            assert not any(f"document:{later.pk}:" in str(k) for k in getattr(cache, "_cache", {}))


class AgencyCountTestCase(BaseTestCase):
    """The home page's counts are maintained per agency, not counted per request."""

    def home_count(self, agency) -> int | None:
        from gongkai.documents.counts import public_counts

        return public_counts().get(agency.pk)

    def test_counts_follow_publication_withdrawal_moves_and_deletion(self):
        assert self.home_count(self.cuizhu) == 1  # the summary; the draft does not count
        workflow.publish(self.draft)
        assert self.home_count(self.cuizhu) == 2
        workflow.withdraw(self.summary)
        assert self.home_count(self.cuizhu) == 1
        self.draft.agency = self.gwyb
        self.draft.save()
        assert (self.home_count(self.cuizhu), self.home_count(self.gwyb)) == (None, 2)
        self.notice.delete()
        assert self.home_count(self.gwyb) == 1

    def test_a_scheduled_document_counts_from_its_hour(self):
        import time_machine

        Document.objects.create(title="定时", agency=self.gwyb, status=Status.PUBLISHED,
                                published_at=aware(2099, 1, 1))
        assert self.home_count(self.gwyb) == 1
        with time_machine.travel(aware(2099, 1, 2)):
            assert self.home_count(self.gwyb) == 2

    def test_recount_puts_bulk_changes_right(self):
        from gongkai.documents.counts import recount

        Document.objects.filter(pk=self.notice.pk).update(status=Status.WITHDRAWN)
        assert self.home_count(self.gwyb) == 1  # QuerySet.update sends no signal
        recount()
        assert self.home_count(self.gwyb) is None

    def test_the_home_page_shows_the_maintained_counts(self):
        workflow.publish(self.draft)
        html = self.client.get("/").content.decode()
        assert f'href="/agencies/{self.cuizhu.pk}/">深圳市罗湖区翠竹街道办事处</a> <span class="count">2</span>' in html


class SearchCacheTestCase(BaseTestCase):
    def test_a_repeated_search_is_served_from_the_cache_and_keeps_its_type(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for params in ({"q": "工作总结"}, {"q": "工作总结", "format": "json"}):
            first = self.client.get("/search/", params)
            with CaptureQueriesContext(connection) as captured:
                again = self.client.get("/search/", params)
            assert len(captured) == 0
            assert again.content == first.content
            assert again["Content-Type"] == first["Content-Type"]
        assert again.json()["total"] == 1

    def test_a_cached_search_shows_a_publication_and_a_withdrawal_at_once(self):
        def titles():
            return [hit["title"] for hit in
                    self.client.get("/search/", {"q": "翠竹街道", "format": "json"}).json()["results"]]

        assert "翠竹街道2023年工作计划（草稿）" not in titles()
        workflow.publish(self.draft)
        assert "翠竹街道2023年工作计划（草稿）" in titles()
        workflow.withdraw(self.summary)
        assert "罗湖区翠竹街道办事处2021年工作总结" not in titles()


def test_a_long_query_gets_a_short_cache_key(rf):
    from gongkai.web.caching import page_key

    long_key = page_key(rf.get("/search/"), "search", "q=" + "政务" * 500)
    other = page_key(rf.get("/search/"), "search", "q=" + "政务" * 499 + "公开")
    assert len(long_key) <= 200 and long_key != other

