"""The database router: which requests read a replica, and falling back to the primary.

These drive ``ReplicaMiddleware`` with a fake view that asks the router where it would read,
with a replica alias that is never connected to (``reachable`` and ``broken`` stand in for the
connection). Real replicas, killed mid-run, are in test_multiserver.py.
"""

from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, ProgrammingError, connection, router
from django.http import HttpResponse
from django.test import RequestFactory

from gongkai import replicas
from gongkai.config import (
    REPLICA_CONNECT_SECONDS,
    REPLICA_TCP_TIMEOUT_MS,
    envdatabase,
    envreplicas,
)
from gongkai.documents import generation
from gongkai.documents.models import Document

POSTGRES = "postgres://gk@db1:5432/gongkai"


@pytest.fixture
def one_replica(settings, monkeypatch):
    """A replica "replica1" that answers, in a process that saw the catalogue settle long ago."""
    settings.DATABASE_REPLICAS = ["replica1"]
    up = {"replica1": True}
    monkeypatch.setattr(replicas, "reachable", lambda alias: up[alias])
    monkeypatch.setattr(replicas, "close", lambda alias: None)
    monkeypatch.setattr(replicas, "_down_until", {})
    monkeypatch.setattr(replicas, "_generation_seen", [generation.generation(), float("-inf")])
    return up


def read_by(method="get", path="/documents/1/", cookies=None, view=None):
    """(where the view read a Document, a Session; the response) for one request."""
    seen = {}

    def fake_view(request):
        seen["document"] = router.db_for_read(Document)
        seen["session"] = router.db_for_read(Session)
        if view:
            return view(request, seen)
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies or {})
    middleware = replicas.ReplicaMiddleware(fake_view)
    response = middleware(request)
    return seen, response


def test_replica_urls_parse_like_the_database_url(monkeypatch):
    monkeypatch.setenv("GONGKAI_DATABASE_REPLICAS", " postgres://gk@db2:5432/gongkai, "
                                                    "postgres://gk@db3/gongkai ")
    primary = envdatabase("DATABASE_URL_UNSET", POSTGRES)
    found = envreplicas("GONGKAI_DATABASE_REPLICAS", primary)
    assert list(found) == ["replica1", "replica2"]
    assert found["replica1"]["HOST"] == "db2" and found["replica2"]["HOST"] == "db3"
    assert found["replica1"]["OPTIONS"] == {"connect_timeout": REPLICA_CONNECT_SECONDS,
                                            "tcp_user_timeout": REPLICA_TCP_TIMEOUT_MS}
    # In tests a replica is the primary's test database, never one of its own.
    assert found["replica1"]["TEST"] == {"MIRROR": "default"}


def test_no_replicas_when_unset(monkeypatch):
    monkeypatch.delenv("GONGKAI_DATABASE_REPLICAS", raising=False)
    assert envreplicas("GONGKAI_DATABASE_REPLICAS", envdatabase("X_UNSET", POSTGRES)) == {}


@pytest.mark.parametrize("primary, replica", [
    ("sqlite:///var/x.sqlite3", "postgres://gk@db2/gongkai"),
    (POSTGRES, "sqlite:///var/y.sqlite3"),
    (POSTGRES, "nonsense://"),
])
def test_replicas_need_postgresql_on_both_sides(monkeypatch, primary, replica):
    monkeypatch.setenv("GONGKAI_DATABASE_REPLICAS", replica)
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_DATABASE_REPLICAS"):
        envreplicas("GONGKAI_DATABASE_REPLICAS", envdatabase("X_UNSET", primary))


@pytest.mark.parametrize("path", ["/", "/documents/7/", "/agencies/3/documents/", "/search/",
                                  "/api/v1/documents", "/feeds/rss/", "/sitemap.xml",
                                  "/regulations/", "/robots.txt"])
def test_public_reads_go_to_the_replica_sessions_never(one_replica, path):
    seen, _ = read_by(path=path)
    assert seen == {"document": "replica1", "session": "default"}


