"""Bad input to `gongkai import` costs the record it is in, and is said so (issue 8 §4):
out-of-range dates, records that break anything at all, undated pages, huge bodies; and what
an import does with agencies and the publication workflow."""

import json
from unittest import mock

from gongkai.catalog.models import Agency
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.importers import load

from .test_import import RECORD, ImportCase, run_import


class DateRangeTestCase(ImportCase):
    def test_out_of_range_dates_are_that_records_error_and_the_run_goes_on(self):
        first = self.write_jsonl(
            self.tmp,
            {**RECORD, "title": "二二〇二年", "published_on": "2202-01-01"},
            {**RECORD, "title": "公元一年", "published_on": "0001-01-01"},
            {**RECORD, "title": "成文于清朝", "written_on": "1800-01-01"},
            {**RECORD, "title": "施行于远未来", "effective_on": "9999-12-31"},
            {**RECORD, "title": "正常的一篇"},
        )
        later = self.tmp / "zz-later.jsonl"  # read after the first file
        later.write_text(json.dumps({**RECORD, "title": "后面的文件"}, ensure_ascii=False), "utf-8")
        out = run_import(self.tmp)
        assert "新增 2 条" in out and "跳过 4 个" in out
        assert f"跳过 {first} 第1行：发布日期 2202-01-01 超出可接受的范围（1949-10-01 至 " in out
        assert f"跳过 {first} 第2行：发布日期 0001-01-01 超出可接受的范围" in out
        assert f"跳过 {first} 第3行：成文日期 1800-01-01 超出可接受的范围（1900-01-01 至 2100-12-31）" in out
        assert f"跳过 {first} 第4行：施行日期 9999-12-31 超出可接受的范围" in out
        assert set(Document.objects.filter(agency=self.gwyb).values_list("title", flat=True)) == {
            "正常的一篇", "后面的文件", "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"}

    def test_a_web_page_dated_out_of_range_is_reported_by_its_file(self):
        page = self.tmp / "a-page.html"
        page.write_text(
            "<html><body><table><tr><td>标题：</td><td>穿越的通知</td></tr>"
            "<tr><td>发布机构：</td><td>国务院办公厅</td></tr>"
            "<tr><td>发布日期：</td><td>2202年01月01日</td></tr></table>"
            "<div id='zoom'><p>正文。</p></div></body></html>", "utf-8")
        self.write_jsonl(self.tmp, {**RECORD, "title": "之后的信息"})
        out = run_import(self.tmp)
        assert f"跳过 {page}：发布日期 2202-01-01 超出可接受的范围" in out
        assert Document.objects.filter(title="之后的信息").exists()


class UnexpectedErrorTestCase(ImportCase):
    def test_any_exception_saving_a_record_is_that_records_error(self):
        original = load._classify

        def breaks_on_one(document, category, lookups):
            if document.title == "会出错的一篇":
                raise OverflowError("date value out of range")
            return original(document, category, lookups)

        path = self.write_jsonl(self.tmp, {**RECORD, "title": "会出错的一篇", "publisher": "出错时新建的机构"},
                                {**RECORD, "title": "之后的一篇"})
        with mock.patch.object(load, "_classify", side_effect=breaks_on_one):
            out = run_import(path)
        assert f"跳过 {path} 第1行：无法保存：OverflowError：date value out of range" in out
        assert "新增 1 条" in out and Document.objects.filter(title="之后的一篇").exists()
        assert not Agency.objects.filter(name="出错时新建的机构").exists()  # rolled back

    def test_a_file_that_breaks_the_extractor_costs_that_file(self):
        from gongkai.importers import import_files

        bad = self.tmp / "a-bad.html"
        bad.write_text("<html></html>", "utf-8")
        good = self.write_jsonl(self.tmp, RECORD)
        original = import_files.extract_all

        def extract_all(path):
            if path == bad:
                raise RecursionError("maximum recursion depth exceeded")
            return original(path)

        with mock.patch.object(import_files, "extract_all", side_effect=extract_all):
            out = run_import(bad, good)
        assert f"跳过 {bad}：无法读取：RecursionError：maximum recursion depth exceeded" in out
        assert "新增 1 条" in out

    def test_a_failing_figure_check_does_not_unimport_the_record(self):
        with mock.patch("gongkai.importers.import_files.inconsistencies", side_effect=ValueError("x")):
            out = run_import(self.write_jsonl(self.tmp, RECORD))
        assert "新增 1 条" in out and "跳过 0 个" in out
        assert "已导入，但数据核验未能完成：ValueError：x" in out


