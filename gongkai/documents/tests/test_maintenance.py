"""Planner statistics (documents/maintenance.py): what `gongkai migrate` and `gongkai
optimize-db` leave behind."""

import pytest
from django.db import connection

from gongkai.documents.maintenance import update_statistics
from gongkai.test import BaseTestCase


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics tables")
class StatisticsTestCase(BaseTestCase):
    def analysed_tables(self) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            return {table for (table,) in cursor.fetchall()}

    def test_the_catalogue_is_analysed_and_the_fts5_storage_left_to_the_defaults(self):
        # Statistics of FTS5's own tables, taken when the index was small, made every later
        # segment merge read far more than it needs (bench/bulk_import.py).
        update_statistics()
        tables = self.analysed_tables()
        assert "documents_document" in tables
        assert not [table for table in tables if table.startswith("search_fts")]
