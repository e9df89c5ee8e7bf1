"""Attachments on the public side: listed on the document page, downloaded with their
Chinese names (RFC 6266 filename*) only while the document is public, handed to nginx or
Apache when configured, and found by search with the attachment's name beside the snippet."""

from urllib.parse import quote

from django.core.files.base import ContentFile
from django.test import override_settings

from gongkai.documents import workflow
from gongkai.documents.models import Attachment, TextStatus
from gongkai.test import BaseTestCase

NAME = "附件1：2024年 资金分配表.xlsx"


class AttachmentPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.item = Attachment.objects.create(
            document=cls.summary, name=NAME, kind="xlsx", size=2048,
            file=ContentFile(b"PK\x03\x04 the bytes", name="a.xlsx"),
            text="资金安排 老旧小区改造 1200", text_status=TextStatus.EXTRACTED)

    def test_the_document_page_lists_it_with_its_kind_and_size(self):
        html = self.client.get(self.summary.get_absolute_url()).content.decode()
        assert '<h2 id="attachments-title">附件</h2>' in html
        assert f'<a href="{self.item.get_absolute_url()}" download>{NAME}</a>' in html
        assert "（Excel（XLSX），2.0" in html

    def test_a_page_without_attachments_has_no_attachment_section(self):
        assert "attachments-title" not in self.client.get(self.notice.get_absolute_url()).content.decode()

    def test_the_download_keeps_the_chinese_name(self):
        response = self.client.get(self.item.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"PK\x03\x04 the bytes"
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(NAME)}"
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_a_head_request_is_answered_and_a_post_is_not(self):
        assert self.client.head(self.item.get_absolute_url()).status_code == 200
        assert self.client.post(self.item.get_absolute_url()).status_code == 405

    def test_it_is_gone_once_the_document_is_withdrawn(self):
        workflow.withdraw(self.summary)
        assert self.client.get(self.item.get_absolute_url()).status_code == 404
        assert NAME not in self.client.get(self.summary.get_absolute_url()).content.decode()

    def test_it_is_not_found_under_another_documents_url(self):
        url = f"/documents/{self.notice.pk}/attachments/{self.item.pk}/"
        assert self.client.get(url).status_code == 404

    def test_a_missing_file_is_a_404_not_an_error(self):
        lost = Attachment.objects.create(document=self.summary, name="丢失.pdf", kind="pdf",
                                         file=ContentFile(b"%PDF-", name="lost.pdf"))
        lost.file.storage.delete(lost.file.name)
        assert self.client.get(lost.get_absolute_url()).status_code == 404

    @override_settings(ATTACHMENT_SENDFILE="nginx")
    def test_nginx_sends_the_file_after_the_check(self):
        response = self.client.get(self.item.get_absolute_url())
        assert response["X-Accel-Redirect"] == "/_attachments/" + self.item.file.name
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(NAME)}"
        assert response.content == b""
        workflow.withdraw(self.summary)
        assert self.client.get(self.item.get_absolute_url()).status_code == 404

    @override_settings(ATTACHMENT_SENDFILE="apache")
    def test_apache_sends_the_file_after_the_check(self):
        response = self.client.get(self.item.get_absolute_url())
        assert response["X-Sendfile"] == self.item.file.path

    def test_a_search_for_a_word_only_in_the_attachment_shows_its_name(self):
        html = self.client.get("/search/?q=老旧小区改造").content.decode()
        assert self.summary.title in html
        assert f'<span class="snippet-source">附件：{NAME}</span>' in html
        data = self.client.get("/search/?q=老旧小区改造&format=json").json()
        assert data["results"][0]["snippet_source"] == NAME

    def test_adding_an_attachment_shows_at_once_on_the_cached_page(self):
        url = self.summary.get_absolute_url()
        assert "新附件.pdf" not in self.client.get(url).content.decode()
        Attachment.objects.create(document=self.summary, name="新附件.pdf", kind="pdf",
                                  file=ContentFile(b"%PDF-", name="b.pdf"))
        assert "新附件.pdf" in self.client.get(url).content.decode()
