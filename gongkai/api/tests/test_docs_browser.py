"""The interactive API docs (/api/docs) in a real browser: Swagger UI renders every endpoint
from /api/v1/openapi.json under the site's Content-Security-Policy, "Try it out" gets an
answer, and axe-core finds no violation of WCAG 2.1 A and AA, before and after an answer is
shown. (axe's best practices are not asked of this page: Swagger UI's tag headings skip a
level, heading-order, which only its own markup could change.)"""

from gongkai.test import AXE_TAGS, BROWSER_MARKS, BaseTestCase, BrowserTestCase

pytestmark = BROWSER_MARKS


class ApiDocsBrowserTestCase(BrowserTestCase):
    def setUp(self):
        BaseTestCase.setUpTestData.__func__(type(self))
        self.page = self.new_page()

    def settle(self):
        """Let Swagger UI finish what it fetches and animates (an opening operation fades
        in), so that axe reads the page as a reader sees it."""
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        self.page.wait_for_timeout(500)

    def test_the_docs_render_every_endpoint_without_csp_violations(self):
        response = self.page.goto(self.live_server_url + "/api/docs")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15000)
        paths = self.page.locator(".opblock-summary-path").all_inner_texts()
        assert len(paths) == 10 and any("/api/v1/search/" in p for p in paths), paths
        self.settle()
        self.assert_accessible(self.page, AXE_TAGS)
        self.page.locator(".opblock-summary-path", has_text="/api/v1/classification/").click()
        self.page.get_by_role("button", name="Try it out").click()
        self.page.get_by_role("button", name="Execute").click()
        status = self.page.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for()
        assert "200" in status.inner_text()
        self.settle()
        # The answer is highlighted (numbers and strings in colour) before axe reads it.
        assert self.page.locator(".live-responses-table .highlight-code [style*='color']").count()
        self.assert_no_csp_violations(self.page)
        self.assert_accessible(self.page, AXE_TAGS)
