"""The privacy review of documents: what is read, the agency's allow-list, masking under the
revision rules, and the publishing guard."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.documents import workflow
from gongkai.documents.models import Attachment, Document, PendingStatus, Status, TextStatus
from gongkai.documents.workflow import WorkflowError
from gongkai.lib import pii
from gongkai.privacy import review

ID = "11010519491231002X"  # GB 11643's worked example: a valid check digit
MASKED_ID = "1101**********002X"


def body_with_id(extra=""):
    return f"<p>申请人：张三，身份证号{ID}。</p><p>咨询电话：0755-88881234。{extra}</p>"


class ReviewTestCase(StaffTestCase):
    def doc(self, body=None, **fields):
        return workflow.create(Document(title="关于某事项的公示", agency=self.cuizhu,
                                        body=body_with_id() if body is None else body, **fields))

    def test_it_reads_title_abstract_and_body_with_the_source_of_each_finding(self):
        doc = self.doc(abstract="联系人李四，手机13812345678")
        texts = dict(review.document_texts(doc))
        assert set(texts) == {"名称", "内容概述", "正文"} and ID in texts["正文"]
        found = [(f.source, f.finding.kind) for f in review.findings(doc)]
        assert ("正文", pii.ID_CARD) in found and ("内容概述", pii.MOBILE) in found
        assert ("正文", pii.LANDLINE) in found

    def test_an_attachments_text_is_read_and_its_findings_name_the_file(self):
        doc = self.doc(body="<p>无个人信息。</p>")
        Attachment.objects.create(
            document=doc, name="名单.pdf", kind="pdf", text=f"申请人身份证号{ID}",
            file=ContentFile(b"%PDF-1.4", name="a.pdf"), text_status=TextStatus.EXTRACTED)
        found = [(f.source, f.finding.kind, f.finding.masked) for f in review.findings(doc)]
        assert found == [("附件：名单.pdf", pii.ID_CARD, MASKED_ID)]

    def test_the_agencys_public_contacts_and_its_parents_are_not_findings(self):
        doc = self.doc()
        district = type(self.cuizhu).objects.create(name="罗湖区人民政府",
                                                    public_contacts="0755 8888 1234\n")
        self.cuizhu.parent = district
        self.cuizhu.save()
        doc.refresh_from_db()
        assert [f.finding.kind for f in review.findings(doc)] == [pii.NAME, pii.ID_CARD]

    def test_masking_a_draft_saves_it_with_a_revision_and_an_audit_entry(self):
        doc = self.doc()
        done = review.mask_body(doc, ID, user=self.editor_a)
        doc.refresh_from_db()
        assert [f.masked for f in done] == [MASKED_ID]
        assert ID not in doc.body and MASKED_ID in doc.body and "0755-88881234" in doc.body
        entry = AuditEntry.objects.filter(object_id=str(doc.pk), action=AuditAction.EDIT).get()
        assert entry.username == "editor_a" and entry.detail == f"遮盖个人信息：身份证号 {MASKED_ID}"
        assert doc.revisions.first().note == entry.detail
        with pytest.raises(WorkflowError):  # nothing left to mask
            review.mask_body(doc, ID, user=self.editor_a)

    def test_a_reviewer_masks_a_document_in_review_and_another_agency_may_not(self):
        doc = self.doc()
        workflow.submit(doc, user=self.editor_a)
        with pytest.raises(PermissionDenied):
            review.mask_body(doc, ID, user=self.reviewer_b)
        review.mask_body(doc, ID, user=self.reviewer_a)
        doc.refresh_from_db()
        assert ID not in doc.body and doc.status == Status.IN_REVIEW

    def test_masking_a_published_document_is_a_pending_revision_until_approved(self):
        doc = self.doc()
        workflow.publish(doc)  # the system: published with the number in it
        review.mask_body(doc, ID, user=self.editor_a)
        doc = Document.objects.get(pk=doc.pk)
        assert ID in doc.body  # the public row is unchanged …
        assert doc.pending_status == PendingStatus.DRAFT
        assert MASKED_ID in doc.pending_revision.data["fields"]["body"]
        # The name went with the number beside it; the phone is left to the reviewer.
        assert [f.finding.kind for f in review.findings(doc)] == [pii.LANDLINE]
        workflow.submit(doc, user=self.editor_a)
        workflow.publish(doc, user=self.reviewer_a, confirmation="咨询电话为公开号码")
        doc = Document.objects.get(pk=doc.pk)
        assert ID not in doc.body and MASKED_ID in doc.body  # … until the edit is approved

    def test_publishing_with_findings_needs_a_reason_kept_in_the_audit_log(self):
        doc = self.doc()
        workflow.submit(doc, user=self.editor_a)
        with pytest.raises(WorkflowError, match="未处理的个人信息"):
            workflow.publish(doc, user=self.reviewer_a)
        with pytest.raises(WorkflowError):
            workflow.publish(doc, user=self.reviewer_a, confirmation="   ")
        assert Document.objects.get(pk=doc.pk).status == Status.IN_REVIEW
        workflow.publish(doc, user=self.reviewer_a, confirmation="公示依法须载明申请人")
        entry = AuditEntry.objects.get(object_id=str(doc.pk), action=AuditAction.PUBLISH)
        assert "公示依法须载明申请人" in entry.detail and MASKED_ID in entry.detail
        assert ID not in entry.detail

    def test_a_clean_document_and_the_system_publish_without_a_reason(self):
        clean = self.doc(body="<p>一、旗帜鲜明讲政治。</p>")
        workflow.submit(clean, user=self.editor_a)
        workflow.publish(clean, user=self.reviewer_a)
        assert AuditEntry.objects.get(object_id=str(clean.pk), action=AuditAction.PUBLISH).detail == ""
        imported = self.doc()
        workflow.publish(imported)  # an import of a page public elsewhere
        assert Document.objects.get(pk=imported.pk).status == Status.PUBLISHED
