"""Attachments in the document form: uploads checked by content with a Chinese message,
saved through the workflow (a published document's wait for review), each one's text status
shown (无文字层 flagged), and a staff download limited to those who may see the document."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.documents.models import Attachment, AttachmentChange, Document, Status, TextStatus
from gongkai.lib.tests import samples


class AttachmentAdminTestCase(StaffTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft_doc = Document.objects.create(title="附件草稿", agency=cls.cuizhu,
                                                status=Status.DRAFT, body="<p>正文</p>")

    def post(self, document, upload=None, **extra):
        data = {"title": document.title, "agency": document.agency_id, "disclosure": "active",
                "body": document.body, "subject_terms": "",
                "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "0",
                "attachments-0-name": "", **extra}
        if upload is not None:
            data["attachments-0-file"] = upload
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(f"/admin/documents/document/{document.pk}/change/", data)

    def test_a_file_that_is_not_what_its_name_says_is_refused_in_the_form(self):
        self.client.force_login(self.editor_a)
        r = self.post(self.draft_doc, SimpleUploadedFile("报告.pdf", samples.docx_bytes()))
        assert r.status_code == 200
        html = r.content.decode()
        assert "文件内容与名称不符：“报告.pdf”的内容是Word（DOCX）文件" in html
        assert not Attachment.objects.exists()

    def test_an_upload_to_a_draft_is_saved_with_its_text_and_shown_with_its_status(self):
        self.client.force_login(self.editor_a)
        r = self.post(self.draft_doc, SimpleUploadedFile("扫描件.pdf", samples.scanned_pdf_bytes()))
        assert r.status_code == 302, r.content.decode()[:2000]
        item = Attachment.objects.get()
        assert (item.name, item.kind, item.pending) == ("扫描件.pdf", "pdf", AttachmentChange.NONE)
        assert item.text_status == TextStatus.NO_TEXT
        html = self.client.get(f"/admin/documents/document/{self.draft_doc.pk}/change/").content.decode()
        assert "⚠ 无文字层" in html and "公众检索不到其中的文字" in html
        download = f"/admin/documents/document/{self.draft_doc.pk}/attachments/{item.pk}/"
        assert download in html
        r = self.client.get(download)
        assert r.status_code == 200 and "filename*=utf-8''%E6%89%AB" in r["Content-Disposition"]

    def test_an_upload_to_a_published_document_waits_for_review(self):
        self.client.force_login(self.editor_a)
        r = self.post(self.summary, SimpleUploadedFile("申报表.docx", samples.docx_bytes()))
        assert r.status_code == 302
        item = Attachment.objects.get()
        assert item.pending == AttachmentChange.ADD and item.text_status == TextStatus.EXTRACTED
        assert self.client.get(item.get_absolute_url()).status_code == 404
        # The reviewer reads the file before approving.
        self.client.force_login(self.reviewer_a)
        r = self.client.get(f"/admin/documents/document/{self.summary.pk}/attachments/{item.pk}/")
        assert r.status_code == 200

    def test_staff_of_another_agency_cannot_download_it(self):
        self.client.force_login(self.editor_a)
        self.post(self.draft_doc, SimpleUploadedFile("申报表.docx", samples.docx_bytes()))
        item = Attachment.objects.get()
        for user in (self.editor_b, self.reviewer_b):
            self.client.force_login(user)
            url = f"/admin/documents/document/{self.draft_doc.pk}/attachments/{item.pk}/"
            assert self.client.get(url).status_code == 404

    def test_a_removal_in_the_form_goes_through_the_workflow(self):
        self.client.force_login(self.editor_a)
        self.post(self.draft_doc, SimpleUploadedFile("申报表.docx", samples.docx_bytes()))
        item = Attachment.objects.get()
        r = self.post(self.draft_doc, **{
            "attachments-INITIAL_FORMS": "1", "attachments-0-id": item.pk,
            "attachments-0-document": self.draft_doc.pk, "attachments-0-DELETE": "on"})
        assert r.status_code == 302, r.content.decode()[:2000]
        assert not Attachment.objects.exists()
        assert self.draft_doc.revisions.first().note == "删除附件：申报表.docx"

    def test_a_file_is_replaced_in_one_save_by_removing_it_and_adding_another(self):
        self.client.force_login(self.editor_a)
        self.post(self.draft_doc, SimpleUploadedFile("旧.pdf", samples.pdf_bytes()))
        old = Attachment.objects.get()
        # The form still sends files once its first row is a stored one (whose file is a
        # hidden input): else the browser sends the new file's name only and it is lost.
        html = self.client.get(f"/admin/documents/document/{self.draft_doc.pk}/change/").content
        assert b'enctype="multipart/form-data"' in html
        r = self.post(self.draft_doc, **{
            "attachments-TOTAL_FORMS": "2", "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": old.pk, "attachments-0-document": self.draft_doc.pk,
            "attachments-0-DELETE": "on", "attachments-1-name": "",
            "attachments-1-file": SimpleUploadedFile("新.pdf", samples.pdf_bytes("newword"))})
        assert r.status_code == 302, r.content.decode()[:2000]
        new = Attachment.objects.get()
        assert new.name == "新.pdf" and "newword" in new.text
        assert self.draft_doc.revisions.first().note == "新增附件：新.pdf；删除附件：旧.pdf"
