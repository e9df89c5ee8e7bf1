"""The JSON API (/api/v1/): what each endpoint answers, against its declared schema; only
public documents; cursors, fields=, 304, CORS, rate limiting and bad input."""

import base64
import datetime as dt
import re
from urllib.parse import quote

from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_spec_validator import validate

from gongkai.api import schemas
from gongkai.catalog.models import Genre
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status, Validity
from gongkai.test import BaseTestCase, aware

API = "/api/v1"


def conforms(model, data):
    """``data`` is what ``model`` declares: it validates, and holds no undeclared key."""
    model.model_validate(data)
    assert set(data) <= set(model.model_fields), set(data) - set(model.model_fields)
    return data


class ApiTestCase(BaseTestCase):
    def get(self, url, status=200, **headers):
        response = self.client.get(url, headers=headers)
        assert response.status_code == status, (url, response.status_code, response.content[:300])
        if status != 304:
            assert response["Content-Type"] == "application/json", url
        return response

    def json(self, url, status=200, **headers):
        return self.get(url, status, **headers).json()


class SchemaTests(ApiTestCase):
    def test_the_openapi_schema_validates_and_names_every_endpoint(self):
        spec = self.json(f"{API}/openapi.json")
        validate(spec)
        assert set(spec["paths"]) == {
            f"{API}/documents/", f"{API}/documents/withdrawn/", f"{API}/documents/{{id}}/",
            f"{API}/documents/index-no/{{index_no}}", f"{API}/documents/{{id}}/validity/",
            f"{API}/regulations/", f"{API}/agencies/", f"{API}/agencies/{{id}}/",
            f"{API}/classification/", f"{API}/search/"}

    def test_the_docs_page_loads_its_scripts_from_our_static_files(self):
        response = self.client.get("/api/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/api/v1/openapi.json" in html
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
        assert scripts and all(src.startswith("/static/") for src in scripts), scripts
        # No inline script: the one <script> without src is the settings' JSON.
        assert len(re.findall(r"<script(?![^>]*src=)[^>]*>", html)) == 1
        assert 'type="application/json"' in html
        assert "script-src 'self'" in response["Content-Security-Policy"]

    def test_the_index_lists_the_endpoints(self):
        data = self.json(f"{API}/")
        for url in data.values():
            assert self.client.get(url).status_code == 200, url


class DocumentTests(ApiTestCase):
    def test_a_document_by_id_and_by_index_no(self):
        data = conforms(schemas.Document, self.json(f"{API}/documents/{self.summary.pk}/"))
        assert data["title"] == "罗湖区翠竹街道办事处2021年工作总结"
        assert data["index_no"] == "11440303007546460H/2022-00033"
        assert data["status"] == "published" and data["agency"]["name"] == self.cuizhu.name
        assert data["body_html"] == "<p>一、旗帜鲜明讲政治，“第一议题”严落实。</p>"
        assert data["subject_terms"] == ["翠竹街道", "工作总结"]
        assert data["published_at"] == "2022-09-08T00:00:00+08:00"
        assert "withdrawn_on" not in data  # a record's field, on withdrawn documents
        by_index = self.json(f"{API}/documents/index-no/11440303007546460h/2022-00033")
        assert by_index == data

    def test_hidden_documents_are_not_found(self):
        for doc in (self.draft, self.on_request):
            error = self.json(f"{API}/documents/{doc.pk}/", 404)["error"]
            assert error["status"] == 404 and error["code"] == "not_found"
        scheduled = Document.objects.create(
            title="明天发布", agency=self.cuizhu, status=Status.PUBLISHED, index_no="S/2099-1",
            published_at=timezone.now() + dt.timedelta(days=1))
        self.json(f"{API}/documents/{scheduled.pk}/", 404)
        self.json(f"{API}/documents/index-no/S/2099-1", 404)
        listed = {d["id"] for d in self.json(f"{API}/documents/")["results"]}
        assert listed == {self.summary.pk, self.notice.pk}

    def test_a_withdrawn_document_keeps_only_its_record(self):
        workflow.withdraw(self.summary)
        data = conforms(schemas.Document, self.json(
            f"{API}/documents/{self.summary.pk}/?fields=title,body_html,abstract,withdrawn_on"))
        assert data == {"title": self.summary.title,
                        "withdrawn_on": timezone.localdate().isoformat()}
        full = self.json(f"{API}/documents/{self.summary.pk}/")
        assert full["status"] == "withdrawn" and "body_html" not in full
        assert "subject_terms" not in full and "abstract" not in full
        with CaptureQueriesContext(connection) as queries:
            withdrawn = self.json(f"{API}/documents/withdrawn/?fields=id,body_html,abstract")
            self.json(f"{API}/documents/{self.summary.pk}/?fields=id,body_html,subject_terms")
        assert withdrawn["results"] == [{"id": self.summary.pk}]
        read = " ".join(q["sql"] for q in queries.captured_queries)
        assert '."body"' not in read and '."abstract"' not in read, read  # not even read
        assert '."subject_terms"' not in read and '."title"' in read
        assert self.summary.pk not in {d["id"] for d in self.json(f"{API}/documents/")["results"]}

    def test_fields_picks_fields_and_an_unknown_one_is_a_400(self):
        data = self.json(f"{API}/documents/?fields=title,%20id,abstract")
        assert data["results"][0] == {"id": self.summary.pk, "title": self.summary.title,
                                      "abstract": self.summary.abstract}
        listed = self.json(f"{API}/documents/")["results"][0]
        assert "body_html" not in listed and "title" in listed  # lists leave out long texts
        error = self.json(f"{API}/documents/?fields=title,password", 400)["error"]
        assert "password" in error["message"]
        self.json(f"{API}/documents/{self.summary.pk}/?fields=nope", 400)

    def test_filters_match_the_search_facets(self):
        def ids(query):
            return {d["id"] for d in self.json(f"{API}/documents/?{query}")["results"]}
        assert ids(f"agency={self.gwyb.pk}") == {self.notice.pk}
        assert ids(f"topic={self.topic.parent_id}") == {self.notice.pk}  # with its children
        assert ids(f"genre={self.summary_genre.pk}") == {self.summary.pk}
        assert ids("year=2018") == {self.notice.pk}
        assert ids("validity=in_force") == set()
        Document.objects.filter(pk=self.notice.pk).update(validity=Validity.IN_FORCE)
        assert ids(f"validity=in_force&agency={self.gwyb.pk}") == {self.notice.pk}

    def test_search_is_the_search_page_s(self):
        data = conforms(schemas.SearchResults, self.json(f"{API}/search/?q=" + quote("翠竹街道")))
        assert [hit["id"] for hit in data["results"]] == [self.summary.pk]
        for hit in data["results"]:
            conforms(schemas.SearchHit, hit)
        query = "q=" + quote("通知") + f"&agency={self.gwyb.pk}&sort=date"
        twin = self.client.get(f"/search/?{query}&format=json").json()
        assert self.json(f"{API}/search/?{query}") == twin
        named = self.json(f"{API}/search/?q=" + quote("国办函〔2018〕71号"))
        assert named["exact_match"]["url"] == self.notice.get_absolute_url()

    def test_validity_history_follows_public_documents_only(self):
        rules = Genre.objects.create(name="规章")

        def rule(title, validity, superseded_by=None, **extra):
            return Document.objects.create(
                title=title, agency=self.cuizhu, genre=rules, validity=validity,
                superseded_by=superseded_by, **{"status": Status.PUBLISHED,
                                                 "published_at": aware(2020, 1, 1), **extra})
        current = rule("办法（2024年修订）", Validity.IN_FORCE, published_at=aware(2024, 1, 1))
        middle = rule("办法（2022年修正）", Validity.AMENDED, current, published_at=aware(2022, 1, 1))
        oldest = rule("办法", Validity.REPEALED, middle)
        rule("办法草稿", Validity.REPEALED, middle, status=Status.DRAFT)
        data = conforms(schemas.ValidityHistory,
                        self.json(f"{API}/documents/{middle.pk}/validity/"))
        assert data["document"]["id"] == middle.pk
        assert [d["id"] for d in data["superseded_by"]] == [current.pk]
        assert [(d["id"], d["validity"]) for d in data["supersedes"]] == [(oldest.pk, "repealed")]
        data = self.json(f"{API}/documents/{oldest.pk}/validity/")
        assert [d["id"] for d in data["superseded_by"]] == [middle.pk, current.pk]
        data = self.json(f"{API}/documents/{current.pk}/validity/")
        assert [d["id"] for d in data["supersedes"]] == [middle.pk, oldest.pk]
        # The regulation's own answer names the document in force, the 规章库 lists it.
        assert self.json(f"{API}/documents/{oldest.pk}/")["superseded_by"]["id"] == middle.pk
        page = conforms(schemas.RegulationPage, self.json(f"{API}/regulations/"))
        assert [d["id"] for d in page["results"]] == [current.pk]
        assert page["counts"] == {"in_force": 1, "not_yet": 0, "amended": 1, "repealed": 1}
        page = self.json(f"{API}/regulations/?validity=all")
        assert [d["id"] for d in page["results"]] == [current.pk, middle.pk, oldest.pk]
        self.json(f"{API}/documents/{self.draft.pk}/validity/", 404)

    def test_agencies_and_classification(self):
        data = conforms(schemas.AgencyList, self.json(f"{API}/agencies/"))
        # The home page's agencies: those with public documents.
        assert {(a["id"], a["count"]) for a in data["results"]} == {(self.cuizhu.pk, 1),
                                                                     (self.gwyb.pk, 1)}
        agency = conforms(schemas.AgencyDetail, self.json(f"{API}/agencies/{self.gwyb.pk}/"))
        assert agency["topics"] == [{"id": self.topic.parent_id, "name": "综合政务", "count": 1,
                                     "children": [{"id": self.topic.pk, "name": "政务公开",
                                                   "count": 1}]}]
        assert [d["id"] for d in agency["newest"]] == [self.notice.pk]
        self.json(f"{API}/agencies/999999/", 404)
        data = conforms(schemas.Classification, self.json(f"{API}/classification/"))
        assert data["topics"][0]["children"][0]["path"] == "综合政务\\政务公开"
        assert data["genres"] == [{"id": self.summary_genre.pk, "name": "工作总结"}]


class PaginationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 24 documents, four sharing one moment (the id breaks the tie).
        for i in range(24):
            Document.objects.create(
                title=f"通知{i}", agency=cls.cuizhu, status=Status.PUBLISHED,
                published_at=aware(2023, 1, 1 + (i if i >= 4 else 0)))

    def walk(self, url):
        seen, pages = [], 0
        while url:
            data = conforms(schemas.DocumentPage, self.json(url))
            seen += [d["id"] for d in data["results"]]
            url, pages = data["next"], pages + 1
            if pages == 2:  # documents published meanwhile do not move the pages that follow
                Document.objects.create(title="新通知", agency=self.cuizhu,
                                        status=Status.PUBLISHED, published_at=timezone.now())
        return seen, pages

    def test_cursor_pages_are_stable_and_complete(self):
        expected = list(Document.objects.published().newest_first().values_list("pk", flat=True))
        seen, pages = self.walk(f"{API}/documents/?limit=7&fields=id")
        assert seen == expected and pages == 4
        first = self.json(f"{API}/documents/?limit=7")
        assert first["results"][0]["title"] == "新通知"

    def test_bad_cursors_are_a_400(self):
        def b64(text):
            return base64.urlsafe_b64encode(text.encode()).decode()
        for bad in ("zzz", "!!!", b64("n1:abc:1"), b64("n1:1:0"), b64(f"n1:1:{2**64}"),
                    b64("n2:1:1"), b64(f"n1:{10**20}:1"), "a" * 101, "%E4%B8%AD"):
            error = self.json(f"{API}/documents/?cursor={bad}", 400)["error"]
            assert error["code"] == "bad_request", bad


class HttpTests(ApiTestCase):
    def test_etag_and_last_modified_give_a_304_without_a_query(self):
        url = f"{API}/documents/?fields=id"
        response = self.get(url)
        etag, modified = response["ETag"], response["Last-Modified"]
        with CaptureQueriesContext(connection) as queries:
            assert self.get(url, 304, if_none_match=etag).content == b""
            self.get(url, 304, if_modified_since=modified)
        assert len(queries) == 0
        self.get(url, 200, if_none_match='"other"')
        # A publication makes both stale.
        Document.objects.create(title="新", agency=self.cuizhu, status=Status.PUBLISHED,
                                published_at=timezone.now())
        assert self.get(url, 200, if_none_match=etag)["ETag"] != etag
        detail = self.get(f"{API}/documents/{self.summary.pk}/")
        head = self.client.head(f"{API}/documents/{self.summary.pk}/")
        assert head.status_code == 200 and head["ETag"] == detail["ETag"]
        self.get(f"{API}/documents/{self.summary.pk}/", 304, if_none_match=detail["ETag"])

    def test_cors_for_the_api_only(self):
        response = self.get(f"{API}/documents/", origin="https://example.org")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        preflight = self.client.options(f"{API}/documents/", headers={
            "origin": "https://example.org", "access-control-request-method": "GET"})
        assert preflight["Access-Control-Allow-Origin"] == "*"
        assert "POST" not in preflight["Access-Control-Allow-Methods"]
        page = self.client.get("/", headers={"origin": "https://example.org"})
        assert "Access-Control-Allow-Origin" not in page

    @override_settings(API_REQUESTS_PER_MINUTE=3)
    def test_too_many_requests_get_a_429_with_retry_after(self):
        for _ in range(3):
            self.get(f"{API}/classification/")
        response = self.get(f"{API}/documents/", 429)
        error = response.json()["error"]
        assert error["code"] == "rate_limited" and 1 <= error["retry_after"] <= 60
        assert response["Retry-After"] == str(error["retry_after"])
        # Another address has its own allowance.
        assert self.client.get(f"{API}/documents/", REMOTE_ADDR="10.0.0.9").status_code == 200

    def test_odd_input_is_a_400_or_an_answer_never_a_500(self):
        odd = ["documents/?agency=abc", f"documents/?agency={2**70}", "documents/?year=0",
               "documents/?year=99999", "documents/?limit=0", "documents/?limit=1000",
               "documents/?validity=bogus", "documents/?fields=%00", "documents/?agency=%00",
               "documents/?topic=-1", "documents/?genre=1.5", "documents/?q=%00&x=%FF",
               "documents/index-no/%00", "documents/index-no/a%01b", f"documents/{2**70}/",
               "documents/index-no/" + "x" * 100, "regulations/?validity=%00",
               "regulations/?validity=nope", "search/?q=%00%01", "search/?q=" + "字" * 2000,
               "search/?page=0", "search/?page=501", "search/?sort=x", "search/?agency=x",
               "search/?q=" + quote('"《NEAR( -* 标题:'), "agencies/0/", "documents/0/validity/"]
        for path in odd:
            response = self.client.get(f"{API}/{path}")
            assert response.status_code in (200, 400, 404), (path, response.status_code)
            assert response["Content-Type"].startswith("application/json"), path
            if response.status_code == 400:
                assert response.json()["error"]["message"], path


class JsonTwinTests(ApiTestCase):
    def test_every_listing_page_links_its_json_twin(self):
        workflow.withdraw(self.notice)
        pk = self.cuizhu.pk
        pages = ["/", f"/agencies/{pk}/", f"/agencies/{pk}/documents/",
                 f"/agencies/{self.gwyb.pk}/documents/?topic={self.topic.parent_id}",
                 f"/agencies/{pk}/documents/?genre={self.summary_genre.pk}",
                 "/regulations/?validity=repealed", self.summary.get_absolute_url(),
                 self.notice.get_absolute_url(), "/search/?q=" + quote("工作")]
        for page in pages:
            html = self.client.get(page).content.decode()
            twins = re.findall(r'<link rel="alternate" type="application/json" href="([^"]+)"',
                               html)
            assert twins, page
            for twin in twins:
                twin = twin.replace("&amp;", "&")
                if twin.startswith("?"):
                    twin = page.split("?")[0] + twin
                assert self.client.get(twin).status_code == 200, (page, twin)
        listing = self.client.get(f"/agencies/{pk}/documents/?genre={self.summary_genre.pk}")
        assert f'href="{API}/documents/?agency={pk}&amp;genre={self.summary_genre.pk}"' in \
            listing.content.decode()


class SeedDocumentTests(ApiTestCase):
    """The demo data's seed page (罗湖区翠竹街道办事处2021年工作总结), as `gongkai load_demo`
    loads it."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", verbosity=0)

    def test_the_api_serves_the_seed_document_and_finds_it(self):
        seed = self.json(f"{API}/documents/index-no/11440303007546460H/2022-00033")
        assert seed["title"] == "罗湖区翠竹街道办事处2021年工作总结"
        assert seed["agency"]["name"] == "深圳市罗湖区翠竹街道办事处"
        assert seed["subject_terms"] == ["翠竹街道", "工作总结"]
        assert "民生微实事" in seed["body_html"]
        assert self.json(f"{API}/documents/{seed['id']}/") == seed
        found = self.json(f"{API}/search/?q=" + quote("翠竹街道 工作总结"))
        assert found["results"][0]["id"] == seed["id"]
        named = self.json(f"{API}/search/?q=11440303007546460H/2022-00033")
        assert named["exact_match"]["url"] == f"/documents/{seed['id']}/"
