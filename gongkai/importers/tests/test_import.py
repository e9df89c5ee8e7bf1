import io
import json

from django.core.management import call_command

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document, Status
from gongkai.test import BaseTestCase, shared_path

RECORD = {
    "index_no": None, "category": "综合政务\\政务公开", "publisher": "国务院办公厅",
    "written_on": "2023-02-01", "title": "国务院办公厅关于测试导入的通知", "doc_no": "国办发[2023]7号",
    "published_on": "2023-02-03", "subject_terms": ["导入", "测试"], "abstract": None,
    "body_text": "第一段。\n第二段<script>。",
}


def run_import(*args) -> str:
    out = io.StringIO()
    call_command("import_documents", *map(str, args), stdout=out, verbosity=0)
    return out.getvalue()


class ImportCase(BaseTestCase):
    """The shared cast and a temporary folder (``self.tmp``) to write files to import."""

    def write_jsonl(self, tmp, *records, raw_lines=(), name="batch.jsonl"):
        path = tmp / name
        lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(raw_lines)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def setUp(self):
        import tempfile
        from pathlib import Path

        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()


class ImportTestCase(ImportCase):
    def test_it_imports_a_record_published_with_a_new_index_no(self):
        out = run_import(self.write_jsonl(self.tmp, RECORD))
        doc = Document.objects.get(title=RECORD["title"])
        assert "新增 1 条" in out
        assert doc.status == Status.PUBLISHED and doc in Document.objects.published()
        assert doc.index_no == "000014349/2023-00001"
        assert doc.doc_no == "国办发〔2023〕7号"
        assert doc.topic == self.topic and doc.subject_terms == ["导入", "测试"]
        assert doc.body == "<p>第一段。</p><p>第二段&lt;script&gt;。</p>"
        assert doc.published_display == "2023-02-03"

    def test_the_same_index_no_updates_rather_than_duplicates(self):
        record = {**RECORD, "index_no": "000014349/2023-00099"}
        run_import(self.write_jsonl(self.tmp, record))
        out = run_import(self.write_jsonl(self.tmp, {**record, "title": "改过的标题"}))
        assert "新增 0 条，更新 1 条" in out
        assert list(Document.objects.filter(index_no=record["index_no"]).values_list(
            "title", flat=True)) == ["改过的标题"]

    def test_reimporting_a_page_without_index_no_does_not_duplicate(self):
        record = {**RECORD, "publisher": "某某新设机构"}
        run_import(self.write_jsonl(self.tmp, record))
        run_import(self.write_jsonl(self.tmp, record))
        assert Document.objects.filter(title=RECORD["title"]).count() == 1

    def test_dry_run_changes_nothing(self):
        before = (Document.objects.count(), Agency.objects.count())
        out = run_import("--dry-run", self.write_jsonl(self.tmp, {**RECORD, "publisher": "新机构"}))
        assert "试运行" in out and "新增 1 条" in out
        assert (Document.objects.count(), Agency.objects.count()) == before

    def test_a_malformed_line_is_reported_and_skipped(self):
        path = self.write_jsonl(self.tmp, RECORD, {**RECORD, "title": "第二篇", "written_on": "下周"},
                                raw_lines=["{not json"])
        out = run_import(path)
        assert "新增 1 条" in out and "跳过 2 个" in out
        assert "written_on" in out and "not valid JSON" in out
        assert not Document.objects.filter(title="第二篇").exists()

    def test_an_unreadable_file_is_reported_and_the_rest_imported(self):
        (self.tmp / "garbage.html").write_bytes(b"\x00\x01\x02" * 50)
        self.write_jsonl(self.tmp, RECORD)
        out = run_import(self.tmp)
        assert "新增 1 条" in out and "garbage.html" in out

    def test_an_overlong_index_no_is_reported(self):
        too_long = {**RECORD, "index_no": "X" * 200}
        out = run_import(self.write_jsonl(self.tmp, too_long, {**RECORD, "title": "好的一篇"}))
        assert "跳过 1 个" in out and "索引号过长" in out
        assert not Document.objects.filter(title=RECORD["title"]).exists()
        assert Document.objects.filter(title="好的一篇").exists()

    def test_a_database_failure_leaves_no_partial_record(self):
        from unittest import mock

        from django.db import DatabaseError

        path = self.write_jsonl(self.tmp, {**RECORD, "publisher": "半途失败的机构"})
        with mock.patch.object(Document, "save", side_effect=DatabaseError("disk I/O error")):
            out = run_import(path)
        assert "跳过 1 个" in out and "disk I/O error" in out
        assert not Agency.objects.filter(name="半途失败的机构").exists()

    def test_an_unknown_publisher_is_created_and_flagged(self):
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "publisher": "某市某局"}))
        agency = Agency.objects.get(name="某市某局")
        assert agency.needs_review and agency.code == ""
        assert "某市某局" in out and "补全机构代码" in out
        doc = Document.objects.get(title=RECORD["title"])
        assert doc.index_no is None

    def test_documents_get_index_nos_once_their_agency_has_a_code(self):
        from gongkai.documents.workflow import assign_missing_index_nos

        run_import(self.write_jsonl(self.tmp, {**RECORD, "publisher": "某市某局"}))
        agency = Agency.objects.get(name="某市某局")
        agency.code = "11441700007280420Y"
        agency.save()
        assert assign_missing_index_nos(agency) == 1
        assert Document.objects.get(title=RECORD["title"]).index_no == "11441700007280420Y/2023-00001"

    def test_agency_option_names_the_publisher_when_pages_do_not(self):
        path = self.write_jsonl(self.tmp, {**RECORD, "publisher": None})
        assert "请用 --agency" in run_import(path)
        run_import("--agency", "11440303007546460h", path)
        assert Document.objects.get(title=RECORD["title"]).agency == self.cuizhu

    def test_it_imports_the_seed_page(self):
        run_import(shared_path("seed", "seed-page.txt"))
        doc = Document.objects.get(index_no="11440303007546460H/2022-00033")
        assert doc.pk == self.summary.pk  # the cast already holds it: updated, not duplicated
        assert doc.title == "罗湖区翠竹街道办事处2021年工作总结"
        assert doc.body.count("<p>") > 20 and "民生微实事" in doc.body
        assert doc.abstract.startswith("2021年")


