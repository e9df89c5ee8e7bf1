"""The no-leak guarantee (issue 10): nothing of a document the public may not see reaches any
public surface, and nothing of an agency's documents reaches another agency's staff.

Each non-public document carries a marker word of its own in its title, body, 内容概述,
主题词, 文号 and 索引号 (a withdrawn document only in what its page hides: body, 内容概述,
主题词). Every public surface is walked and no marker may appear; then the admin is walked as
each role of the other agency. **Every public surface added later joins ``public_urls()``.**
"""

import datetime as dt
import gzip
import io
import json
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import get_resolver
from django.utils import timezone

from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.api.serialize import FIELDS
from gongkai.catalog.models import Genre
from gongkai.documents import workflow
from gongkai.documents.models import (
    Attachment,
    AttachmentChange,
    Disclosure,
    Document,
    Status,
    TextStatus,
    Validity,
)
from gongkai.importers.export import write_dump
from gongkai.test import aware

COMMON = "泄漏测试"  # a word every test document shares, public or not


def hidden(cls, key: str, marker: str, **fields) -> Document:
    """A document whose every field carries ``marker``."""
    values = dict(
        title=f"{COMMON}{marker}通知", agency=cls.cuizhu, doc_no=f"{marker}〔2024〕1号",
        index_no=f"{marker}/2024-00001", abstract=f"概述{marker}", subject_terms=[marker],
        body=f"<p>{COMMON}正文 {marker} 第一段。</p>", genre=cls.rules, topic=cls.topic,
        validity=Validity.IN_FORCE, published_at=aware(2024, 1, 2))
    values.update(fields)
    document = Document.objects.create(**values)
    cls.markers[key] = marker
    cls.hidden_docs[key] = document
    cls.hidden_files.append(attachment(document, marker))
    return document


def attachment(document: Document, marker: str, **fields) -> Attachment:
    """An attachment whose name, extracted text and bytes carry ``marker``."""
    values = dict(document=document, name=f"{marker}附件.pdf", kind="pdf",
                  file=ContentFile(f"%PDF-1.4 {marker}".encode(), name="a.pdf"),
                  text=f"{COMMON}附件文字 {marker} 结束", text_status=TextStatus.EXTRACTED)
    return Attachment.objects.create(**{**values, **fields})


