"""Behind nginx with TLS: the settings https_settings() derives from an https:// site URL,
exercised through Django's middleware the way requests arrive from the proxy."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.test import Client, TestCase, override_settings

from gongkai.config import HSTS_SECONDS, https_settings

SITE = "https://gkml.example.gov.cn"
HOST = "gkml.example.gov.cn"
# What nginx passes on for a request that reached it over TLS.
VIA_PROXY = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https"}


def test_an_https_site_gets_secure_cookies_a_redirect_and_hsts():
    derived = https_settings(SITE + "/", behind_proxy=True)
    assert derived["SESSION_COOKIE_SECURE"] and derived["CSRF_COOKIE_SECURE"]
    assert derived["SECURE_SSL_REDIRECT"]
    assert derived["SECURE_HSTS_SECONDS"] == HSTS_SECONDS == 31536000
    assert not derived["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and not derived["SECURE_HSTS_PRELOAD"]
    assert derived["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert derived["CSRF_TRUSTED_ORIGINS"] == [SITE]
    assert derived["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]


def test_a_plain_http_site_keeps_django_defaults():
    derived = https_settings("http://127.0.0.1:8000", behind_proxy=False,
                             trusted_origins=["https://www.example.gov.cn"])
    assert derived == {"CSRF_TRUSTED_ORIGINS": ["http://127.0.0.1:8000", "https://www.example.gov.cn"]}


def test_hsts_options_are_passed_on_and_only_unchosen_ones_are_silenced():
    derived = https_settings(SITE, behind_proxy=False, hsts_seconds=600, hsts_include_subdomains=True,
                             trusted_origins=[SITE, "https://www.example.gov.cn"])
    assert "SECURE_PROXY_SSL_HEADER" not in derived
    assert derived["SECURE_HSTS_SECONDS"] == 600 and derived["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert derived["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    assert derived["CSRF_TRUSTED_ORIGINS"] == [SITE, "https://www.example.gov.cn"]
    assert https_settings(SITE, behind_proxy=True, hsts_include_subdomains=True, hsts_preload=True)[
        "SILENCED_SYSTEM_CHECKS"] == []


def test_preload_without_subdomains_is_refused():
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_HSTS_PRELOAD"):
        https_settings(SITE, behind_proxy=True, hsts_preload=True)


@override_settings(ALLOWED_HOSTS=[HOST], DEBUG=False, **https_settings(SITE, behind_proxy=True))
class ProxyTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        User.objects.create_superuser("zhangsan", "zs@example.gov.cn", "pw")

    def test_a_request_the_proxy_got_over_https_is_served_securely(self):
        r = self.client.get("/", **VIA_PROXY)
        assert r.status_code == 200
        assert r["Strict-Transport-Security"] == "max-age=31536000"
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp

    def test_a_plain_http_request_is_redirected_to_https(self):
        r = self.client.get("/search/?q=notice", HTTP_HOST=HOST)
        assert r.status_code == 301
        assert r["Location"] == f"{SITE}/search/?q=notice"
        assert "Strict-Transport-Security" not in r

    def test_healthz_answers_over_plain_http(self):
        r = self.client.get("/healthz", HTTP_HOST=HOST)
        assert r.status_code == 200

    def login(self, **headers):
        client = Client(enforce_csrf_checks=True)
        client.get("/admin/login/", **VIA_PROXY)
        token = client.cookies["csrftoken"]
        assert token["secure"]
        return client.post("/admin/login/", {
            "username": "zhangsan", "password": "pw", "csrfmiddlewaretoken": token.value,
            "next": "/admin/"}, **VIA_PROXY, **headers)

    def test_an_admin_login_from_the_site_is_accepted(self):
        r = self.login(HTTP_ORIGIN=SITE)
        assert r.status_code == 302 and r["Location"] == "/admin/"
        assert r.cookies["sessionid"]["secure"]

    def test_an_admin_login_with_only_the_sites_referer_is_accepted(self):
        r = self.login(HTTP_REFERER=f"{SITE}/admin/login/")
        assert r.status_code == 302 and r["Location"] == "/admin/"

    def test_an_admin_login_from_a_foreign_origin_is_refused(self):
        r = self.login(HTTP_ORIGIN="https://evil.example.com")
        assert r.status_code == 403
        assert "sessionid" not in r.cookies


def test_the_error_page_needs_no_inline_style_or_script():
    html = render_to_string("500.html")
    assert "系统繁忙" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html
