"""Atom and RSS feeds: each kind parses (feedparser, bozo 0), Atom follows RFC 4287's
structure, items are the newest public documents with their record, and pages link them."""

import datetime as dt
import xml.etree.ElementTree as ET
from unittest import mock
from urllib.parse import quote

import feedparser
from django.utils import timezone

from gongkai.catalog.models import Genre
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.search.tests.contract import add_search_cast
from gongkai.test import BaseTestCase, aware

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_search_cast(cls)

    def setUp(self):
        # The segmenter's once-a-second look for new words is the clock's query, not a feed's.
        patcher = mock.patch("gongkai.search.dictionary.SYNC_SECONDS", 3600)
        patcher.start()
        self.addCleanup(patcher.stop)

    def feed_urls(self) -> dict[str, str]:
        """Each feed kind, by a name, without its flavour (…/atom/ or …/rss/ is added)."""
        a, topic, genre = self.cuizhu.pk, self.topic.parent_id, self.notice_genre.pk
        return {
            "newest": "/feeds/{}/",
            "agency": f"/feeds/agencies/{a}/{{}}/",
            "topic": f"/feeds/topics/{topic}/{{}}/",
            "topic in an agency": f"/feeds/topics/{topic}/{{}}/?agency={a}",
            "genre": f"/feeds/genres/{genre}/{{}}/",
            "genre in an agency": f"/feeds/genres/{genre}/{{}}/?agency={a}",
            "search": "/feeds/search/{}/?q=" + quote("民生微实事"),
            "search with a facet": f"/feeds/search/{{}}/?q={quote('翠竹街道')}&genre={genre}",
        }

    def parsed(self, url: str, flavour: str):
        response = self.client.get(url.format(flavour))
        assert response.status_code == 200, url
        kind = "application/atom+xml" if flavour == "atom" else "application/rss+xml"
        assert response["Content-Type"].startswith(kind), response["Content-Type"]
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert feed.version == ("atom10" if flavour == "atom" else "rss20"), feed.version
        return feed, response.content

    def test_every_feed_kind_parses_as_atom_and_as_rss_with_public_documents_only(self):
        public = {d.get_absolute_url() for d in Document.objects.published()}
        for name, url in self.feed_urls().items():
            for flavour in ("atom", "rss"):
                feed, _ = self.parsed(url, flavour)
                links = {entry.link.removeprefix("http://testserver") for entry in feed.entries}
                assert links, (name, flavour)
                assert links <= public, (name, flavour, links - public)

    def test_atom_feeds_follow_rfc_4287(self):
        for name, url in self.feed_urls().items():
            _, content = self.parsed(url, "atom")
            root = ET.fromstring(content)
            assert root.tag == f"{ATOM}feed", name
            # atom:feed has exactly one id, title and updated, and an author (4.1.1).
            for tag in ("id", "title", "updated"):
                assert len(root.findall(f"{ATOM}{tag}")) == 1, (name, tag)
            assert root.find(f"{ATOM}author/{ATOM}name").text
            assert root.find(f"{ATOM}link[@rel='alternate']") is not None
            self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
            assert self_link == "http://testserver" + url.format("atom"), name
            assert root.find(f"{ATOM}id").text == self_link  # unique per feed
            for entry in root.findall(f"{ATOM}entry"):
                for tag in ("id", "title", "updated"):  # 4.1.2
                    assert len(entry.findall(f"{ATOM}{tag}")) == 1, (name, tag)
                assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
                updated = entry.find(f"{ATOM}updated").text
                assert dt.datetime.fromisoformat(updated).tzinfo is not None  # RFC 3339

    def test_an_item_carries_the_documents_record(self):
        feed, _ = self.parsed(f"/feeds/agencies/{self.cuizhu.pk}/{{}}/", "atom")
        assert feed.feed.title == "深圳市罗湖区翠竹街道办事处政府信息公开 - 政府信息公开平台"
        assert feed.feed.subtitle == "深圳市罗湖区翠竹街道办事处最新发布的政府信息。"
        assert feed.feed.language == "zh-CN"
        entry = feed.entries[0]  # the newest first
        assert entry.title == self.summary.title
        assert entry.link == "http://testserver" + self.summary.get_absolute_url()
        assert entry.published_parsed[:4] == (2022, 9, 7, 16)  # 2022-09-08 00:00 in Shanghai
        assert entry.author == "深圳市罗湖区翠竹街道办事处"
        assert "索引号：11440303007546460H/2022-00033" in entry.summary
        assert "发布日期：2022-09-08" in entry.summary
        assert "2021年，翠竹街道坚持" in entry.summary  # 内容概述
        assert [t.term for t in entry.tags] == ["工作总结"]
        assert [e.title for e in feed.entries[1:3]] == [self.budget.title, self.projects.title]
        assert [t.term for t in feed.entries[2].tags] == ["综合政务\\政务公开", "通知公告"]
        rss, _ = self.parsed(f"/feeds/agencies/{self.cuizhu.pk}/{{}}/", "rss")
        assert rss.entries[0].title == self.summary.title
        assert "发布机构：深圳市罗湖区翠竹街道办事处" in rss.entries[0].summary

    def test_the_search_feed_is_the_search_pages_query_newest_first(self):
        feed, _ = self.parsed("/feeds/search/{}/?q=" + quote("民生微实事"), "rss")
        titles = [entry.title for entry in feed.entries]
        assert titles == [self.budget.title, self.projects.title]  # by date, not relevance
        assert feed.feed.title.startswith("检索“民生微实事”的最新结果")
        assert feed.feed.link == "http://testserver/search/?q=" + quote("民生微实事")
        for q in ("火星基地", "民生微实事 火星基地"):  # no match; only some of the words
            empty, _ = self.parsed("/feeds/search/{}/?q=" + quote(q), "atom")
            assert empty.entries == [], q

    def test_a_withdrawn_or_scheduled_document_is_in_no_feed(self):
        workflow.withdraw(self.budget)
        assert self.scheduled.published_at > timezone.now()
        for url in self.feed_urls().values():
            feed, _ = self.parsed(url, "atom")
            links = {entry.link for entry in feed.entries}
            for gone in (self.budget, self.scheduled, self.on_request, self.draft):
                assert "http://testserver" + gone.get_absolute_url() not in links, url

    def test_a_feed_shows_a_publication_at_once(self):
        url = f"/feeds/agencies/{self.cuizhu.pk}/atom/"
        self.client.get(url)
        new = Document.objects.create(title="翠竹街道最新通知", agency=self.cuizhu,
                                      status=Status.DRAFT, body="<p>新</p>")
        workflow.publish(new)
        assert feedparser.parse(self.client.get(url).content).entries[0].title == "翠竹街道最新通知"

    def test_unknown_subjects_are_404_and_odd_parameters_no_error(self):
        for url in ("/feeds/agencies/999999/atom/", "/feeds/topics/999999/rss/",
                    "/feeds/genres/999999/atom/", "/feeds/json/", "/feeds/agencies/1/xml/"):
            assert self.client.get(url).status_code == 404, url
        for url in (f"/feeds/topics/{self.topic.pk}/atom/?agency=abc",
                    "/feeds/search/rss/?q=&year=x&page=-1", "/feeds/search/atom/?q=%22",
                    "/feeds/search/atom/?q=" + quote("标题:") + "&sort=nonsense"):
            feed, _ = self.parsed(url.replace("/atom/", "/{}/").replace("/rss/", "/{}/"), "atom")

    def test_pages_link_their_feed_in_the_head_and_visibly(self):
        a = self.cuizhu.pk
        rules = Genre.objects.create(name="规章")
        pages = {
            "/": "/feeds/atom/",
            f"/agencies/{a}/": f"/feeds/agencies/{a}/atom/",
            f"/agencies/{a}/documents/": f"/feeds/agencies/{a}/atom/",
            f"/agencies/{a}/documents/?topic={self.topic.pk}": f"/feeds/topics/{self.topic.pk}/atom/?agency={a}",
            f"/agencies/{a}/documents/?genre={rules.pk}": f"/feeds/genres/{rules.pk}/atom/?agency={a}",
            "/search/?q=" + quote("民生") + "&page=2": "/feeds/search/atom/?q=" + quote("民生"),
        }
        for page, feed in pages.items():
            html = self.client.get(page).content.decode()
            href = feed.replace("&", "&amp;")
            assert '<link rel="alternate" type="application/atom+xml"' in html, page
            assert f'href="{href}"' in html, (page, href)
            assert f'<a href="{href}" type="application/atom+xml">Atom</a>' in html, page
            assert f'<a href="{href.replace("/atom/", "/rss/")}" type="application/rss+xml">RSS</a>' in html
            self.parsed(feed.replace("/atom/", "/{}/"), "atom")
        assert "application/atom+xml" not in self.client.get("/search/").content.decode()

    def test_a_feed_costs_the_same_queries_with_more_documents(self):
        from django.core.cache import caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def costs() -> dict:
            found = {}
            for name, url in self.feed_urls().items():
                if name.startswith("search"):
                    continue  # the search page's own cost is pinned in test_page_cost
                for cache in caches.all(initialized_only=True):
                    cache.clear()
                with CaptureQueriesContext(connection) as cold:
                    self.client.get(url.format("atom"))
                with CaptureQueriesContext(connection) as warm:
                    self.client.get(url.format("atom"))
                found[name] = (len(cold), len(warm))
            return found

        small = costs()
        assert small == {"newest": (1, 0), "agency": (2, 0), "topic": (3, 0),
                         "topic in an agency": (4, 0), "genre": (2, 0),
                         "genre in an agency": (3, 0)}
        for i in range(40):
            Document.objects.create(
                title=f"翠竹街道第{i}号通知", agency=self.cuizhu, status=Status.PUBLISHED,
                published_at=aware(2023, 1, 1 + i % 28), topic=self.topic,
                genre=self.notice_genre, body="<p>正文</p>")
        assert costs() == small

    def test_feed_items_never_read_a_body(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.client.get(f"/feeds/agencies/{self.cuizhu.pk}/rss/")
        reads = [q["sql"] for q in captured if 'FROM "documents_document"' in q["sql"]]
        assert reads and not any('"documents_document"."body"' in sql for sql in reads)
