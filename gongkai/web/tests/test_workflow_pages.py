"""Public pages that follow the workflow: a withdrawn document's page, 规章库 (/regulations/),
and the validity shown in listings."""

import datetime as dt

from django.utils import timezone

from gongkai.catalog.models import Genre
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status, Validity
from gongkai.test import BaseTestCase, aware


class WithdrawnPageTestCase(BaseTestCase):
    def test_a_withdrawn_document_keeps_its_url_says_when_and_hides_the_body(self):
        workflow.withdraw(self.summary)
        r = self.client.get(self.summary.get_absolute_url())
        html = r.content.decode()
        assert r.status_code == 200
        assert f"本信息已于 {timezone.localdate():%Y-%m-%d} 撤回" in html
        assert "罗湖区翠竹街道办事处2021年工作总结" in html and "11440303007546460H/2022-00033" in html
        assert "第一议题" not in html  # body
        assert "坚持以习近平" not in html  # 内容概述
        assert "主题词" not in html and "翠竹街道 工作总结" not in html
        assert '<meta name="robots" content="noindex">' in html

    def test_a_scheduled_withdrawal_takes_the_body_off_at_its_time_before_the_scheduler_runs(self):
        self.summary.withdraw_at = timezone.now() - dt.timedelta(minutes=1)
        self.summary.save()
        html = self.client.get(self.summary.get_absolute_url()).content.decode()
        assert "本信息已于" in html and "第一议题" not in html
        assert "罗湖区翠竹街道办事处2021年工作总结" not in self.client.get("/").content.decode()

    def test_a_document_withdrawn_before_it_was_ever_public_has_no_page(self):
        workflow.publish(self.draft, at=timezone.now() + dt.timedelta(days=3))
        workflow.withdraw(self.draft)
        assert self.client.get(self.draft.get_absolute_url()).status_code == 404

    def test_a_withdrawn_document_that_was_not_actively_disclosed_has_no_page(self):
        Document.objects.filter(pk=self.on_request.pk).update(
            status=Status.WITHDRAWN, withdrawn_at=timezone.now())
        assert self.client.get(self.on_request.get_absolute_url()).status_code == 404


class RegulationsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        rules, normative = Genre.objects.create(name="规章"), Genre.objects.create(name="行政规范性文件")

        def make(title, genre, validity, **fields):
            return Document.objects.create(
                title=title, agency=cls.cuizhu, genre=genre, validity=validity,
                status=Status.PUBLISHED, published_at=aware(2023, 1, 1), **fields)

        cls.new_rule = make("翠竹街道物业管理办法（2023年修订）", rules, Validity.IN_FORCE,
                            doc_no="罗竹规〔2023〕1号")
        cls.old_rule = make("翠竹街道物业管理办法", rules, Validity.REPEALED,
                            superseded_by=cls.new_rule, repealed_on=dt.date(2023, 1, 1))
        cls.notice_rule = make("翠竹街道停车管理规定", normative, Validity.AMENDED)
        cls.other_genre = make("翠竹街道工作简报", cls.summary_genre, Validity.IN_FORCE)
        cls.draft_rule = Document.objects.create(title="草稿规章", agency=cls.cuizhu, genre=rules,
                                                 validity=Validity.IN_FORCE)

    def test_it_lists_regulations_in_force_by_default(self):
        html = self.client.get("/regulations/").content.decode()
        assert "翠竹街道物业管理办法（2023年修订）" in html and "罗竹规〔2023〕1号" in html
        assert "翠竹街道物业管理办法</a>" not in html  # repealed
        assert "翠竹街道工作简报" not in html and "草稿规章" not in html
        assert 'aria-current="page">现行有效 <span class="count">(1)</span>' in html

    def test_it_filters_by_validity_and_links_the_document_in_force(self):
        html = self.client.get("/regulations/?validity=repealed").content.decode()
        assert "翠竹街道物业管理办法</a>" in html and "已废止（2023-01-01）" in html
        assert f'现行文件：<a href="{self.new_rule.get_absolute_url()}">' in html
        html = self.client.get("/regulations/?validity=all").content.decode()
        assert all(t in html for t in ("物业管理办法（2023年修订）", "停车管理规定", "物业管理办法</a>"))

    def test_an_unknown_filter_falls_back_to_in_force(self):
        html = self.client.get("/regulations/?validity=<script>").content.decode()
        assert "物业管理办法（2023年修订）" in html and "<script>" not in html.split("<main")[1]

    def test_listings_show_that_a_document_is_repealed_and_its_page_links_the_new_one(self):
        listing = self.client.get(f"/agencies/{self.cuizhu.pk}/documents/").content.decode()
        assert "翠竹街道物业管理办法</a> <span class=\"validity\">（已废止）</span>" in listing
        page = self.client.get(self.old_rule.get_absolute_url()).content.decode()
        assert "本文件已废止" in page and self.new_rule.get_absolute_url() in page
