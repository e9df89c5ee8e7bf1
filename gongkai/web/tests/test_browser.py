"""The document page in a real browser: Debian's chromium, driven by Playwright."""

from gongkai.test import BROWSER_MARKS, SCREENSHOTS, BaseTestCase, BrowserTestCase

pytestmark = BROWSER_MARKS


class DocumentPageBrowserTestCase(BrowserTestCase):
    setUpTestData = classmethod(BaseTestCase.setUpTestData.__func__)

    def setUp(self):
        self.setUpTestData()
        self.page = self.new_page()

    def body_font_size(self) -> str:
        return self.page.eval_on_selector(".doc-body", "e => getComputedStyle(e).fontSize")

    def test_it_switches_font_size_and_remembers_it(self):
        self.page.goto(self.live_server_url + self.summary.get_absolute_url())
        assert self.body_font_size() == "16px"
        self.page.click("a[data-font=large]")
        assert self.body_font_size() == "20px"
        self.page.reload()
        assert self.body_font_size() == "20px"
        self.page.click("a[data-font=small]")
        self.page.goto(self.live_server_url + self.notice.get_absolute_url())
        assert self.body_font_size() == "14px"

    def test_it_switches_font_size_without_javascript(self):
        page = self.new_page(java_script_enabled=False)
        page.goto(self.live_server_url + self.summary.get_absolute_url())
        page.click("a[data-font=large]")
        assert page.eval_on_selector(".doc-body", "e => getComputedStyle(e).fontSize") == "20px"
        self.assert_no_csp_violations(page)

    def test_it_prints_from_the_print_button(self):
        self.page.add_init_script("window.print = () => { window.printed = true; };")
        self.page.goto(self.live_server_url + self.summary.get_absolute_url())
        self.page.click("text=【打印】")
        assert self.page.evaluate("window.printed") is True
        self.assert_no_csp_violations(self.page)

    def test_it_prints_the_record_and_body_only(self):
        self.page.goto(self.live_server_url + self.summary.get_absolute_url())
        self.page.emulate_media(media="print")
        hidden = ".topbar, .masthead, .crumbs, .tools, .site-footer"
        shown = ".record, .doc-title, .doc-body"
        assert self.page.eval_on_selector_all(
            hidden, "es => es.every(e => getComputedStyle(e).display === 'none')")
        assert self.page.eval_on_selector_all(
            shown, "es => es.every(e => getComputedStyle(e).display !== 'none')")

    def test_it_renders_the_seed_page_and_saves_a_screenshot(self):
        # The real seed page, as shipped in the demo data, through the importer.
        from gongkai.importers.import_files import import_paths
        from gongkai.importers.management.commands.load_demo import DEMO_DATA

        import_paths([DEMO_DATA / "seed-page.txt"], progress=False)
        self.page.goto(self.live_server_url + self.summary.get_absolute_url())
        assert self.page.title().startswith("罗湖区翠竹街道办事处2021年工作总结")
        fields = {name: self.page.inner_text(f".f-{name}") for name in
                  ("index", "agency", "written", "title", "published", "terms")}
        assert fields == {
            "index": "11440303007546460H/2022-00033", "agency": "深圳市罗湖区翠竹街道办事处",
            "written": "2022-09-08", "title": "罗湖区翠竹街道办事处2021年工作总结",
            "published": "2022-09-08", "terms": "翠竹街道 工作总结"}
        assert "民生微实事" in self.page.inner_text(".doc-body")
        assert self.page.inner_text(".abstract").startswith("（2021年")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / "document.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000

    def test_it_fits_a_phone_screen(self):
        self.page.set_viewport_size({"width": 375, "height": 740})
        self.page.goto(self.live_server_url + self.summary.get_absolute_url())
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 375
        self.page.screenshot(path=str(SCREENSHOTS / "document-phone.png"), full_page=True)
        self.page.click("text=长者模式")  # larger type everywhere, still no sideways scrolling
        assert "elder" in self.page.get_attribute("html", "class")
        assert self.page.evaluate("document.documentElement.scrollWidth") <= 375
