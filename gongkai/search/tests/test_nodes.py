"""tantivy on several application servers: each node (a server's index directory) applies
the shared change log through its own cursor (gongkai/search/changelog.py). Two backends
with their own directories and node names stand for two servers over one database. Real
commits, so TransactionTestCase; the out-of-order commit needs PostgreSQL's concurrency."""

import shutil
import tempfile
import threading
from datetime import timedelta
from unittest import skipUnless

from django.db import connection, connections, transaction
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from gongkai.catalog.models import Agency
from gongkai.documents import workflow
from gongkai.documents.models import Document
from gongkai.search.backends import tantivy as tantivy_backend
from gongkai.search.backends.tantivy import Q, SearchBackend, schema
from gongkai.search.models import Change, Cursor
from gongkai.search.query import parse
from gongkai.search.registry import get_index
from gongkai.test import aware

TANTIVY = "gongkai.search.backends.tantivy"


class TwoNodesTestCase(TransactionTestCase):
    def setUp(self):
        self.dirs = [tempfile.mkdtemp() for _ in range(3)]
        for directory in self.dirs:
            self.addCleanup(shutil.rmtree, directory)
        # Server A is the one this process saves through (its on_commit sync); B is the
        # other server, which only reads the database.
        self.enterContext(override_settings(GONGKAI_SEARCH={"default": {
            "BACKEND": TANTIVY, "PATH": self.dirs[0], "NODE": "a", "SYNC_INTERVAL": 0}}))
        self.a = self.node(0, "a")
        self.b = self.node(1, "b")
        tantivy_backend._nodes.clear()
        self.agency = Agency.objects.create(name="深圳市罗湖区翠竹街道办事处")
        self.a.sync()  # the first node adopts the log
        self.b.rebuild(self.catalogue())  # the second joins as `gongkai reindex` makes it

    def node(self, n, name, **params):
        return SearchBackend("default", {"PATH": self.dirs[n], "NODE": name,
                                         "SYNC_INTERVAL": 0, **params})

    def catalogue(self):
        index = get_index()
        records = [index.to_record(d) for d in index.get_queryset().order_by("pk")]
        return [records] if records else []

    def publish(self, title, day=1):
        doc = Document.objects.create(title=title, agency=self.agency, body="<p>清单。</p>")
        workflow.publish(doc, at=aware(2022, 3, day))
        return doc

    def found(self, backend, text):
        return [pk for pk, _ in backend.search(parse(text), facets=False).hits]

    def in_main_index(self, backend, pk) -> int:
        backend.engine.reload()
        return backend.engine.searcher().search(
            Q.term_query(schema(), "id", pk), 10, count=True).count

    def cursor(self, name):
        return Cursor.objects.filter(node=name).values_list("applied_id", flat=True).first()


