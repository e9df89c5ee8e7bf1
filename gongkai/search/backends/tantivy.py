"""tantivy: an embedded search engine in a directory beside the database, for catalogues of
hundreds of thousands of documents and more.

Measured in bench/search_speed.py (docs/benchmarks.md): at 1,000,000 documents it answers
common-word queries, with exact counts and facets, an order of magnitude faster than FTS5,
whose cost grows with the number of matches. What it costs is that the index is no longer in
the database's transaction. This module keeps it from ever drifting:

- **A change log in the database.** ``index()`` and ``remove()`` only write ``search_change``
  rows (the segmented record, or null for "remove"), in the caller's transaction: a change
  and its log row commit or roll back together.
- **Applied after commit, idempotently, through a cursor.** ``sync()`` (run by
  ``transaction.on_commit``, at most once per SYNC_INTERVAL per process, and by a search that
  finds rows left over) reads the committed rows above this index's cursor, replaces those
  records in the index (delete by id, add the latest version), commits the index and only
  then moves the cursor. A crash in between leaves the cursor, and applying the rows again
  gives the same index. Every server keeps an index of its own with a cursor of its own
  (a *node*); rows are deleted once every node has applied them, and the cursor only moves
  past ids no late-committing transaction can still fill: see ``gongkai.search.changelog``.
- **Pending rows are never searched stale.** Every search reads the rows above the cursor
  that this process has not applied: their records are excluded from the main index and
  searched in a small in-memory index built from the rows. So a withdrawn document
  disappears, and a published one appears, at once — on every server, whichever saved it —
  even before (or without) a sync; inside a transaction a search sees its own changes.
- **One writer per index.** A lock file serialises writers across worker processes; a busy
  lock just leaves rows for the next sync. ``rebuild()`` (``gongkai reindex``) replaces the
  whole index in one commit from a snapshot of the catalogue, while searches go on with the
  old one, and then applies the log after the snapshot.
"""

import fcntl
import json
import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import transaction

from ..changelog import RETENTION, ChangeLog, default_node
from ..index import FIELDS
from ..parallel import preparing
from ..registry import get_index
from .base import DATE, BaseSearchBackend, Found, segmented_fields

Q = tantivy.Query
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
TOKENIZER = "gongkai"
# Added to the score of a match with a query word in its title: title matches rank first.
TITLE_FIRST = 10_000.0
# Facets above FACET_LIMIT matches are counted over the records in a random-like subset of
# BUCKETS buckets (record id modulo BUCKETS), scaled up.
BUCKETS = 64
SYNC_BATCH = 2000
# A search syncs when this process has not for this long, rows or not: the node's cursor is
# marked seen (nodes unseen for RETENTION are dropped) and the log reclaimed.
HEARTBEAT = 60.0
REBUILDING = ".gongkai-rebuilding"  # in the index directory while a rebuild runs
log = logging.getLogger(__name__)
_synced_at: dict[str, float] = {}  # index directory → when this process last applied the log


@dataclass
class _Node:
    """What one process knows of its node's progress through the log."""

    cursor: int | None = None  # as last read from the database
    applied: set[int] = field(default_factory=set)  # rows above it this process applied
    mark: tuple[int, int] | None = None  # the oldest unsettled (highest id, xmax)
    warned: float = float("-inf")


_nodes: dict[str, _Node] = {}  # index directory → its progress
_ALNUM = re.compile(r"[^\W_]+")  # what tantivy's simple tokenizer keeps

_indexes: dict[str, tantivy.Index] = {}  # one open index per directory per process


def schema(facets=None) -> tantivy.Schema:
    """The text fields, id, publication time, bucket and the facets the registered index
    declares (integers, or raw strings), as they are named there. Declaring other facets
    needs a ``gongkai reindex``."""
    facets = get_index().facets if facets is None else facets
    return _schema(tuple((name, facet.type is int) for name, facet in facets.items()))


@cache
def _schema(facets: tuple[tuple[str, bool], ...]) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER)
    builder.add_integer_field("id", fast=True, indexed=True)
    builder.add_integer_field("published", fast=True, indexed=True)
    builder.add_integer_field("bucket", indexed=True)
    for name, integer in facets:
        if integer:
            builder.add_integer_field(name, fast=True, indexed=True)
        else:
            builder.add_text_field(name, tokenizer_name="raw", fast=True)
    return builder.build()


