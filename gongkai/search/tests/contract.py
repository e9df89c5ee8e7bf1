"""The contract every search backend passes (after django-modelsearch's BackendTests).

A test case mixes ``BackendContract`` into ``SearchTestCase`` with the backend in
``GONGKAI_SEARCH``; it runs where its database is (FTS5 on SQLite, tsvector on PostgreSQL).
Results are asserted exactly: ranked titles, totals, facet counts, <mark> snippets.
"""

import datetime as dt
import random
from io import StringIO

import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongkai.catalog.models import Genre
from gongkai.documents import workflow
from gongkai.documents.models import (
    Attachment,
    AttachmentChange,
    Document,
    Status,
    TextStatus,
    Validity,
)
from gongkai.documents.search import index_batch, segment_ahead, sync_documents
from gongkai.search.backends import get_search_backend
from gongkai.search.query import parse
from gongkai.search.registry import get_index
from gongkai.search.results import exact_match, search
from gongkai.test import BaseTestCase, aware

FUZZ_PIECES = [
    '"', "“", "”", "《", "》", "'", "-", "--", "*", "^", ":", "：", "标题:", "title:", "文号:",
    "索引号:", "(", ")", "NEAR(", "NEAR(a b, 3)", "AND", "OR", "NOT", "{title}:", "\\", "%",
    "%%", "%s", "_", ";", "DROP TABLE search_fts;--", "' OR 1=1 --", "<script>", "&amp;", "\x00",
    "\x1f", "\ud800", "😀", "🇨🇳", "\u200b", "\u3000", "ＡＢＣ", "１２３", "翠竹", "街道",
    "民生微实事", "工作总结", "的", "2022-09-08", "〔2018〕", "[2018]", "/", "&", "|", "!",
    "<->", "<2>", ":*", "'a'", "a'b", "\t", "\n", " ",
]


