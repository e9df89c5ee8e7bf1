"""`gongkai import --draft`: pages imported as drafts for review instead of published; an
update of a published document waits as its pending revision. Without --draft an import
publishes, as before, and keeps a revision of what it wrote."""

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.documents import workflow
from gongkai.documents.models import Document, PendingStatus, Status

from .test_import import RECORD, ImportCase, run_import


class ImportAsDraftTestCase(ImportCase):
    def test_new_pages_become_drafts_keeping_their_date_and_nothing_goes_public(self):
        out = run_import(self.write_jsonl(self.tmp, RECORD), "--draft")
        doc = Document.objects.get(title=RECORD["title"])
        assert "新增 1 条" in out and "草稿" in out
        assert doc.status == Status.DRAFT and doc.index_no is None
        assert doc.published_display == "2023-02-03"
        assert not Document.objects.published().filter(pk=doc.pk).exists()
        # Reviewed as any draft: the imported date stays, the 索引号 comes on publication.
        workflow.submit(doc)
        workflow.publish(doc)
        doc.refresh_from_db()
        assert doc.published_display == "2023-02-03" and doc.index_no == "000014349/2023-00001"

    def test_an_update_of_a_published_page_waits_for_review(self):
        run_import(self.write_jsonl(self.tmp, RECORD))
        doc = Document.objects.get(title=RECORD["title"])
        assert doc.status == Status.PUBLISHED
        run_import(self.write_jsonl(self.tmp, {**RECORD, "abstract": "新的概述"}), "--draft")
        doc.refresh_from_db()
        assert doc.abstract == "" and doc.pending_status == PendingStatus.DRAFT
        assert doc.pending_revision.data["fields"]["abstract"] == "新的概述"

    def test_an_import_is_audited_once_per_run_and_each_record_keeps_a_revision(self):
        run_import(self.write_jsonl(self.tmp, RECORD, {**RECORD, "title": "第二篇"}))
        entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
        assert entry.detail == "新增 2 条，更新 0 条" and entry.username.startswith("命令行")
        doc = Document.objects.get(title="第二篇")
        assert doc.revisions.filter(kind=AuditAction.PUBLISH).exists()

    def test_a_dry_run_writes_no_audit_entry(self):
        run_import(self.write_jsonl(self.tmp, RECORD), "--dry-run", "--draft")
        assert not Document.objects.filter(title=RECORD["title"]).exists()
        assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()