def open_index(path: Path | None) -> tantivy.Index:
    """The index in ``path`` (created if missing), or a new one in memory."""
    index = tantivy.Index(schema(), path=str(path)) if path else tantivy.Index(schema())
    # Text arrives segmented and space-joined; the simple tokenizer splits on spaces and
    # punctuation (which then take no position, as in FTS5's unicode61).
    index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                             .filter(tantivy.Filter.lowercase()).build())
    return index


def published_seconds(moment) -> int:
    """A publication time as the index stores it (any year, 1 to 9999, fits)."""
    return int(moment.timestamp())


def record_data(record, segmenter, ahead=None) -> dict:
    """What the index needs of a Record, segmented: stored in the change log as JSON."""
    data = segmented_fields(record, segmenter, ahead)
    data["published"] = published_seconds(record.published_at)
    data["facets"] = {k: v for k, v in record.facets.items() if v is not None and v != ""}
    return data


def _loads(data):
    """A change-log row's data: JSON text (SQLite), or already decoded by the driver."""
    return json.loads(data) if isinstance(data, str) else data


def document(record_id: int, data: dict) -> tantivy.Document:
    fields = {name: data[name] for name in FIELDS if data.get(name)}
    facets = {name: facet.type(data["facets"][name])
              for name, facet in get_index().facets.items() if name in data["facets"]}
    return tantivy.Document(id=record_id, bucket=record_id % BUCKETS,
                            published=data["published"], **fields, **facets)


