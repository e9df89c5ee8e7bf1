"""The privacy review in a real browser: an editor submits a document holding an ID number;
the reviewer — in a browser without JavaScript — sees the finding in context, masks it with
one click, and publishes with a reason for the office phone left in it."""

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.accounts.tests.cast import PASSWORD
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.test import BROWSER_MARKS

from . import test_workflow_browser  # not its class: pytest would run its test here too

pytestmark = BROWSER_MARKS

ID = "11010519491231002X"
MASKED_ID = "1101**********002X"


class PrivacyBrowserTestCase(test_workflow_browser.WorkflowBrowserTestCase):
    # The cast, login and helpers of the workflow's browser test, not its test.
    test_a_document_goes_from_a_docx_through_review_to_the_public_page = None

    def login_without_javascript(self, username):
        page = self.new_page(java_script_enabled=False)
        page.goto(f"{self.live_server_url}/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        assert "/admin/login/" not in page.url
        return page

    def test_the_reviewer_sees_and_masks_a_finding_then_publishes_with_a_reason(self):
        document = workflow.create(Document(
            title="关于住房保障资格的公示", agency=self.cuizhu,
            body=f"<p>经审核，申请人张三（身份证号{ID}）符合条件。</p><p>监督电话：0755-88881234。</p>"))
        editor = self.login("editor_a")
        self.transition(editor, document, "submit")
        assert "可能的个人信息" in editor.inner_text(".messagelist .warning")
        assert "含 3 处可能的个人信息" in editor.inner_text(".pii-warning")

        reviewer = self.login_without_javascript("reviewer_a")
        reviewer.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/change/")
        reviewer.click(".pii-warning a")  # 逐条查看并遮盖
        row = reviewer.locator("tr.pii-id_card")
        assert row.locator("mark").inner_text() == ID
        assert MASKED_ID in row.inner_text() and "正文" in row.inner_text()
        self.screenshot(reviewer, "staff-privacy-review")
        row.get_by_role("button", name=f"遮盖身份证号 {MASKED_ID}").click()
        assert f"已遮盖身份证号：{MASKED_ID}" in reviewer.inner_text(".messagelist .success")
        assert reviewer.locator("tr.pii-id_card").count() == 0
        document.refresh_from_db()
        assert ID not in document.body and MASKED_ID in document.body

        reviewer.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/workflow/publish/")
        # The reason is required: the browser itself refuses to send the form without it
        # (the server's refusal without one is in test_privacy_admin.py).
        reviewer.click("input[type=submit][value^='确认']")
        assert reviewer.locator("#id_confirmation[required]").count() == 1
        document.refresh_from_db()
        assert document.status == Status.IN_REVIEW
        reviewer.fill("#id_confirmation", "监督电话为本机构公开电话")
        reviewer.click("input[type=submit][value^='确认']")
        reviewer.locator(".messagelist .success").wait_for()
        document.refresh_from_db()
        assert document.status == Status.PUBLISHED
        assert AuditEntry.objects.filter(object_id=str(document.pk), action=AuditAction.PUBLISH,
                                         detail__contains="监督电话为本机构公开电话").exists()
        public = self.new_page()
        public.goto(self.live_server_url + document.get_absolute_url())
        assert MASKED_ID in public.inner_text(".doc-body") and ID not in public.content()
