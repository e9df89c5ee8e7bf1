"""Every public page type in a real browser: 0 axe-core violations (WCAG 2.1 A and AA, and
axe's best practices: landmarks, heading order) and 0 Content-Security-Policy violations, in
normal display and in 长者模式; the search form by keyboard alone; the display links without
JavaScript."""

import datetime as dt
from urllib.parse import quote

import pytest

from gongkai.documents.models import Document, Status, Validity
from gongkai.search.backends import get_search_backend
from gongkai.search.tests.contract import add_search_cast
from gongkai.test import AXE_TAGS, BROWSER_MARKS, BaseTestCase, BrowserTestCase, aware

pytestmark = BROWSER_MARKS

TAGS = (*AXE_TAGS, "best-practice")

# Each page type: its path (a function of the test's world) and what shows it is that page.
PAGES = {
    "home": (lambda t: "/", ".agency-grid a"),
    "agency": (lambda t: t.cuizhu.get_absolute_url(), ".tree a"),
    "listing": (lambda t: f"/agencies/{t.cuizhu.pk}/documents/", ".listing tbody a"),
    "listing_by_topic": (lambda t: f"/agencies/{t.cuizhu.pk}/documents/?topic={t.topic.parent_id}",
                         ".listing tbody a"),
    "listing_by_genre": (lambda t: f"/agencies/{t.cuizhu.pk}/documents/?genre={t.summary_genre.pk}",
                         ".listing tbody a"),
    "guide": (lambda t: t.guide_page(), ".guide-contact"),
    "statistics": (lambda t: t.statistics_page(), ".stat-chart rect"),
    "annual_report": (lambda t: t.annual_report_page(), ".doc-body table"),
    "document": (lambda t: t.summary.get_absolute_url(), ".record"),
    "document_seed_page": (lambda t: t.import_seed_page().get_absolute_url(),
                           ".doc-body :text(\"民生微实事\")"),
    "document_repealed": (lambda t: t.repealed.get_absolute_url(), ".notice a"),
    "document_attachments": (lambda t: t.with_attachments(), ".attachments a"),
    "search_attachment_hit": (lambda t: t.with_attachments("/search/?q=" + quote("老旧小区改造")),
                              ".snippet-source"),
    "document_withdrawn": (lambda t: t.withdrawn_page(), ".notice"),
    "regulations": (lambda t: t.regulations_page(), ".listing tbody a"),
    "search_form": (lambda t: "/search/", "#search-q"),
    "search_results": (lambda t: "/search/?q=" + quote("翠竹街道"), ".hit a"),
    "search_facets": (lambda t: f"/search/?q={quote('翠竹街道')}&genre={t.summary_genre.pk}&year=2022",
                      ".facet a.selected"),
    "search_partial": (lambda t: "/search/?q=" + quote("民生微实事 火星基地"), ".relaxed a"),
    "search_no_results": (lambda t: "/search/?q=" + quote('"民生微实事 火星基地"'), ".suggestions a"),
    "exports": (lambda t: t.exports_page(), ".listing tbody a"),
    "not_found": (lambda t: "/documents/999999/", "main h1"),
    "admin_login": (lambda t: "/admin/login/", "#id_username"),
    "apply": (lambda t: f"/agencies/{t.cuizhu.pk}/apply/", "#id_id_number"),
    "application_status": (lambda t: "/applications/status/", "#id_code"),
    "application_case": (lambda t: t.application_case(), ".stages li.current"),
}
MODES = ("normal", "elder")
FONTS = ("large", "small")


