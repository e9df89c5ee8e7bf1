"""The search page and its JSON twin (gongkai.web.search), on whichever database the suite
runs."""

from unittest import mock

from gongkai.documents.models import Document, Status
from gongkai.documents.search import DocumentIndex
from gongkai.search.backends import get_search_backend
from gongkai.search.index import Facet
from gongkai.search.tests.contract import SearchTestCase
from gongkai.test import aware


class SearchPageTestCase(SearchTestCase):
    def get(self, **params):
        return self.client.get("/search/", params)

    def test_it_shows_an_empty_form_without_a_query(self):
        response = self.get()
        self.assertContains(response, '<input id="search-q" type="search" name="q" value=""')
        self.assertContains(response, "<title>站内检索 - ")

    def test_it_shows_highlighted_results_with_facets(self):
        response = self.get(q="民生微实事")
        self.assertContains(response, "<title>民生微实事 - 检索结果 - ")
        self.assertContains(response, '<meta name="robots" content="noindex, follow">')
        self.assertContains(response, "共 2 条")
        self.assertContains(response, "翠竹街道2022年<mark>民生微实事</mark>项目公示</a>")
        self.assertContains(response, 'data-facet="agency"')
        self.assertContains(response, f"?q=%E6%B0%91%E7%94%9F%E5%BE%AE%E5%AE%9E%E4%BA%8B&amp;agency={self.cuizhu.pk}")

    def test_facet_links_keep_the_query_and_other_filters_and_toggle_their_own(self):
        response = self.get(q="民生微实事", genre=self.summary_genre.pk, page=2, format="html")
        html = response.content.decode()
        q = "q=%E6%B0%91%E7%94%9F%E5%BE%AE%E5%AE%9E%E4%BA%8B"
        # Adds agency, keeps genre, drops page and format.
        assert f'href="?{q}&amp;genre={self.summary_genre.pk}&amp;agency={self.cuizhu.pk}"' in html
        # The selected genre's link takes it away again.
        assert f'href="?{q}" aria-current="true"' in html

    def test_each_facet_lists_its_largest_values_on_the_page_and_all_in_json(self):
        for year in (2019, 2020, 2021):
            Document.objects.create(title=f"{year}年度分面测试", agency=self.cuizhu,
                                    status=Status.PUBLISHED, published_at=aware(year, 5, 1))
        with mock.patch("gongkai.web.search.FACET_SHOWN", 1):
            html = self.get(q="分面测试").content.decode()
            data = self.get(q="分面测试", format="json").json()
        listed = html.split('data-facet="year"')[1].split("</section>")[0]
        assert listed.count("<li>") == 1 and len(data["facets"]["year"]) == 3

    def test_it_escapes_the_query_everywhere(self):
        response = self.get(q='<script>alert(1)</script>"')
        self.assertNotContains(response, "<script>alert")
        self.assertEqual(response.status_code, 200)

    def test_hit_details_and_facet_labels_are_escaped_and_dated_in_local_time(self):
        self.cuizhu.name = self.cuizhu.short_name = "翠竹<b>街道</b>"
        self.cuizhu.save()
        doc = Document.objects.create(
            title="翠竹街道灯光工程公告", body="<p>灯光工程</p>", agency=self.cuizhu,
            doc_no="罗<i>1</i>号", status=Status.PUBLISHED,
            published_at=aware(2023, 1, 1, 0, 30))  # 2022-12-31 16:30 in UTC
        html = self.get(q="灯光工程").content.decode()
        assert f'<a href="/documents/{doc.pk}/">翠竹街道<mark>灯光</mark><mark>工程</mark>公告</a>' in html
        assert "翠竹&lt;b&gt;街道&lt;/b&gt; · 罗&lt;i&gt;1&lt;/i&gt;号 · <time>2023-01-01</time>" in html
        assert ">翠竹&lt;b&gt;街道&lt;/b&gt; <span class=\"count\">(1)</span></a>" in html
        assert "<b>街道</b>" not in html and "<i>1</i>" not in html

    def test_it_redirects_an_exact_doc_no_to_the_document(self):
        response = self.get(q="国办函[2018]71号")
        self.assertRedirects(response, self.notice.get_absolute_url(), fetch_redirect_response=False)

    def test_it_shows_records_with_some_of_the_words_when_none_has_all(self):
        response = self.get(q="民生微实事 火星基地")
        self.assertContains(response, "未找到同时包含全部检索词的信息")
        self.assertContains(response, "以下 2 条信息包含您检索词中的部分词语")
        self.assertContains(response, "翠竹街道2022年<mark>民生微实事</mark>项目公示</a>")
        self.assertContains(response, "民生微实事</a>（2 条）")  # the relaxed query
        # A question typed as one string: its rarest words find the record that answers it.
        data = self.get(q="民生微实事资金是怎样拨付的", format="json").json()
        assert data["partial"] is True
        # (first on FTS5 and tantivy; ts_rank, which has no idf, puts the title match first)
        assert "罗湖区翠竹街道办事处2022年预算执行情况" in [r["title"] for r in data["results"][:2]]

    def test_a_strict_query_that_matches_nothing_shows_no_partial_results(self):
        for q in ['"民生微实事 火星基地"', "民生微实事 -资金 火星基地", "标题:民生微实事 火星"]:
            response = self.get(q=q)
            self.assertContains(response, "未找到结果")
            self.assertNotContains(response, '<li class="hit">')

    def test_it_answers_nasty_input_politely(self):
        for q in ['"', "NEAR(", "\x00", "a" * 10_000, "-", "文号:", "😀"]:
            assert self.get(q=q).status_code == 200
            assert self.get(q=q, format="json", page="x", year="y", sort="?").status_code == 200

    def test_it_returns_the_same_results_as_json(self):
        data = self.get(q="民生微实事 资金", format="json").json()
        assert data == {
            "q": "民生微实事 资金",
            "query": "民生微实事 资金",
            "exact_match": None,
            "total": 1,
            "total_exact": True,
            "page": 1,
            "per_page": 20,
            "num_pages": 1,
            "partial": False,
            "sort": "relevance",
            "filters": {},
            "results": [{
                "id": self.budget.pk,
                "url": self.budget.get_absolute_url(),
                "title": "罗湖区翠竹街道办事处2022年预算执行情况",
                "title_html": "罗湖区翠竹街道办事处2022年预算执行情况",
                "snippet_html": "全年安排<mark>民生微实事</mark><mark>资金</mark>300万元。"
                                "<mark>民生微实事</mark><mark>资金</mark>按项目拨付，A &lt; B &amp; C。",
                "snippet_source": "",
                "index_no": "11440303007546460H/2022-00050",
                "doc_no": "",
                "agency": "深圳市罗湖区翠竹街道办事处",
                "published": "2022-06-30",
                "score": data["results"][0]["score"],
            }],
            "facets": {
                "agency": [{"value": self.cuizhu.pk, "label": "翠竹街道办", "count": 1, "selected": False}],
                "topic": [],
                "genre": [{"value": self.summary_genre.pk, "label": "工作总结", "count": 1, "selected": False}],
                "year": [{"value": 2022, "label": "2022", "count": 1, "selected": False}],
                "validity": [{"value": "in_force", "label": "现行有效", "count": 1, "selected": False}],
            },
            "facets_exact": True,
            "relaxed": [],
            "suggestions": [],
        }
        assert data["results"][0]["score"] > 0

    def test_it_reports_an_exact_match_in_json_instead_of_redirecting(self):
        data = self.get(q="000014349/2018-00204", format="json").json()
        assert data["exact_match"] == {"url": self.notice.get_absolute_url(),
                                       "title": self.notice.title}

    def test_it_filters_and_sorts_from_the_query_string(self):
        data = self.get(q="翠竹街道", format="json", sort="date", genre=self.summary_genre.pk).json()
        assert [r["title"] for r in data["results"]] == [
            "罗湖区翠竹街道办事处2021年工作总结", "罗湖区翠竹街道办事处2022年预算执行情况"]
        assert data["filters"] == {"genre": self.summary_genre.pk}

    def test_the_facet_titles_come_from_the_index(self):
        titled = {name: Facet(f"按{facet.title}", facet.type)
                  for name, facet in DocumentIndex.facets.items()}
        with mock.patch.object(DocumentIndex, "facets", titled):
            response = self.get(q="翠竹街道")
        self.assertContains(response, "<h2>按发布机构</h2>")
        self.assertContains(response, "<h2>按有效性</h2>")

    def test_the_index_declares_which_facets_there_are(self):
        declared = {"year": Facet("年度", int), "genre": Facet("文种", int),
                    "validity": Facet("效力", str)}
        with mock.patch.object(DocumentIndex, "facets", declared):
            index = DocumentIndex()
            get_search_backend().rebuild([[index.to_record(d) for d in index.get_queryset()]])
            response = self.get(q="翠竹街道", agency=self.cuizhu.pk)
            data = self.get(q="翠竹街道", format="json", genre=self.summary_genre.pk,
                            agency=self.cuizhu.pk).json()
        assert [h2 for h2 in ("年度", "文种", "效力", "发布机构", "主题分类")
                if f"<h2>{h2}</h2>" in response.content.decode()] == ["年度", "文种", "效力"]
        assert data["filters"] == {"genre": self.summary_genre.pk}  # agency: not a facet now
        assert {name: [(v["label"], v["count"]) for v in values]
                for name, values in data["facets"].items()} == {
            "year": [("2022", 2)], "genre": [("工作总结", 2)], "validity": [("现行有效", 1)]}

    def test_each_json_hit_is_what_the_index_says_plus_highlights(self):
        def to_dict(index, doc):
            return {"id": doc.pk, "title": doc.title, "short": doc.title[:4]}

        with mock.patch.object(DocumentIndex, "to_dict", to_dict):
            data = self.get(q="民生微实事 资金", format="json").json()
        assert data["results"] == [{
            "id": self.budget.pk, "title": self.budget.title, "short": "罗湖区翠",
            "title_html": self.budget.title, "snippet_html": data["results"][0]["snippet_html"],
            "snippet_source": "", "score": data["results"][0]["score"]}]
