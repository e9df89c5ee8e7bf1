"""The search page in a real browser: Debian's chromium, driven by Playwright."""


from gongkai.search.backends import get_search_backend
from gongkai.test import BROWSER_MARKS, SCREENSHOTS, BaseTestCase, BrowserTestCase

from .contract import add_search_cast

pytestmark = BROWSER_MARKS


class SearchPageBrowserTestCase(BrowserTestCase):
    def setUp(self):
        # A flush between live-server tests empties Django's tables, not the index tables.
        get_search_backend().clear()
        BaseTestCase.setUpTestData.__func__(type(self))
        add_search_cast(type(self))
        self.page = self.new_page()

    def tearDown(self):
        get_search_backend().clear()

    def test_it_searches_clicks_a_facet_and_highlights_the_words(self):
        self.page.goto(self.live_server_url + "/search/")
        self.page.fill("#search-q", "翠竹街道")
        self.page.click(".search-form button")
        assert self.page.inner_text(".results h1 .count") == "共 3 条"
        assert self.page.title().startswith("翠竹街道 - 检索结果")
        marks = self.page.eval_on_selector_all(".hit h2 mark", "es => es.map(e => e.textContent)")
        assert marks == ["翠竹街道"] * 3
        self.page.click('[data-facet="genre"] a:has-text("工作总结")')
        assert self.page.inner_text(".results h1 .count") == "共 2 条"
        assert self.page.inner_text('[data-facet="genre"] a.selected') == "工作总结 (2) ×"
        assert self.page.eval_on_selector_all(".snippet mark", "es => es.length") >= 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    def test_it_fits_a_phone_screen(self):
        self.page.set_viewport_size({"width": 375, "height": 740})
        self.page.goto(self.live_server_url + "/search/?q=民生微实事")
        assert self.page.evaluate("document.documentElement.scrollWidth") <= 375
        assert self.page.is_visible(".hit mark")
        self.page.screenshot(path=str(SCREENSHOTS / "search-phone.png"), full_page=True)

    def test_it_offers_a_relaxed_query_on_a_zero_result_page(self):
        self.page.goto(self.live_server_url + "/search/?q=民生微实事 火星基地")
        self.page.click(".relaxed a")
        assert self.page.input_value("#search-q") == "民生微实事"
        assert self.page.inner_text(".results h1 .count") == "共 2 条"
