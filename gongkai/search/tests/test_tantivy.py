"""The tantivy backend's promise that its index never drifts from the catalogue: changes are
logged in the document's transaction, applied after commit, idempotently, by one writer at a
time, and searched correctly while they are pending. Real commits, so TransactionTestCase."""

import fcntl
import shutil
import tempfile
from unittest import mock

from django.core.management import call_command
from django.db import transaction
from django.test import TransactionTestCase, override_settings

from gongkai.catalog.models import Agency
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.search.backends import get_search_backend
from gongkai.search.backends import tantivy as tantivy_backend
from gongkai.search.backends.tantivy import Q, schema
from gongkai.search.changelog import ChangeLog
from gongkai.search.results import search
from gongkai.test import aware


@override_settings(GONGKAI_SEARCH={"default": {"BACKEND": "gongkai.search.backends.tantivy",
                                              "SYNC_INTERVAL": 0}})
class TantivyIndexTestCase(TransactionTestCase):
    def setUp(self):
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        self.enterContext(override_settings(DATA_DIR=directory))
        self.backend = get_search_backend()
        self.agency = Agency.objects.create(name="深圳市罗湖区翠竹街道办事处")
        self.doc = Document.objects.create(
            title="翠竹街道民生微实事项目公示", agency=self.agency, body="<p>项目清单。</p>")

    def titles(self, text):
        return [hit.object.title for hit in search(text).hits]

    def in_main_index(self, pk) -> int:
        """How many copies of record ``pk`` the index on disk holds."""
        self.backend.engine.reload()
        return self.backend.engine.searcher().search(
            Q.term_query(schema(), "id", pk), 10, count=True).count

    def test_a_committed_change_is_applied_and_its_log_row_deleted(self):
        workflow.publish(self.doc, at=aware(2022, 3, 1))
        assert self.backend.pending() == {}
        assert self.in_main_index(self.doc.pk) == 1
        assert self.titles("民生微实事") == ["翠竹街道民生微实事项目公示"]

    def test_a_transaction_sees_its_own_changes_and_they_wait_for_its_commit(self):
        with transaction.atomic():
            workflow.publish(self.doc, at=aware(2022, 3, 1))
            assert self.titles("民生微实事") == ["翠竹街道民生微实事项目公示"]
            assert self.backend.sync() == 0
            assert self.in_main_index(self.doc.pk) == 0
        assert self.in_main_index(self.doc.pk) == 1
        assert self.backend.pending() == {}

    def test_a_rolled_back_change_never_reaches_the_index(self):
        with self.assertRaises(RuntimeError), transaction.atomic():
            workflow.publish(self.doc, at=aware(2022, 3, 1))
            raise RuntimeError
        assert self.backend.pending() == {}
        assert self.in_main_index(self.doc.pk) == 0
        assert self.titles("民生微实事") == []

    def test_a_withdrawal_hides_the_document_while_another_process_holds_the_writer(self):
        workflow.publish(self.doc, at=aware(2022, 3, 1))
        with open(self.backend.path / ".gongkai-writer.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # what a second worker process does
            workflow.withdraw(self.doc)
            assert self.in_main_index(self.doc.pk) == 1  # not applied yet…
            assert list(self.backend.pending()) == [self.doc.pk]
            assert self.titles("民生微实事") == []  # …and not found all the same
        # The next search, outside a transaction, applies what was left over.
        assert self.titles("民生微实事") == []
        assert self.backend.pending() == {}
        assert self.in_main_index(self.doc.pk) == 0

    def test_applying_a_change_twice_gives_the_same_index(self):
        # A crash after the index commit but before the cursor moved past the row…
        with mock.patch.object(ChangeLog, "advance", side_effect=RuntimeError("crash")):
            workflow.publish(self.doc, at=aware(2022, 3, 1))
        assert self.in_main_index(self.doc.pk) == 1
        tantivy_backend._nodes.clear()  # …and the process with it
        assert list(self.backend.pending()) == [self.doc.pk]
        # Applied again (with the creation's row too, on PostgreSQL when another transaction
        # on the server kept the cursor from settling past it).
        assert self.backend.sync() >= 1
        assert self.in_main_index(self.doc.pk) == 1
        assert self.titles("民生微实事") == ["翠竹街道民生微实事项目公示"]

    def test_reindex_rebuilds_the_index_from_the_catalogue(self):
        other = Document.objects.create(
            title="翠竹街道预算公开", agency=self.agency, status=Status.PUBLISHED,
            published_at=aware(2022, 6, 1))
        Document.objects.filter(pk=other.pk).update(title="翠竹街道民生微实事预算")  # no signal
        assert self.titles("民生微实事") == []
        call_command("reindex", verbosity=0)
        assert self.titles("民生微实事") == ["翠竹街道民生微实事预算"]
        assert self.backend.pending() == {}

    def test_a_burst_of_commits_is_applied_once_a_second_and_searched_meanwhile(self):
        other = Document.objects.create(title="翠竹街道民生微实事资金安排", agency=self.agency)
        tantivy_backend._synced_at.clear()  # nothing applied for a while
        burst = {"default": {"BACKEND": "gongkai.search.backends.tantivy", "SYNC_INTERVAL": 60}}
        with self.settings(GONGKAI_SEARCH=burst):
            self.backend = get_search_backend()
            workflow.publish(self.doc, at=aware(2022, 3, 1))  # applied: the first in a while
            workflow.publish(other, at=aware(2022, 3, 2))  # left for later
            assert list(self.backend.pending()) == [other.pk]
            with transaction.atomic():  # a search inside a transaction only reads the rows
                assert sorted(self.titles("民生微实事")) == ["翠竹街道民生微实事资金安排",
                                                         "翠竹街道民生微实事项目公示"]
            assert self.in_main_index(other.pk) == 0
            self.titles("民生微实事")  # outside one, it applies them
            assert self.in_main_index(other.pk) == 1
            assert self.backend.pending() == {}
