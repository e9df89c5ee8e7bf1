"""Bulk import (``gongkai import --bulk``, importers/bulk.py): the same catalogue as the
record-by-record import, a batch per transaction, a bad record costing only itself."""

import io
import json
from collections import Counter
from unittest import mock

from django.core.management import call_command
from django.db import IntegrityError, transaction

from gongkai.accounts.models import AuditEntry
from gongkai.catalog.models import Agency, AgencyCount
from gongkai.documents import workflow
from gongkai.documents.models import Document, IndexSerial, Revision, Status
from gongkai.importers import bulk, load
from gongkai.search.results import search

from .test_import import RECORD, ImportCase

# A file with what an import meets: numbered and unnumbered records, a new agency whose
# 索引号 gives it a code, one without a date (a draft), a record the file holds twice, a
# genre and a validity, a line that is not JSON and a date that does not exist.
RECORDS = [{**RECORD, "title": "带索引号的一篇", "index_no": "000014349/2023-00002"}] + [
    {**RECORD, "title": f"国务院办公厅关于第{i}批测试事项的通知", "doc_no": f"国办发〔2023〕{i}号",
     "genre": "通知", "validity": "现行有效" if i % 2 else None}
    for i in range(1, 8)
] + [
    {**RECORD, "publisher": "惠州市某局", "title": "新机构的一篇",
     "index_no": "11441700007280420Y/2023-00012"},
    {**RECORD, "publisher": "惠州市某局", "title": "新机构没有索引号的一篇"},
    {**RECORD, "title": "没有日期的一篇", "published_on": None},
    {**RECORD, "title": "国务院办公厅关于第3批测试事项的通知", "doc_no": "国办发〔2023〕3号",
     "abstract": "第二次出现"},
    {**RECORD, "title": "另一篇没有日期的", "published_on": None},
]
BAD_LINES = ["{not json", '{"title": "日期不存在", "publisher": "国务院办公厅", "published_on": "2023-02-30"}']
QUERIES = ["测试事项", "索引号", "新机构", "没有日期", "第二段"]


def catalogue() -> dict:
    """What an import leaves, by title, without ids that differ between two runs."""
    documents = {}
    for d in Document.objects.select_related("agency", "genre", "topic"):
        documents[d.title] = (
            d.index_no, d.status, d.published_at, d.published_time_known, d.agency.name,
            d.doc_no, d.body, d.abstract, d.subject_terms, d.genre and d.genre.name,
            d.topic and d.topic.path, d.validity, d.publisher_label, bool(d.source_key))
    return {
        "documents": documents,
        "agencies": sorted((a.name, a.code, a.needs_review) for a in Agency.objects.all()),
        "counts": sorted((c.agency.name, c.publishable)
                         for c in AgencyCount.objects.select_related("agency")),
        "serials": sorted((s.agency.name, s.year, s.last)
                          for s in IndexSerial.objects.select_related("agency")),
        "revisions": Counter(Revision.objects.values_list("document__title", "kind")),
        "audit": Counter(AuditEntry.objects.values_list("action", "object_repr")),
        "hits": {q: sorted(h.object.title for h in search(q, per_page=50).hits) for q in QUERIES},
        "published": sorted(Document.objects.published().values_list("title", flat=True)),
    }


def run(path, *options) -> str:
    out = io.StringIO()
    call_command("import_documents", str(path), *options, stdout=out, verbosity=0)
    return out.getvalue()


