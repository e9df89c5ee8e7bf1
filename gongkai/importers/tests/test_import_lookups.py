"""How an import recognises what it saved before (issue 8 §4.1, §4.3): by 索引号 or by the
record's natural key (``Document.source_key``), each an indexed, unique lookup, so importing
one more record costs the same whatever the catalogue holds; and two imports of one file at
once converge on one document per record and one agency per name."""

import datetime as dt
import json
import re
import threading
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document, Status
from gongkai.importers.import_files import import_paths
from gongkai.importers.load import save_record
from gongkai.lib.source_records import source_key

from .test_import import RECORD, ImportCase, run_import

LAW_MAKER = "全国人民代表大会常务委员会"


def article(i: int, **extra) -> dict:
    return {"title": f"中华人民共和国测试法 第{i}条", "publisher": LAW_MAKER, "published_on": "2001-01-01",
            "body_text": f"第{i}条　测试条文。", **extra}


# --- Every lookup through a unique index ------------------------------------------------

LOOKUP_RE = re.compile(r"^\s*(SELECT|UPDATE|DELETE)\b", re.I)
TABLE_RE = re.compile(r'\b(?:FROM|UPDATE|JOIN|INTO)\s+"?(\w+)"?', re.I)


def catalogue_queries(queries) -> list[str]:
    """The statements on the catalogue's tables (the search index's own tables, and when its
    dictionary is refreshed, are the search backend's business)."""
    return [q["sql"] for q in queries
            if any(t.startswith(("documents_", "catalog_")) for t in TABLE_RE.findall(q["sql"]))]


def catalogue_lookups(queries) -> list[str]:
    """The SELECT/UPDATE/DELETE statements on the catalogue's tables."""
    return [sql for sql in catalogue_queries(queries) if LOOKUP_RE.match(sql)]


