"""Flushes of 浏览次数 from several workers at once (gongkai.documents.views_count)."""

import threading
import time
from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections
from django.db.models import QuerySet
from django.test import TransactionTestCase

from gongkai.catalog.models import Agency
from gongkai.documents import views_count
from gongkai.documents.models import Document, Status
from gongkai.documents.views_count.base import write
from gongkai.documents.views_count.memory import MemoryViewCounter
from gongkai.test import aware


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
class ConcurrentFlushTestCase(TransactionTestCase):
    def test_two_flushes_of_crossing_counts_do_not_deadlock(self):
        """Each flush updates by increment; two workers whose increments cross (as at every
        exit, both stopped at once) locked the same rows in opposite orders."""
        agency = Agency.objects.create(name="国务院办公厅", code="000014349")
        one, two = (Document.objects.create(title=f"文{i}", agency=agency, status=Status.PUBLISHED,
                                            published_at=aware(2022, 1, 1)) for i in (1, 2))
        barrier, errors = threading.Barrier(2), []
        update = QuerySet.update

        def slow_update(queryset, **kwargs):
            done = update(queryset, **kwargs)
            time.sleep(0.3)  # the other flush takes its first rows meanwhile
            return done

        def flush(counts):
            barrier.wait()
            try:
                write(counts)
            except DatabaseError as error:
                errors.append(error)
            finally:
                connections.close_all()

        with mock.patch.object(QuerySet, "update", slow_update):
            threads = [threading.Thread(target=flush, args=(counts,))
                       for counts in ({one.pk: 1, two.pk: 2}, {two.pk: 1, one.pk: 2})]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert errors == []
        assert sorted(Document.objects.values_list("view_count", flat=True)) == [3, 3]


def test_the_last_flush_is_tried_again_before_the_process_goes():
    counter = MemoryViewCounter()
    counter.add(7)
    written = []

    def flaky_write(counts):
        if not written:
            written.append(None)
            raise DatabaseError("deadlock detected")
        written.append(dict(counts))

    configured = views_count._Configured()
    configured._wrapped = counter
    with mock.patch.object(views_count, "view_counter", configured), \
            mock.patch("gongkai.documents.views_count.memory.write", flaky_write), \
            mock.patch("gongkai.documents.views_count.memory.log"):
        views_count._flush_at_exit()
    assert written == [None, {7: 1}] and not counter.has_pending()
