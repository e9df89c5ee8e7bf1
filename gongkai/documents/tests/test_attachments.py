"""Attachments: uploads checked by content, text extracted after the save commits (in a
bounded child process), searched with the document, and changed on a live document only
through its pending revision, with revisions and audit entries like any edit."""

from io import StringIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.documents import attachments, workflow
from gongkai.documents.generation import generation
from gongkai.documents.models import (
    Attachment,
    AttachmentChange,
    Document,
    PendingStatus,
    Status,
    TextStatus,
)
from gongkai.lib.tests import samples
from gongkai.search.results import search


def upload(name: str, data: bytes, label: str = "") -> Attachment:
    """An Attachment filled in from an upload, as the admin's form does."""
    return attachments.prepare(Attachment(name=label), SimpleUploadedFile(name, data))


class AttachmentTestCase(StaffTestCase):
    def attach(self, document, *items, user=None):
        with self.captureOnCommitCallbacks(execute=True):
            workflow.change_attachments(document, add=items, user=user or self.editor_a)
        for item in items:
            item.refresh_from_db()
        return items

    def remove(self, document, *items, user=None):
        with self.captureOnCommitCallbacks(execute=True):
            workflow.change_attachments(document, remove=items, user=user or self.editor_a)

    def new_draft(self) -> Document:
        return Document.objects.create(title="翠竹街道附件测试草稿", agency=self.cuizhu,
                                       status=Status.DRAFT, body="<p>正文。</p>")

    def titles(self, q: str) -> list[str]:
        return [hit.object.title for hit in search(q).hits]


class UploadCheckTestCase(AttachmentTestCase):
    def test_the_kind_size_and_checksum_come_from_the_content(self):
        item = upload("申报表.docx", samples.docx_bytes())
        assert (item.kind, item.name, item.size) == ("docx", "申报表.docx", len(samples.docx_bytes()))
        assert len(item.sha256) == 64 and item.text_status == TextStatus.PENDING

    def test_a_file_that_is_not_what_its_name_says_is_refused_in_chinese(self):
        with self.assertRaisesMessage(ValidationError, "文件内容与名称不符：“报告.pdf”的内容是Word（DOCX）文件"):
            upload("报告.pdf", samples.docx_bytes())
        with self.assertRaisesMessage(ValidationError, "不支持的文件类型"):
            upload("程序.pdf", b"MZ\x90\x00 not a document")

    def test_a_given_name_must_agree_with_the_content_too(self):
        with self.assertRaisesMessage(ValidationError, "文件内容与名称不符"):
            upload("a.xlsx", samples.xlsx_bytes(), label="资金表.pdf")
        assert upload("a.xlsx", samples.xlsx_bytes(), label="资金表.xlsx").name == "资金表.xlsx"

    @override_settings(ATTACHMENT_MAX_BYTES=1000)
    def test_a_file_over_the_limit_is_refused_with_the_limit(self):
        with self.assertRaisesMessage(ValidationError, "附件最大 1000"):
            upload("大.docx", samples.docx_bytes())


class ExtractionTestCase(AttachmentTestCase):
    def test_a_draft_gets_its_attachment_at_once_and_its_text_after_the_commit(self):
        document = self.new_draft()
        (item,) = self.attach(document, upload("申报表.docx", samples.docx_bytes()))
        assert item.pending == AttachmentChange.NONE
        assert item.text_status == TextStatus.EXTRACTED and "民生实事项目申报表" in item.text
        assert attachments.attachment_texts(document) == [("申报表.docx", item.text)]
        revision = document.revisions.first()
        assert revision.note == "新增附件：申报表.docx"
        assert revision.data["attachments"][0]["name"] == "申报表.docx"
        entry = AuditEntry.objects.filter(object_id=str(document.pk)).first()
        assert entry.action == AuditAction.EDIT and "新增附件：申报表.docx" in entry.detail

    def test_each_kind_gets_its_status(self):
        document = self.new_draft()
        items = self.attach(document, upload("扫描件.pdf", samples.scanned_pdf_bytes()),
                            upload("照片.png", samples.png_bytes()),
                            upload("炸弹.xlsx", samples.xlsx_bomb_bytes()),
                            upload("版式.ofd", samples.ofd_bytes()),
                            upload("文本.pdf", samples.pdf_bytes()))
        assert [i.text_status for i in items] == [
            TextStatus.NO_TEXT, TextStatus.NO_TEXT, TextStatus.TOO_LARGE, TextStatus.EXTRACTED,
            TextStatus.EXTRACTED]
        assert "无文字层" in items[0].text_note and "压缩炸弹" in items[2].text_note

    @override_settings(ATTACHMENT_EXTRACT_SECONDS=0.001)
    def test_an_extraction_out_of_time_is_a_failure_with_its_reason(self):
        (item,) = self.attach(self.new_draft(), upload("文本.pdf", samples.pdf_bytes()))
        assert item.text_status == TextStatus.FAILED and "超时" in item.text_note

    @override_settings(ATTACHMENT_EXTRACT="off")
    def test_the_command_extracts_what_is_still_waiting(self):
        (item,) = self.attach(self.new_draft(), upload("版式.ofd", samples.ofd_bytes()))
        assert item.text_status == TextStatus.PENDING
        out = StringIO()
        call_command("extract_attachments", stdout=out)
        item.refresh_from_db()
        assert item.text_status == TextStatus.EXTRACTED and "电子证照" in item.text
        assert "1 个附件：已提取文字 1" in out.getvalue()

    def test_the_command_retries_failures_when_asked(self):
        (item,) = self.attach(self.new_draft(), upload("文本.pdf", samples.pdf_bytes()))
        Attachment.objects.filter(pk=item.pk).update(text_status=TextStatus.FAILED)
        call_command("extract_attachments", stdout=StringIO())
        assert Attachment.objects.get(pk=item.pk).text_status == TextStatus.FAILED
        call_command("extract_attachments", "--retry", stdout=StringIO())
        assert Attachment.objects.get(pk=item.pk).text_status == TextStatus.EXTRACTED


