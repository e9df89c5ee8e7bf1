"""sitemap.xml (an index of sections, the documents split by blocks of primary keys) and
robots.txt: public documents only, lastmod everywhere, and a cost in queries that does not
grow with the page number or the catalogue."""

import datetime as dt
import xml.etree.ElementTree as ET
from unittest import mock

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.documents import workflow
from gongkai.documents.models import Document, Revision, Status
from gongkai.test import BaseTestCase, aware
from gongkai.web.sitemaps import DocumentSitemap

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class SitemapTestCase(BaseTestCase):
    def setUp(self):
        patcher = mock.patch("gongkai.search.dictionary.SYNC_SECONDS", 3600)  # see test_page_cost
        patcher.start()
        self.addCleanup(patcher.stop)

    def get_xml(self, url: str):
        response = self.client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/xml")
        return ET.fromstring(response.content)

    def index(self) -> list[tuple[str, str]]:
        root = self.get_xml("/sitemap.xml")
        assert root.tag == f"{NS}sitemapindex"
        return [(s.find(f"{NS}loc").text.removeprefix("http://testserver"),
                 s.find(f"{NS}lastmod").text) for s in root.findall(f"{NS}sitemap")]

    def locations(self, url: str) -> dict[str, str]:
        root = self.get_xml(url)
        assert root.tag == f"{NS}urlset"
        return {u.find(f"{NS}loc").text.removeprefix("http://testserver"): u.find(f"{NS}lastmod").text
                for u in root.findall(f"{NS}url")}

    def add_documents(self, n: int) -> list[Document]:
        return [Document.objects.create(
            title=f"第{i}号通知", agency=self.gwyb, status=Status.PUBLISHED,
            published_at=aware(2021, 1, 1), body="<p>正文</p>") for i in range(n)]

    def clear_caches(self):
        for cache in caches.all(initialized_only=True):
            cache.clear()

    def test_the_index_lists_each_section_with_its_lastmod(self):
        sections = self.index()
        assert [loc for loc, _ in sections] == [
            "/sitemap-pages.xml", "/sitemap-agencies.xml", "/sitemap-documents.xml"]
        # The cast was created directly (no revisions): the newest publication.
        assert {dt.datetime.fromisoformat(lastmod) for _, lastmod in sections} == {
            self.summary.published_at}
        # A publication, an edit or a withdrawal records a revision: lastmod is its time.
        workflow.withdraw(self.notice)
        withdrawn = Revision.objects.filter(document=self.notice).latest("created_at").created_at
        self.clear_caches()
        for _, lastmod in self.index():
            assert abs(dt.datetime.fromisoformat(lastmod) - withdrawn) < dt.timedelta(seconds=1)

    def test_documents_are_the_public_ones_with_lastmod(self):
        found = self.locations("/sitemap-documents.xml")
        assert set(found) == {d.get_absolute_url() for d in Document.objects.published()}
        assert set(found) == {self.summary.get_absolute_url(), self.notice.get_absolute_url()}
        assert all(found.values())
        workflow.withdraw(self.notice)
        assert set(self.locations("/sitemap-documents.xml")) == {self.summary.get_absolute_url()}

    def test_agencies_and_pages(self):
        agencies = self.locations("/sitemap-agencies.xml")
        a, b = self.cuizhu.pk, self.gwyb.pk
        assert set(agencies) == {f"/agencies/{a}/", f"/agencies/{a}/documents/",
                                 f"/agencies/{b}/", f"/agencies/{b}/documents/"}
        assert set(self.locations("/sitemap-pages.xml")) == {"/", "/regulations/", "/exports/"}

    def test_documents_split_into_pages_by_blocks_of_keys(self):
        documents = self.add_documents(7)
        last = max(d.pk for d in documents)
        base = min(Document.objects.values_list("pk", flat=True)) // 3 * 3  # the first block
        with mock.patch.object(DocumentSitemap, "limit", 3):
            pages = [loc for loc, _ in self.index() if "documents" in loc]
            assert pages == ["/sitemap-documents.xml"] + [
                f"/sitemap-documents.xml?p={n}" for n in range(2, (last - base) // 3 + 2)]
            seen = {}
            for page in pages:
                found = self.locations(page)
                assert len(found) <= 3 and not set(found) & set(seen)
                seen.update(found)
            assert set(seen) == {d.get_absolute_url() for d in Document.objects.published()}
            assert self.client.get(f"/sitemap-documents.xml?p={len(pages) + 1}").status_code == 404
            assert self.client.get("/sitemap-documents.xml?p=x").status_code == 404
            assert self.client.get("/sitemap-nothing.xml").status_code == 404

    def queries(self, url: str) -> int:
        self.clear_caches()
        with CaptureQueriesContext(connection) as captured:
            assert self.client.get(url).status_code == 200
        return len(captured)

    def test_query_counts_do_not_grow_with_pages_or_documents(self):
        with mock.patch.object(DocumentSitemap, "limit", 3):
            self.add_documents(4)
            small = {"index": self.queries("/sitemap.xml"),
                     "first": self.queries("/sitemap-documents.xml"),
                     "second": self.queries("/sitemap-documents.xml?p=2"),
                     "agencies": self.queries("/sitemap-agencies.xml")}
            # Each from an index: the key range, max(id), the newest publication and revision,
            # the per-agency counts.
            assert small == {"index": 5, "first": 4, "second": 4, "agencies": 5}
            self.add_documents(30)
            large = {"index": self.queries("/sitemap.xml"),
                     "first": self.queries("/sitemap-documents.xml"),
                     "second": self.queries("/sitemap-documents.xml?p=9"),
                     "agencies": self.queries("/sitemap-agencies.xml")}
            assert large == small
            # From the page cache: nothing at all.
            self.client.get("/sitemap-documents.xml?p=9")
            with CaptureQueriesContext(connection) as captured:
                self.client.get("/sitemap-documents.xml?p=9")
            assert len(captured) == 0

    def test_the_documents_page_reads_neither_bodies_nor_an_offset(self):
        self.clear_caches()
        with CaptureQueriesContext(connection) as captured:
            self.client.get("/sitemap-documents.xml")
        reads = [q["sql"] for q in captured if 'FROM "documents_document"' in q["sql"]]
        assert reads
        for sql in reads:
            assert '"body"' not in sql and "OFFSET" not in sql.upper(), sql

    def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(self):
        response = self.client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        for rule in ("User-agent: *", "Disallow: /admin/", "Disallow: /search/",
                     "Disallow: /feeds/search/", "Sitemap: http://testserver/sitemap.xml"):
            assert rule in lines
