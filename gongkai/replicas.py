"""Reads that tolerate a little lag go to PostgreSQL streaming replicas; everything else to the
primary (docs/deployment.md#several-servers).

``ReplicaMiddleware`` decides per request whether it may read from a replica: a GET or HEAD
of a public URL (``REPLICA_PATHS``: the public pages, search, the API, feeds, sitemaps) from a
client that has not just written (``PRIMARY_COOKIE``, set for ``AFTER_WRITE_SECONDS`` on the
response to any POST), and not within ``AFTER_WRITE_SECONDS`` of this process seeing the
catalogue's generation move — a page rendered from a replica that has not yet replayed the
change would be cached under the new generation. ``ReplicaRouter`` then sends that request's
reads to one replica, chosen at random per request, until the request writes anything
(a view-count flush, an index correction): from then on it reads the primary too. Sessions,
accounts, permissions and the audit log (``PRIMARY_APPS``) are always read from the primary,
and so is anything read inside a transaction. Without ``GONGKAI_DATABASE_REPLICAS`` nothing
here does anything.

A replica that cannot be reached is skipped for ``DOWN_SECONDS`` (per process) and the
request falls back to the primary; a replica that dies while a request is reading from it
makes that request run again on the primary, so the reader gets the page, not an error.

**A replica that lags.** Whenever the catalogue's generation moves, the primary's WAL position
(read after the move, so it covers every change the generation stands for) is kept in the
cache beside it (``record_position``). A request of that generation reads only a replica that
has replayed at least that far (``pg_last_wal_replay_lsn()``, asked once per replica,
generation and process); one that has not is passed over for the primary. So a page cached
under a generation is never read from a replica that has not seen that generation's changes,
however far it lags — a withdrawn document cannot come back from one. When the position is not
known (a generation moved by a process without replicas configured, or Redis away), the
process reads the primary for ``AFTER_WRITE_SECONDS`` after it first sees the generation.
"""

import logging
import random
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

from gongkai.documents import generation as catalogue

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
# Public, read-only URLs: the home page, catalogue and document pages, the 规章库, search, the
# JSON API, feeds, sitemaps, robots.txt and the download page. Not the admin, not 依申请公开
# (an applicant reads the case they have just filed), not /healthz (it probes the primary).
REPLICA_PATHS = re.compile(
    r"^/(?:$|agencies/|documents/|regulations/|search/|api/v1/|feeds/|sitemap|robots\.txt$"
    r"|exports/)")
SAFE_METHODS = ("GET", "HEAD")
# Apps whose rows are read right after they are written (a sign-in, a permission change, the
# audit log) or are needed by the admin: never from a replica.
PRIMARY_APPS = {"sessions", "auth", "admin", "contenttypes", "axes", "otp_totp", "otp_static",
                "django_otp", "accounts"}
# How long a client that has written, or a process that has seen the catalogue change, reads
# the primary: far above a healthy streaming replica's lag (milliseconds).
AFTER_WRITE_SECONDS = 5
PRIMARY_COOKIE = "gk_primary"
# How long a replica that failed is left alone before this process tries it again.
DOWN_SECONDS = 10


@dataclass
class Routing:
    """This request's choices: may it read a replica, which one, has it written."""
    replica_ok: bool
    alias: str | None = None
    wrote: bool = False
    failed: bool = False
    position: int | None = None  # WAL position a replica must have replayed (None: any)


_routing: ContextVar[Routing | None] = ContextVar("gongkai_replica_routing", default=None)
_down_until: dict[str, float] = {}
_generation_seen: list = [None, float("-inf")]  # [generation, when this process first saw it]
_replayed: dict[str, int] = {}  # per replica: the furthest WAL position it was seen to have replayed
POSITION_KEY = "gongkai:catalogue-wal:{}"


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def mark_down(alias: str) -> None:
    _down_until[alias] = time.monotonic() + DOWN_SECONDS
    close(alias)


