"""The interactive API docs (/api/docs) in a real browser: Swagger UI renders every endpoint
from /api/v1/openapi.json under the site's Content-Security-Policy, "Try it out" gets an
answer, and axe-core finds nothing but two faults of Swagger UI's own markup."""

from gongkai.test import BROWSER_MARKS, BaseTestCase, BrowserTestCase, format_axe_violations

pytestmark = BROWSER_MARKS

# Swagger UI's own markup, which a stylesheet cannot change: its copy buttons have no text
# (button-name) and each operation's summary button holds the copy-path button
# (nested-interactive). Everything else (language, contrast) is fixed in our template and CSS.
SWAGGER_UI_FAULTS = {"button-name", "nested-interactive"}


class ApiDocsBrowserTestCase(BrowserTestCase):
    def setUp(self):
        BaseTestCase.setUpTestData.__func__(type(self))
        self.page = self.new_page()

    def assert_only_swagger_ui_faults(self):
        violations = [v for v in self.axe_violations(self.page)
                      if v["id"] not in SWAGGER_UI_FAULTS]
        assert not violations, format_axe_violations(violations)

    def test_the_docs_render_every_endpoint_without_csp_violations(self):
        response = self.page.goto(self.live_server_url + "/api/docs")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15000)
        paths = self.page.locator(".opblock-summary-path").all_inner_texts()
        assert len(paths) == 10 and any("/api/v1/search/" in p for p in paths), paths
        self.assert_only_swagger_ui_faults()
        self.page.locator(".opblock-summary-path", has_text="/api/v1/classification/").click()
        self.page.get_by_role("button", name="Try it out").click()
        self.page.get_by_role("button", name="Execute").click()
        status = self.page.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for()
        assert "200" in status.inner_text()
        self.assert_no_csp_violations(self.page)
        self.assert_only_swagger_ui_faults()
