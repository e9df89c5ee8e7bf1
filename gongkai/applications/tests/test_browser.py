"""The whole case in a real browser, as issue 12 asks: a citizen applies (keyboard alone, no
JavaScript), staff confirm receipt and ask for 补正, the citizen supplements on the status
page, staff extend and reply, the citizen reads the reply there; another agency's staff see
none of it. The receipt page and the form sent back with errors pass axe-core too."""

from gongkai.accounts.models import Role
from gongkai.accounts.tests.cast import PASSWORD, staff_user
from gongkai.applications.models import Application, Stage
from gongkai.test import BROWSER_MARKS, SCREENSHOTS, BaseTestCase, BrowserTestCase

from .helpers import PERSON_ID

pytestmark = BROWSER_MARKS
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")


class ApplicationBrowserTestCase(BrowserTestCase):
    def setUp(self):
        BaseTestCase.setUpTestData.__func__(type(self))
        self.reviewer_a = staff_user("reviewer_a", (self.cuizhu, Role.REVIEWER))
        self.editor_b = staff_user("editor_b", (self.gwyb, Role.EDITOR))

    def login(self, username):
        page = self.new_page()
        page.goto(f"{self.live_server_url}/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.locator("#content-main").first.wait_for()
        assert "/admin/login/" not in page.url
        return page

    def screenshot(self, page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def step(self, page, app, name, fill=None):
        page.goto(f"{self.live_server_url}/admin/applications/application/{app.pk}/change/")
        page.click(f"a.step-{name}")
        for selector, value in (fill or {}).items():
            page.fill(selector, value)
        page.click("input[type=submit][value^='确认']")
        page.locator(".messagelist .success").wait_for()

    def type_field(self, citizen, selector, text):
        """Tab to ``selector`` and type: the form by keyboard alone."""
        for _ in range(60):
            citizen.keyboard.press("Tab")
            if citizen.evaluate("s => document.activeElement.matches(s)", selector):
                citizen.keyboard.type(text)
                return
        raise AssertionError(f"{selector} not reached by Tab")

    def test_a_case_from_application_to_reply(self):
        citizen = self.new_page(java_script_enabled=False, viewport={"width": 390, "height": 844})
        citizen.goto(f"{self.live_server_url}/agencies/{self.cuizhu.pk}/")
        citizen.click("text=向深圳市罗湖区翠竹街道办事处申请政府信息公开")
        # Sent with a wrong 身份证号: the errors are listed, the typed data kept.
        citizen.check("#id_applicant_type_0")
        citizen.fill("#id_name", "王小明")
        citizen.fill("#id_id_number", "110105194912310021")
        citizen.fill("#id_phone", "13800001111")
        citizen.fill("#id_email", "wang@example.com")
        citizen.fill("#id_description", "翠竹街道2021年老旧小区改造项目的立项批复")
        citizen.check("#id_form_wanted_1")
        citizen.check("#id_delivery_wanted_2")
        citizen.click("main button[type=submit]")
        assert "居民身份证号不正确" in citizen.inner_text(".form-errors")
        assert citizen.input_value("#id_description") == "翠竹街道2021年老旧小区改造项目的立项批复"
        self.assert_no_csp_violations(citizen)
        self.screenshot(citizen, "application-form-errors")
        citizen.fill("#id_id_number", "")
        citizen.focus("#id_id_number")
        citizen.keyboard.type(PERSON_ID)
        citizen.keyboard.press("Enter")  # submits the form from the keyboard
        citizen.locator("#tracking-code").wait_for()
        code = citizen.inner_text("#tracking-code")
        self.assert_no_csp_violations(citizen)
        self.screenshot(citizen, "application-receipt")
        app = Application.objects.get(tracking_code=code)
        assert app.agency == self.cuizhu and app.stage == Stage.REGISTERED

        staff = self.login("reviewer_a")
        self.step(staff, app, "confirm")
        self.step(staff, app, "request_supplement", {"#id_request": "请写明项目所在社区。"})

        # The citizen, in a new browser (JavaScript on, so axe-core can run there), finds the
        # case by code and contact, and supplements.
        citizen = self.new_page()
        citizen.goto(f"{self.live_server_url}/applications/status/")
        self.type_field(citizen, "#id_code", code)
        self.type_field(citizen, "#id_contact", "wang@example.com")
        citizen.keyboard.press("Enter")
        citizen.locator(".stages").wait_for()
        assert "请写明项目所在社区。" in citizen.inner_text("main")
        self.assert_accessible(citizen, TAGS)
        citizen.fill("#id_text", "翠竹北社区。")
        citizen.click("main button[type=submit]")
        assert "补正内容已提交" in citizen.inner_text("main")

        self.step(staff, app, "accept")
        self.step(staff, app, "extend", {"#id_days": "10", "#id_approved_by": "李主任"})
        staff.goto(f"{self.live_server_url}/admin/applications/application/{app.pk}/change/")
        staff.click("a.step-reply")
        staff.select_option("#id_outcome", "disclosed")
        staff.fill("#id_explanation", "立项批复见附件。")
        staff.fill("#id_document_refs", self.summary.index_no)
        staff.set_input_files("#id_uploads", files=[{"name": "批复.txt", "mimeType": "text/plain",
                                                     "buffer": "立项批复全文".encode()}])
        staff.click("input[type=submit][value^='确认']")
        staff.locator(".messagelist .success").wait_for()
        self.screenshot(staff, "application-admin-case")

        citizen.goto(f"{self.live_server_url}/applications/{code}/")
        text = citizen.inner_text("main")
        assert "予以公开" in text and "立项批复见附件。" in text and "批复.txt" in text
        assert citizen.get_attribute(".stages li.current", "aria-current") == "step"
        self.assert_accessible(citizen, TAGS)
        self.screenshot(citizen, "application-status")
        with citizen.expect_download() as download:
            citizen.click("main a:text('批复.txt')")
        assert download.value.suggested_filename == "批复.txt"
        with citizen.expect_download() as download:
            citizen.click(".downloads a:text('PDF')")
        assert download.value.suggested_filename.endswith(".pdf")

        # Another agency's staff: not in the list, not by URL.
        other = self.login("editor_b")
        other.goto(f"{self.live_server_url}/admin/applications/application/")
        assert code not in other.content() and "王小明" not in other.content()
        response = other.goto(f"{self.live_server_url}/admin/applications/application/{app.pk}/step/note/")
        assert response.status == 404
        other.goto(f"{self.live_server_url}/admin/applications/application/dashboard/")
        assert code not in other.content()

    def test_the_form_with_errors_and_the_receipt_pass_axe(self):
        page = self.new_page()
        for elder in (False, True):
            if elder:
                page.goto(f"{self.live_server_url}/display/?elder=1&next=/")
            page.goto(f"{self.live_server_url}/agencies/{self.cuizhu.pk}/apply/")
            page.fill("#id_id_number", "123")
            with page.expect_navigation():
                page.click("main button[type=submit]")
            assert "请选择申请人类型" in page.inner_text(".form-errors")
            self.assert_accessible(page, TAGS)
            page.check("#id_applicant_type_0")
            page.fill("#id_name", "王小明")
            page.fill("#id_id_number", PERSON_ID)
            page.fill("#id_phone", "13800001111")
            page.fill("#id_description", "立项批复")
            page.check("#id_form_wanted_0")
            page.check("#id_delivery_wanted_3")
            with page.expect_navigation():
                page.click("main button[type=submit]")
            page.locator("#tracking-code").wait_for()
            self.assert_accessible(page, TAGS)
            self.assert_no_csp_violations(page)
