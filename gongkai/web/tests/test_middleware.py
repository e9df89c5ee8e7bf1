"""Control characters in query strings never yield a 500 (gongkai.web.middleware): they are
stripped from every GET parameter before the views see them. PostgreSQL refuses NUL in a
string, so ``/search/?q=翠竹&validity=%00`` was a 500 there."""

from django.http import QueryDict
from django.test import RequestFactory

from gongkai.search.tests.contract import SearchTestCase
from gongkai.web.middleware import StripControlCharactersMiddleware, strip_controls

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "翠竹\x00", "\x00" * 20]
PARAMS = ["agency", "topic", "genre", "year", "validity", "sort", "page", "q", "format"]


class ControlCharactersTestCase(SearchTestCase):
    def test_no_search_parameter_with_a_control_character_is_a_500(self):
        for name in PARAMS:
            for value in CONTROLS:
                for page_format in ("", "json"):
                    params = {"q": "翠竹", name: value}
                    if page_format:
                        params.setdefault("format", page_format)
                    response = self.client.get("/search/", params)
                    assert response.status_code == 200, (name, value, page_format)

    def test_the_search_answers_as_if_the_characters_were_not_there(self):
        data = self.client.get("/search/", {"q": "翠竹\x00街道", "validity": "in\x00_force",
                                            "genre": f"\x00{self.summary_genre.pk}",
                                            "format": "json"}).json()
        assert data["q"] == "翠竹街道"
        assert data["filters"] == {"genre": self.summary_genre.pk, "validity": "in_force"}
        assert [r["title"] for r in data["results"]] == ["罗湖区翠竹街道办事处2022年预算执行情况"]

    def test_the_html_page_links_without_them(self):
        response = self.client.get("/search/", {"q": "翠竹街道\x00", "year": "2022\x1f"})
        assert response.status_code == 200
        assert "%00" not in response.content.decode() and "%1F" not in response.content.decode()
        self.assertContains(response, "共 3 条")

    def test_every_public_page_survives_them(self):
        pk = self.cuizhu.pk
        for url in [f"/agencies/{pk}/documents/", f"/agencies/{pk}/", "/", "/search/",
                    self.summary.get_absolute_url()]:
            for name in ("topic", "genre", "page", "q", "\x00"):
                response = self.client.get(url, {name: "\x00"})
                assert response.status_code == 200, (url, name)
        response = self.client.get(f"/agencies/{pk}/documents/?topic=%00")
        assert response.status_code == 200
        response = self.client.get(f"/agencies/{pk}/documents/?topic=%00{self.topic.parent_id}")
        self.assertContains(response, "综合政务")


def test_it_keeps_tabs_newlines_and_everything_printable():
    params = QueryDict("q=a%09b%0Ac%0Dd&x=%E7%BF%A0%E7%AB%B9&y=%C2%85")
    assert strip_controls(params) is None
    request = RequestFactory().get("/search/?q=a%09b")
    StripControlCharactersMiddleware(lambda r: r)(request)
    assert request.GET["q"] == "a\tb"


def test_it_strips_names_and_values_and_the_query_string():
    request = RequestFactory().get("/search/?q=%00%E7%BF%A0%01%E7%AB%B9&%00page=2&page=3")
    seen = StripControlCharactersMiddleware(lambda r: r)(request)
    assert seen.GET["q"] == "翠竹"
    assert seen.GET.getlist("page") == ["2", "3"]
    assert seen.META["QUERY_STRING"] == "q=%E7%BF%A0%E7%AB%B9&page=2&page=3"
    assert "%00" not in seen.get_full_path()
    assert not seen.GET._mutable
