"""The contract, once per backend; each runs where its database is (CI runs the suite on
SQLite and again on PostgreSQL)."""

import shutil
import tempfile
from io import StringIO
from unittest import skipUnless

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from gongkai.search.backends import get_search_backend, sqlite
from gongkai.search.backends.base import DEFER_FROM
from gongkai.search.backends.postgres import GIN_INDEXES, tsvector_literal
from gongkai.search.registry import get_index

from .contract import BackendContract, SearchTestCase


@skipUnless(connection.vendor == "sqlite", "the FTS5 backend needs SQLite")
@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.sqlite"}})
class SQLiteBackendTestCase(BackendContract, SearchTestCase):
    backend_vendor = "sqlite"

    def merge_settings(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT k, v FROM search_fts_config")
            stored = dict(cursor.fetchall())
        return {k: stored.get(k, default) for k, default in sqlite.MERGING.items()}

    def test_a_large_bulk_load_merges_fts5_segments_once_at_the_end(self):
        backend = get_search_backend()
        with backend.loading(DEFER_FROM - 1):
            assert self.merge_settings() == sqlite.MERGING  # a small load merges as it goes
        with backend.loading(DEFER_FROM):
            assert self.merge_settings() == sqlite.NOT_MERGING
            assert self.titles("乡村振兴") == [self.bank.title]  # found all the same
        assert self.merge_settings() == sqlite.MERGING
        with pytest.raises(RuntimeError), backend.loading(DEFER_FROM):
            raise RuntimeError("the load failed")
        assert self.merge_settings() == sqlite.MERGING  # back on however it ends
        assert self.titles("乡村振兴") == [self.bank.title]

    def fts_segments(self) -> int:
        """Segments in FTS5's structure record (a 4-byte cookie, then varints: levels,
        segments …; fts5_index.c)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT block FROM search_fts_data WHERE id = 10")
            block = cursor.fetchone()[0]
        at, numbers = 4, []
        while len(numbers) < 2:
            value = 0
            while True:
                byte, at = block[at], at + 1
                value = (value << 7) | (byte & 0x7F)
                if not byte & 0x80:
                    break
            numbers.append(value)
        return numbers[1]

    def test_the_segments_a_large_load_added_are_merged_at_its_end(self):
        backend, index = get_search_backend(), get_index()
        records = [index.to_record(d) for d in index.get_queryset()]
        backend.merge()
        with backend.loading(DEFER_FROM):
            for _ in range(6):  # six batches, a transaction each
                backend.index(records)
            assert self.fts_segments() >= 6
        assert self.fts_segments() < 6
        assert self.titles("乡村振兴") == [self.bank.title]

    def test_optimize_db_turns_merging_back_on_after_a_killed_load(self):
        get_search_backend()._merge_settings(sqlite.NOT_MERGING)
        call_command("optimize_db", stdout=StringIO())
        assert self.merge_settings() == sqlite.MERGING
        assert self.titles("乡村振兴") == [self.bank.title]


@skipUnless(connection.vendor == "postgresql", "the tsvector backend needs PostgreSQL")
@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.postgres"}})
class PostgresBackendTestCase(BackendContract, SearchTestCase):
    backend_vendor = "postgresql"

    def gin_indexes(self) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_entry' "
                           "AND indexdef LIKE '%%USING gin%%'")
            return {name for (name,) in cursor.fetchall()}

    def test_a_large_bulk_load_builds_the_gin_indexes_once_at_the_end(self):
        backend = get_search_backend()
        assert self.gin_indexes() == set(GIN_INDEXES)
        with backend.loading(DEFER_FROM - 1):
            assert self.gin_indexes() == set(GIN_INDEXES)  # a small load keeps them
        with backend.loading(DEFER_FROM):
            assert self.gin_indexes() == set()
            assert self.titles("乡村振兴") == [self.bank.title]  # found all the same
        assert self.gin_indexes() == set(GIN_INDEXES)
        with pytest.raises(RuntimeError), backend.loading(DEFER_FROM):
            raise RuntimeError("the load failed")
        assert self.gin_indexes() == set(GIN_INDEXES)  # built again however it ends

    def test_a_tsvector_literal_reads_back_as_its_words_at_their_offsets(self):
        tokens = [("街道", 0), ("o'brien", 3), ("街道", 12), ("a\\b", 5), ("街道", 12),
                  ("办事处", 2)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT lexeme, positions FROM unnest(%s::tsvector)",
                           [tsvector_literal(tokens)])
            read = dict(cursor.fetchall())
        # Each word once, at its offsets + 1, sorted, a repeated offset once.
        assert read == {"街道": [1, 13], "o'brien": [4], "a\\b": [6], "办事处": [3]}

    def test_optimize_db_builds_gin_indexes_a_killed_load_left_unbuilt(self):
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX search_entry_tsv")
        call_command("optimize_db", stdout=StringIO())
        assert self.gin_indexes() == set(GIN_INDEXES)


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
