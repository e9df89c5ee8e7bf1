from unittest import mock

from django.db import OperationalError
from django.test import TestCase


class HealthzTestCase(TestCase):
    def test_it_says_ok_when_the_database_answers(self):
        self.client.cookies["sessionid"] = "a-session-a-probe-should-not-touch"
        r = self.client.get("/healthz")
        assert r.status_code == 200
        assert r.content == b"ok\n"
        assert r["Cache-Control"] == "no-store"
        assert not r.cookies
        assert "Cookie" not in r.get("Vary", "")

    def test_it_answers_503_when_the_database_does_not(self):
        with mock.patch("gongkai.web.health.connection") as connection, \
                self.assertLogs("gongkai.web.health", "WARNING"):
            connection.cursor.side_effect = OperationalError("connection refused")
            r = self.client.get("/healthz")
        assert r.status_code == 503
        assert r["Cache-Control"] == "no-store"
        assert not r.cookies