class PublishedAttachmentTestCase(AttachmentTestCase):
    def test_a_draft_attachment_is_found_once_the_document_is_published(self):
        document = self.new_draft()
        self.attach(document, upload("文本.pdf", samples.pdf_bytes()))
        assert self.titles("pdfonlyword") == []
        workflow.publish(document)
        assert self.titles("pdfonlyword") == [document.title]
        hit = search("pdfonlyword").hits[0]
        assert hit.source == "文本.pdf" and "<mark>pdfonlyword</mark>" in hit.snippet

    def test_an_attachment_added_to_a_published_document_waits_for_review(self):
        document = self.summary
        before = generation()
        (item,) = self.attach(document, upload("申报表.docx", samples.docx_bytes()))
        assert generation() != before
        document.refresh_from_db()
        assert item.pending == AttachmentChange.ADD
        assert document.pending_status == PendingStatus.DRAFT
        assert document.pending_revision.data["attachments"][0]["name"] == "申报表.docx"
        assert not Attachment.objects.public().filter(pk=item.pk).exists()
        assert self.titles("民生实事项目申报表") == []
        workflow.submit(document, user=self.editor_a)
        assert self.titles("民生实事项目申报表") == []
        workflow.publish(document, user=self.reviewer_a)
        item.refresh_from_db()
        assert item.pending == AttachmentChange.NONE
        assert Attachment.objects.public().filter(pk=item.pk).exists()
        assert self.titles("民生实事项目申报表") == [document.title]

    def test_a_removal_waits_for_review_and_a_discard_undoes_it(self):
        document = self.summary
        (item,) = self.attach(document, upload("申报表.docx", samples.docx_bytes()))
        workflow.submit(document, user=self.editor_a)
        workflow.publish(document, user=self.reviewer_a)
        self.remove(document, item)
        item.refresh_from_db()
        assert item.pending == AttachmentChange.REMOVE
        assert Attachment.objects.public().filter(pk=item.pk).exists()  # still public
        assert self.titles("民生实事项目申报表") == [document.title]
        workflow.discard_pending(document, user=self.editor_a)
        item.refresh_from_db()
        assert item.pending == AttachmentChange.NONE
        self.remove(document, item)
        workflow.submit(document, user=self.editor_a)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(document, user=self.reviewer_a)
        assert not Attachment.objects.filter(pk=item.pk).exists()
        assert not item.file.storage.exists(item.file.name)
        assert self.titles("民生实事项目申报表") == []
        entries = AuditEntry.objects.filter(object_id=str(document.pk), action=AuditAction.EDIT_PENDING)
        assert any("删除附件：申报表.docx" in e.detail for e in entries)

    def test_a_pending_addition_is_dropped_with_its_pending_revision(self):
        (item,) = self.attach(self.summary, upload("照片.png", samples.png_bytes()))
        workflow.discard_pending(self.summary, user=self.editor_a)
        assert not Attachment.objects.filter(pk=item.pk).exists()

    def test_the_compare_page_shows_the_attachments_change(self):
        from gongkai.documents import revisions

        (item,) = self.attach(self.summary, upload("照片.png", samples.png_bytes()))
        old = self.summary.revisions.filter(data__pending=True).first()
        live = revisions.save_revision(self.summary, AuditAction.EDIT)
        diff = revisions.compare(live, old)
        assert "附件" in diff["changed"]

    def test_an_editor_of_another_agency_may_not_attach(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            workflow.change_attachments(self.summary, add=[upload("照片.png", samples.png_bytes())],
                                        user=self.editor_b)
        assert not self.summary.attachments.exists()