class SearchTestCase(BaseTestCase):
    """The shared cast plus documents that exercise ranking, phrases and facets."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_search_cast(cls)


def add_search_cast(cls) -> None:
    """Documents that exercise ranking, phrases, facets and scheduling."""
    cls.notice_genre = Genre.objects.create(name="通知公告")
    cls.projects = Document.objects.create(
        index_no="11440303007546460H/2022-00041", title="翠竹街道2022年民生微实事项目公示",
        agency=cls.cuizhu, published_at=aware(2022, 3, 1), status=Status.PUBLISHED,
        subject_terms=["民生微实事"], genre=cls.notice_genre, topic=cls.topic,
        body="<p>根据《罗湖区民生微实事管理办法》，现将翠竹街道2022年民生微实事项目予以公示。</p>",
    )
    cls.budget = Document.objects.create(
        index_no="11440303007546460H/2022-00050", title="罗湖区翠竹街道办事处2022年预算执行情况",
        agency=cls.cuizhu, published_at=aware(2022, 6, 30), status=Status.PUBLISHED,
        genre=cls.summary_genre, validity=Validity.IN_FORCE,
        body="<p>全年安排民生微实事资金300万元。民生微实事资金按项目拨付，A &lt; B &amp; C。</p>",
    )
    cls.bank = Document.objects.create(
        title="关于支持乡村振兴金融服务的通知", agency=cls.gwyb, doc_no="国办发〔2021〕5号",
        published_at=aware(2021, 2, 1), status=Status.PUBLISHED, topic=cls.topic,
        genre=cls.notice_genre,
        body="<p>中国农业发展银行要加大对乡村振兴的信贷支持。</p>",
    )
    cls.scheduled = Document.objects.create(
        title="翠竹街道民生微实事项目验收结果", agency=cls.cuizhu, status=Status.PUBLISHED,
        published_at=timezone.now() + dt.timedelta(days=2), body="<p>验收结果。</p>",
    )


def reverse_hits(query, hits, **kwargs):
    """A re-ranker for the hook test: worst first."""
    return hits[::-1]


class BackendContract:
    backend_vendor = ""

    def titles(self, text, **kwargs):
        """The titles of the records matching every word (not a page of some-words hits)."""
        results = search(text, **kwargs)
        return [] if results.partial else [hit.object.title for hit in results.hits]

    def found(self, text, **kwargs):
        """The titles found, where the test is about finding, not order (bm25 and ts_rank
        may order close scores differently)."""
        return sorted(self.titles(text, **kwargs))

    def test_it_uses_the_configured_backend(self):
        assert get_search_backend().vendor == self.backend_vendor

    def test_it_finds_a_word_inside_a_longer_word(self):
        assert self.titles("农业") == ["关于支持乡村振兴金融服务的通知"]

    def test_it_keeps_domain_words_whole(self):
        # 翠竹街道 is part of the agency's name, so it is one word and is found as one.
        assert self.found("翠竹街道") == [
            "罗湖区翠竹街道办事处2021年工作总结",
            "罗湖区翠竹街道办事处2022年预算执行情况",
            "翠竹街道2022年民生微实事项目公示",
        ]

    def test_it_ranks_title_matches_above_body_only_matches(self):
        # The budget says 民生微实事 three times in its body; the projects list once in its title.
        assert self.titles("民生微实事") == [
            "翠竹街道2022年民生微实事项目公示",
            "罗湖区翠竹街道办事处2022年预算执行情况",
        ]

    def test_it_requires_every_word(self):
        assert self.titles("民生微实事 资金") == ["罗湖区翠竹街道办事处2022年预算执行情况"]

    def test_it_excludes_words(self):
        assert self.titles("民生微实事 -资金") == ["翠竹街道2022年民生微实事项目公示"]

    def test_it_filters_by_title(self):
        assert self.titles("标题:民生微实事") == ["翠竹街道2022年民生微实事项目公示"]
        assert self.titles("title:资金") == []

    def test_it_filters_by_doc_no_field(self):
        assert self.titles("文号:国办发") == ["关于支持乡村振兴金融服务的通知"]

    def test_it_matches_phrases_in_any_quotes(self):
        assert self.titles('"乡村振兴金融"') == ["关于支持乡村振兴金融服务的通知"]
        assert self.found("“翠竹街道办事处”") == [
            "罗湖区翠竹街道办事处2021年工作总结", "罗湖区翠竹街道办事处2022年预算执行情况"]
        assert self.titles("《罗湖区民生微实事管理办法》") == ["翠竹街道2022年民生微实事项目公示"]

    def test_it_does_not_match_a_phrase_whose_words_are_apart(self):
        assert self.titles("资金 信贷") == []
        assert self.titles('"振兴信贷"') == []

    def test_it_never_returns_what_is_not_public(self):
        titles = self.titles("翠竹街道") + self.titles("草稿") + self.titles("人事安排")
        assert "翠竹街道2023年工作计划（草稿）" not in titles
        assert "翠竹街道内部人事安排" not in titles
        assert "翠竹街道民生微实事项目验收结果" not in titles

    def test_it_returns_a_scheduled_document_once_its_time_comes(self):
        with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
            assert "翠竹街道民生微实事项目验收结果" in self.titles("验收")

    def test_it_removes_a_withdrawn_document_at_once(self):
        workflow.withdraw(self.projects)
        assert self.titles("民生微实事") == ["罗湖区翠竹街道办事处2022年预算执行情况"]

    def test_it_indexes_a_document_when_it_is_published(self):
        assert self.titles("草稿内容") == []
        workflow.publish(self.draft)
        assert self.titles("草稿内容") == ["翠竹街道2023年工作计划（草稿）"]

    def test_it_follows_edits_and_deletions(self):
        self.bank.title = "关于金融支持春耕的通知"
        self.bank.save()
        assert self.titles("乡村振兴") == ["关于金融支持春耕的通知"]
        assert self.titles("标题:乡村") == []
        self.bank.delete()
        assert self.titles("农业") == []

    def test_it_highlights_the_title_and_a_snippet_of_the_body(self):
        hit = search("民生微实事 资金").hits[0]
        assert hit.title == "罗湖区翠竹街道办事处2022年预算执行情况"
        assert hit.snippet == (
            "全年安排<mark>民生微实事</mark><mark>资金</mark>300万元。"
            "<mark>民生微实事</mark><mark>资金</mark>按项目拨付，A &lt; B &amp; C。")
        assert search("民生微实事").hits[0].title == "翠竹街道2022年<mark>民生微实事</mark>项目公示"

    def test_it_finds_a_word_only_in_an_attachment_and_says_where(self):
        def attach(name, text, **fields):
            return Attachment.objects.create(
                document=self.bank, name=name, kind="xlsx", file=ContentFile(b"x", name="a.xlsx"),
                text=text, text_status=TextStatus.EXTRACTED, **fields)

        attach("附件1：资金分配表.xlsx", "各省 农机购置补贴 资金分配")
        attach("附件2：待审.xlsx", "拖拉机 报废更新", pending=AttachmentChange.ADD)
        hits = search("农机购置补贴").hits
        assert [h.object.title for h in hits] == ["关于支持乡村振兴金融服务的通知"]
        assert hits[0].source == "附件1：资金分配表.xlsx"
        assert hits[0].snippet == "各省 <mark>农机</mark><mark>购置</mark><mark>补贴</mark> 资金分配"
        # The body still explains a body match; an attachment waiting for review is not found.
        assert search("信贷支持").hits[0].source == ""
        assert self.titles("拖拉机") == []

    def test_it_highlights_full_width_input(self):
        hit = search("ｃ").hits[0]
        assert "&amp; <mark>C</mark>" in hit.snippet

    def test_it_counts_facets(self):
        results = search("翠竹街道")
        facets = {name: [(v.label, v.count) for v in values]
                  for name, values in results.facets.items()}
        assert facets == {
            "agency": [("翠竹街道办", 3)],
            "topic": [("综合政务", 1)],
            "genre": [("工作总结", 2), ("通知公告", 1)],
            "year": [("2022", 3)],
            "validity": [("现行有效", 1)],
        }
        assert results.facets_exact

    def test_it_filters_by_facets(self):
        assert self.found("翠竹街道", filters={"genre": str(self.summary_genre.pk)}) == [
            "罗湖区翠竹街道办事处2021年工作总结", "罗湖区翠竹街道办事处2022年预算执行情况"]
        assert self.titles("通知", filters={"year": "2018", "agency": self.gwyb.pk}) == [
            "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"]
        assert self.titles("翠竹街道", filters={"validity": "in_force", "year": "x"}) == [
            "罗湖区翠竹街道办事处2022年预算执行情况"]

    def test_it_ignores_filter_values_it_cannot_use(self):
        everything = self.found("翠竹街道")
        for filters in [{"year": "9" * 30}, {"agency": "-" + "9" * 25}, {"validity": "\x00"},
                        {"validity": "in_force\x00"}, {"validity": "x" * 100},
                        {"genre": "1.5"}, {"topic": "\x00"}, {"nonsense": "1"}]:
            assert self.found("翠竹街道", filters=filters) == everything, filters

    def test_it_sorts_by_date(self):
        assert self.titles("翠竹街道", sort="date") == [
            "罗湖区翠竹街道办事处2021年工作总结",  # published 2022-09-08
            "罗湖区翠竹街道办事处2022年预算执行情况",
            "翠竹街道2022年民生微实事项目公示",
        ]

    def test_it_paginates(self):
        first = search("翠竹街道", per_page=2, sort="date")
        second = search("翠竹街道", per_page=2, page=2, sort="date")
        assert (first.total, first.num_pages, first.has_next) == (3, 2, True)
        assert [h.object.title for h in second.hits] == ["翠竹街道2022年民生微实事项目公示"]
        beyond = search("翠竹街道", per_page=2, page=99, sort="date")
        assert beyond.page == 2 and [h.object.title for h in beyond.hits] == [
            "翠竹街道2022年民生微实事项目公示"]

    def test_it_offers_a_relaxed_query_and_suggestions_when_nothing_matches(self):
        results = search("民生微实事 火星")
        assert (results.partial, results.total) == (True, 2)  # the records with 民生微实事
        assert [(r.text, r.count, r.dropped) for r in results.relaxed] == [
            ("民生微实事", 2, "火星")]
        results = search('"民生微实事 火星"')  # a phrase is meant strictly: no partial hits
        assert (results.partial, results.total, results.hits) == (False, 0, [])
        assert results.suggestions == ["翠竹街道2022年民生微实事项目公示"]

    def test_it_jumps_to_an_exact_doc_no_or_index_no(self):
        assert exact_match(parse("国办函[2018]71号")) == self.notice
        assert exact_match(parse("国办函（2018）71号")) == self.notice
        assert exact_match(parse("文号:国办函〔2018〕71号")) == self.notice
        assert exact_match(parse("11440303007546460h/2022-00033")) == self.summary
        assert exact_match(parse("国办函")) is None

    def test_it_lets_a_reranker_reorder_the_top_hits(self):
        backend = type(get_search_backend()).__module__
        hook = {"default": {"BACKEND": backend, "RERANK": f"{__name__}.reverse_hits"}}
        with self.settings(GONGKAI_SEARCH=hook):
            assert self.titles("民生微实事") == [
                "罗湖区翠竹街道办事处2022年预算执行情况", "翠竹街道2022年民生微实事项目公示"]
            assert self.titles("民生微实事", per_page=1, page=2) == [
                "翠竹街道2022年民生微实事项目公示"]

    def test_question_candidates_come_from_its_rarest_words(self):
        # The re-ranker's any-word candidates for a question: 翠竹 is in more records than the
        # gate (here 2) and would crowd out the one record with 乡村振兴, so it is left out.
        backend = type(get_search_backend()).__module__
        with self.settings(GONGKAI_SEARCH={"default": {"BACKEND": backend, "GATE": 2}}):
            backend = get_search_backend()
            assert backend.documents_with("翠竹") > 2
            assert backend.documents_with("乡村振兴") == 1
            hits = backend._any_word_hits(["翠竹", "乡村振兴", "翠竹"], {})
            assert [Document.objects.get(pk=pk).title for pk, _ in hits] == [
                "关于支持乡村振兴金融服务的通知"]
            # The rarest word alone when every word is above the gate.
            assert backend.rarest(["翠竹", "街道"]) in (["翠竹"], ["街道"])

    def test_it_rebuilds_to_the_same_results(self):
        before = self.titles("翠竹街道")
        index = get_index()
        get_search_backend().rebuild([[index.to_record(d) for d in index.get_queryset()]])
        assert self.titles("翠竹街道") == before
        assert self.titles("验收") == []

    def test_sync_documents_indexes_bulk_writes_and_removes_what_is_not_public(self):
        # bulk_update sends no signal: the index holds the old title until the sync.
        self.bank.title = "关于金融支持春耕的通知"
        self.budget.status = Status.WITHDRAWN
        Document.objects.bulk_update([self.bank, self.budget], ["title", "status"])
        assert self.titles("春耕") == []
        assert sync_documents([self.bank.pk, self.budget.pk, self.draft.pk]) == 1
        assert self.titles("春耕") == ["关于金融支持春耕的通知"]
        assert self.titles("标题:乡村") == []
        assert self.budget.pk not in get_search_backend().ids()
        assert self.titles("草稿内容") == []

    def test_a_bulk_batch_is_indexed_with_what_its_workers_segmented_for_the_same_text(self):
        # A bulk import's worker segmented the title and the body before the batch changed
        # the body (bulk_update sends no signals, as the batch's own writes send none).
        backend = get_search_backend()
        ahead = segment_ahead(title=self.bank.title, abstract="", subject_terms=[],
                              body_html="<p>旧的正文内容</p>", publisher=self.gwyb.name,
                              doc_no=self.bank.doc_no)
        # What the worker made of the title, swapped for a word the title does not hold:
        # finding the document by it shows the index took the title as it was given.
        title = ahead[backend.segments_as]["title"][0]
        ahead[backend.segments_as]["title"] = (
            title, backend.segment_field("试验标记", backend.segmenter))
        self.bank.body = "<p>春耕备耕的信贷支持。</p>"
        Document.objects.bulk_update([self.bank], ["body"])
        assert index_batch([self.bank], created=set(), ahead={self.bank.pk: ahead}) == 1
        assert self.titles("试验标记") == [self.bank.title]
        assert self.titles("春耕备耕") == [self.bank.title]  # a changed text: segmented again
        assert self.titles("旧的正文内容") == []
        assert self.titles("乡村振兴") == []  # the earlier entry was replaced

    def test_it_answers_any_input_without_an_error(self):
        rng = random.Random(20261128)  # fixed: a failure can be replayed
        inputs = ["", " ", "-", '"', "《", "标题:", "-民生微实事", "a" * 10_000, "街道" * 5_000,
                  "\x00" * 50, "NEAR(翠竹 街道)", "翠竹*", '"""', "(((", "😀" * 100]
        inputs += ["".join(rng.choices(FUZZ_PIECES, k=rng.randint(1, 12))) for _ in range(150)]
        for text in inputs:
            for sort in ("relevance", "date"):
                results = search(text, sort=sort)
                assert results.total >= 0, text
                exact_match(results.query)

    # -- the index and the catalogue agree ----------------------------------------------------

    def test_totals_agree_with_the_hits_after_a_bulk_update(self):
        # QuerySet.update() sends no signal, so the index still holds the budget; the first
        # search that returns it finds it is not public, removes it and searches again.
        Document.objects.filter(pk=self.budget.pk).update(status=Status.WITHDRAWN)
        results = search("民生微实事 资金")
        # Nothing holds both words now; of the records with some of them, the budget is gone.
        assert (results.partial, [h.object.title for h in results.hits], results.facets) == (
            True, ["翠竹街道2022年民生微实事项目公示"], {})
        assert self.budget.pk not in get_search_backend().ids()
        results = search("民生微实事")
        assert results.total == 1
        assert [h.object.title for h in results.hits] == ["翠竹街道2022年民生微实事项目公示"]
        assert {name: [(v.label, v.count) for v in values]
                for name, values in results.facets.items() if values} == {
            "agency": [("翠竹街道办", 1)], "topic": [("综合政务", 1)],
            "genre": [("通知公告", 1)], "year": [("2022", 1)]}

    def test_a_scheduled_hit_is_not_removed_from_the_index(self):
        Document.objects.filter(pk=self.budget.pk).update(
            published_at=timezone.now() + dt.timedelta(seconds=30))
        search("民生微实事 资金")
        assert self.budget.pk in get_search_backend().ids()

    def check(self):
        """``gongkai reindex --check``: (exit status, output lines)."""
        out = StringIO()
        try:
            call_command("reindex", check=True, stdout=out, stderr=StringIO())
        except CommandError as e:
            return e.returncode, out.getvalue().splitlines()
        return 0, out.getvalue().splitlines()

    def test_reindex_check_reports_drift(self):
        assert self.check() == (0, [
            "default: 6 indexed, 6 in the catalogue; 0 missing from the index, 0 in the index "
            "but not publishable, 0 with another publication time"])
        Document.objects.filter(pk=self.budget.pk).update(status=Status.WITHDRAWN)
        Document.objects.filter(pk=self.draft.pk).update(status=Status.PUBLISHED,
                                                         published_at=aware(2023, 1, 1))
        Document.objects.filter(pk=self.bank.pk).update(published_at=aware(2020, 1, 1))
        assert self.check() == (1, [
            "default: 6 indexed, 6 in the catalogue; 1 missing from the index, 1 in the index "
            "but not publishable, 1 with another publication time",
            f"  missing from the index: {self.draft.pk}",
            f"  in the index but not publishable: {self.budget.pk}",
            f"  with another publication time: {self.bank.pk}"])
        call_command("reindex", verbosity=0, stdout=StringIO(), stderr=StringIO())
        assert self.check()[0] == 0

    def test_it_indexes_any_date_django_accepts(self):
        dates = {"公元元年档案": dt.datetime(1, 1, 1, tzinfo=dt.UTC),
                 "二〇五〇年档案": aware(2050, 1, 1),
                 "二二〇二年档案": aware(2202, 1, 1),
                 "九九九九年档案": dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)}
        docs = [Document.objects.create(title=title, agency=self.cuizhu, status=Status.PUBLISHED,
                                        published_at=moment, body="<p>远古档案</p>")
                for title, moment in dates.items()]
        # The later ones are scheduled: indexed now, found when their time comes.
        assert self.titles("远古档案") == ["公元元年档案"]
        assert self.titles("远古档案", sort="date") == ["公元元年档案"]
        with time_machine.travel(aware(2203, 1, 1), tick=False):
            assert self.found("档案") == ["二〇五〇年档案", "二二〇二年档案", "公元元年档案"]
            assert self.titles("档案", sort="date")[-1] == "公元元年档案"
        assert self.check()[0] == 0
        for doc in docs:
            workflow.withdraw(doc)
        assert self.check()[0] == 0