class UndatedPageTestCase(ImportCase):
    def test_a_record_without_a_date_is_a_draft_without_an_index_no(self):
        path = self.write_jsonl(self.tmp, {**RECORD, "published_on": None}, {**RECORD, "title": "有日期的"})
        out = run_import(path)
        doc = Document.objects.get(title=RECORD["title"])
        assert doc.status == Status.DRAFT and doc.index_no is None and doc.published_at is None
        assert doc not in Document.objects.published() and doc not in Document.objects.publishable()
        assert "新增 2 条，更新 0 条，跳过 0 个" in out
        assert "导入为草稿（缺少发布日期）1 条" in out
        assert f"  {RECORD['title']}（{path} 第1行）" in out

    def test_a_later_import_with_the_date_publishes_the_draft(self):
        run_import(self.write_jsonl(self.tmp, {**RECORD, "published_on": None}))
        out = run_import(self.write_jsonl(self.tmp, RECORD))
        doc = Document.objects.get(title=RECORD["title"])
        assert "更新 1 条" in out and "草稿" not in out
        assert doc.status == Status.PUBLISHED and doc.index_no == "000014349/2023-00001"
        assert doc.published_display == "2023-02-03"

    def test_a_record_that_lost_its_date_leaves_the_published_document_as_it_was(self):
        run_import(self.write_jsonl(self.tmp, RECORD))
        run_import(self.write_jsonl(self.tmp, {**RECORD, "doc_no": None, "published_on": None,
                                               "index_no": "000014349/2023-00001"}))
        doc = Document.objects.get(title=RECORD["title"])
        assert doc.status == Status.PUBLISHED and doc.published_display == "2023-02-03"


class BodyLimitTestCase(ImportCase):
    def test_a_body_over_the_limit_is_refused_with_its_size(self):
        huge = "长" * (load.BODY_LIMIT + 1)
        path = self.write_jsonl(self.tmp, {**RECORD, "body_text": huge}, {**RECORD, "title": "正常的一篇"})
        out = run_import(path)
        assert f"跳过 {path} 第1行：正文过长：2,000,001 字符，超过上限 2,000,000 字符" in out
        assert not Document.objects.filter(title=RECORD["title"]).exists()
        assert Document.objects.filter(title="正常的一篇").exists()

    def test_the_limit_counts_the_html_when_there_is_some(self):
        with mock.patch.object(load, "BODY_LIMIT", 20):
            at_limit = {**RECORD, "body_html": "<p>" + "字" * 13 + "</p>", "title": "刚好"}
            over = {**RECORD, "body_html": "<p>" + "字" * 14 + "</p>", "title": "多一个字"}
            out = run_import(self.write_jsonl(self.tmp, at_limit, over))
        assert "新增 1 条" in out and "正文过长：21 字符，超过上限 20 字符" in out


class PublicationTestCase(ImportCase):
    def test_new_documents_are_published_by_the_workflow_keeping_their_date(self):
        with mock.patch.object(workflow, "publish", wraps=workflow.publish) as publish:
            run_import(self.write_jsonl(self.tmp, {**RECORD, "published_at_time": "09:30"}))
        doc = Document.objects.get(title=RECORD["title"])
        publish.assert_called_once_with(doc)
        assert doc.published_display == "2023-02-03 09:30" and doc.index_no == "000014349/2023-00001"

    def test_a_withdrawn_document_stays_withdrawn_when_imported_again(self):
        run_import(self.write_jsonl(self.tmp, RECORD))
        workflow.withdraw(Document.objects.get(title=RECORD["title"]))
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "abstract": "改过"}))
        doc = Document.objects.get(title=RECORD["title"])
        assert "更新 1 条" in out and doc.status == Status.WITHDRAWN and doc.abstract == "改过"


class AgencyCodeFromIndexNoTestCase(ImportCase):
    def test_a_new_agency_takes_the_valid_code_its_index_no_begins_with(self):
        record = {**RECORD, "publisher": "惠州市某局", "index_no": "11441700007280420Y/2023-00012"}
        undated_sibling = {**RECORD, "publisher": "惠州市某局", "title": "同一机构的另一篇"}
        out = run_import(self.write_jsonl(self.tmp, record, undated_sibling))
        agency = Agency.objects.get(name="惠州市某局")
        assert agency.code == "11441700007280420Y" and agency.needs_review
        assert "核对并补全机构代码：惠州市某局（机构代码 11441700007280420Y 取自索引号）" in out
        # Its documents without a 索引号 of their own are numbered in the same series.
        assert Document.objects.get(title="同一机构的另一篇").index_no == "11441700007280420Y/2023-00001"
        assert Document.objects.get(title=RECORD["title"]).index_no == "11441700007280420Y/2023-00012"

    def test_a_code_another_agency_holds_or_a_bad_check_digit_is_not_taken(self):
        run_import(self.write_jsonl(
            self.tmp, {**RECORD, "publisher": "冒用代码的机构", "index_no": "000014349/2023-00500"},
            {**RECORD, "publisher": "校验位错的机构", "index_no": "11441700007280420X/2023-00001"},
            {**RECORD, "publisher": "自编索引号的机构", "index_no": "LH-2023-0001"}))
        for name in ("冒用代码的机构", "校验位错的机构", "自编索引号的机构"):
            agency = Agency.objects.get(name=name)
            assert agency.code == "" and agency.needs_review, name

    def test_an_existing_agency_keeps_its_code(self):
        run_import(self.write_jsonl(self.tmp, {**RECORD, "publisher": "新区管委会",
                                               "index_no": "11441700007280420Y/2023-00012"}))
        self.xinqu.refresh_from_db()
        assert self.xinqu.code == ""