def close(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass  # a connection that is already broken is closed all the same


def broken(alias: str) -> bool:
    """Whether ``alias``'s connection is gone (not: a query on it failed)."""
    connection = connections[alias]
    return connection.connection is None or not connection.is_usable()


def reachable(alias: str) -> bool:
    """Whether ``alias`` answers: connects (``connect_timeout``) unless already connected."""
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        logger.warning("replica %s does not answer (%s): reading the primary for %d s",
                       alias, error, DOWN_SECONDS)
        return False
    return True


def choose_replica(position: int | None = None) -> str:
    """A replica not marked down that answers and has replayed the WAL up to ``position``, at
    random; the primary when there is none."""
    now = time.monotonic()
    candidates = [alias for alias in replicas() if _down_until.get(alias, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        if not reachable(alias):
            mark_down(alias)
        elif position is None or replayed(alias, position):
            return alias
    return PRIMARY


def lsn(text: str) -> int:
    """A pg_lsn ("16/B374D848") as a number, to compare."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def replayed(alias: str, position: int) -> bool:
    """Whether replica ``alias`` has replayed the primary's WAL up to ``position``."""
    if _replayed.get(alias, -1) >= position:
        return True
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            (text,) = cursor.fetchone()
    except DatabaseError:
        return False  # a replica that fails here is dealt with by the request's next read
    if text is None:  # not in recovery: a primary, which has everything
        return True
    _replayed[alias] = max(_replayed.get(alias, -1), lsn(text))
    return _replayed[alias] >= position


def record_position(sender, generation, **kwargs) -> None:
    """Keep the primary's WAL position beside the generation that just moved (``moved``)."""
    if not replicas() or connections[PRIMARY].vendor != "postgresql":
        return
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (text,) = cursor.fetchone()
    except DatabaseError:
        return  # unknown: readers fall back to waiting AFTER_WRITE_SECONDS
    cache.set(POSITION_KEY.format(generation), lsn(text), timeout=24 * 3600)


catalogue.moved.connect(record_position, dispatch_uid="gongkai_replicas_position")


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replicas():
            return None
        routing = _routing.get()
        if (routing is None or not routing.replica_ok or routing.wrote
                or model._meta.app_label in PRIMARY_APPS
                or connections[PRIMARY].in_atomic_block):
            return PRIMARY
        if routing.alias is None:
            routing.alias = choose_replica(routing.position)
        return routing.alias

    def db_for_write(self, model, **hints):
        if (routing := _routing.get()) is not None:
            routing.wrote = True  # what this request reads next may be what it just wrote
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: an object read from one relates to any other.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas():
            return self.get_response(request)
        token = _routing.set(replica_routing(request))
        try:
            response = self.get_response(request)
            if _routing.get().failed:
                # The replica failed under this request (it died, or cancelled the query to
                # replay the primary's changes): the same safe request, again on the primary.
                _routing.set(Routing(replica_ok=False))
                response = self.get_response(request)
        finally:
            _routing.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(PRIMARY_COOKIE, "1", max_age=AFTER_WRITE_SECONDS, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response

    def process_exception(self, request, exception):
        routing = _routing.get()
        if (routing is None or routing.alias in (None, PRIMARY)
                or not isinstance(exception, (OperationalError, InterfaceError))):
            return None
        if broken(routing.alias):
            logger.warning("replica %s failed (%s): reading the primary for %d s",
                           routing.alias, exception, DOWN_SECONDS)
            mark_down(routing.alias)
        routing.failed = True
        return HttpResponse(status=503)  # replaced by the answer from the primary


def replica_routing(request) -> Routing:
    """Whether this request may read a replica, and how far that replica must have replayed."""
    if (request.method not in SAFE_METHODS or not REPLICA_PATHS.match(request.path_info)
            or PRIMARY_COOKIE in request.COOKIES):
        return Routing(replica_ok=False)
    current = catalogue.generation()
    position = cache.get(POSITION_KEY.format(current))
    if position is not None:
        return Routing(replica_ok=True, position=position)
    return Routing(replica_ok=catalogue_settled(current))


def catalogue_settled(current) -> bool:
    """False for AFTER_WRITE_SECONDS after this process first sees generation ``current`` of
    the catalogue, when its WAL position is not known: a replica may not have the change yet,
    and what is read now is cached under the new generation (gongkai/web/caching.py) for as
    long as that generation lasts."""
    now = time.monotonic()
    if current != _generation_seen[0]:
        _generation_seen[:] = [current, now]
    return now - _generation_seen[1] >= AFTER_WRITE_SECONDS
