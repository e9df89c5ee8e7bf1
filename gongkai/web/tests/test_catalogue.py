import re

from gongkai.documents.models import Document, Status
from gongkai.test import BaseTestCase, aware


class CatalogueTestCase(BaseTestCase):
    def test_home_lists_agencies_with_public_documents_and_the_newest(self):
        html = self.client.get("/").content.decode()
        assert "深圳市罗湖区翠竹街道办事处" in html and "国务院办公厅" in html
        assert "新区管委会" not in html  # nothing public yet
        assert html.index(self.summary.title) < html.index(self.notice.title)  # newest first
        assert self.draft.title not in html and self.on_request.title not in html

    def test_agency_page_shows_the_topic_tree_with_counts(self):
        html = self.client.get(self.gwyb.get_absolute_url()).content.decode()
        assert re.search(r"综合政务</a> <span class=\"count\">\(1\)", html)
        assert re.search(r"政务公开</a> <span class=\"count\">\(1\)", html)

    def test_agency_page_shows_genres_with_counts(self):
        html = self.client.get(self.cuizhu.get_absolute_url()).content.decode()
        assert re.search(r"工作总结</a> <span class=\"count\">\(1\)", html)
        assert self.draft.title not in html

    def test_listing_paginates_newest_first(self):
        for day in range(1, 26):
            Document.objects.create(title=f"第{day}号通知", agency=self.gwyb, topic=self.topic,
                                    status=Status.PUBLISHED, published_at=aware(2020, 1, day))
        url = f"/agencies/{self.gwyb.pk}/documents/?topic={self.topic.parent.pk}"
        first = self.client.get(url).content.decode()
        assert "共 26 条" in first and "第 1 / 2 页" in first
        assert first.index("第25号通知") < first.index("第24号通知")
        second = self.client.get(url + "&page=2").content.decode()
        assert "第1号通知" not in first and "第1号通知" in second

    def test_listing_survives_junk_parameters(self):
        r = self.client.get(f"/agencies/{self.gwyb.pk}/documents/?topic=abc&page=zz")
        assert r.status_code == 200


class SearchBoxTestCase(BaseTestCase):
    def test_every_page_has_a_search_box(self):
        for url in ["/", self.gwyb.get_absolute_url(), self.notice.get_absolute_url()]:
            html = self.client.get(url).content.decode()
            assert '<form class="site-search" action="/search/"' in html, url
