import datetime as dt
import re

import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.documents.models import Document, Validity
from gongkai.documents.views_count import view_counter
from gongkai.test import BaseTestCase
from gongkai.web.views import STATE_SECONDS


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class DocumentPageTestCase(BaseTestCase):
    def get(self, doc, **cookies):
        for key, value in cookies.items():
            self.client.cookies[key] = value
        return self.client.get(doc.get_absolute_url())

    def test_it_shows_the_record_in_the_seed_order(self):
        r = self.get(self.summary)
        assert r.status_code == 200
        page = text_of(r.content.decode())
        labels = ["索引号：", "分类：", "发布机构：", "成文日期：", "名称：", "文号：", "发布日期：",
                  "主题词：", "【打印】", "【字体：", "浏览次数："]
        positions = [page.index(label) for label in labels]
        assert positions == sorted(positions)
        for value in ["11440303007546460H/2022-00033", "深圳市罗湖区翠竹街道办事处", "2022-09-08",
                      "罗湖区翠竹街道办事处2021年工作总结", "翠竹街道 工作总结"]:
            assert value in page

    def test_it_carries_the_government_meta_tags(self):
        html = self.get(self.notice).content.decode()
        assert '<html lang="zh-CN"' in html
        assert f"<title>{self.notice.title} - 国务院办公厅 - 政府信息公开平台</title>" in html
        for tag in ['name="SiteName" content="政府信息公开平台"',
                    f'name="ArticleTitle" content="{self.notice.title}"',
                    'name="PubDate" content="2018-11-09 15:30"',
                    'name="ContentSource" content="国务院办公厅"',
                    'name="ColumnName" content="综合政务\\政务公开"',
                    'name="Url" content="http://127.0.0.1:8000/documents/']:
            assert tag in html, tag
        assert 'name="Keywords"' in html and 'name="Description"' in html
        assert 'name="viewport"' in html

    def test_it_counts_every_view(self):
        for _ in range(3):
            self.get(self.summary)
        assert view_counter.flush() == 3
        self.summary.refresh_from_db()
        assert self.summary.view_count == 3
        assert '<span class="views">4</span>' in self.get(self.summary).content.decode()

    def shown(self, doc) -> int:
        html = self.get(doc).content.decode()
        return int(html.split('<span class="views">')[1].split("<")[0])

    def test_the_count_shown_keeps_rising_across_flushes_and_other_workers_views(self):
        # The page reads the stored count once per few seconds; what this worker writes in
        # between must not make the number shown go back.
        assert [self.shown(self.summary) for _ in range(2)] == [1, 2]
        view_counter.flush()
        assert [self.shown(self.summary) for _ in range(2)] == [3, 4]
        view_counter.flush()
        # Another worker's views reach the page once the state is read again.
        Document.objects.filter(pk=self.summary.pk).update(view_count=F("view_count") + 10)
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=STATE_SECONDS + 1)):
            assert self.shown(self.summary) == 15
        view_counter.flush()
        self.summary.refresh_from_db()
        assert self.summary.view_count == 15

    def test_a_flush_writes_one_statement_per_distinct_increment(self):
        for _ in range(3):
            view_counter.add(self.summary.pk)
        view_counter.add(self.notice.pk)
        view_counter.add(self.draft.pk)  # (the page counts only public ones; flush writes any)
        with CaptureQueriesContext(connection) as captured:
            view_counter.flush()
        updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
        assert len(updates) == 2  # +3 for one document, +1 for the two others
        self.summary.refresh_from_db()
        self.notice.refresh_from_db()
        assert (self.summary.view_count, self.notice.view_count) == (3, 1)

    def test_it_does_not_count_head_requests(self):
        url = self.summary.get_absolute_url()
        for _ in range(5):
            assert self.client.head(url).status_code == 200
        self.summary.refresh_from_db()
        assert self.summary.view_count == 0
        self.client.get(url)
        view_counter.flush()
        self.summary.refresh_from_db()
        assert self.summary.view_count == 1

    def test_it_does_not_show_unpublished_documents(self):
        assert self.get(self.draft).status_code == 404
        assert self.get(self.on_request).status_code == 404
        view_counter.flush()
        self.draft.refresh_from_db()
        assert self.draft.view_count == 0

    def test_it_links_a_repealed_document_to_the_current_one(self):
        self.notice.validity = Validity.REPEALED
        self.notice.superseded_by = self.summary
        self.notice.save()
        page = text_of(self.get(self.notice).content.decode())
        assert "本文件已废止" in page
        assert f"现行文件： {self.summary.title}" in page

    def test_it_does_not_link_to_an_unpublished_replacement(self):
        self.notice.validity = Validity.AMENDED
        self.notice.superseded_by = self.draft
        self.notice.save()
        page = self.get(self.notice).content.decode()
        assert "本文件已修改" in page
        assert self.draft.title not in page

    def test_it_remembers_the_font_size_without_javascript(self):
        r = self.client.get("/display/", {"font": "large", "next": self.summary.get_absolute_url()})
        assert r.status_code == 302 and r["Location"] == self.summary.get_absolute_url()
        html = self.client.get(self.notice.get_absolute_url()).content.decode()
        assert '<html lang="zh-CN" class="font-large">' in html

    def test_it_ignores_unknown_font_sizes_and_foreign_redirects(self):
        r = self.client.get("/display/", {"font": "huge", "next": "https://evil.example/"})
        assert r["Location"] == "/"
        assert "font" not in r.cookies

    def test_it_switches_to_elder_mode(self):
        self.client.get("/display/", {"elder": "1"})
        html = self.client.get("/").content.decode()
        assert 'class="font-medium elder"' in html
        assert "退出长者模式" in html
