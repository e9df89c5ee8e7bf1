import threading

import pytest
from django.db import connection, connections
from django.test import Client, TransactionTestCase

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document, Status
from gongkai.documents.views_count import view_counter
from gongkai.test import aware


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
class ViewCountConcurrencyTestCase(TransactionTestCase):
    def test_it_never_loses_a_view_under_concurrent_requests(self):
        agency = Agency.objects.create(name="国务院办公厅", code="000014349")
        doc = Document.objects.create(title="并发浏览", agency=agency, status=Status.PUBLISHED,
                                      published_at=aware(2022, 1, 1))
        threads_n, views_each = 8, 5
        barrier = threading.Barrier(threads_n)
        statuses = []

        def browse():
            client = Client()
            barrier.wait()
            try:
                statuses.extend(client.get(doc.get_absolute_url()).status_code
                                for _ in range(views_each))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=browse) for _ in range(threads_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        view_counter.flush()
        doc.refresh_from_db()
        assert statuses == [200] * threads_n * views_each
        assert doc.view_count == threads_n * views_each
