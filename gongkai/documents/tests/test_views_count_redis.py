"""浏览次数 through Redis: several servers, flushers that die, Redis away or restarted.

Uses the machine's Redis at 127.0.0.1:6379, database 13 (emptied before and after each test),
and skips when there is none; the restart test starts a private redis-server of its own."""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from unittest import mock

import pytest
import redis as redis_py
import time_machine
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document, Status, ViewCountFlush
from gongkai.documents.views_count import redis as buffer
from gongkai.documents.views_count.redis import FLUSHES, LOCK, RedisViewCounter
from gongkai.test import BaseTestCase, aware
from gongkai.web.views import STATE_SECONDS

URL = "redis://127.0.0.1:6379/13"


def redis_available(url: str) -> bool:
    try:
        return redis_py.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis_py.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_available(URL), reason="no Redis at 127.0.0.1:6379")


class Died(BaseException):
    """A flusher killed where the test says (not an Exception: nothing may catch it)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisTestMixin:
    def setUp(self):
        super().setUp()
        self.redis = redis_py.Redis.from_url(URL, decode_responses=True)
        self.redis.flushdb()
        self.addCleanup(self.redis.flushdb)

    def server(self, url: str = URL) -> RedisViewCounter:
        """The buffer of one more application server."""
        return RedisViewCounter(url)

    def stored(self, doc) -> int:
        doc.refresh_from_db()
        return doc.view_count


@override_settings(VIEW_COUNT_FLUSH_SECONDS=3600)  # flushed when a test says so
class RedisViewCountTestCase(RedisTestMixin, BaseTestCase):
    def test_views_on_two_servers_add_up_exactly(self):
        a, b = self.server(), self.server()
        for _ in range(3):
            a.add(self.summary.pk)
        for _ in range(2):
            b.add(self.summary.pk)
        b.add(self.notice.pk)
        assert a.pending(self.summary.pk) == 5
        assert a.flush() == 6
        assert b.flush() == 0
        assert (self.stored(self.summary), self.stored(self.notice)) == (5, 1)

    def test_a_server_killed_before_it_flushed_loses_no_view(self):
        # A separate process counts, says so, and is killed with SIGKILL: no flush, no atexit.
        script = (
            "import django, sys, time; django.setup();"
            "from gongkai.documents.views_count.redis import RedisViewCounter;"
            f"counter = RedisViewCounter({URL!r});"
            f"[counter.add({self.summary.pk}) for _ in range(4)];"
            "print('counted', flush=True); time.sleep(60)"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings",
               "GONGKAI_SECRET_KEY": "t", "GONGKAI_VIEW_COUNT_FLUSH_SECONDS": "3600",
               "PYTHONPATH": os.pathsep.join(sys.path)}
        server = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                                  text=True)
        self.addCleanup(server.wait)
        self.addCleanup(server.kill)
        assert server.stdout.readline().strip() == "counted"
        server.send_signal(signal.SIGKILL)
        server.wait()
        assert self.server().flush() == 4
        assert self.stored(self.summary) == 4

    def test_only_one_flusher_at_a_time(self):
        a, b = self.server(), self.server()
        a.add(self.summary.pk)
        self.redis.set(LOCK, "another server's flush", px=60_000)
        assert b.flush() == 0
        assert self.stored(self.summary) == 0
        self.redis.delete(LOCK)
        assert b.flush() == 1
        assert self.stored(self.summary) == 1

    def test_counts_taken_by_a_flusher_that_died_before_writing_go_with_the_next_flush(self):
        a, b = self.server(), self.server()
        for _ in range(3):
            a.add(self.summary.pk)
        with mock.patch.object(buffer, "write", side_effect=Died), pytest.raises(Died):
            a.flush()
        assert self.stored(self.summary) == 0
        assert len(self.redis.smembers(FLUSHES)) == 1  # the counts wait under their flush id
        b.add(self.summary.pk)
        assert b.flush() == 4
        assert self.stored(self.summary) == 4
        assert self.redis.smembers(FLUSHES) == set()

    def test_counts_of_a_flusher_that_died_after_its_commit_are_not_written_twice(self):
        a, b = self.server(), self.server()
        for _ in range(3):
            a.add(self.summary.pk)
        real_write = buffer.write

        def write_then_die(*args):
            real_write(*args)
            raise Died

        with mock.patch.object(buffer, "write", side_effect=write_then_die), pytest.raises(Died):
            a.flush()
        assert self.stored(self.summary) == 3
        assert len(self.redis.smembers(FLUSHES)) == 1  # still there: the key was not forgotten
        assert b.flush() == 0
        assert self.stored(self.summary) == 3
        assert self.redis.smembers(FLUSHES) == set()

    def test_two_flushers_finding_the_same_counts_write_them_once(self):
        # As when a flush outlasted its lock: both find the key a dead flusher left.
        a, b, c = self.server(), self.server(), self.server()
        for _ in range(2):
            a.add(self.summary.pk)
        with mock.patch.object(buffer, "write", side_effect=Died), pytest.raises(Died):
            a.flush()
        (flush_id,) = self.redis.smembers(FLUSHES)
        counts = self.redis.hgetall(buffer.flushing(flush_id))
        assert b._write(flush_id, counts) == 2
        assert c._write(flush_id, counts) == 0
        assert self.stored(self.summary) == 2
        assert ViewCountFlush.objects.filter(id=flush_id).exists()

    def test_old_flush_ids_are_forgotten_with_a_new_epoch(self):
        old = ViewCountFlush.objects.create(id="old")
        ViewCountFlush.objects.filter(id="old").update(at=timezone.now() - dt.timedelta(days=2))
        a = self.server()
        a.add(self.summary.pk)
        assert a.flush() == 1
        assert not ViewCountFlush.objects.filter(id=old.id).exists()
        assert ViewCountFlush.objects.count() == 1  # this flush's own

    def shown_by(self, counter, doc) -> int:
        with mock.patch("gongkai.web.views.view_counter", counter):
            html = self.client.get(doc.get_absolute_url()).content.decode()
        return int(html.split('class="views">', 1)[1].split("<", 1)[0])

    def test_the_page_shows_every_servers_views_and_keeps_rising_across_flushes(self):
        a, b = self.server(), self.server()
        assert [self.shown_by(a, self.summary), self.shown_by(b, self.summary),
                self.shown_by(a, self.summary)] == [1, 2, 3]
        assert b.flush() == 3
        # The page's reading is from before the flush: still exact, not counted twice.
        assert [self.shown_by(a, self.summary), self.shown_by(b, self.summary)] == [4, 5]
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=STATE_SECONDS + 1)):
            assert self.shown_by(a, self.summary) == 6  # read again
        assert a.flush() == 3
        assert self.stored(self.summary) == 6

    def test_a_new_epoch_keeps_the_count_shown(self):
        a = self.server()
        assert [self.shown_by(a, self.summary) for _ in range(3)] == [1, 2, 3]
        assert a.flush() == 3  # the first flush also begins an epoch
        self.redis.delete(buffer.EPOCH_LEASE)
        self.shown_by(a, self.summary)
        assert a.flush() == 1  # … and so does this one
        assert self.redis.hgetall(buffer.TOTAL) == {}  # what was flushed left the totals
        # The first with its reading of the epoch before, then read again.
        assert [self.shown_by(a, self.summary) for _ in range(3)] == [5, 6, 7]
        assert a.flush() == 3
        assert self.stored(self.summary) == 7

    def test_with_redis_away_views_are_counted_in_memory_and_pages_never_fail(self):
        away = self.server(f"redis://127.0.0.1:{free_port()}/0")
        with self.assertLogs("gongkai.documents.views_count.redis", "WARNING") as logs:
            assert [self.shown_by(away, self.summary) for _ in range(3)] == [1, 2, 3]
            away.add(self.notice.pk)
        assert len(logs.records) == 1  # one line, not one per view
        assert away.pending(self.summary.pk) == 3
        assert away.flush() == 4
        assert (self.stored(self.summary), self.stored(self.notice)) == (3, 1)

    def test_it_goes_back_to_redis_once_it_answers_again(self):
        a = self.server()
        a._failed(redis_py.ConnectionError("gone"))
        a.add(self.summary.pk)
        assert a.memory.pending(self.summary.pk) == 1
        with time_machine.travel(timezone.now()):
            a._down_until = 0  # RETRY_SECONDS later
            a.add(self.summary.pk)
        assert self.redis.hget(buffer.PENDING, self.summary.pk) == "1"
        assert a.flush() == 2
        assert self.stored(self.summary) == 2


@pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server binary")
@override_settings(VIEW_COUNT_FLUSH_SECONDS=3600)
class RedisRestartTestCase(RedisTestMixin, BaseTestCase):
    def start_redis(self, port: int) -> subprocess.Popen:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL)
        self.addCleanup(process.wait)
        self.addCleanup(process.kill)
        deadline = time.monotonic() + 10
        while not redis_available(f"redis://127.0.0.1:{port}/0"):
            if time.monotonic() > deadline:
                raise AssertionError("the private redis-server did not start")
            time.sleep(0.05)
        return process

    def test_a_redis_restart_loses_at_most_the_views_not_yet_flushed(self):
        port = free_port()
        process = self.start_redis(port)
        a = self.server(f"redis://127.0.0.1:{port}/0")
        for _ in range(5):
            a.add(self.summary.pk)
        assert a.flush() == 5
        for _ in range(3):
            a.add(self.summary.pk)  # after the last flush: what a restart may lose
        process.kill()
        process.wait()
        self.start_redis(port)
        for _ in range(2):
            a.add(self.summary.pk)
        a.flush()
        assert self.stored(self.summary) == 5 + 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@override_settings(VIEW_COUNT_FLUSH_SECONDS=0)  # every view tries to flush: flushers collide
class ConcurrentFlushersTestCase(RedisTestMixin, TransactionTestCase):
    def test_concurrent_servers_and_flushers_count_every_view_once(self):
        agency = Agency.objects.create(name="国务院办公厅", code="000014349")
        docs = [Document.objects.create(title=f"并发{i}", agency=agency, status=Status.PUBLISHED,
                                        published_at=aware(2022, 1, 1)) for i in range(3)]
        servers, views_each = 4, 30
        barrier = threading.Barrier(servers)

        def serve(i):
            counter = self.server()
            barrier.wait()
            try:
                for n in range(views_each):
                    counter.add(docs[(i + n) % len(docs)].pk)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=serve, args=(i,)) for i in range(servers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.server().flush()
        assert sum(self.stored(d) for d in docs) == servers * views_each
        assert ViewCountFlush.objects.count() >= 1
