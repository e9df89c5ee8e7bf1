"""What each public page costs in queries, pinned — cold (rendered) and warm (from the page
cache) — and shown not to grow with the catalogue."""

from unittest import mock

from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from gongkai.documents.models import Document, Status
from gongkai.test import BaseTestCase, aware


@override_settings(VIEW_COUNT_FLUSH_SECONDS=3600)  # the flush's queries are not the page's
class PageCostTestCase(BaseTestCase):
    def setUp(self):
        # The segmenter asks the database for other processes' new words once a second: a
        # clock-driven query that is not the page's, so the clock is taken out of the count.
        patcher = mock.patch("gongkai.search.dictionary.SYNC_SECONDS", 3600)
        patcher.start()
        self.addCleanup(patcher.stop)
        from gongkai.guides.models import Guide

        Guide.objects.create(agency=self.cuizhu, office="党政综合办", address="翠竹路",
                             office_hours="工作日", phone="0755", postal_address="翠竹路",
                             postcode="518000", how_to_apply="书面", fees="不收费", remedies="复议")

    def add_documents(self, n: int) -> None:
        # One by one, so that search indexes them too (bulk_create sends no signals).
        for i in range(n):
            Document.objects.create(
                title=f"翠竹街道第{i}号通知", agency=self.cuizhu, status=Status.PUBLISHED,
                published_at=aware(2021, 1, 1 + i % 28), topic=self.topic,
                genre=self.summary_genre, body="<p>正文</p>")

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert self.client.get(url).status_code == 200
        return len(captured)

    def costs(self, url: str) -> tuple[int, int]:
        for cache in caches.all(initialized_only=True):
            cache.clear()
        return self.queries(url), self.queries(url)

    def pages(self):
        pk = self.cuizhu.pk
        return {
            "home": "/",
            "agency": f"/agencies/{pk}/",
            "listing": f"/agencies/{pk}/documents/",
            "listing by topic": f"/agencies/{pk}/documents/?topic={self.topic.parent_id}",
            "listing by genre": f"/agencies/{pk}/documents/?genre={self.summary_genre.pk}&page=2",
            "document": self.summary.get_absolute_url(),
            "regulations": "/regulations/?validity=all",
            "guide": f"/agencies/{pk}/guide/",
            "statistics": f"/agencies/{pk}/statistics/",
            "application form": f"/agencies/{pk}/apply/",
        }

    def test_each_page_costs_what_is_pinned_cold_and_warm(self):
        self.add_documents(25)  # two pages of every listing
        expected = {  # (rendered, from the page cache)
            "home": (4, 0),
            "agency": (6, 0),
            "listing": (3, 0),
            "listing by topic": (5, 0),
            "listing by genre": (4, 0),
            # cold: the state, the document, its attachments; warm: 浏览次数 and the public
            # check read from the state
            "document": (3, 0),
            "regulations": (1, 0),  # the cast holds no 规章: the counts only
            "guide": (1, 0),  # the guide with its agency
            "statistics": (6, 1),  # warm: the reports' last change (they move no generation)
            "application form": (2, 2),  # a form: the agency and its guide, not cached
        }
        assert {name: self.costs(url) for name, url in self.pages().items()} == expected

    def test_no_page_costs_more_queries_with_more_documents(self):
        self.add_documents(25)
        small = {name: self.costs(url) for name, url in self.pages().items()}
        self.add_documents(300)
        assert {name: self.costs(url) for name, url in self.pages().items()} == small

    def test_the_document_page_costs_the_same_with_more_attachments(self):
        from django.core.files.base import ContentFile

        from gongkai.documents.models import Attachment

        def attach(n):
            for i in range(n):
                Attachment.objects.create(document=self.summary, name=f"附件{i}.pdf", kind="pdf",
                                          size=10, file=ContentFile(b"%PDF-", name="a.pdf"))

        attach(1)
        one = self.costs(self.summary.get_absolute_url())
        attach(10)
        assert self.costs(self.summary.get_absolute_url()) == one == (3, 0)

    def test_a_search_page_costs_the_same_with_more_documents(self):
        # A first search in a generation reads the facet labels and (once a minute) looks for
        # a learned model; the pinned cost is that of the searches after it.
        self.add_documents(30)
        self.queries("/search/?q=工作")
        small = self.queries("/search/?q=通知")
        self.add_documents(300)
        self.queries("/search/?q=工作")
        # PostgreSQL adds a savepoint around the search and its SET LOCAL planner settings.
        assert self.queries("/search/?q=通知") == small == {"sqlite": 4, "postgresql": 10}[connection.vendor]