class BulkImportTestCase(ImportCase):
    def setUp(self):
        super().setUp()
        self.path = self.write_jsonl(self.tmp, *RECORDS[:4], raw_lines=BAD_LINES, name="a.jsonl")
        with self.path.open("a", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS[4:])

    def imported(self, *options) -> tuple[str, dict]:
        """Import the file, take the catalogue, and roll everything back."""
        with transaction.atomic():
            out = run(self.path, *options)
            state = catalogue()
            transaction.set_rollback(True)
        return out, state

    def test_the_bulk_import_leaves_the_catalogue_the_normal_import_leaves(self):
        normal_out, normal = self.imported("--no-bulk")
        with mock.patch.object(bulk, "BATCH", 4), mock.patch.object(  # batches end mid-file
                workflow, "save_imported_many", wraps=workflow.save_imported_many) as batches:
            bulk_out, bulked = self.imported("--bulk")
        assert batches.call_count == 4
        assert "新增 12 条，更新 1 条，跳过 2 个" in normal_out
        assert bulk_out == normal_out  # the same summary, line for line
        for part in normal:
            assert bulked[part] == normal[part], part
        # The rules themselves, not only agreement: 索引号 by rule after the one in the file.
        documents = bulked["documents"]
        assert documents["国务院办公厅关于第1批测试事项的通知"][0] == "000014349/2023-00001"
        assert documents["国务院办公厅关于第2批测试事项的通知"][0] == "000014349/2023-00003"
        assert documents["新机构没有索引号的一篇"][0] == "11441700007280420Y/2023-00001"
        assert documents["没有日期的一篇"][:2] == (None, Status.DRAFT)
        assert "没有日期的一篇" not in bulked["published"]
        assert len(bulked["hits"]["测试事项"]) == 7
        assert not any("没有日期" in title for hits in bulked["hits"].values() for title in hits)

    def test_a_malformed_record_mid_batch_is_reported_with_its_line_and_the_rest_saved(self):
        summary = bulk.import_paths_bulk([self.path], progress=False, batch=3)
        assert [where for where, _ in summary.skipped] == [f"{self.path} 第5行",
                                                           f"{self.path} 第6行"]
        assert "not valid JSON" in summary.skipped[0][1]
        assert "2023-02-30" in summary.skipped[1][1]
        assert summary.created == 12 and summary.updated == 1
        assert not Document.objects.filter(title="日期不存在").exists()

    def test_a_batch_the_database_refuses_is_saved_record_by_record(self):
        original = load._classify

        def breaks_on_one(document, category, lookups):
            if document.title == "带索引号的一篇":
                raise IntegrityError("refused")
            return original(document, category, lookups)

        with mock.patch.object(load, "_classify", side_effect=breaks_on_one), \
                mock.patch.object(workflow, "save_imported_many",
                                  wraps=workflow.save_imported_many) as batches:
            summary = bulk.import_paths_bulk([self.path], progress=False, batch=4)
        assert (f"{self.path} 第1行", "无法保存：IntegrityError：refused") in summary.skipped
        assert not Document.objects.filter(title="带索引号的一篇").exists()
        # The batch holding it was rolled back and saved one by one; the others in bulk.
        assert summary.created == 11 and summary.updated == 1
        assert batches.call_count == 3
        assert Document.objects.filter(title__contains="测试事项").count() == 7
        # The refused batch's index entries went with it; saved again, each is found once.
        assert sorted(h.object.title for h in search("测试事项", per_page=50).hits) == sorted(
            Document.objects.filter(title__contains="测试事项").values_list("title", flat=True))

    def test_each_batch_is_found_by_search_as_soon_as_it_commits(self):
        indexed = []
        original = bulk.load_batch

        def then_search(*args, **kwargs):
            saved = original(*args, **kwargs)
            indexed.append(sorted(h.object.pk for h in search("测试事项", per_page=50).hits))
            return saved

        with mock.patch.object(bulk, "load_batch", side_effect=then_search):
            bulk.load_paths([self.path], progress=False, batch=4)
        # Found after the batch that saved them, before the load is over.
        assert [len(found) for found in indexed] == [3, 5, 7, 7]  # two bad lines in batch 2

    def test_importing_again_updates_and_never_duplicates(self):
        bulk.import_paths_bulk([self.path], progress=False)
        before = Document.objects.count()
        numbers = dict(Document.objects.values_list("title", "index_no"))
        again = bulk.import_paths_bulk([self.path], progress=False)
        assert again.created == 0 and again.updated == 13
        assert Document.objects.count() == before
        assert dict(Document.objects.values_list("title", "index_no")) == numbers
        assert AgencyCount.objects.get(agency=self.gwyb).publishable == \
            Document.objects.publishable().filter(agency=self.gwyb).count()

    def test_nothing_unpublished_becomes_visible_or_searchable(self):
        withdrawn = Document.objects.create(
            title="已撤回的一篇", agency=self.gwyb, status=Status.WITHDRAWN,
            published_at=self.notice.published_at, index_no="000014349/2023-00077")
        staff_draft = Document.objects.create(
            title="员工的草稿", agency=self.gwyb, status=Status.DRAFT,
            published_at=self.notice.published_at, index_no="000014349/2023-00078")
        path = self.write_jsonl(
            self.tmp, {**RECORD, "title": "已撤回的一篇", "index_no": withdrawn.index_no},
            {**RECORD, "title": "员工的草稿", "index_no": staff_draft.index_no, "body_text": "草稿新词"},
            {**RECORD, "title": "没有日期的草稿", "published_on": None, "body_text": "草稿新词"},
            name="drafts.jsonl")
        summary = bulk.import_paths_bulk([path], progress=False)
        assert summary.updated == 2 and summary.created == 1
        assert Document.objects.get(pk=withdrawn.pk).status == Status.WITHDRAWN
        assert Document.objects.get(pk=staff_draft.pk).status == Status.DRAFT
        assert not Document.objects.published().filter(
            title__in=["已撤回的一篇", "员工的草稿", "没有日期的草稿"]).exists()
        assert search("草稿新词").hits == [] and search("已撤回").hits == []

    def test_a_dry_run_keeps_nothing(self):
        out = run(self.path, "--bulk", "--dry-run")
        assert "试运行（未写入数据库）：新增 12 条，更新 1 条，跳过 2 个" in out
        assert not Document.objects.filter(title__contains="测试事项").exists()
        assert not Agency.objects.filter(name="惠州市某局").exists()

    def test_with_draft_everything_new_is_a_draft(self):
        out = run(self.path, "--bulk", "--draft")
        assert "新增 12 条" in out
        assert not Document.objects.published().filter(title__contains="测试事项").exists()
        assert search("测试事项").hits == []


class ThresholdTestCase(ImportCase):
    def test_an_input_of_the_threshold_or_more_records_goes_bulk_by_itself(self):
        small = self.write_jsonl(self.tmp, *RECORDS[:2], name="small.jsonl")
        large = self.write_jsonl(self.tmp, *RECORDS[:3], name="large.jsonl")
        assert not bulk.counts_as_bulk([small], threshold=3)
        assert bulk.counts_as_bulk([large], threshold=3)
        assert bulk.counts_as_bulk([self.tmp], threshold=5)  # a folder: every file counted
        with mock.patch.object(bulk, "BULK_THRESHOLD", 3), \
                mock.patch("gongkai.importers.management.commands.import_documents."
                           "import_paths_bulk", wraps=bulk.import_paths_bulk) as bulked:
            run(small)
            assert not bulked.called
            run(large)
            assert bulked.called
            run(large, "--no-bulk")
            assert bulked.call_count == 1
