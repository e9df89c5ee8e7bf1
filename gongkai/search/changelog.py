"""The change log (``search_change``) that indexes kept outside the database follow, one
cursor per index (``search_cursor``), so that several application servers can each keep an
index of their own. Used by ``gongkai.search.backends.tantivy``.

**Writing.** A change and its log row commit in one transaction (``append``). Rows are never
updated; they are deleted only below every live node's cursor (``reclaim``).

**Reading** happens only in this module, through ``reader()``: the one place a database
router may send log reads to a replica (a whole sync reads from the one alias it returns, so
a snapshot and the rows it vouches for come from the same server). Cursors are read and
written on the backend's own database, the primary.

**The cursor and transactions that commit out of order.** Change ids come from a sequence at
insert time, and transactions commit in any order: a row with id 5 can become visible after
row 6 has been read and applied. A cursor that simply took the highest id applied would skip
row 5 for ever. So a cursor is only ever moved to an id below which no row can still appear
("settled"), and everything above it is read again (and applied idempotently) by each sync
and overlaid by each search:

- On PostgreSQL, ``append`` first makes sure its transaction has an id (``pg_current_xact_id()``)
  and only then draws row ids. A *mark* ``(M, X)`` is the highest visible row id and the
  snapshot's ``xmax`` (the first transaction id not yet handed out), read in one statement.
  Every row with id ≤ M was drawn before that statement, so by a transaction whose id is
  below X. Once the oldest transaction still running — other than the reader's own — is at
  or above X (``pg_snapshot_xip``; ``xmax`` when none runs), every transaction that could
  own a row ≤ M has committed or rolled back: every row ≤ M that will ever exist is
  visible, and M is settled. A process keeps its oldest unsettled mark and moves the cursor
  to it once it settles — usually in the same sync (no other transaction running), else in
  the next one. A long write transaction holds the cursor back; it never makes it skip.
- On SQLite writers are serialised by the database lock from their first write to their
  commit, so ids are drawn in commit order: the highest visible id is settled at once.

Same-record order: a document's change row is written after its row is locked by the save,
so two versions of one document are logged in commit order; reading rows in id order and
keeping the last per record gives the latest version.

**Nodes.** A node is one index (a server's directory), named by GONGKAI_SEARCH_NODE (default:
host name and index path). ``register`` gives a new node its cursor before it rebuilds, so
the rows it will need from then on are kept; a node not seen (no sync) for ``retention``
seconds is dropped while a live node remains, and then has to be rebuilt (``gongkai
reindex``): ``cursor()`` returns None and the backend says so in the log. While no node has
ever registered (a new site, or one upgraded from the one-server log that deleted rows as it
applied them), the first node ``adopt``s the whole log: no row has been reclaimed yet.
"""

import logging
import socket
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.db import connections, router, transaction
from django.utils import timezone

from .models import Change, Cursor

log = logging.getLogger(__name__)
RETENTION = 7 * 24 * 3600.0  # seconds a node may go unseen before its cursor is dropped
NODE_LENGTH = 200


def default_node(path: Path) -> str:
    """This server's name for the index in ``path``: host name and directory."""
    return f"{socket.gethostname()}:{Path(path).resolve()}"[:NODE_LENGTH]


