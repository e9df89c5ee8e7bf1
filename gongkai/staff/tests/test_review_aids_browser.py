"""Issue 11's review aids together in a real browser: an editor attaches a PDF holding an ID
number to a draft whose body holds it too, and submits; the reviewer sees both findings (the
attachment's flagged 含个人信息 / 请替换附件), masks the body's copy with one click; the PDF is
replaced with a clean one (by the editor: a reviewer's role does not edit); the reviewer sees
no findings left and publishes without a reason; then a public
search finds a word that is only in the attachment, the public page shows the masked ID and
never the full one, and the download serves the clean file."""

from urllib.parse import quote

from gongkai.documents import workflow
from gongkai.documents.models import Attachment, Document, Status, TextStatus
from gongkai.search.backends import get_search_backend
from gongkai.test import BROWSER_MARKS

from .test_workflow_browser import StaffBrowserTestCase

pytestmark = BROWSER_MARKS

ID = "11010519491231002X"
MASKED_ID = "1101**********002X"
WORD = "附件专有词甲乙丙"  # only in the attachment
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
LEAKY, CLEAN = "附件1：申请人名单.pdf", "附件1：申请人名单（已遮盖）.pdf"


def cjk_pdf(text: str) -> bytes:
    """A PDF whose text layer holds Chinese (fpdf2's core fonts have none)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("wqy", fname=CJK_FONT)
    pdf.set_font("wqy", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


class ReviewAidsBrowserTestCase(StaffBrowserTestCase):
    def setUp(self):
        get_search_backend().clear()  # a flush empties Django's tables, not the index's
        self.addCleanup(get_search_backend().clear)
        super().setUp()

    def change_attachments(self, page, document, name, data, remove=False):
        """On the change form: tick the stored attachment's 删除 box if ``remove``, upload
        ``data`` as ``name`` in the empty row, save and stay."""
        page.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/change/")
        empty = 0
        if remove:
            page.check("#id_attachments-0-DELETE")
            empty = 1
        page.set_input_files(f"#id_attachments-{empty}-file", files=[
            {"name": name, "buffer": data, "mimeType": "application/pdf"}])
        page.click("input[name=_continue]")
        page.locator(".messagelist .success").wait_for()

    def test_the_reviewer_clears_the_body_and_the_attachment_then_the_public_sees_neither(self):
        leaky_pdf = cjk_pdf(f"申请人身份证号{ID} {WORD}")
        clean_pdf = cjk_pdf(f"申请人身份证号已遮盖 {WORD}")
        document = workflow.create(Document(
            title="关于公共租赁住房配租结果的公示", agency=self.cuizhu,
            body=f"<p>经审核，申请人（身份证号{ID}）符合配租条件。</p>"))

        # 1. The editor attaches the PDF to the draft and submits it.
        editor = self.login("editor_a")
        self.change_attachments(editor, document, LEAKY, leaky_pdf)
        leaky = Attachment.objects.get(document=document)
        assert leaky.text_status == TextStatus.EXTRACTED and ID in leaky.text
        self.transition(editor, document, "submit")
        assert "含 2 处可能的个人信息" in editor.inner_text(".pii-warning")

        # 2. The reviewer sees both findings: the body's with a mask button, the attachment's
        # flagged for replacing.
        reviewer = self.login("reviewer_a")
        reviewer.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/change/")
        reviewer.click(".pii-warning a")  # 逐条查看并遮盖
        rows = reviewer.locator("tr.pii-id_card")
        assert rows.count() == 2
        body_row = rows.filter(has_text="正文")
        file_row = rows.filter(has_text=f"附件：{LEAKY}")
        assert body_row.locator("mark").inner_text() == ID
        assert file_row.locator("mark").inner_text() == ID
        assert "请替换附件" in file_row.inner_text() and file_row.locator("button").count() == 0
        assert f"附件“{LEAKY}”含个人信息（1 处），请替换文件。" in reviewer.inner_text(".pii-files")
        self.screenshot(reviewer, "staff-review-aids-findings")

        body_row.get_by_role("button", name=f"遮盖身份证号 {MASKED_ID}").click()
        assert f"已遮盖身份证号：{MASKED_ID}" in reviewer.inner_text(".messagelist .success")
        assert reviewer.locator("tr.pii-id_card").count() == 1  # the attachment's is left
        document.refresh_from_db()
        assert ID not in document.body and MASKED_ID in document.body

        # 3. The PDF is replaced with a clean one. Replacing a file is editing, which a
        # reviewer's role does not give (only masking the body is open to both): the inline is
        # read-only for them, so the editor replaces it while it is in review.
        reviewer.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/change/")
        assert reviewer.locator("#id_attachments-0-DELETE, #id_attachments-1-file").count() == 0
        self.change_attachments(editor, document, CLEAN, clean_pdf, remove=True)
        clean = Attachment.objects.get(document=document)
        assert clean.name == CLEAN and clean.text_status == TextStatus.EXTRACTED
        reviewer.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/privacy/")
        assert reviewer.inner_text(".pii-none") == "未发现个人信息。"
        assert reviewer.locator(".pii-warning").count() == 0

        # 4. Publishing needs no reason now.
        self.transition(reviewer, document, "publish")
        document.refresh_from_db()
        assert document.status == Status.PUBLISHED

        # 5. The public: search finds the attachment's word, with its name by the snippet; the
        # page shows only the masked ID; the download is the clean file.
        public = self.new_page()
        public.goto(f"{self.live_server_url}/search/?q={quote(WORD)}")
        html = public.content()
        assert document.title in html
        assert f'<span class="snippet-source">附件：{CLEAN}</span>' in html
        public.goto(self.live_server_url + document.get_absolute_url())
        assert MASKED_ID in public.inner_text(".doc-body")
        assert ID not in public.content()
        href = public.locator(".attachments a", has_text=CLEAN).get_attribute("href")
        download = public.request.get(self.live_server_url + href)
        assert download.ok and download.body() == clean_pdf
        for page in (editor, reviewer, public):
            self.assert_no_csp_violations(page)
        assert editor.errors == [] and reviewer.errors == []