def scans_without_a_unique_index(sql: str) -> list[str]:
    """The steps of ``sql``'s plan that read a catalogue table other than through a unique
    index: a full scan, or a non-unique index (all of one agency's documents …)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return [detail for *_, detail in cursor.fetchall() if not _sqlite_unique(cursor, detail)]
        # Tiny test tables are cheapest to scan: ask whether an index *can* serve the lookup.
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_seqscan")
        return [f"{node['Node Type']} {node.get('Index Name', node.get('Relation Name'))}"
                for node in _pg_nodes(plan[0]["Plan"]) if not _pg_unique(cursor, node)]


# Non-unique indexes that read one document's own rows, a handful whatever the catalogue's
# size: the revision snapshot lists the document's attachments.
PER_DOCUMENT_INDEXES = ("documents_attachment_document_id_",)


def _sqlite_unique(cursor, detail: str) -> bool:
    if not detail.startswith(("SCAN", "SEARCH")):
        return True  # USE TEMP B-TREE, subqueries …
    if "USING INTEGER PRIMARY KEY" in detail:
        return True
    match = re.match(r"SEARCH (\w+) USING (?:COVERING )?INDEX (\w+)", detail)
    if not match:
        return False
    table, index = match.groups()
    if index.startswith(PER_DOCUMENT_INDEXES):
        return True
    cursor.execute(f'PRAGMA index_list("{table}")')
    return any(row[1] == index and row[2] for row in cursor.fetchall())


def _pg_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def _pg_unique(cursor, node) -> bool:
    if "Relation Name" not in node and "Index Name" not in node:
        return True  # Limit, Sort, ModifyTable …
    if node["Node Type"] in ("Bitmap Heap Scan", "ModifyTable"):
        return True  # judged by the scan below it
    if "Index Name" not in node:
        return False
    if node["Index Name"].startswith(PER_DOCUMENT_INDEXES):
        return True
    # Unique, or on the same columns as a unique index (Django's varchar_pattern_ops twin of
    # a unique CharField's index serves equality too).
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_index u ON u.indrelid = i.indrelid"
                   " AND u.indkey::text = i.indkey::text AND u.indisunique"
                   " WHERE i.indexrelid = %s::regclass)", [node["Index Name"]])
    return cursor.fetchone()[0]


class LookupTestCase(ImportCase):
    def import_one(self, record) -> list[dict]:
        with CaptureQueriesContext(connection) as queries:
            save_record(record)
        return queries.captured_queries

    def test_one_more_record_costs_the_same_queries_and_only_unique_lookups_at_20000(self):
        self.import_one(article(0))  # creates the agency
        records = {  # one record of each kind of natural key, and one with a 索引号
            "title": article(1),
            "doc": article(2, doc_no="主席令第八十三号"),
            "url": article(3, source_url="https://flk.npc.gov.cn/detail?id=3"),
            "index_no": article(4, index_no="LAW/2001-00004"),
        }
        at_start = {kind: self.import_one(record) for kind, record in records.items()}
        before = Document.objects.count()

        # 20,000 earlier imports of the same publisher, without 索引号, keyed as the importer
        # keys them (bulk rows: the speed of saving them one by one is bench/import_speed.py's).
        agency = Agency.objects.get(name=LAW_MAKER)
        day = timezone.make_aware(dt.datetime(2001, 1, 1))
        Document.objects.bulk_create([Document(
            title=f"中华人民共和国某法 第{i}条", agency=agency, published_at=day, status=Status.PUBLISHED,
            doc_no="主席令第八十三号" if i % 2 else "",
            source_key=source_key(agency=str(agency.pk), title=f"中华人民共和国某法 第{i}条",
                                  doc_no="主席令第八十三号" if i % 2 else "", published_on=day.date()),
        ) for i in range(20_000)], batch_size=2000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE documents_document")

        at_end = {kind: self.import_one({**record, "title": record["title"] + "之二",
                                         "index_no": record.get("index_no") and "LAW/2001-00005",
                                         "source_url": record.get("source_url") and record["source_url"] + "2"})
                  for kind, record in records.items()}
        again = {kind: self.import_one(record) for kind, record in records.items()}  # updates
        assert Document.objects.count() == before + 20_000 + 4  # the second imports updated
        for kind in records:
            assert len(catalogue_queries(at_end[kind])) == len(catalogue_queries(at_start[kind])), kind
            for sql in catalogue_lookups(at_end[kind] + again[kind]):
                assert scans_without_a_unique_index(sql) == [], (kind, sql)

    def test_the_plan_check_sees_a_lookup_by_agency_and_title(self):
        # The lookup issue 8 found quadratic: it reads every document of the agency.
        with CaptureQueriesContext(connection) as queries:
            list(Document.objects.filter(agency=self.gwyb, title="x", doc_no=""))
        assert scans_without_a_unique_index(catalogue_lookups(queries.captured_queries)[0]) != []


# --- Recognising a record again -----------------------------------------------------------

class NaturalKeyTestCase(ImportCase):
    def test_a_record_without_index_no_is_recognised_by_its_key(self):
        run_import(self.write_jsonl(self.tmp, RECORD))
        doc = Document.objects.get(title=RECORD["title"])
        assert doc.source_key == f"doc:{self.gwyb.pk}|国办发〔2023〕7号|{RECORD['title']}"
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "published_on": "2023-02-04"}))
        assert "新增 0 条，更新 1 条" in out and Document.objects.filter(title=RECORD["title"]).count() == 1

    def test_records_sharing_a_doc_no_are_different_documents(self):
        out = run_import(self.write_jsonl(self.tmp, article(1, doc_no="主席令第八十三号"),
                                          article(2, doc_no="主席令第八十三号")))
        assert "新增 2 条" in out

    def test_an_address_added_later_finds_the_copy_imported_without_one(self):
        run_import(self.write_jsonl(self.tmp, RECORD))
        url = "https://www.gov.cn/zhengce/content/x.htm"
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "source_url": url}))
        assert "更新 1 条" in out
        assert Document.objects.get(title=RECORD["title"]).source_url == url
        # A different address is a different page, even with the same title and date.
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "source_url": url + "?v=2"}))
        assert "新增 1 条" in out

    def test_two_index_nos_with_the_same_content_stay_two_documents(self):
        out = run_import(self.write_jsonl(self.tmp, {**RECORD, "index_no": "000014349/2023-00101"},
                                          {**RECORD, "index_no": "000014349/2023-00102"}))
        assert "新增 2 条" in out and "跳过 0 个" in out
        keys = sorted(Document.objects.filter(title=RECORD["title"]).values_list("source_key", flat=True),
                      key=str)
        assert keys[0] is None and keys[1].startswith("doc:")


class SourceKeyMigrationTestCase(ImportCase):
    def test_it_fills_keys_and_leaves_later_duplicates_without_one(self):
        from django.apps import apps

        from gongkai.documents.migrations import __name__ as package

        fill = __import__(f"{package}.0003_document_source_key", fromlist=["x"]).fill_source_keys
        day = timezone.make_aware(dt.datetime(2023, 2, 3, 9, 30))
        first = Document.objects.create(title="一篇", agency=self.gwyb, published_at=day)
        copy = Document.objects.create(title="一篇", agency=self.gwyb, published_at=day)
        linked = Document.objects.create(title="一篇", agency=self.gwyb, published_at=day,
                                         source_url="http://www.gov.cn/a.htm")
        Document.objects.update(source_key=None)

        class Editor:
            connection = connection

        fill(apps, Editor())
        keys = dict(Document.objects.values_list("pk", "source_key"))
        assert keys[first.pk] == f"title:{self.gwyb.pk}|一篇|2023-02-03"
        assert keys[copy.pk] is None
        assert keys[linked.pk] == "url:www.gov.cn/a.htm"
        assert keys[self.notice.pk] == (
            f"doc:{self.gwyb.pk}|国办函〔2018〕71号|国务院办公厅关于印发《政府网站集约化试点工作方案》的通知")


# --- Two imports at once ----------------------------------------------------------------

class CollisionTestCase(ImportCase):
    def test_a_record_another_import_saved_meanwhile_is_read_again_and_updated(self):
        from gongkai.importers import load

        run_import(self.write_jsonl(self.tmp, RECORD))
        original, calls = load._find_or_new, []

        def stale_first_lookup(record, checked, agency, lookups):
            document, action = original(record, checked, agency, lookups)
            calls.append(action)
            if len(calls) == 1:  # as if the other import committed just after this lookup
                return Document(source_key=document.source_key, status=Status.DRAFT), "created"
            return document, action

        with mock.patch.object(load, "_find_or_new", side_effect=stale_first_lookup):
            out = run_import(self.write_jsonl(self.tmp, {**RECORD, "abstract": "第二次导入"}))
        assert calls == ["updated", "updated"]  # the duplicate key sent it round again
        assert "新增 0 条，更新 1 条，跳过 0 个" in out
        assert list(Document.objects.filter(title=RECORD["title"]).values_list("abstract", flat=True)) == [
            "第二次导入"]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs concurrent writers: SQLite takes one writer at a time")
class ConcurrentImportTestCase(TransactionTestCase):
    def test_two_imports_of_one_file_at_once_converge(self):
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "same.jsonl"
            records = [{"title": f"并发导入测试第{i}篇", "publisher": f"并发测试机构{i % 7}",
                        "published_on": "2023-03-01", "body_text": f"第{i}篇。",
                        **({"doc_no": f"并发〔2023〕{i}号"} if i % 3 == 0 else {}),
                        **({"index_no": f"BF-2023-{i:05d}"} if i % 10 == 0 else {})}
                       for i in range(300)]
            path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
            barrier = threading.Barrier(2)
            summaries, errors = [], []

            def run():
                try:
                    barrier.wait()
                    summaries.append(import_paths([path], progress=False))
                except Exception as e:  # collected so the assertion shows it
                    errors.append(e)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=run) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert errors == []
        assert [s.skipped for s in summaries] == [[], []]
        assert [s.created + s.updated for s in summaries] == [300, 300]
        assert sum(s.created for s in summaries) == 300
        assert Document.objects.count() == 300
        assert Agency.objects.filter(name__startswith="并发测试机构").count() == 7
        assert sorted(len(s.new_agencies) for s in summaries) in ([0, 7], [1, 6], [2, 5], [3, 4])