class ExtractCommandTestCase(BaseTestCase):
    def test_it_prints_the_contract_keys_for_the_seed(self):
        out = io.StringIO()
        call_command("extract", str(shared_path("seed", "seed-page.txt")), stdout=out)
        data = json.loads(out.getvalue())
        assert list(data) == ["index_no", "category", "publisher", "written_on", "title", "doc_no",
                              "published_on", "subject_terms", "abstract", "body_text"]
        assert data["index_no"] == "11440303007546460H/2022-00033"
        assert data["subject_terms"] == ["翠竹街道", "工作总结"]

    def test_it_exits_1_with_a_reason_when_there_is_no_document(self):
        import subprocess
        import sys
        import tempfile

        from gongkai.test import REPO_DIR

        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write("<html><body><p>hello</p></body></html>")
        result = subprocess.run([sys.executable, "-m", "gongkai.cli", "extract", f.name],
                                capture_output=True, text=True, cwd=REPO_DIR)
        assert result.returncode == 1
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and f.name in result.stderr


class ImportFigureCheckTestCase(ImportCase):
    def test_the_summary_lists_figures_that_do_not_add_up(self):
        wrong = "受理群众诉求1080宗，其中已化解1062件，待受理14宗，化解中1宗，继续研究3宗，成功率为98.30%。"
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "body_text": wrong}))
        assert "数据核验：1 条信息中有 1 处数字对不上" in out
        assert "成功率 98.30% = 1062 / 1080，文中 98.3，计算得 98.33" in out

    def test_a_joint_publisher_belongs_to_the_first_agency(self):
        run_import(self.write_jsonl(self.tmp, {**RECORD, "publisher": "国务院办公厅、中央军委办公厅"}))
        doc = Document.objects.get(title=RECORD["title"])
        assert doc.agency == self.gwyb
        assert doc.publisher == "国务院办公厅、中央军委办公厅"


class ImportCatalogueFieldsTestCase(ImportCase):
    def test_json_lines_may_carry_genre_validity_and_source(self):
        record = {**RECORD, "genre": "规章", "validity": "现行有效", "effective_on": "2023-03-01",
                  "source_url": "https://www.gov.cn/zhengce/content/x.htm"}
        run_import(self.write_jsonl(self.tmp, record))
        doc = Document.objects.get(title=RECORD["title"])
        assert (doc.genre.name, doc.get_validity_display(), str(doc.effective_on), doc.source_url) == (
            "规章", "现行有效", "2023-03-01", "https://www.gov.cn/zhengce/content/x.htm")
