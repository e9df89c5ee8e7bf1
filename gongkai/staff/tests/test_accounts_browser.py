"""The sign-in pages in a real browser: the login form with its 动态口令 field, 两步验证
enrolment and the lockout page — accessible (axe-core, WCAG 2.1 A/AA) and within the CSP."""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from gongkai.test import BROWSER_MARKS, SCREENSHOTS, BrowserTestCase

from .test_accounts import PASSWORD

pytestmark = BROWSER_MARKS


class SignInPagesTestCase(BrowserTestCase):
    def setUp(self):
        self.user = User.objects.create_user("reviewer", password=PASSWORD, is_staff=True)

    def check(self, page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        self.assert_no_csp_violations(page)
        self.assert_accessible(page)

    def test_the_login_page_asks_for_the_code_field_too(self):
        page = self.new_page()
        page.goto(f"{self.live_server_url}/admin/login/")
        assert page.get_by_label("动态口令").is_visible()
        self.check(page, "staff-login")

    def test_enrolment_shows_the_qr_code_and_the_secret(self):
        client = Client()
        client.force_login(self.user)
        page = self.new_page()
        page.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME, "url": self.live_server_url,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page.goto(f"{self.live_server_url}/admin/otp/")
        assert page.locator("img[alt^='两步验证二维码']").evaluate("i => i.naturalWidth") > 0
        assert len(page.inner_text(".otp-secret").replace(" ", "")) >= 16
        self.check(page, "staff-otp-setup")

    def test_the_lockout_page(self):
        page = self.new_page()
        for i in range(settings.AXES_FAILURE_LIMIT):
            page.goto(f"{self.live_server_url}/admin/login/")
            page.fill("#id_username", "reviewer")
            page.fill("#id_password", f"wrong-{i}")
            page.click("input[type=submit]")
        assert page.locator("h1").inner_text() == "登录已暂时锁定"
        self.check(page, "staff-lockout")