class SharedLogTestCase(TwoNodesTestCase):
    def test_a_document_saved_through_one_server_is_found_on_the_other(self):
        doc = self.publish("翠竹街道民生微实事项目公示")
        assert self.in_main_index(self.a, doc.pk) == 1  # A applied it on commit
        with transaction.atomic():  # where a search only reads the log
            assert self.found(self.b, "民生微实事") == [doc.pk]
            assert self.in_main_index(self.b, doc.pk) == 0  # B has not applied it
        assert self.found(self.b, "民生微实事") == [doc.pk]  # outside one, it applies it
        assert self.in_main_index(self.b, doc.pk) == 1
        assert self.b.pending() == {}
        workflow.withdraw(doc)
        assert self.found(self.b, "民生微实事") == []

    def test_rows_are_kept_until_every_node_has_applied_them(self):
        doc = self.publish("翠竹街道民生微实事项目公示")
        rows = list(Change.objects.filter(record_id=doc.pk).values_list("id", flat=True))
        assert rows
        # A has applied them and may have moved its cursor past them: B has not.
        assert self.cursor("b") < rows[0]
        self.a.sync()
        self.a.log.reclaim()
        assert set(Change.objects.filter(id__in=rows).values_list("id", flat=True)) == set(rows)
        # Both past them (as the cursors settle): reclaimed.
        top = max(rows)
        Cursor.objects.update(applied_id=top)
        assert self.a.log.reclaim() >= len(rows)
        assert not Change.objects.filter(id__lte=top).exists()

    def test_a_node_unseen_for_the_retention_is_dropped_and_must_rebuild(self):
        first = self.publish("翠竹街道民生微实事项目公示")
        top = Change.objects.order_by("-id").values_list("id", flat=True)[0]
        Cursor.objects.filter(node="b").update(seen_at=timezone.now() - timedelta(days=8))
        Cursor.objects.filter(node="a").update(applied_id=top)
        assert self.a.log.reclaim() >= 1  # B no longer holds the log back
        assert self.cursor("b") is None
        assert not Change.objects.filter(record_id=first.pk).exists()
        with self.assertLogs(tantivy_backend.log, "ERROR") as logs:
            assert self.b.sync() == 0  # it cannot know what it missed
        assert "gongkai reindex" in logs.output[0]
        assert self.in_main_index(self.b, first.pk) == 0
        self.b.rebuild(self.catalogue())
        assert self.cursor("b") is not None
        assert self.in_main_index(self.b, first.pk) == 1

    def test_a_live_node_is_never_dropped_with_the_dead(self):
        Cursor.objects.update(seen_at=timezone.now() - timedelta(days=8))
        self.a.log.reclaim()
        assert sorted(Cursor.objects.values_list("node", flat=True)) == ["a", "b"]

    @skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
    def test_a_new_node_misses_nothing_committed_during_its_rebuild(self):
        old = self.publish("翠竹街道预算公开")
        kept = self.publish("翠竹街道民生微实事项目公示", day=2)
        late = {}

        def meanwhile():
            # Another server, another connection: commits while C reads its snapshot.
            try:
                late["new"] = self.publish("翠竹街道民生微实事资金安排", day=3).pk
                with transaction.atomic():
                    doc = Document.objects.get(pk=old.pk)
                    doc.title = "翠竹街道民生微实事预算"
                    doc.save()
            finally:
                connections.close_all()

        def batches():
            index = get_index()
            queryset = index.get_queryset().order_by("pk")
            first = [index.to_record(d) for d in queryset[:1]]  # the snapshot is taken
            thread = threading.Thread(target=meanwhile)
            thread.start()
            thread.join()
            yield first
            yield [index.to_record(d) for d in queryset[1:]]

        c = self.node(2, "c")
        c.rebuild(batches())
        for pk in (old.pk, kept.pk, late["new"]):
            assert self.in_main_index(c, pk) == 1
        assert sorted(self.found(c, "民生微实事")) == sorted([old.pk, kept.pk, late["new"]])
        assert c.pending() == {}


@skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class OutOfOrderCommitTestCase(TwoNodesTestCase):
    def test_a_lower_id_committed_after_a_higher_one_is_applied(self):
        first = self.publish("翠竹街道预算公开")
        second = self.publish("翠竹街道决算公开", day=2)
        self.b.sync()
        logged, go = threading.Event(), threading.Event()
        index = get_index()

        def slow():  # logs first, commits last
            try:
                with transaction.atomic():
                    Document.objects.filter(pk=first.pk).update(title="翠竹街道民生微实事预算")
                    self.a.index([index.to_record(Document.objects.get(pk=first.pk))])
                    logged.set()
                    go.wait(30)
            finally:
                connections.close_all()

        writer = threading.Thread(target=slow)
        writer.start()
        assert logged.wait(30)
        try:
            with transaction.atomic():  # logs after, commits first
                Document.objects.filter(pk=second.pk).update(title="翠竹街道民生微实事决算")
                self.a.index([index.to_record(Document.objects.get(pk=second.pk))])
            self.b.sync()  # sees the higher id only
            assert self.found_in_main(self.b) == [second.pk]
        finally:
            go.set()
            writer.join(30)
        self.b.sync()  # the lower id, visible now, is not behind B's cursor
        assert sorted(self.found_in_main(self.b)) == sorted([first.pk, second.pk])
        assert self.b.pending() == {}

    def found_in_main(self, backend):
        """Ids the index on disk finds for 民生微实事, without the pending overlay."""
        backend.engine.reload()
        searcher = backend.engine.searcher()
        result = searcher.search(backend.compile(parse("民生微实事")), 10)
        return searcher.fast_field_values("id", [a for _, a in result.hits]) if result.hits else []