@pytest.mark.parametrize("method, path", [
    ("get", "/admin/documents/document/"), ("get", "/applications/status/"),
    ("get", "/healthz"), ("post", "/agencies/3/apply/"), ("post", "/search/"),
])
def test_the_admin_applications_and_writes_read_the_primary(one_replica, method, path):
    seen, _ = read_by(method, path)
    assert seen["document"] == "default"


def test_without_replicas_the_router_leaves_django_alone(settings):
    settings.DATABASE_REPLICAS = []
    seen, response = read_by()
    assert seen == {"document": "default", "session": "default"}
    assert replicas.ReplicaRouter().db_for_read(Document) is None  # Django decides as before
    assert replicas.PRIMARY_COOKIE not in read_by("post", "/agencies/3/apply/")[1].cookies


def test_after_a_write_the_request_reads_the_primary(one_replica):
    def write_then_read(request, seen):
        router.db_for_write(Document)
        seen["after"] = router.db_for_read(Document)
        return HttpResponse("ok")

    seen, _ = read_by(view=write_then_read)
    assert seen["document"] == "replica1" and seen["after"] == "default"


def test_a_client_that_posted_reads_the_primary_for_a_while(one_replica):
    _, response = read_by("post", "/agencies/3/apply/")
    cookie = response.cookies[replicas.PRIMARY_COOKIE]
    assert cookie["max-age"] == replicas.AFTER_WRITE_SECONDS and cookie["httponly"]
    seen, _ = read_by(cookies={replicas.PRIMARY_COOKIE: cookie.value})
    assert seen["document"] == "default"
    seen, _ = read_by()  # the cookie expired
    assert seen["document"] == "replica1"


def test_a_new_generation_is_read_from_the_primary_for_a_while(one_replica, monkeypatch):
    # The primary's WAL position is not recorded (a process without replicas set moved it).
    generation.moved.disconnect(dispatch_uid="gongkai_replicas_position")
    try:
        generation._increment()  # what bump() does once the change commits
    finally:
        generation.moved.connect(replicas.record_position, dispatch_uid="gongkai_replicas_position")
    assert read_by()[0]["document"] == "default"
    later = replicas.time.monotonic() + replicas.AFTER_WRITE_SECONDS
    monkeypatch.setattr(replicas, "time", SimpleNamespace(monotonic=lambda: later))
    assert read_by()[0]["document"] == "replica1"


def test_a_replica_that_does_not_answer_is_skipped_and_left_alone(one_replica, monkeypatch):
    calls = []

    def refuse(alias):
        calls.append(alias)
        return False

    monkeypatch.setattr(replicas, "reachable", refuse)
    assert read_by()[0]["document"] == "default"
    assert read_by()[0]["document"] == "default"
    assert calls == ["replica1"]  # marked down: not tried on every request
    later = replicas.time.monotonic() + replicas.DOWN_SECONDS
    monkeypatch.setattr(replicas, "time", SimpleNamespace(monotonic=lambda: later))
    monkeypatch.setattr(replicas, "reachable", lambda alias: True)
    assert read_by()[0]["document"] == "replica1"


def test_a_replica_that_dies_mid_request_is_retried_on_the_primary(one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "broken", lambda alias: True)
    attempts = []

    def dies_on_the_replica(request, seen):
        attempts.append(router.db_for_read(Document))
        if attempts[-1] == "replica1":
            middleware = replicas.ReplicaMiddleware(None)
            # What Django's handler does with a view's exception: asks the middleware.
            return middleware.process_exception(request, OperationalError("server closed"))
        return HttpResponse("from the primary")

    seen, response = read_by(view=dies_on_the_replica)
    assert attempts == ["replica1", "default"]
    assert response.status_code == 200 and response.content == b"from the primary"
    assert read_by()[0]["document"] == "default"  # marked down


