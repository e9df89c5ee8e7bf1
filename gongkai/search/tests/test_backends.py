"""The contract, once per backend; each runs where its database is (CI runs the suite on
SQLite and again on PostgreSQL)."""

import shutil
import tempfile
from unittest import skipUnless

from django.db import connection
from django.test import override_settings

from gongkai.search.backends import get_search_backend

from .contract import BackendContract, SearchTestCase


@skipUnless(connection.vendor == "sqlite", "the FTS5 backend needs SQLite")
@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.sqlite"}})
class SQLiteBackendTestCase(BackendContract, SearchTestCase):
    backend_vendor = "sqlite"


@skipUnless(connection.vendor == "postgresql", "the tsvector backend needs PostgreSQL")
@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.postgres"}})
class PostgresBackendTestCase(BackendContract, SearchTestCase):
    backend_vendor = "postgresql"


@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.tantivy"}})
class TantivyBackendTestCase(BackendContract, SearchTestCase):
    """On either database. The cast is applied to a fresh index directory before each test;
    what a test changes stays pending in the change log, so both paths are exercised."""

    backend_vendor = "tantivy"

    def setUp(self):
        super().setUp()
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        self.enterContext(override_settings(DATA_DIR=directory))
        get_search_backend().sync(uncommitted=True)
