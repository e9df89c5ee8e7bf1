"""The publishing workflow in a real browser, as issue 10 asks: an editor of agency A creates a
document from a .docx and submits it; the reviewer of A sends it back with a reason; the
editor fixes it and submits again; the reviewer publishes; the public page shows it; the
editor of agency B cannot see, change, publish or withdraw it by any admin page, action, URL
or command — each tried and refused."""

from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from gongkai.accounts.models import Role
from gongkai.accounts.tests.cast import PASSWORD, staff_user
from gongkai.documents.models import Document, Status
from gongkai.test import BROWSER_MARKS, SCREENSHOTS, BaseTestCase, BrowserTestCase

from .test_from_file import official_docx

pytestmark = BROWSER_MARKS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "深圳市人民政府办公厅关于印发社区养老服务工作方案的通知"
FIXED = TITLE + "（修订）"


class StaffBrowserTestCase(BrowserTestCase):
    """Staff of agency A and B signing in and pressing workflow buttons, for browser tests."""

    def setUp(self):
        BaseTestCase.setUpTestData.__func__(type(self))
        self.editor_a = staff_user("editor_a", (self.cuizhu, Role.EDITOR))
        self.reviewer_a = staff_user("reviewer_a", (self.cuizhu, Role.REVIEWER))
        self.editor_b = staff_user("editor_b", (self.gwyb, Role.EDITOR))

    def login(self, username):
        """A browser of its own, signed in through the login page."""
        page = self.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{self.live_server_url}/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.locator("#staff-dashboard, #content-main").first.wait_for()
        assert "/admin/login/" not in page.url, f"{username} could not sign in"
        page.errors = errors
        return page

    def screenshot(self, page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def transition(self, page, document, name, reason=None):
        """Press the workflow button on the document's page and confirm."""
        page.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/change/")
        page.click(f"a.workflow-{name}")
        if reason is not None:
            page.fill("#id_reason", reason)
        page.click("input[type=submit][value^='确认']")
        page.locator(".messagelist .success").wait_for()

    def post_as(self, page, path, data):
        """A POST from ``page``'s session, with its CSRF token, as a hand-made request would."""
        token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
        return page.request.post(self.live_server_url + path, form={**data, "csrfmiddlewaretoken": token},
                                 headers={"Referer": self.live_server_url + path}, max_redirects=0)


class WorkflowBrowserTestCase(StaffBrowserTestCase):

    def test_a_document_goes_from_a_docx_through_review_to_the_public_page(self):
        # 1. The editor of A: 从文件新建, the agency picked in the autocomplete, saved, 送审.
        editor = self.login("editor_a")
        editor.goto(f"{self.live_server_url}/admin/documents/document/")
        editor.click("text=从文件新建")
        editor.set_input_files("#id_file", files=[{"name": "通知.docx", "buffer": official_docx(),
                                                   "mimeType": DOCX}])
        editor.click("input[type=submit]")
        assert editor.input_value("#id_title") == TITLE
        editor.click(".field-agency .select2-selection")
        option = editor.locator(".select2-results__option", has_text="翠竹街道办事处")
        option.wait_for()
        editor.locator(".select2-results__option.loading-results").wait_for(state="detached")
        assert editor.locator(".select2-results__option").all_inner_texts() == [
            "深圳市罗湖区翠竹街道办事处"]  # every agency offered: agency B is not among them
        option.click()
        editor.click("input[name=_save]")
        editor.locator(".messagelist .success").wait_for()
        document = Document.objects.get(title=TITLE)
        assert document.status == Status.DRAFT and document.agency == self.cuizhu
        assert "<table>" in document.body
        self.transition(editor, document, "submit")
        document.refresh_from_db()
        assert document.status == Status.IN_REVIEW

        # Agency B's editor, while it is in review: not in the list, not in the autocomplete.
        other = self.login("editor_b")
        other.goto(f"{self.live_server_url}/admin/documents/document/?q={quote('养老')}")
        assert TITLE not in other.content()
        other.goto(f"{self.live_server_url}/admin/autocomplete/?app_label=documents"
                   f"&model_name=document&field_name=superseded_by&term={quote('养老')}")
        assert TITLE not in other.content()

        # 2. The reviewer of A sees it waiting and sends it back with a reason.
        reviewer = self.login("reviewer_a")
        assert TITLE in reviewer.inner_text("#queue-waiting")
        self.screenshot(reviewer, "staff-dashboard-reviewer")
        self.transition(reviewer, document, "send_back", reason="请在名称后注明（修订）")
        document.refresh_from_db()
        assert document.status == Status.DRAFT and document.sent_back_reason

        # 3. The editor reads the reason first thing, fixes the title and submits again.
        editor.goto(f"{self.live_server_url}/admin/")
        assert "请在名称后注明（修订）" in editor.inner_text("#queue-sent-back")
        editor.click(f"#queue-sent-back a:has-text('{TITLE}')")
        assert "退回理由：请在名称后注明（修订）" in editor.inner_text(".sent-back-reason")
        editor.fill("#id_title", FIXED)
        editor.click("input[name=_continue]")
        editor.locator(".messagelist .success").wait_for()
        self.transition(editor, document, "submit")

        # 4. The reviewer compares the versions and publishes.
        reviewer.goto(f"{self.live_server_url}/admin/documents/document/{document.pk}/revisions/")
        reviewer.locator("input[name=a]").last.check()  # the first version against the last
        reviewer.click("input[type=submit]")
        assert "（修订）" in reviewer.locator("table.compare ins").all_inner_texts()
        self.screenshot(reviewer, "staff-revision-compare")
        self.transition(reviewer, document, "publish")
        document.refresh_from_db()
        assert document.status == Status.PUBLISHED and document.index_no

        # 5. The public page shows it, with its structure.
        public = self.new_page()
        public.goto(self.live_server_url + document.get_absolute_url())
        assert public.inner_text("h1.doc-title") == FIXED
        assert public.locator(".doc-body table td").count() == 4
        assert document.index_no in public.inner_text(".record")

        # 6. Agency B's editor cannot see, change, publish or withdraw it by any means.
        base = f"/admin/documents/document/{document.pk}/"
        other.goto(f"{self.live_server_url}/admin/documents/document/")
        assert FIXED not in other.content()
        other.goto(f"{self.live_server_url}{base}change/")
        assert other.url == f"{self.live_server_url}/admin/" and FIXED not in other.content()
        assert "不存在" in other.inner_text(".messagelist")
        for tail in ("workflow/publish/", "workflow/withdraw/", "workflow/submit/",
                     "revisions/", "suggest/", "history/"):
            response = other.goto(f"{self.live_server_url}{base}{tail}")
            assert FIXED not in other.content(), tail
            assert response.status in (403, 404) or other.url.endswith("/admin/"), tail
        for action in ("withdraw_selected", "publish_selected", "submit_selected"):
            self.post_as(other, "/admin/documents/document/", {
                "action": action, "_selected_action": str(document.pk), "confirm": "1"})
        response = self.post_as(other, f"{base}workflow/withdraw/", {"reason": "x"})
        assert response.status == 404
        response = self.post_as(other, f"{base}change/", {"title": "篡改", "agency": str(self.gwyb.pk)})
        assert response.status in (302, 403)
        for name in ("withdraw", "publish", "submit", "unschedule"):
            with pytest.raises(CommandError, match="没有权限"):
                call_command("workflow", name, str(document.pk), "--user", "editor_b")
        document.refresh_from_db()
        assert document.status == Status.PUBLISHED and document.title == FIXED
        public.reload()
        assert public.inner_text("h1.doc-title") == FIXED
        for page in (editor, reviewer, other):
            self.assert_no_csp_violations(page)
            assert not page.errors, page.errors