def test_a_cancelled_query_is_retried_without_marking_the_replica_down(one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "broken", lambda alias: False)  # e.g. a recovery conflict
    attempts = []

    def cancelled(request, seen):
        attempts.append(router.db_for_read(Document))
        if attempts[-1] == "replica1":
            return replicas.ReplicaMiddleware(None).process_exception(
                request, OperationalError("canceling statement due to conflict with recovery"))
        return HttpResponse("ok")

    assert read_by(view=cancelled)[1].status_code == 200
    assert attempts == ["replica1", "default"]
    assert read_by()[0]["document"] == "replica1"


def test_other_errors_are_not_retried(one_replica):
    def bad_sql(request, seen):
        return replicas.ReplicaMiddleware(None).process_exception(request, ProgrammingError("x"))

    assert read_by(view=bad_sql)[1] is None  # Django goes on to its 500 handling


def test_only_the_primary_is_migrated():
    r = replicas.ReplicaRouter()
    assert r.allow_migrate("default", "documents") and not r.allow_migrate("replica1", "documents")


@pytest.mark.django_db(transaction=True)  # outside a transaction, where the router routes
def test_the_search_index_is_corrected_from_the_primary_not_a_lagging_replica(one_replica):
    """A search drops from the index the hits that are no longer public. Judged on a replica
    that has not yet replayed a publication, a just-published document would be dropped (and
    stay out of the index until its next change): the check reads the index's own database."""
    from django.utils import timezone

    from gongkai.catalog.models import Agency
    from gongkai.documents.models import Status
    from gongkai.search.backends import get_search_backend
    from gongkai.search.results import forget_stale

    doc = Document.objects.create(title="刚刚发布的通知", agency=Agency.objects.create(name="某局"),
                                  status=Status.PUBLISHED, published_at=timezone.now())
    token = replicas._routing.set(replicas.Routing(replica_ok=True))
    try:
        assert router.db_for_read(Document) == "replica1"  # this request reads the replica
        # "replica1" is no connection at all here: a read sent there would raise.
        assert forget_stale(get_search_backend(), [doc.pk]) is False
    finally:
        replicas._routing.reset(token)


class FakeReplicaConnections:
    """Django's connections, with "replica1" a replica that has replayed up to ``replayed``."""

    def __init__(self, real, replayed: str):
        self.real, self.replayed, self.asked = real, replayed, 0

    def __getitem__(self, alias):
        if alias != "replica1":
            return self.real[alias]
        fake = self

        class Cursor:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, sql, params=()):
                assert "pg_last_wal_replay_lsn" in sql
                fake.asked += 1

            def fetchone(self):
                return (fake.replayed,)

        return SimpleNamespace(cursor=Cursor)


def test_wal_positions_compare_as_numbers():
    assert replicas.lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert replicas.lsn("0/FF") < replicas.lsn("1/0")


def test_a_generation_is_read_from_a_replica_once_it_has_replayed_its_changes(
        one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "_replayed", {})
    fake = FakeReplicaConnections(replicas.connections, "0/100")
    monkeypatch.setattr(replicas, "connections", fake)
    cache.set(replicas.POSITION_KEY.format(generation.generation()), replicas.lsn("0/200"))
    # Behind the generation's changes (a withdrawal it has not replayed): the primary, at once
    # and however long the replica lags.
    assert read_by()[0]["document"] == "default"
    assert read_by()[0]["document"] == "default"
    fake.replayed = "0/200"
    assert read_by()[0]["document"] == "replica1"
    asked = fake.asked
    assert read_by()[0]["document"] == "replica1"
    assert fake.asked == asked  # known to be far enough: not asked again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="WAL positions are PostgreSQL's")
@pytest.mark.django_db
def test_the_primary_s_wal_position_is_kept_beside_each_new_generation(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    generation._increment()
    position = cache.get(replicas.POSITION_KEY.format(generation.generation()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        now = replicas.lsn(cursor.fetchone()[0])
    assert position is not None and 0 < position <= now