class NoLeakTestCase(StaffTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.markers, cls.hidden_docs, cls.hidden_files = {}, {}, []
        cls.rules = Genre.objects.create(name="规章")
        future = timezone.now() + dt.timedelta(days=30)
        hidden(cls, "draft", "mkdraftzq", status=Status.DRAFT, published_at=None, index_no=None)
        hidden(cls, "sent_back", "mksentbackzq", status=Status.DRAFT,
               sent_back_reason="退回", published_at=None, index_no=None)
        hidden(cls, "in_review", "mkreviewzq", status=Status.IN_REVIEW)
        hidden(cls, "scheduled", "mkschedzq", status=Status.PUBLISHED, published_at=future)
        hidden(cls, "withheld", "mkwithheldzq", status=Status.PUBLISHED,
               disclosure=Disclosure.WITHHELD)
        hidden(cls, "on_request", "mkrequestzq", status=Status.PUBLISHED,
               disclosure=Disclosure.ON_REQUEST)
        hidden(cls, "withdrawn_unseen", "mkneverzq", status=Status.WITHDRAWN,
               published_at=future, withdrawn_at=timezone.now())
        # Withdrawn: the page stays with the record (title, 文号, 索引号); only what it hides
        # carries the marker.
        hidden(cls, "withdrawn", "mkwithdrawnzq", status=Status.PUBLISHED,
               title=f"{COMMON}已撤回的通知", doc_no="撤〔2024〕2号", index_no="WD/2024-00002")
        workflow.withdraw(cls.hidden_docs["withdrawn"])
        hidden(cls, "withdraw_due", "mkduezq", status=Status.PUBLISHED,
               title=f"{COMMON}到时撤回的通知", doc_no="撤〔2024〕3号", index_no="WD/2024-00003",
               withdraw_at=timezone.now() - dt.timedelta(minutes=1))
        # A published document with an unpublished new revision: the public keeps the old one.
        cls.live = Document.objects.create(
            title=f"{COMMON}公开的版本", agency=cls.cuizhu, status=Status.PUBLISHED,
            published_at=aware(2024, 1, 3), body=f"<p>{COMMON}公开的正文。</p>", genre=cls.rules,
            validity=Validity.IN_FORCE, index_no="LIVE/2024-00004", doc_no="公〔2024〕4号")
        edited = Document.objects.get(pk=cls.live.pk)
        edited.title, edited.body = f"{COMMON}mkpendingzq新标题", "<p>mkpendingzq 新正文</p>"
        edited.doc_no, edited.abstract = "mkpendingzq〔2024〕9号", "mkpendingzq"
        edited.subject_terms = ["mkpendingzq"]
        workflow.save_edit(edited)
        workflow.submit(edited)
        cls.markers["pending"] = "mkpendingzq"
        # Its attachments: one public, one added and one removed in the pending revision
        # (the removed one stays public until the revision is approved).
        cls.live_file = attachment(cls.live, "", name="公开附件.pdf", text=f"{COMMON}公开附件文字")
        cls.hidden_files.append(attachment(cls.live, "mkpendingzq", pending=AttachmentChange.ADD))
        cls.removed_file = attachment(cls.live, "", name="待删附件.pdf", text="待删附件文字",
                                      pending=AttachmentChange.REMOVE)
        # Replacement notices: repealed in favour of a document the public may not see.
        cls.repealed = Document.objects.create(
            title=f"{COMMON}已废止的办法", agency=cls.cuizhu, status=Status.PUBLISHED,
            published_at=aware(2020, 1, 1), genre=cls.rules, validity=Validity.REPEALED,
            superseded_by=cls.hidden_docs["draft"], repealed_on=dt.date(2024, 1, 1),
            body=f"<p>{COMMON}旧办法。</p>")
        # An application: its personal data shows only on its own status page (code + contact).
        from gongkai.applications.tests.helpers import replied_application

        cls.application = replied_application(
            cls.cuizhu, cls.hidden_docs["on_request"], name="mkapplicantzq",
            description="mkapplicantzq 所需信息", email="mkapplicantzq@example.com")
        cls.markers["application"] = "mkapplicantzq"
        # An annual report in review: its figures stay off the statistics page.
        from gongkai.reports.build import build, to_json
        from gongkai.reports.models import AnnualReport

        figures = to_json(build(cls.cuizhu, 2023))
        figures["三、收到和处理政府信息公开申请情况"]["一、本年新收政府信息公开申请数量"]["总计"] = 7313131
        AnnualReport.objects.create(agency=cls.cuizhu, year=2023, submitted=figures,
                                    document=cls.hidden_docs["in_review"])
        cls.markers["annual_report"] = "7313131"

    def setUp(self):
        # The nightly dumps (gongkai export --dump), written where /exports/ serves them.
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        settings = override_settings(DATA_DIR=Path(folder.name))
        settings.enable()
        self.addCleanup(settings.disable)
        self.dumps = [write_dump(fmt)[0].name for fmt in ("jsonl", "csv")]

    # -- helpers ----------------------------------------------------------------------------
    def assert_clean(self, url: str, content: str, allow: str = "") -> None:
        for key, marker in self.markers.items():
            if marker == allow:
                continue
            assert marker not in content, f"{url} shows the {key} document's marker {marker}"

    def hidden_urls(self) -> set[str]:
        return {d.get_absolute_url() for key, d in self.hidden_docs.items()
                if key not in ("withdrawn", "withdraw_due")}

    def fetch(self, url: str, allow: str = "") -> str:
        response = self.client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        location = response.get("Location", "")
        assert location not in self.hidden_urls(), f"{url} redirects to a hidden document"
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if content.startswith(b"\x1f\x8b"):  # a bulk download
            content = gzip.decompress(content)
        content = content.decode("utf-8", "replace")  # attachments are binary
        self.assert_clean(url, content + location, allow)
        for hidden_url in self.hidden_urls():
            assert f'href="{hidden_url}"' not in content, f"{url} links to {hidden_url}"
        return content

    def public_urls(self) -> list[str]:
        """Every public surface (the search page's queries are walked apart)."""
        a, b = self.cuizhu.pk, self.gwyb.pk
        urls = ["/", "/healthz", f"/agencies/{a}/", f"/agencies/{b}/",
                f"/agencies/{a}/guide/", f"/agencies/{b}/guide/",
                f"/agencies/{a}/statistics/", f"/agencies/{a}/statistics/government/",
                f"/agencies/{a}/documents/", f"/agencies/{a}/documents/?page=2",
                f"/agencies/{a}/documents/?topic={self.topic.parent_id}",
                f"/agencies/{a}/documents/?topic={self.topic.pk}",
                f"/agencies/{a}/documents/?genre={self.rules.pk}",
                "/regulations/", "/search/",
                *[f"/regulations/?validity={v}" for v in [*Validity.values, "all"]],
                self.live.get_absolute_url(), self.repealed.get_absolute_url(),
                self.summary.get_absolute_url(), self.live_file.get_absolute_url()]
        urls += [d.get_absolute_url() for d in self.hidden_docs.values()]
        code = self.application.tracking_code
        urls += [f"/agencies/{a}/apply/", "/applications/status/", "/applications/receipt/",
                 f"/applications/status/?code={code}", f"/applications/{code}/",
                 f"/applications/{code}/letter.pdf", f"/applications/{code}/letter.print",
                 f"/applications/{code}/files/1/",
                 f"/applications/{code}/documents/{self.hidden_docs['on_request'].pk}/"]
        # Feeds (each kind, both flavours), sitemaps, robots.txt, the bulk downloads.
        feeds = ["/feeds/{}/", f"/feeds/agencies/{a}/{{}}/", f"/feeds/agencies/{b}/{{}}/",
                 f"/feeds/topics/{self.topic.parent_id}/{{}}/",
                 f"/feeds/topics/{self.topic.pk}/{{}}/?agency={a}",
                 f"/feeds/genres/{self.rules.pk}/{{}}/", f"/feeds/genres/{self.rules.pk}/{{}}/?agency={a}",
                 *[f"/feeds/search/{{}}/?q={quote(q)}" for q in (COMMON, "正文", "通知")],
                 f"/feeds/search/{{}}/?q={quote(COMMON)}&genre={self.rules.pk}&year=2024"]
        urls += [feed.format(flavour) for feed in feeds for flavour in ("atom", "rss")]
        urls += ["/robots.txt", "/sitemap.xml", "/sitemap-pages.xml", "/sitemap-agencies.xml",
                 "/sitemap-documents.xml", "/exports/", *[f"/exports/{n}" for n in self.dumps]]
        urls += [a.get_absolute_url() for a in self.hidden_files]
        # An attachment asked for under another document's URL.
        urls.append(f"/documents/{self.live.pk}/attachments/{self.hidden_files[0].pk}/")
        return urls + self.api_urls()

    def api_urls(self) -> list[str]:
        """The JSON API (gongkai/api): every endpoint, every document by id, 索引号 and
        validity history, with every field asked for."""
        a, api = self.cuizhu.pk, "/api/v1"
        every = "?fields=" + ",".join(FIELDS)
        documents = [*self.hidden_docs.values(), self.live, self.repealed, self.summary]
        urls = [f"{api}/", f"{api}/openapi.json", "/api/docs", f"{api}/classification/",
                f"{api}/agencies/", f"{api}/agencies/{a}/", f"{api}/agencies/{self.gwyb.pk}/",
                f"{api}/documents/", f"{api}/documents/{every}", f"{api}/documents/?limit=1",
                f"{api}/documents/withdrawn/", f"{api}/documents/withdrawn/{every}",
                f"{api}/documents/?agency={a}&year=2024&validity=in_force",
                f"{api}/documents/?topic={self.topic.parent_id}&genre={self.rules.pk}",
                *[f"{api}/regulations/?validity={v}&fields=superseded_by,title,body_html"
                  for v in [*Validity.values, "all"]]]
        for d in documents:
            urls += [f"{api}/documents/{d.pk}/", f"{api}/documents/{d.pk}/{every}",
                     f"{api}/documents/{d.pk}/validity/"]
            if d.index_no:
                urls.append(f"{api}/documents/index-no/{quote(d.index_no)}{every}")
        page = self.client.get(f"{api}/documents/?limit=1").json()
        return urls + [page["next"]]

    # -- the public side --------------------------------------------------------------------
    def test_every_public_page_is_free_of_every_marker(self):
        for url in self.public_urls():
            self.fetch(url)

    def test_the_routes_are_all_walked(self):
        """A new public route must join public_urls() (or this list, if it is no page)."""
        walked = {"", "healthz", "agencies/<int:pk>/", "agencies/<int:pk>/documents/",
                  "agencies/<int:pk>/apply/", "applications/receipt/", "applications/status/",
                  "applications/<str:code>/", "applications/<str:code>/letter.<str:fmt>",
                  "applications/<str:code>/files/<int:file_id>/",
                  "applications/<str:code>/documents/<int:document_id>/",
                  "agencies/<int:pk>/guide/", "agencies/<int:pk>/statistics/",
                  "agencies/<int:pk>/statistics/government/",
                  "documents/<int:pk>/", "regulations/", "search/", "display/", "admin/",
                  "feeds/<flavour:flavour>/", "feeds/agencies/<int:pk>/<flavour:flavour>/",
                  "feeds/topics/<int:pk>/<flavour:flavour>/",
                  "feeds/genres/<int:pk>/<flavour:flavour>/", "feeds/search/<flavour:flavour>/",
                  "sitemap.xml", "sitemap-<slug:section>.xml", "robots.txt", "exports/",
                  "exports/<str:name>", "documents/<int:pk>/attachments/<int:attachment>/",
                  # the JSON API (api_urls)
                  "api/v1/", "api/docs", "openapi.json", "documents/", "documents/withdrawn/",
                  "documents/<int:id>/", "documents/index-no/<path:index_no>",
                  "documents/<int:id>/validity/", "agencies/", "agencies/<int:id>/",
                  "classification/"}
        routes = {str(p.pattern) for p in get_resolver().url_patterns}
        routes |= {str(p.pattern) for r in get_resolver().url_patterns
                   for p in getattr(r, "url_patterns", []) if not str(r.pattern).startswith("admin")}
        unknown = {r for r in routes if r not in walked and not r.startswith("admin")}
        assert not unknown, f"public routes the no-leak suite does not walk: {unknown}"

    def test_the_public_surfaces_list_the_public_documents(self):
        """The walk above is not vacuous: the feeds, the sitemap and the dump do list the
        public documents (so a hidden one would have been seen there)."""
        live = self.live.get_absolute_url()
        assert live in self.fetch("/feeds/atom/") and live in self.fetch("/sitemap-documents.xml")
        assert self.live.index_no in self.fetch(f"/exports/{self.dumps[0]}")

    def test_the_export_command_holds_no_hidden_document(self):
        for fmt in ("jsonl", "csv"):
            out = io.StringIO()
            call_command("export", "--format", fmt, stdout=out, stderr=io.StringIO())
            self.assert_clean(f"gongkai export --format {fmt}", out.getvalue())
            assert self.live.index_no in out.getvalue() and self.repealed.title in out.getvalue()
            assert f"{COMMON}公开的正文" in out.getvalue()  # the published version, not the edit
        out = io.StringIO()
        call_command("export", "--agency", self.cuizhu.code, stdout=out, stderr=io.StringIO())
        self.assert_clean("gongkai export --agency", out.getvalue())
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert {r["title"] for r in rows} == {self.live.title, self.repealed.title, self.summary.title}
        assert {r["superseded_by"] for r in rows} == {None}  # replaced by a draft: not named

    def test_hidden_documents_have_no_page_and_the_withdrawn_one_keeps_only_its_record(self):
        for key, document in self.hidden_docs.items():
            response = self.client.get(document.get_absolute_url())
            if key in ("withdrawn", "withdraw_due"):
                assert response.status_code == 200 and "撤回" in response.content.decode()
            else:
                assert response.status_code == 404, key

    def test_attachments_of_hidden_documents_are_not_downloadable(self):
        for item in self.hidden_files:
            assert self.client.get(item.get_absolute_url()).status_code == 404, item.name
        for item in (self.live_file, self.removed_file):
            response = self.client.get(item.get_absolute_url())
            assert response.status_code == 200, item.name
            assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
        html = self.fetch(self.live.get_absolute_url())
        assert "公开附件.pdf" in html and "待删附件.pdf" in html

    def test_the_published_version_stays_while_its_new_revision_waits(self):
        html = self.fetch(self.live.get_absolute_url())
        assert f"{COMMON}公开的版本" in html and "公开的正文" in html

    def test_the_replacement_notice_names_no_hidden_document(self):
        html = self.fetch(self.repealed.get_absolute_url())
        assert "本文件已废止" in html
        html = self.fetch("/regulations/?validity=repealed")
        assert "已废止的办法" in html and "现行文件：" not in html

    def search_urls(self, q: str) -> list[str]:
        q = quote(q)
        return [f"/search/?q={q}", f"/search/?q={q}&format=json", f"/search/?q={q}&sort=date",
                f"/search/?q={q}&genre={self.rules.pk}&format=json",
                f"/search/?q={q}&agency={self.cuizhu.pk}", f"/search/?q={q}&year=2024",
                f"/search/?q={q}&validity=in_force&format=json",
                f"/api/v1/search/?q={q}", f"/api/v1/search/?q={q}&validity=in_force&sort=date"]

    def test_searching_words_every_document_shares_finds_only_public_ones(self):
        for url in (self.search_urls(COMMON) + self.search_urls("正文")
                    + self.search_urls("通知") + self.search_urls("附件文字")):
            self.fetch(url)
        data = self.client.get(f"/search/?q={quote(COMMON)}&format=json").json()
        found = {hit["url"] for hit in data["results"]}
        assert found == {self.live.get_absolute_url(), self.repealed.get_absolute_url()}
        assert data["total"] == 2

    def test_searching_a_marker_or_its_doc_no_or_index_no_finds_nothing(self):
        queries = []
        for key, marker in self.markers.items():
            document = self.hidden_docs.get(key)
            queries.append((marker, marker))
            if document is not None and marker in document.doc_no:
                queries += [(document.doc_no, marker), (f"文号:{document.doc_no}", marker)]
            if document is not None and document.index_no and marker in document.index_no:
                queries += [(document.index_no, marker), (f"索引号:{document.index_no}", marker)]
        queries.append(("mkpendingzq〔2024〕9号", "mkpendingzq"))
        for q, marker in queries:
            for url in self.search_urls(q):
                # The page repeats what was typed: that one marker may appear, no other.
                content = self.fetch(url, allow=marker)
                if "format=json" in url or url.startswith("/api/"):
                    data = json.loads(content)
                    assert data["results"] == [] and data["exact_match"] is None, (q, data)
                    assert data["total"] == 0, (q, data["total"])
                    stripped = {k: v for k, v in data.items() if k not in ("q", "query", "filters")}
                    self.assert_clean(url, json.dumps(stripped, ensure_ascii=False))
                else:
                    assert "未找到" in content, q

    def test_exact_jumps_by_doc_no_and_index_no_go_only_to_public_documents(self):
        response = self.client.get("/search/?q=" + quote(self.live.doc_no))
        assert response.status_code == 302 and response["Location"] == self.live.get_absolute_url()
        for key in ("in_review", "scheduled", "withheld", "on_request", "withdrawn_unseen"):
            document = self.hidden_docs[key]
            for q in (document.doc_no, document.index_no):
                response = self.client.get("/search/?q=" + quote(q))
                assert response.status_code == 200, (key, q)  # a results page, no redirect

    # -- the admin, as staff of the other agency ---------------------------------------------
    def admin_urls(self) -> list[str]:
        urls = ["/admin/", "/admin/documents/document/", "/admin/documents/document/?q=" + COMMON,
                f"/admin/documents/document/?agency={self.cuizhu.pk}",
                "/admin/documents/document/?state=in_review",
                "/admin/accounts/auditentry/", "/admin/accounts/auditentry/export/",
                "/admin/catalog/agency/", f"/admin/catalog/agency/{self.cuizhu.pk}/change/",
                f"/admin/autocomplete/?app_label=documents&model_name=document"
                f"&field_name=superseded_by&term={quote(COMMON)}",
                "/admin/autocomplete/?app_label=documents&model_name=document"
                "&field_name=superseded_by&term=mk"]
        case = f"/admin/applications/application/{self.application.pk}/"
        urls += ["/admin/applications/application/", "/admin/applications/application/dashboard/",
                 case + "change/",
                 case + "step/note/", case + "letter/disclosed/print/"]
        documents = [*self.hidden_docs.values(), self.live, self.repealed]
        for d in documents:
            base = f"/admin/documents/document/{d.pk}/"
            urls += [base + tail for tail in (
                "change/", "history/", "delete/", "revisions/", "suggest/",
                "workflow/publish/", "workflow/withdraw/", "workflow/submit/",
                "workflow/send_back/", "privacy/", "privacy/mask/")]
            urls += [base + f"attachments/{a.pk}/" for a in d.attachments.all()]
            revisions = list(d.revisions.values_list("pk", flat=True))
            if len(revisions) >= 2:
                urls.append(base + f"revisions/compare/?a={revisions[0]}&b={revisions[-1]}")
        return urls

    def test_staff_of_another_agency_see_nothing_in_the_admin(self):
        for user in (self.editor_b, self.reviewer_b, self.manager_b):
            self.client.force_login(user)
            for url in self.admin_urls():
                response = self.client.get(url)
                content = (b"".join(response.streaming_content) if response.streaming
                           else response.content).decode("utf-8-sig")
                self.assert_clean(f"{user.username} {url}", content + response.get("Location", ""))
                assert COMMON not in content or url.endswith(f"?q={COMMON}") and \
                    content.count(COMMON) == content.count(f'value="{COMMON}"') + \
                    content.count(f"q={COMMON}") + content.count(f"“{COMMON}”"), (user, url)

    def test_actions_of_another_agency_change_nothing(self):
        everything = [*self.hidden_docs.values(), self.live, self.repealed]
        before = {d.pk: (d.status, d.title) for d in Document.objects.filter(
            pk__in=[d.pk for d in everything])}
        for user in (self.editor_b, self.reviewer_b, self.manager_b):
            self.client.force_login(user)
            for action in ("submit_selected", "publish_selected", "withdraw_selected",
                           "send_back_selected", "delete_selected"):
                response = self.client.post("/admin/documents/document/", {
                    "action": action, "_selected_action": [d.pk for d in everything],
                    "confirm": "1", "reason": "x"})
                self.assert_clean(f"{user.username} {action}", response.content.decode())
            for d in everything:
                for name in ("publish", "withdraw", "submit", "send_back", "republish"):
                    response = self.client.post(
                        f"/admin/documents/document/{d.pk}/workflow/{name}/", {"reason": "x"})
                    assert response.status_code == 404
                response = self.client.post(f"/admin/documents/document/{d.pk}/privacy/mask/",
                                            {"value": "x"})
                assert response.status_code == 404
                response = self.client.post(f"/admin/documents/document/{d.pk}/change/",
                                            {"title": "改了", "agency": self.gwyb.pk})
                assert response.status_code in (302, 403)
        after = {d.pk: (d.status, d.title) for d in Document.objects.filter(pk__in=before)}
        assert after == before
