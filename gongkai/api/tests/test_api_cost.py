"""What each API endpoint costs in queries, pinned — cold (computed) and warm (from the
cache) — and shown not to grow with the catalogue (as gongkai/web/tests/test_page_cost.py
does for the pages)."""

from unittest import mock

from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from gongkai.catalog.models import Genre
from gongkai.documents.models import Document, Status, Validity
from gongkai.test import BaseTestCase, aware


@override_settings(VIEW_COUNT_FLUSH_SECONDS=3600, API_REQUESTS_PER_MINUTE=0)
class ApiCostTestCase(BaseTestCase):
    def setUp(self):
        # The segmenter's clock-driven dictionary sync is not the endpoint's (test_page_cost).
        patcher = mock.patch("gongkai.search.dictionary.SYNC_SECONDS", 3600)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.rules = Genre.objects.get_or_create(name="规章")[0]

    def add_documents(self, n: int) -> None:
        for i in range(n):
            Document.objects.create(
                title=f"翠竹街道第{i}号通知", agency=self.cuizhu, status=Status.PUBLISHED,
                published_at=aware(2021, 1, 1 + i % 28), topic=self.topic,
                genre=self.rules if i % 2 else self.summary_genre,
                validity=Validity.REPEALED if i % 2 else "",
                superseded_by=self.notice if i % 2 else None, body="<p>正文</p>")

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
            assert response.status_code == 200, (url, response.content[:200])
        return len(captured)

    def costs(self, url: str) -> tuple[int, int]:
        for cache in caches.all(initialized_only=True):
            cache.clear()
        return self.queries(url), self.queries(url)

    def endpoints(self):
        a = self.cuizhu.pk
        second = self.client.get("/api/v1/documents/?limit=5").json()["next"]
        return {
            "documents": "/api/v1/documents/",
            "documents, second page": second,
            "documents filtered": f"/api/v1/documents/?agency={a}&topic={self.topic.parent_id}"
                                  f"&genre={self.rules.pk}&year=2021&validity=repealed",
            "documents, every field": "/api/v1/documents/?fields=title,body_html,superseded_by",
            "withdrawn": "/api/v1/documents/withdrawn/",
            "document": f"/api/v1/documents/{self.summary.pk}/",
            "document by 索引号": f"/api/v1/documents/index-no/{self.summary.index_no}",
            "validity history": f"/api/v1/documents/{self.notice.pk}/validity/",
            "regulations": "/api/v1/regulations/?validity=all",
            "agencies": "/api/v1/agencies/",
            "agency": f"/api/v1/agencies/{a}/",
            "classification": "/api/v1/classification/",
        }

    def test_each_endpoint_costs_what_is_pinned_cold_and_warm(self):
        self.add_documents(25)
        expected = {  # (computed, from the cache)
            "documents": (2, 0),  # the page, the public documents that replaced some
            "documents, second page": (2, 0),
            "documents filtered": (2, 0),
            "documents, every field": (2, 0),
            "withdrawn": (1, 0),
            "document": (2, 1),  # is it public (asked each time), the document
            "document by 索引号": (2, 1),
            # is it public; the document; two steps back (the 12 it replaced, then none)
            "validity history": (4, 1),
            "regulations": (3, 0),  # the counts, the page, the replacements
            "agencies": (3, 0),
            "agency": (7, 0),  # the agency page's 6, and the replacements of the newest
            "classification": (3, 0),
        }
        assert {name: self.costs(url) for name, url in self.endpoints().items()} == expected

    def test_no_endpoint_costs_more_queries_with_more_documents(self):
        self.add_documents(25)
        small = {name: self.costs(url) for name, url in self.endpoints().items()}
        self.add_documents(300)
        assert {name: self.costs(url) for name, url in self.endpoints().items()} == small

    def test_a_search_costs_the_same_with_more_documents(self):
        self.add_documents(30)
        self.queries("/api/v1/search/?q=工作")
        small = self.queries("/api/v1/search/?q=通知")
        self.add_documents(300)
        self.queries("/api/v1/search/?q=工作")
        assert self.queries("/api/v1/search/?q=通知") == small == \
            {"sqlite": 4, "postgresql": 10}[connection.vendor]
