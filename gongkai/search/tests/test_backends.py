"""The contract, once per backend; each runs where its database is (CI runs the suite on
SQLite and again on PostgreSQL)."""

from unittest import skipUnless

from django.db import connection
from django.test import override_settings

from .contract import BackendContract, SearchTestCase


@skipUnless(connection.vendor == "sqlite", "the FTS5 backend needs SQLite")
@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.sqlite"}})
class SQLiteBackendTestCase(BackendContract, SearchTestCase):
    backend_vendor = "sqlite"


@skipUnless(connection.vendor == "postgresql", "the tsvector backend needs PostgreSQL")
@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.postgres"}})
class PostgresBackendTestCase(BackendContract, SearchTestCase):
    backend_vendor = "postgresql"