class SearchBackend(BaseSearchBackend):
    vendor = "tantivy"
    rebuilds_online = True
    # An exact count and bm25 over every match cost tantivy ~10 ns per match, so there is no
    # gate; facets cost ~25 ns per match, so very common words are sampled.
    GATE = 10**12
    FACET_LIMIT = 50000
    HEAP = 256_000_000
    # After a commit the log is applied at once, unless this process applied it less than
    # this long ago: an import commits hundreds of times a second, and one sync (~20 ms at
    # a million documents) a second keeps up. Searches see the rows meanwhile.
    SYNC_INTERVAL = 1.0

    def __init__(self, alias, params):
        super().__init__(alias, params)
        path = params.get("PATH") or Path(settings.DATA_DIR) / "search" / alias
        self.path = Path(path)
        self.heap = int(params.get("HEAP", self.HEAP))
        self.sync_interval = float(params.get("SYNC_INTERVAL", self.SYNC_INTERVAL))
        self.log = ChangeLog(alias, self.database, params.get("NODE") or default_node(self.path),
                             float(params.get("RETENTION", RETENTION)))

    @property
    def engine(self) -> tantivy.Index:
        key = str(self.path)
        if key not in _indexes:
            self.path.mkdir(parents=True, exist_ok=True)
            _indexes[key] = open_index(self.path)
        return _indexes[key]

    # -- writing: the change log -------------------------------------------------------------

    def prepare(self, records, ahead=None) -> list[tuple[int, dict]]:
        segmenter, ahead = self.segmenter, ahead or {}
        return [(r.id, record_data(r, segmenter, ahead.get(r.id))) for r in records]

    def write(self, prepared) -> None:
        self._log(prepared)

    def index(self, records) -> None:
        self.insert(records)

    def replace(self, ids, prepared) -> None:
        self.write(prepared)  # the latest logged change of a record wins

    def remove(self, ids) -> None:
        self._log([(record_id, None) for record_id in ids])

    def _log(self, changes) -> None:
        if not changes:
            return
        self.log.append([(pk, None if data is None else json.dumps(data, ensure_ascii=False))
                         for pk, data in changes])
        transaction.on_commit(self._sync_soon, using=self.database, robust=True)

    def _sync_soon(self) -> None:
        if time.monotonic() - _synced_at.get(str(self.path), float("-inf")) >= self.sync_interval:
            self.sync()

    def _node(self) -> "_Node":
        return _nodes.setdefault(str(self.path), _Node())

    def pending(self) -> dict[int, dict | None]:
        """Logged changes this node has not applied: {record id: latest data, or None to
        remove}. The rows above its cursor, less those this process applied itself (the
        cursor only moves past settled rows: see ``gongkai.search.changelog``)."""
        node = self._node()
        if node.cursor is None:
            node.cursor = self.log.cursor() or 0
        using = self.log.reader()
        latest = {}
        for row_id, pk in self.log.ids_after(node.cursor, using):
            latest[pk] = row_id
        wanted = {pk: row_id for pk, row_id in latest.items() if row_id not in node.applied}
        if not wanted:
            return {}
        data = self.log.data(list(wanted.values()), using)
        # A row gone meanwhile was reclaimed: below every cursor, so in this index.
        return {pk: _loads(data[row_id]) for pk, row_id in wanted.items() if row_id in data}

    def sync(self, *, uncommitted: bool = False) -> int:
        """Apply committed changes to this node's index and move its cursor; returns how
        many rows were applied.

        Inside a transaction the rows may yet roll back, so nothing is applied there (tests
        pass ``uncommitted=True`` to apply their own). A busy writer leaves the rows for
        the next sync; searches stay right meanwhile (see the module docstring)."""
        if self.connection.in_atomic_block and not uncommitted:
            return 0
        _synced_at[str(self.path)] = time.monotonic()
        node = self._node()
        cursor = self.log.cursor()
        if cursor is None:
            cursor = self.log.adopt()
        if cursor is None:
            return self._stale(node)
        node.cursor = cursor
        node.applied = {row_id for row_id in node.applied if row_id > cursor}
        using = self.log.reader()
        with self._writer(blocking=False) as writer:
            if writer is None:
                return 0
            settled = self._settled(node, cursor, using)  # before the rows are read
            applied = self._apply(writer, node, cursor, using)
            if (self.path / REBUILDING).exists():
                self._warn(node, "search index %s: a rebuild did not finish; run `gongkai "
                                 "reindex`", self.path)
            if not self.log.advance(settled):
                return self._stale(node)
        node.cursor = settled
        node.applied = {row_id for row_id in node.applied if row_id > settled}
        if settled > cursor:
            self.log.reclaim()
        return applied

    def _settled(self, node, cursor: int, using: str) -> int:
        """The highest id below which no row can still appear, from this sync's mark and
        the oldest unsettled one this process keeps (``gongkai.search.changelog``)."""
        top, xmax, oldest = self.log.mark(using)
        settled = cursor
        if node.mark and oldest >= node.mark[1]:
            settled, node.mark = max(settled, node.mark[0]), None
        if oldest >= xmax:
            settled, node.mark = max(settled, top), None
        elif node.mark is None:
            node.mark = (top, xmax)
        return settled

    def _apply(self, writer, node, after: int, using: str) -> int:
        """Every visible row above ``after`` that this process has not applied, in id order,
        a batch per index commit."""
        applied = 0
        while rows := self.log.rows_after(after, SYNC_BATCH, using):
            after = rows[-1][0]
            fresh = [row for row in rows if row[0] not in node.applied]
            if not fresh:
                continue
            latest = {pk: _loads(data) for _, pk, data in fresh}
            writer.delete_documents_by_query(Q.term_set_query(schema(), "id", list(latest)))
            for pk, data in latest.items():
                if data is not None:
                    writer.add_document(document(pk, data))
            writer.commit()
            node.applied.update(row_id for row_id, _, _ in fresh)
            applied += len(fresh)
        return applied

    def _stale(self, node) -> int:
        """This node's cursor is gone (dropped after RETENTION unseen): rows it never
        applied may have been reclaimed, so only a rebuild can be trusted. Searches go on
        with the index as it is and every row still logged overlaid."""
        node.cursor = 0
        self._warn(node, "search index %s (node %s) was dropped from the change log after "
                         "%.0f s unseen: run `gongkai reindex` on this server",
                   self.path, self.log.node, self.log.retention)
        return 0

    @staticmethod
    def _warn(node, message, *args) -> None:
        """An error in the log, at most once per HEARTBEAT per process."""
        if time.monotonic() - node.warned >= HEARTBEAT:
            node.warned = time.monotonic()
            log.error(message, *args)

    @contextmanager
    def _writer(self, *, blocking: bool, threads: int = 1):
        """The index's one writer, or None when another process holds it (non-blocking)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".gongkai-writer.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield None
                return
            writer = self.engine.writer(heap_size=self.heap, num_threads=threads)
            try:
                yield writer
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()

    def rebuild(self, batches) -> int:
        """Replace this node's index with ``batches`` in one commit: a snapshot of the
        catalogue plus the log after it. Segmentation runs in a process per core.

        The starting point is the highest cursor of any node (0 when there is none): every
        row up to it is settled, so committed before the snapshot, which is taken after
        this node's cursor exists (nothing after the starting point is reclaimed
        meanwhile). In that snapshot the log rows above the starting point are read first,
        then the catalogue: those rows are in the rebuilt index and are not applied again
        by this process; the cursor is set at the starting point and the rest of the log
        applied by the sync that follows. (Another process of the node may apply them
        again before the cursor settles past them: in id order, to each record's latest
        logged version.)"""
        node = self._node()
        start = self.log.start()
        if self.log.cursor() is None:
            self.log.register(start)
        count = 0
        with preparing(self) as prepared_batches, self._writer(blocking=True, threads=0) as writer:
            (self.path / REBUILDING).touch()
            with self.log.snapshot():
                covered = {row_id for row_id, _ in self.log.ids_after(start, self.database)}
                writer.delete_all_documents()
                for prepared in prepared_batches(batches):  # the catalogue is read here
                    for pk, data in prepared:
                        writer.add_document(document(pk, data))
                    count += len(prepared)
            writer.commit()
            self.log.register(start)
            (self.path / REBUILDING).unlink()
            node.cursor, node.applied, node.mark = None, covered, None
        self.sync()
        return count

    def clear(self) -> None:
        self.rebuild([])

    def entries(self, *, after=0, limit=10000):
        """(record id, publication time in seconds) above ``after``, by id: the index on
        disk with the pending changes applied, as searches see it."""
        pending = {pk: data for pk, data in self.pending().items() if pk > after}
        self.engine.reload()
        searcher = self.engine.searcher()
        wanted = limit + len(pending)  # pending removals may drop some
        result = searcher.search(
            Q.range_query(schema(), "id", tantivy.FieldType.Integer, after, None,
                          include_lower=False),
            max(wanted, 1), count=False, order_by_field="id", order=tantivy.Order.Asc)
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        published = searcher.fast_field_values("published", addresses) if addresses else []
        found = dict(zip(ids, published, strict=True))
        # Pending additions beyond the last id read belong to a later call.
        bound = ids[-1] if len(ids) == wanted else float("inf")
        for pk, data in pending.items():
            if data is None:
                found.pop(pk, None)
            elif pk <= bound:
                found[pk] = data["published"]
        return sorted(found.items())[:limit]

    def published_key(self, published_at):
        return published_seconds(published_at)

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.glob("*") if f.is_file())

    # -- compiling ---------------------------------------------------------------------------

    def compile(self, query, any_word=False):
        return self.compile_clauses(
            query, self._clause,
            join_and=lambda parts: Q.boolean_query([(SHOULD if any_word else MUST, p)
                                                    for p in parts]),
            join_not=lambda expr, negs: Q.boolean_query([(MUST, expr)]
                                                        + [(MUST_NOT, n) for n in negs]))

    def _clause(self, clause, fields=None):
        phrase = self.phrase(clause)
        if not phrase:
            return None
        fields = fields or ([clause.field] if clause.field else list(FIELDS))
        if clause.phrase and len(phrase.words) > 1:
            distance = self.segmenter.phrase_distance(phrase.words)
            return self._any_field(fields, phrase.words, distance)
        parts = [q for w in phrase.words if (q := self._word(w, fields))]
        return Q.boolean_query([(MUST, q) for q in parts]) if parts else None

    def _word(self, word, fields):
        query = self._any_field(fields, [word], 0)
        parts = self.fallback_parts(word)
        if parts and query:
            fallback = self._any_field(fields, parts, self.segmenter.phrase_distance(parts))
            query = Q.boolean_query([(SHOULD, query), (SHOULD, fallback)])
        return query

    @staticmethod
    def _any_field(fields, words, slop):
        """``words`` in this order, at most ``slop`` tokens apart, in any of ``fields``,
        each field's match weighted by FIELDS."""
        tokens = [t for w in words for t in _ALNUM.findall(w)]
        if not tokens:
            return None
        per_field = []
        for name in fields:
            match = (Q.term_query(schema(), name, tokens[0]) if len(tokens) == 1
                     else Q.phrase_query(schema(), name, tokens, slop))
            per_field.append((SHOULD, Q.boost_query(match, FIELDS[name])))
        return Q.boolean_query(per_field)

    # -- searching ---------------------------------------------------------------------------

    def where(self, compiled, query, filters, now, *, title_first=True):
        parts = [(MUST, compiled)]
        for name, value in filters.items():  # cleaned by search(): of the facet's type
            parts.append((MUST, Q.term_query(schema(), name, value)))
        # Published by now: scheduled records are few, so excluding them costs little.
        parts.append((MUST_NOT, Q.range_query(schema(), "published", tantivy.FieldType.Integer,
                                              published_seconds(now), None,
                                              include_lower=False)))
        titled = [t for c in query.positive if title_first and c.field in (None, "title")
                  and (t := self._clause(c, fields=["title"]))]
        title_first = (Q.const_score_query(Q.boolean_query([(SHOULD, t) for t in titled]),
                                           TITLE_FIRST) if titled else None)
        return Q.boolean_query(parts), title_first

    def _search(self, where, sort, offset, limit, facets) -> Found:
        query, title_first = where
        pending = self.pending()
        due = time.monotonic() - _synced_at.get(str(self.path), float("-inf")) >= HEARTBEAT
        if (pending or due) and not self.connection.in_atomic_block and self.sync():
            pending = self.pending()  # other nodes' rows, or left over by a busy writer
        self.engine.reload()  # after reading the log: see the module docstring
        main = self.engine.searcher()
        if pending:
            query_main = Q.boolean_query(
                [(MUST, query), (MUST_NOT, Q.term_set_query(schema(), "id", list(pending)))])
        else:
            query_main = query
        searchers = [(main, query_main)]
        if any(data is not None for data in pending.values()):
            searchers.append((overlay(pending).searcher(), query))
        found = Found()
        hits = []
        for searcher, q in searchers:
            ranked = q if sort == DATE or not title_first else Q.boolean_query(
                [(MUST, q), (SHOULD, title_first)])
            result = self._top(searcher, ranked, sort, offset + limit)
            found.total += result.count
            hits += self._hits(searcher, result)
        # Best score first, or newest first: with DATE the "score" is the publication time.
        # Scores are reported without the TITLE_FIRST bonus (bm25 itself stays far below it).
        hits.sort(key=lambda h: -h[1])
        found.hits = [(pk, 0.0 if sort == DATE else score % TITLE_FIRST)
                      for pk, score in hits[offset:offset + limit]]
        if facets and found.total:
            found.facets, found.facets_exact = self._facets(searchers, found.total)
        return found

    @staticmethod
    def _top(searcher, query, sort, count):
        if sort == DATE:
            return searcher.search(query, max(count, 1), count=True, order_by_field="published")
        return searcher.search(query, max(count, 1), count=True)

    @staticmethod
    def _hits(searcher, result):
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        return [(pk, float(key)) for pk, (key, _) in zip(ids, result.hits, strict=True)]

    def _facets(self, searchers, total):
        if not self.facets:
            return {}, True
        buckets = BUCKETS
        if total > self.facet_limit:
            buckets = max(1, BUCKETS * self.facet_limit // total)
        sample = Q.term_set_query(schema(), "bucket", list(range(buckets)))
        aggregation = {name: {"terms": {"field": name, "size": 1000}} for name in self.facets}
        counts: dict[str, dict] = {name: {} for name in self.facets}
        for searcher, query in searchers:
            if buckets < BUCKETS:
                query = Q.boolean_query([(MUST, query), (MUST, sample)])
            for name, result in searcher.aggregate(query, aggregation).items():
                for bucket in result["buckets"]:
                    counts[name][bucket["key"]] = (counts[name].get(bucket["key"], 0)
                                                   + bucket["doc_count"])
        scale = BUCKETS / buckets
        return {name: sorted(((value, round(n * scale)) for value, n in tally.items()),
                             key=lambda vn: (-vn[1], str(vn[0])))
                for name, tally in counts.items()}, buckets == BUCKETS


def overlay(pending) -> tantivy.Index:
    """An in-memory index of the pending records (a handful, between a change and its
    sync): searched beside the main index, which leaves them out."""
    index = open_index(None)
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for pk, data in pending.items():
        if data is not None:
            writer.add_document(document(pk, data))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index