class ChangeLog:
    def __init__(self, backend: str, database: str, node: str, retention: float = RETENTION):
        self.backend = backend
        self.database = database
        self.node = node[:NODE_LENGTH]
        self.retention = retention

    @property
    def vendor(self) -> str:
        return connections[self.database].vendor

    def _execute(self, alias, sql, params=()):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    # -- writing (primary) -------------------------------------------------------------------

    def append(self, rows) -> None:
        """Log ``rows`` ((record id, JSON text or None)) in the caller's transaction."""
        with connections[self.database].cursor() as cursor:
            if self.vendor == "postgresql":
                # The transaction id before the row ids: see the module docstring.
                cursor.execute("SELECT pg_current_xact_id()")
            cursor.executemany(
                "INSERT INTO search_change (backend, record_id, data) VALUES (%s, %s, %s)",
                [(self.backend, pk, data) for pk, data in rows])

    # -- reading (the one place: a router may send these to a replica) -------------------------

    def reader(self) -> str:
        """The database alias a sync or a search reads the log from. Inside a transaction on
        the primary, the primary itself: the transaction must see its own rows."""
        if connections[self.database].in_atomic_block or not router.routers:
            return self.database
        return router.db_for_read(Change, search_database=self.database) or self.database

    def mark(self, using: str) -> tuple[int, int, int]:
        """(M, X, O): the highest visible row id, the snapshot's xmax and the oldest other
        transaction still running (X when none), in one snapshot. SQLite: (M, 0, 0)."""
        if connections[using].vendor != "postgresql":
            (top,), = self._execute(using, "SELECT COALESCE(MAX(id), 0) FROM search_change")
            return top, 0, 0
        (top, xmax, oldest), = self._execute(using, (
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM search_change),"
            " pg_snapshot_xmax(s)::text::bigint,"
            " COALESCE((SELECT MIN(x::text::bigint) FROM pg_snapshot_xip(s) x"
            "           WHERE x <> COALESCE(pg_current_xact_id_if_assigned(), '0'::xid8)),"
            "          pg_snapshot_xmax(s)::text::bigint)"
            " FROM pg_current_snapshot() s"))
        return top, xmax, oldest

    def ids_after(self, after: int, using: str) -> list[tuple[int, int]]:
        """(row id, record id) of the visible rows above ``after``, by id."""
        return self._execute(using, "SELECT id, record_id FROM search_change "
                                    "WHERE backend = %s AND id > %s ORDER BY id",
                             [self.backend, after])

    def rows_after(self, after: int, limit: int, using: str) -> list[tuple[int, int, object]]:
        """(row id, record id, data) of up to ``limit`` visible rows above ``after``, by id."""
        return self._execute(using, "SELECT id, record_id, data FROM search_change "
                                    "WHERE backend = %s AND id > %s ORDER BY id LIMIT %s",
                             [self.backend, after, limit])

    def data(self, row_ids, using: str) -> dict[int, object]:
        """{row id: data} of these rows."""
        found = {}
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start:start + 500]
            found.update(self._execute(
                using, f"SELECT id, data FROM search_change WHERE id IN "
                       f"({', '.join(['%s'] * len(chunk))})", chunk))
        return found

    @contextmanager
    def snapshot(self):
        """One snapshot for all the reads inside (a rebuild's: the log, then the catalogue):
        REPEATABLE READ on PostgreSQL, one read transaction on SQLite. Inside a transaction
        already (tests), that one."""
        connection = connections[self.database]
        if connection.in_atomic_block:
            yield
            return
        with transaction.atomic(using=self.database):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield

    # -- cursors (primary) -------------------------------------------------------------------

    def cursors(self):
        return Cursor.objects.using(self.database).filter(backend=self.backend)

    def cursor(self) -> int | None:
        """This node's cursor; None when it has none (a new node, or one dropped)."""
        return self.cursors().filter(node=self.node).values_list("applied_id", flat=True).first()

    def adopt(self) -> int | None:
        """A cursor at 0 for this node when no node ever registered (see the module
        docstring); None when others have: this node must be rebuilt."""
        if self.cursors().exists():
            return None
        Cursor.objects.using(self.database).get_or_create(
            backend=self.backend, node=self.node, defaults={"applied_id": 0})
        return self.cursor()

    def start(self) -> int:
        """Where a rebuild starts: the highest cursor of any node, settled (every row up to
        it committed, or rolled back, when that node moved there), 0 when there is none."""
        return max(self.cursors().values_list("applied_id", flat=True), default=0)

    def register(self, applied_id: int) -> None:
        """This node's cursor at ``applied_id`` at least (created if missing, never moved
        back), seen now: a rebuild's starting point."""
        with transaction.atomic(using=self.database):
            cursor, created = Cursor.objects.using(self.database).select_for_update(
            ).get_or_create(backend=self.backend, node=self.node,
                            defaults={"applied_id": applied_id})
            if not created:
                cursor.applied_id = max(cursor.applied_id, applied_id)
                cursor.seen_at = timezone.now()
                cursor.save(update_fields=["applied_id", "seen_at"])

    def advance(self, applied_id: int) -> bool:
        """Move this node's cursor up to ``applied_id`` (never back) and mark it seen. False
        when the node has no cursor any more (dropped)."""
        return bool(self._execute(self.database, (
            "UPDATE search_cursor SET applied_id = CASE WHEN applied_id < %s THEN %s "
            "ELSE applied_id END, seen_at = %s WHERE backend = %s AND node = %s RETURNING id"),
            [applied_id, applied_id, timezone.now(), self.backend, self.node]))

    def reclaim(self) -> int:
        """Drop nodes unseen for ``retention`` (while a live one remains), then delete the
        rows every remaining node has applied. Returns the rows deleted."""
        cutoff = timezone.now() - timedelta(seconds=self.retention)
        with transaction.atomic(using=self.database):
            live = self.cursors().filter(seen_at__gte=cutoff)
            if live.exists():
                self.cursors().filter(seen_at__lt=cutoff).delete()
            low = min(self.cursors().values_list("applied_id", flat=True), default=None)
            if low is None:
                return 0
            return Change.objects.using(self.database).filter(
                backend=self.backend, id__lte=low).delete()[0]
