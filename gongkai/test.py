"""Shared test world, built in code (after healthchecks' hc/test.py).

The cast: 翠竹街道办事处 (a street office with an 18-character credit code) publishes the
seed work summary; 国务院办公厅 (9-character organisation code) publishes a notice; 新区管委会
was imported by name and still lacks a code.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import TestCase
from django.utils import timezone

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.documents.models import Disclosure, Document, Status

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_DIR.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared/, or a skip when this checkout has none beside it."""
    import pytest

    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO_DIR / "var" / "screenshots"
# Put ``pytestmark = BROWSER_MARKS`` in a module of browser tests.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

# The project standard: WCAG 2.1 A and AA, as axe-core tags its rules.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# Recorded in every frame before the page's own scripts run.
CSP_RECORDER = """
window.__csp_violations = [];
document.addEventListener("securitypolicyviolation", e => window.__csp_violations.push({
  directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
  line: e.lineNumber, sample: e.sample}));
"""


def aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cuizhu = Agency.objects.create(
            name="深圳市罗湖区翠竹街道办事处", short_name="翠竹街道办", code="11440303007546460H")
        cls.gwyb = Agency.objects.create(name="国务院办公厅", code="000014349")
        cls.xinqu = Agency.objects.create(name="新区管委会", needs_review=True)
        cls.summary_genre = Genre.objects.create(name="工作总结")
        cls.topic = Topic.from_path("综合政务\\政务公开")
        cls.summary = Document.objects.create(
            index_no="11440303007546460H/2022-00033", title="罗湖区翠竹街道办事处2021年工作总结",
            agency=cls.cuizhu, written_on=dt.date(2022, 9, 8),
            published_at=aware(2022, 9, 8), status=Status.PUBLISHED,
            subject_terms=["翠竹街道", "工作总结"], genre=cls.summary_genre,
            abstract="2021年，翠竹街道坚持以习近平新时代中国特色社会主义思想为指导。",
            body="<p>一、旗帜鲜明讲政治，“第一议题”严落实。</p>",
        )
        cls.notice = Document.objects.create(
            index_no="000014349/2018-00204", title="国务院办公厅关于印发《政府网站集约化试点工作方案》的通知",
            agency=cls.gwyb, doc_no="国办函[2018]71号", written_on=dt.date(2018, 10, 27),
            published_at=aware(2018, 11, 9, 15, 30), published_time_known=True,
            status=Status.PUBLISHED, topic=cls.topic, body="<p>各省、自治区、直辖市人民政府：</p>",
        )
        cls.draft = Document.objects.create(
            title="翠竹街道2023年工作计划（草稿）", agency=cls.cuizhu, status=Status.DRAFT,
            body="<p>草稿内容</p>",
        )
        cls.on_request = Document.objects.create(
            title="翠竹街道内部人事安排", agency=cls.cuizhu, status=Status.PUBLISHED,
            disclosure=Disclosure.ON_REQUEST, published_at=aware(2022, 1, 5),
        )


class BrowserTestCase(StaticLiveServerTestCase):
    """Pages in a real browser: Debian's chromium driven by Playwright, one per class.

    Open pages with ``self.new_page()`` (a fresh context each, closed after the test): every
    page records Content-Security-Policy violations for ``assert_no_csp_violations`` and can be
    checked with axe-core by ``assert_accessible``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        # Playwright's sync API runs an event loop in this thread; the ORM calls made here
        # are the test's own set-up, not async code.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def new_page(self, viewport=None, **context_options):
        """A page in a context of its own (``java_script_enabled=False``…), closed after the
        test, that records CSP violations: ``securitypolicyviolation`` events (when JavaScript
        runs) and the console's Content Security Policy messages."""
        context = self.browser.new_context(
            viewport=viewport or {"width": 1100, "height": 900}, **context_options)
        self.addCleanup(context.close)
        context.add_init_script(CSP_RECORDER)
        page = context.new_page()
        messages = []
        page.on("console", lambda m: messages.append(m.text)
                if "Content Security Policy" in m.text else None)
        self.__dict__.setdefault("_csp_console", {})[page] = messages
        if context_options.get("java_script_enabled") is False:
            self.__dict__.setdefault("_no_javascript", set()).add(page)
        return page

    def csp_violations(self, page) -> list[str]:
        """What the page's policy blocked so far, one line each."""
        found = list(self.__dict__.get("_csp_console", {}).get(page, []))
        if page in self.__dict__.get("_no_javascript", ()):
            return found  # no events without JavaScript: the console messages are all there is
        # Violation events are dispatched in a task of their own: let one run first.
        events = page.evaluate(
            "() => new Promise(ok => setTimeout(() => ok(window.__csp_violations || [])))")
        found += [f"{e['directive']} blocked {e['blocked'] or 'inline'} "
                  f"({e['source']}:{e['line']}) {e['sample']}".rstrip() for e in events]
        return found

    def assert_no_csp_violations(self, page) -> None:
        found = self.csp_violations(page)
        assert not found, f"{page.url}: {len(found)} CSP violation(s):\n" + "\n".join(found)

    def axe_violations(self, page, tags=AXE_TAGS) -> list[dict]:
        """axe-core's violations of the rules tagged ``tags`` on the page as it is now."""
        from axe_playwright_python.base import AXE_SCRIPT

        # Evaluated through the DevTools protocol, so the page's CSP does not block it.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT)
        results = page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]})
        return results["violations"]

    def assert_accessible(self, page, tags=AXE_TAGS) -> None:
        """0 axe-core violations of WCAG 2.1 A and AA rules (or of ``tags``)."""
        violations = self.axe_violations(page, tags)
        assert not violations, f"{page.url}: {len(violations)} axe violation(s):\n" + \
            format_axe_violations(violations)


def format_axe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)
