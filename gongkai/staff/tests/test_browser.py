"""The document form as staff use it, in a real browser: the body editor (loads under the
site's Content Security Policy without errors, keeps a pasted table through saving), the form
without JavaScript, and a new document from a .docx."""


import re

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from gongkai.documents.models import Document
from gongkai.test import BROWSER_MARKS, SCREENSHOTS, BaseTestCase, BrowserTestCase

from .test_document_form import WORD_CLIPBOARD, give_the_draft_suggestions
from .test_from_file import official_docx

pytestmark = BROWSER_MARKS

EDITOR = ".prose-editor [contenteditable=true].ProseMirror"

PASTE = """(html) => {
  const editor = document.querySelector(".prose-editor [contenteditable=true]");
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "粘贴");
  editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                    cancelable: true}));
}"""


class DocumentFormBrowserTestCase(BrowserTestCase):
    def setUp(self):
        BaseTestCase.setUpTestData.__func__(type(self))
        self.staff = User.objects.create_superuser("zhangsan", "zs@example.gov.cn", "pw")

    def staff_page(self, **options):
        client = Client()
        client.force_login(self.staff)
        page = self.new_page(**options)
        page.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME, "url": self.live_server_url,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # Django's admin asks for /favicon.ico, which this site does not have.
        page.on("console", lambda m: errors.append(f"{m.text} {m.location}")
                if m.type == "error" and "favicon" not in str(m.location) else None)
        return page, errors

    def screenshot(self, page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def test_the_editor_loads_and_a_pasted_table_survives_saving(self):
        page, errors = self.staff_page()
        page.goto(f"{self.live_server_url}/admin/documents/document/{self.draft.pk}/change/")
        editor = page.locator(EDITOR)
        editor.wait_for()
        assert not page.locator("#id_body").is_visible()  # the editor took its place
        assert page.locator(".prose-editor-menubar, .prose-menubar").count() > 0
        editor.click()
        page.keyboard.press("Control+End")
        page.keyboard.type("新写的一段。")
        page.keyboard.press("Enter")
        page.evaluate(PASTE, WORD_CLIPBOARD)
        assert editor.locator("table td").count() == 4
        assert editor.locator("h1").first.inner_text() == "一、工作目标"
        self.screenshot(page, "staff-change-form")
        self.assert_no_csp_violations(page)
        assert not errors, errors
        page.click("input[name=_continue]")
        page.locator(".messagelist .success").wait_for()
        body = Document.objects.get(pk=self.draft.pk).body
        assert "新写的一段。" in body
        assert "<table" in body and re.search(r"<td[^>]*><p>养老服务站</p></td>", body)
        assert "<ol><li><p>建成社区养老服务站5个；</p></li>" in body
        assert "mso-" not in body and "<o:p" not in body
        self.assert_no_csp_violations(page)
        assert not errors, errors

    def test_terms_are_tags_and_suggestions_are_taken_with_a_click(self):
        give_the_draft_suggestions(self)
        page, errors = self.staff_page()
        page.goto(f"{self.live_server_url}/admin/documents/document/{self.draft.pk}/change/")
        page.fill("#id_subject_terms", "养老、社区；便民")
        assert page.locator("#id_subject_terms_tags .gk-tag span").all_inner_texts() == [
            "养老", "社区", "便民"]
        page.click("#id_subject_terms_tags button[aria-label='删除主题词“社区”']")
        assert page.input_value("#id_subject_terms") == "养老 便民"
        add = page.locator(".gk-suggested-terms button").first
        term = add.get_attribute("data-gk-add-term")
        add.click()
        assert page.input_value("#id_subject_terms") == f"养老 便民 {term}"
        page.click("button[data-gk-target=id_abstract]")
        assert page.input_value("#id_abstract")
        # The suggested topic goes into the admin's autocomplete (select2) box.
        page.click(f"button[data-gk-topic='{self.topic.pk}']")
        assert page.input_value("#id_topic") == str(self.topic.pk)
        assert "政务公开" in page.inner_text("#select2-id_topic-container")
        self.assert_no_csp_violations(page)
        assert not errors, errors
        page.click("input[name=_continue]")
        page.locator(".messagelist .success").wait_for()
        document = Document.objects.get(pk=self.draft.pk)
        assert document.subject_terms == ["养老", "便民", term]
        assert document.abstract and document.topic == self.topic

    def test_without_javascript_the_form_is_a_textarea_and_a_text_input(self):
        page, _ = self.staff_page(java_script_enabled=False)
        page.goto(f"{self.live_server_url}/admin/documents/document/{self.draft.pk}/change/")
        assert page.locator("textarea#id_body").is_visible()
        assert page.locator(".gk-take").first.is_hidden() or page.locator(".gk-take").count() == 0
        page.fill("#id_body", "<h2>一、目标</h2><table><tr><td>甲</td><td>乙</td></tr></table>")
        page.fill("#id_subject_terms", "计划、草稿")
        self.screenshot(page, "staff-change-form-no-js")
        page.click("input[name=_continue]")
        page.locator(".messagelist .success").wait_for()
        document = Document.objects.get(pk=self.draft.pk)
        assert "<h2>一、目标</h2>" in document.body and "<td>甲</td>" in document.body
        assert document.subject_terms == ["计划", "草稿"]
        self.assert_no_csp_violations(page)

    def test_a_new_document_from_a_docx(self):
        page, errors = self.staff_page()
        page.goto(f"{self.live_server_url}/admin/documents/document/")
        page.click("text=从文件新建")
        page.set_input_files("#id_file", files=[{
            "name": "通知.docx", "buffer": official_docx(),
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
        self.screenshot(page, "staff-from-file")
        page.click("input[type=submit]")
        page.locator(EDITOR).wait_for()
        assert "/admin/documents/document/add/" in page.url
        assert page.input_value("#id_title") == "深圳市人民政府办公厅关于印发社区养老服务工作方案的通知"
        assert page.input_value("#id_doc_no") == "深府办函〔2024〕12号"
        assert page.input_value("#id_written_on") == "2024-03-05"
        editor = page.locator(EDITOR)
        assert editor.locator("table td").count() == 4 and editor.locator("ol li").count() == 2
        assert editor.locator("h2").first.inner_text() == "一、工作目标"
        self.screenshot(page, "staff-from-file-prefilled")
        self.assert_no_csp_violations(page)
        assert not errors, errors
        # Staff choose the agency and save: a draft with the document's structure.
        page.evaluate("""id => { const s = document.querySelector('#id_agency');
                                 s.append(new Option('翠竹', id, true, true)); }""",
                      str(self.cuizhu.pk))
        page.click("input[name=_save]")
        page.locator(".messagelist .success").wait_for()
        document = Document.objects.get(doc_no="深府办函〔2024〕12号")
        assert document.status == "draft" and "<table>" in document.body
        assert document.written_on.isoformat() == "2024-03-05"