class AccessibilityTestCase(BrowserTestCase):
    def setUp(self):
        # A flush between live-server tests empties Django's tables, not the index tables.
        get_search_backend().clear()
        self.addCleanup(get_search_backend().clear)
        BaseTestCase.setUpTestData.__func__(type(self))
        add_search_cast(type(self))
        self.repealed = Document.objects.create(
            index_no="11440303007546460H/2020-00012", title="罗湖区翠竹街道办事处2020年预算执行情况",
            agency=self.cuizhu, published_at=aware(2020, 6, 30), status=Status.PUBLISHED,
            genre=self.summary_genre, validity=Validity.REPEALED, repealed_on=dt.date(2022, 6, 30),
            superseded_by=self.budget, body="<p>全年安排民生微实事资金200万元。</p>",
        )
        self.page = self.new_page()

    def withdrawn_page(self) -> str:
        from gongkai.documents import workflow

        workflow.withdraw(self.repealed)
        return self.repealed.get_absolute_url()

    def with_attachments(self, path: str = "") -> str:
        """The summary with two attachments (one found only by its text); ``path`` or its page."""
        from django.core.files.base import ContentFile

        from gongkai.documents.models import Attachment, TextStatus

        for name, kind in (("附件1：老旧小区改造资金表.xlsx", "xlsx"), ("附件2：申请表（扫描件）.pdf", "pdf")):
            Attachment.objects.create(document=self.summary, name=name, kind=kind, size=123456,
                                      file=ContentFile(b"x", name="a.bin"),
                                      text="项目 老旧小区改造 1200" if kind == "xlsx" else "",
                                      text_status=TextStatus.EXTRACTED)
        return path or self.summary.get_absolute_url()

    def regulations_page(self) -> str:
        """规章库 with a regulation in force that replaced a repealed one."""
        from gongkai.catalog.models import Genre

        rules = Genre.objects.get_or_create(name="规章")[0]
        Document.objects.filter(pk__in=[self.budget.pk, self.repealed.pk]).update(genre=rules)
        Document.objects.filter(pk=self.budget.pk).update(validity=Validity.IN_FORCE)
        from gongkai.documents.generation import bump

        bump()
        return "/regulations/?validity=all"

    def application_case(self) -> str:
        """A replied application's status page, opened with its code and contact."""
        from gongkai.applications.tests.helpers import replied_application

        app = replied_application(self.cuizhu, self.summary)
        self.page.goto(self.live_server_url + "/applications/status/")
        self.page.fill("#id_code", app.tracking_code)
        self.page.fill("#id_contact", app.phone)
        with self.page.expect_navigation():
            self.page.click(".application-form button[type=submit]")
        return f"/applications/{app.tracking_code}/"

    def statistics_page(self) -> str:
        """一屏可视 with a year of a published annual report (every chart drawn)."""
        from gongkai.reports.build import build, to_json
        from gongkai.reports.models import AnnualReport

        AnnualReport.objects.create(agency=self.cuizhu, year=2022,
                                    loaded=to_json(build(self.cuizhu, 2022)))
        return f"/agencies/{self.cuizhu.pk}/statistics/"

    def annual_report_page(self) -> str:
        """A published annual report: its tables in a document's body."""
        from gongkai.documents import workflow
        from gongkai.reports.models import AnnualReport
        from gongkai.reports.publish import submit

        document = submit(AnnualReport.objects.create(agency=self.cuizhu, year=2022))
        workflow.publish(document)
        return document.get_absolute_url()

    def guide_page(self) -> str:
        """The 公开指南 of the demo data (every field filled, several paragraphs)."""
        import json

        from gongkai.guides.models import Guide
        from gongkai.importers.management.commands.load_demo import DEMO_DATA

        fields = json.loads((DEMO_DATA / "guides.json").read_text("utf-8"))[0]
        del fields["agency"]
        fields |= {"fax": "0755-0000 0001", "email": "gk@example.gov.cn",
                   "online_channel": "https://www.example.gov.cn/apply/"}
        return Guide.objects.create(agency=self.cuizhu, **fields).get_absolute_url()
    def exports_page(self) -> str:
        """数据下载 with the two dumps, written to a folder of this test's own."""
        import tempfile
        from pathlib import Path

        from django.test import override_settings

        from gongkai.importers.export import write_dump

        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        settings = override_settings(DATA_DIR=Path(folder.name))
        settings.enable()
        self.addCleanup(settings.disable)
        write_dump("jsonl")
        write_dump("csv")
        return "/exports/"

    def import_seed_page(self) -> Document:
        """The summary with the real seed page's body (tables, lists), through the importer."""
        from gongkai.importers.import_files import import_paths
        from gongkai.importers.management.commands.load_demo import DEMO_DATA

        import_paths([DEMO_DATA / "seed-page.txt"], progress=False)
        return Document.objects.get(pk=self.summary.pk)

    def visit(self, path: str, mode: str = "normal", font: str = ""):
        """Open ``path`` after choosing the display through the site's own /display/ links;
        the response of the page itself (the redirect's target)."""
        url = response = None
        for choice in (["elder=1"] if mode == "elder" else []) + ([f"font={font}"] if font else []):
            response = self.page.goto(
                f"{self.live_server_url}/display/?{choice}&next={quote(path)}")
        if response is None:
            response = self.page.goto(self.live_server_url + path)
        url = self.live_server_url + path
        assert self.page.url == url
        classes = (self.page.get_attribute("html", "class") or "").split()
        if not path.startswith("/admin/"):  # Django's admin does not take the reader's display
            assert ("elder" in classes) == (mode == "elder"), classes
            assert f"font-{font or 'medium'}" in classes, classes
        return response

    def check(self, name: str, mode: str, font: str = "") -> None:
        path, landmark = PAGES[name]
        response = self.visit(path(self), mode, font)
        assert response.status == (404 if name == "not_found" else 200)
        assert self.page.locator(landmark).count(), f"{name}: no {landmark}"
        # The policy comes from settings (django-csp); without it the CSP check means nothing.
        assert "script-src" in (response.headers.get("content-security-policy") or "")
        self.assert_no_csp_violations(self.page)
        self.assert_accessible(self.page, TAGS)

    def test_the_checks_fail_on_a_bad_page(self):
        bad = ('<!DOCTYPE html><html><head><title>坏页面</title></head><body>'
               '<img src="data:,"><a href="/"></a><input name="q">'
               '<script>document.title = "inline"</script></body></html>')
        url = self.live_server_url + "/a-bad-page/"
        self.page.route(url, lambda route: route.fulfill(
            body=bad, content_type="text/html; charset=utf-8",
            headers={"content-security-policy": "script-src 'self'"}))
        self.page.goto(url)
        with pytest.raises(AssertionError) as axe_failure:
            self.assert_accessible(self.page)
        for rule in ("html-has-lang", "image-alt", "link-name", "label"):
            assert f"- {rule} (" in str(axe_failure.value), rule
        with pytest.raises(AssertionError) as csp_failure:
            self.assert_no_csp_violations(self.page)
        assert "script-src" in str(csp_failure.value)

    def test_the_search_form_works_by_keyboard_alone(self):
        self.page.goto(self.live_server_url + "/search/")
        self.tab_to("#search-q")
        self.page.keyboard.type("民生微实事")
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        assert self.page.inner_text(".results h1 .count") == "共 3 条"
        href = self.tab_to(".hit h2 a")["href"]
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        assert self.page.url == self.live_server_url + href
        assert self.page.locator(".doc-title").count() == 1

    def tab_to(self, selector: str, limit: int = 30) -> dict:
        """Press Tab until an element matching ``selector`` has the focus, checking on the way
        that every element focused shows a focus ring of 2px or more."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate("""selector => {
              const e = document.activeElement, style = getComputedStyle(e);
              return {matches: e.matches(selector), href: e.getAttribute("href"),
                      html: e.outerHTML.slice(0, 100), ring: style.outlineStyle !== "none"
                        && parseFloat(style.outlineWidth) >= 2};
            }""", selector)
            assert focused["ring"], f"no visible focus on {focused['html']}"
            if focused["matches"]:
                return focused
        raise AssertionError(f"{selector} not reached in {limit} Tabs")

    def test_the_display_links_and_search_work_without_javascript(self):
        page = self.new_page(java_script_enabled=False)
        page.goto(self.live_server_url + self.summary.get_absolute_url())

        def classes() -> set:
            return set(page.get_attribute("html", "class").split())

        assert classes() == {"font-medium"}
        assert not page.is_visible("button.print-link")  # only JavaScript can print
        page.click("text=长者模式")
        assert classes() == {"font-medium", "elder"}
        assert page.url == self.live_server_url + self.summary.get_absolute_url()
        page.click("a[data-font=large]")
        assert classes() == {"font-large", "elder"}
        page.click("a[data-font=small]")
        assert classes() == {"font-small", "elder"}
        assert page.get_attribute("a[data-font=small]", "aria-current") == "true"
        page.click("text=退出长者模式")
        assert classes() == {"font-small"}
        page.fill(".site-search input", "民生微实事")
        page.press(".site-search input", "Enter")
        assert page.inner_text(".results h1 .count") == "共 3 条"
        self.assert_no_csp_violations(page)


def _page_test(name, mode, font=""):
    def test(self):
        self.check(name, mode, font)
    test.__doc__ = f"{name} in {mode} display{f', font {font}' if font else ''}"
    return test


for _name in PAGES:
    for _mode in MODES:
        setattr(AccessibilityTestCase, f"test_{_name}_{_mode}", _page_test(_name, _mode))
    if _name in ("document", "document_seed_page"):
        for _font in FONTS:
            for _mode in MODES:
                setattr(AccessibilityTestCase, f"test_{_name}_{_mode}_font_{_font}",
                        _page_test(_name, _mode, _font))
