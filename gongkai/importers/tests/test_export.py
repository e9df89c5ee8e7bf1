"""gongkai export: published documents only, every catalogue field, JSON Lines or CSV, the
nightly dump; and the round trip: export → import into an empty catalogue → export gives the
same file."""

import csv
import datetime as dt
import gzip
import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from gongkai.catalog.models import Agency, AgencyCount, Audience, Genre, Topic
from gongkai.documents import workflow
from gongkai.documents.models import Document, IndexSerial, Status, Validity
from gongkai.importers import export
from gongkai.importers.formats.catalogue_export import EXPORT_FIELDS
from gongkai.importers.tests.test_import import ImportCase, run_import
from gongkai.test import aware


def run_export(*args) -> str:
    out = io.StringIO()
    call_command("export", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def empty_the_catalogue() -> None:
    """What an instance freshly migrated holds: no document, agency or vocabulary."""
    Document.objects.update(superseded_by=None)
    Document.objects.all().delete()
    IndexSerial.objects.all().delete()
    AgencyCount.objects.all().delete()
    Agency.objects.all().delete()
    Topic.objects.exclude(parent=None).delete()
    for model in (Topic, Genre, Audience):
        model.objects.all().delete()


class ExportCase(ImportCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        rules = Genre.objects.create(name="规章")
        citizens = Audience.objects.create(name="公民")
        root = Topic.objects.get(parent=None, name="综合政务")
        cls.current = Document.objects.create(
            index_no="000014349/2024-00002", title="国务院办公厅关于政务公开的规定（修订）",
            agency=cls.gwyb, publisher_label="国务院办公厅、中央军委办公厅",
            doc_no="国办发〔2024〕2号", written_on=dt.date(2024, 3, 1),
            published_at=aware(2024, 3, 2, 9, 41, 7, 123456), published_time_known=True,
            topic=root, genre=rules, audience=citizens, validity=Validity.IN_FORCE,
            effective_on=dt.date(2024, 4, 1), subject_terms=["政务公开", "规定"],
            abstract="  第一行\n第二行　", source_url="https://www.gov.cn/zhengce/1.htm",
            status=Status.PUBLISHED,
            body='<p style="text-align: center">第一条　为了……</p><table><tr><td>甲</td></tr></table>'
                 '<p><img src="https://www.gov.cn/a.jpg" alt="图一"></p>')
        cls.old = Document.objects.create(
            index_no="000014349/2019-00001", title="国务院办公厅关于政务公开的规定",
            agency=cls.gwyb, published_at=aware(2019, 5, 1), genre=rules,
            validity=Validity.AMENDED, repealed_on=dt.date(2024, 4, 1), superseded_by=cls.current,
            category_label="政务公开", status=Status.PUBLISHED, body="<p>旧规定。</p>")
        cls.hidden_current = Document.objects.create(
            title="尚未发布的新规定", agency=cls.gwyb, status=Status.DRAFT, index_no="DRAFT-1")
        cls.repealed = Document.objects.create(
            index_no="000014349/2020-00007", title="被未公开文件替代的规定", agency=cls.gwyb,
            published_at=aware(2020, 1, 1), validity=Validity.REPEALED,
            superseded_by=cls.hidden_current, status=Status.PUBLISHED, body="<p>x</p>")
        cls.unnumbered = Document.objects.create(
            title="新区管委会关于办事指南的通知", agency=cls.xinqu, published_at=aware(2023, 7, 7),
            status=Status.PUBLISHED, body="<p>新区。</p>")


class ExportTestCase(ExportCase):
    def test_it_exports_every_published_document_with_every_field(self):
        rows = lines(run_export())
        assert [r["title"] for r in rows] == [  # oldest first
            self.notice.title, self.old.title, self.repealed.title, self.summary.title,
            self.unnumbered.title, self.current.title]
        assert all(tuple(r) == EXPORT_FIELDS for r in rows)
        current = rows[-1]
        assert current == {
            "index_no": "000014349/2024-00002", "title": self.current.title,
            "doc_no": "国办发〔2024〕2号", "agency": "国务院办公厅", "agency_code": "000014349",
            "publisher": "国务院办公厅、中央军委办公厅", "written_on": "2024-03-01",
            "published_at": "2024-03-02T09:41:07.123456+08:00", "published_time_known": True,
            "topic": "综合政务", "category_label": "", "genre": "规章", "audience": "公民",
            "subject_terms": ["政务公开", "规定"], "abstract": "  第一行\n第二行　",
            "validity": "in_force", "effective_on": "2024-04-01", "repealed_on": None,
            "superseded_by": None, "source_url": "https://www.gov.cn/zhengce/1.htm",
            "body": self.current.body}
        assert rows[1]["superseded_by"] == "000014349/2024-00002"
        assert rows[2]["superseded_by"] is None  # replaced by a draft: not named

    def test_only_published_documents_are_exported(self):
        workflow.withdraw(self.summary)
        titles = {r["title"] for r in lines(run_export())}
        assert titles == {d.title for d in Document.objects.published()}
        for hidden in (self.summary, self.draft, self.on_request, self.hidden_current):
            assert hidden.title not in titles

    def test_agency_and_since_narrow_the_export(self):
        rows = lines(run_export("--agency", "11440303007546460h"))
        assert [r["title"] for r in rows] == [self.summary.title]
        rows = lines(run_export("--since", "2023-07-07"))
        assert [r["title"] for r in rows] == [self.unnumbered.title, self.current.title]
        with self.assertRaisesMessage(CommandError, "没有机构代码为 XYZ"):
            run_export("--agency", "XYZ")
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            run_export("--since", "2023-13-01")

    def test_csv_has_a_header_and_the_same_fields(self):
        rows = list(csv.DictReader(io.StringIO(run_export("--format", "csv"))))
        assert tuple(rows[0]) == EXPORT_FIELDS
        current = rows[-1]
        assert current["subject_terms"] == "政务公开；规定"
        assert current["published_time_known"] == "true"
        assert current["abstract"] == "  第一行\n第二行　"
        assert current["repealed_on"] == ""
        assert len(rows) == Document.objects.published().count()

    def test_output_writes_a_file_and_an_unwritable_one_is_a_clear_error(self):
        target = self.tmp / "out.jsonl"
        assert run_export("--output", target) == ""
        assert len(lines(target.read_text(encoding="utf-8"))) == 6
        assert not list(self.tmp.glob(".*partial"))
        with self.assertRaisesMessage(CommandError, "无法写入"):
            run_export("--output", self.tmp / "missing" / "out.jsonl")

    def test_the_dump_is_written_atomically_and_kept_for_a_week(self):
        with override_settings(DATA_DIR=self.tmp):
            for day in range(1, 10):  # older dumps, of which a week's stay
                (self.tmp / "exports").mkdir(exist_ok=True)
                (self.tmp / "exports" / f"gongkai-2020-01-0{day}.jsonl.gz").write_bytes(b"")
            call_command("export", "--dump", stderr=io.StringIO())
            names = sorted(p.name for p in (self.tmp / "exports").iterdir())
            today = timezone.localdate().isoformat()
            assert f"gongkai-{today}.jsonl.gz" in names and len(names) == export.KEEP_DUMPS
            assert not [n for n in names if n.startswith(".")]
            data = gzip.decompress((self.tmp / "exports" / f"gongkai-{today}.jsonl.gz").read_bytes())
            assert data.decode() == run_export()
            first = (self.tmp / "exports" / f"gongkai-{today}.jsonl.gz").read_bytes()
            call_command("export", "--dump", stderr=io.StringIO())  # the same catalogue …
            assert (self.tmp / "exports" / f"gongkai-{today}.jsonl.gz").read_bytes() == first
            with self.assertRaisesMessage(CommandError, "--dump"):
                call_command("export", "--dump", "--agency", "000014349")

    def test_a_withdrawal_removes_the_dumps_that_hold_the_document(self):
        with override_settings(DATA_DIR=self.tmp):
            export.write_dump("jsonl")
            export.write_dump("csv")
            workflow.publish(Document.objects.create(  # a publication leaves them
                title="新通知", agency=self.gwyb, status=Status.DRAFT, body="<p>新</p>"))
            later = Document.objects.create(title="定时通知", agency=self.gwyb, status=Status.DRAFT)
            workflow.submit(later)  # … and so do drafts going through review
            workflow.publish(later, at=timezone.now() + dt.timedelta(days=1))
            Document.objects.get(pk=self.draft.pk).delete()
            assert len(export.dumps()) == 2
            workflow.withdraw(self.notice)
            assert export.dumps() == []
            export.write_dump("jsonl")
            Document.objects.get(pk=self.summary.pk).delete()
            assert export.dumps() == []


class RoundTripTestCase(ExportCase):
    def round_trip(self, exported: str, name: str) -> str:
        path = self.tmp / name
        if name.endswith(".gz"):
            path.write_bytes(gzip.compress(exported.encode()))
        else:
            path.write_text(exported, encoding="utf-8")
        empty_the_catalogue()
        assert Document.objects.count() == 0 and Agency.objects.count() == 0
        report = run_import(path)
        assert "跳过" not in report or "跳过 0" in report, report
        return run_export()

    def test_export_import_into_an_empty_catalogue_export_gives_the_same_file(self):
        first = run_export()
        assert len(lines(first)) == 6
        second = self.round_trip(first, "export.jsonl")
        assert second == first
        # The links and the agencies' codes came back, not only the same text.
        old = Document.objects.get(index_no="000014349/2019-00001")
        assert old.superseded_by.index_no == "000014349/2024-00002"
        assert Agency.objects.get(name="国务院办公厅").code == "000014349"
        assert Document.objects.get(index_no="000014349/2024-00002").published_at == \
            aware(2024, 3, 2, 9, 41, 7, 123456)

    def test_the_gzip_dump_imports_too(self):
        first = run_export()
        assert self.round_trip(first, "gongkai-2024-01-01.jsonl.gz") == first

    def test_importing_the_export_again_changes_nothing(self):
        first = run_export()
        path = self.tmp / "export.jsonl"
        path.write_text(first, encoding="utf-8")
        count = Document.objects.count()
        run_import(path)
        assert Document.objects.count() == count
        assert run_export() == first

    def test_a_damaged_line_costs_that_line_only(self):
        rows = run_export().splitlines()
        broken = json.loads(rows[1])
        broken["published_time_known"] = "yes"
        text = "\n".join([rows[0], json.dumps(broken, ensure_ascii=False), rows[2][:30],
                          *rows[3:]]) + "\n"
        path = self.tmp / "export.jsonl"
        path.write_text(text, encoding="utf-8")
        empty_the_catalogue()
        report = run_import(path)
        assert "第2行" in report and "published_time_known" in report, report
        assert "第3行" in report, report
        assert Document.objects.count() == 4
        assert Path(path).exists()
