"""Attachments in a real browser: the editor attaches a PDF to a published document (a file
that lies about its kind is refused first, in Chinese), submits the edit; the public page
and search do not show it until the reviewer approves; then a public search finds a word
that is only in the attachment, with the attachment's name beside the snippet, and the
download keeps its Chinese name."""

from urllib.parse import quote

from gongkai.documents.models import Attachment, TextStatus
from gongkai.lib.tests import samples
from gongkai.search.backends import get_search_backend
from gongkai.test import BROWSER_MARKS

from .test_workflow_browser import StaffBrowserTestCase

pytestmark = BROWSER_MARKS

NAME = "附件1：街道季度报告.pdf"


class AttachmentBrowserTestCase(StaffBrowserTestCase):
    def setUp(self):
        get_search_backend().clear()  # a flush empties Django's tables, not the index's
        self.addCleanup(get_search_backend().clear)
        super().setUp()

    def attach(self, page, name, data):
        page.goto(f"{self.live_server_url}/admin/documents/document/{self.summary.pk}/change/")
        page.set_input_files("#id_attachments-0-file", files=[
            {"name": name, "buffer": data, "mimeType": "application/pdf"}])
        page.click("input[name=_continue]")

    def public_search(self, word) -> str:
        page = self.new_page()
        page.goto(f"{self.live_server_url}/search/?q={quote(word)}")
        return page.content()

    def test_an_attachment_goes_through_review_and_is_then_found_by_its_text(self):
        editor = self.login("editor_a")
        self.attach(editor, "报告.pdf", samples.docx_bytes())
        error = editor.locator(".errorlist", has_text="文件内容与名称不符")
        error.wait_for()
        assert "“报告.pdf”的内容是Word（DOCX）文件" in error.inner_text()
        assert not Attachment.objects.exists()

        self.attach(editor, "q.pdf", samples.pdf_bytes())
        editor.locator(".messagelist .warning").wait_for()  # saved as a pending edit
        item = Attachment.objects.get()
        assert item.text_status == TextStatus.EXTRACTED
        assert "已提取文字" in editor.locator(".field-details").first.inner_text()
        Attachment.objects.filter(pk=item.pk).update(name=NAME)
        assert "未找到结果" in self.public_search("pdfonlyword")  # waits for review
        self.transition(editor, self.summary, "submit")

        reviewer = self.login("reviewer_a")
        self.transition(reviewer, self.summary, "publish")
        html = self.public_search("pdfonlyword")
        assert self.summary.title in html
        assert f'<span class="snippet-source">附件：{NAME}</span>' in html
        assert "<mark>pdfonlyword</mark>" in html

        page = self.new_page()
        page.goto(f"{self.live_server_url}{self.summary.get_absolute_url()}")
        link = page.locator(".attachments a", has_text=NAME)
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == NAME
        assert editor.errors == [] and reviewer.errors == []
