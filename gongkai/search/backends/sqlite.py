"""SQLite FTS5 in the same database file and transaction as the documents.

Tables (migration 0002):
- ``search_fts``: contentless fts5(title, body, doc_no, index_no, tags) over space-joined
  segmented words, tokenized by unicode61 (which then only splits on those spaces and on
  punctuation). ``tags`` holds the facet values as words (``agency12 year2022``), so facet
  filters are part of the MATCH. The rowid is the publication minute above the record id:
  ``ORDER BY rowid DESC`` is newest first, ``rowid < cutoff`` is "published by now", and
  ``rowid & ID_MASK`` is the record id, all without leaving the full-text index. Minutes
  are clamped to what the rowid holds (1900-01-01 to 2155): older records sort as 1900,
  later ones as 2155 (still in the future, so still left out of results).
- ``search_entry``: facet values per rowid (in the slots of ``base.FACET_SLOTS``), read
  only to count facets.
- ``search_tokens``: the exact words inserted, compressed. SQLite 3.40 can delete from a
  contentless table only by repeating what was inserted, and the dictionary may have grown
  since, so re-segmenting the text would not give the same words.

Ranking follows search-measurements.md: ``bm25()`` (not ``rank``) with the field weights,
title matches first, and count-gating: the exact count comes first (it is shown anyway, and
FTS5 counts a doclist fast); above GATE matches only the WINDOW newest are ranked, the rest
follow newest first. Above FACET_LIMIT matches, facets are counted over a sample.
"""

import datetime as dt
import re
import zlib

from django.db import transaction

from ..index import FIELDS
from .base import DATE, SLOT_COLUMNS, BaseSearchBackend, Found, segmented_fields

EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
ID_BITS = 36  # record ids below 2**36; minutes since 1900 fit the other 27 bits until 2155
ID_MASK = (1 << ID_BITS) - 1
# SQLite rowids are signed 64-bit integers: the minute takes the 27 bits above the id.
MAX_MINUTE = (1 << (63 - ID_BITS)) - 1
MAX_ROWID = (1 << 63) - 1
COLUMNS = (*FIELDS, "tags")
SEPARATOR = "\x1f"
# FTS5's merge settings as SQLite ships them, and what a large bulk load sets meanwhile.
MERGING = {"automerge": 4, "crisismerge": 16}
NOT_MERGING = {"automerge": 0, "crisismerge": 2000}
# Pages FTS5 writes in one step of the merge after a bulk load: each step a transaction of
# ~0.4 s (100,000 documents), for the whole merge costs no more than one 'optimize' would.
MERGE_PAGES = 2000


def forget_shadow_statistics(cursor) -> None:
    """Drop what ANALYZE recorded of the FTS5 table's own storage (search_fts_data, _idx …).

    FTS5's statements are written for SQLite's default estimates. Statistics taken when the
    index was small (``gongkai migrate`` analyses an empty catalogue) made its segment merges
    read far more than they need: writing 1,000 documents into an index of 20,000 took
    1.9 s instead of 0.35 s, and the gap grew with the index (bench/bulk_import.py).
    A connection reads the statistics when it opens: the caller reconnects."""
    cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s ESCAPE '\\'",
                   [r"sqlite\_stat%"])
    for (table,) in cursor.fetchall():
        cursor.execute(f"DELETE FROM {table} WHERE tbl LIKE %s ESCAPE '\\'", [r"search\_fts\_%"])


def fts_rowid(record_id: int, published_at: dt.datetime) -> int:
    return (_minute(published_at) << ID_BITS) | record_id


def published_cutoff(now: dt.datetime) -> int:
    """Rowids below this were published by ``now`` (to the minute; the page drops the rest)."""
    return min((_minute(now) + 1) << ID_BITS, MAX_ROWID)


def _minute(moment: dt.datetime) -> int:
    """Minutes since 1900 (UTC), clamped to what the rowid holds: any datetime Python
    represents (0001-01-01 … 9999-12-31) gives a valid rowid."""
    return min(MAX_MINUTE, max(0, int((moment - EPOCH).total_seconds() // 60)))


def tag(name: str, value) -> str:
    """A facet value as one unicode61 token (letters and digits only). Plain query words
    may match any column, tags included, so tags carry a prefix no one writes or searches."""
    return "gkf" + name + re.sub(r"[^0-9a-z]", "", str(value).lower())


def quote(word: str) -> str:
    """An FTS5 string: the word is data, never syntax."""
    return '"' + word.replace('"', '""') + '"'


class SearchBackend(BaseSearchBackend):
    vendor = "sqlite"
    # bm25 costs 1–2.5 µs per match and reading facet values ~2 µs: these bound a query
    # to ~12 ms of ranking and ~3 ms of facet counting however common its words.
    GATE = 5000
    FACET_LIMIT = 1000

    # -- writing ---------------------------------------------------------------------------

    def prepare(self, records, ahead=None) -> list[tuple]:
        """(fts row, entry row, tokens row) per record."""
        segmenter, ahead = self.segmenter, ahead or {}
        prepared = []
        for r in records:
            rowid = fts_rowid(r.id, r.published_at)
            columns = list(segmented_fields(r, segmenter, ahead.get(r.id)).values())
            columns.append(" ".join(tag(n, v) for n, v in r.facets.items()
                                    if v is not None and n in self.facets))
            prepared.append(((rowid, *columns),
                             (rowid, r.id, *self.slot_values(r)),
                             (rowid, zlib.compress(SEPARATOR.join(columns).encode(), 1))))
        return prepared

    def write(self, prepared) -> None:
        if not prepared:
            return
        fts, entries, tokens = zip(*prepared, strict=True)
        marks = ", ".join(["%s"] * len(COLUMNS))
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO search_fts(rowid, {', '.join(COLUMNS)}) "
                               f"VALUES (%s, {marks})", fts)
            cursor.executemany(
                f"INSERT INTO search_entry(id, record_id, {', '.join(SLOT_COLUMNS)}) "
                f"VALUES (%s, %s, {', '.join(['%s'] * len(SLOT_COLUMNS))})", entries)
            cursor.executemany("INSERT INTO search_tokens(id, data) VALUES (%s, %s)", tokens)

    def remove(self, ids) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 500):
            self._remove_chunk(ids[start:start + 500])

    def _remove_chunk(self, ids) -> None:
        marks = ", ".join(["%s"] * len(ids))
        rows = self._execute(
            "SELECT e.id, t.data FROM search_entry e JOIN search_tokens t ON t.id = e.id "
            f"WHERE e.record_id IN ({marks})", ids)
        if not rows:
            return
        deletes = [(rowid, *zlib.decompress(data).decode().split(SEPARATOR))
                   for rowid, data in rows]
        rowids = [rowid for rowid, _ in rows]
        marks = ", ".join(["%s"] * len(rowids))
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO search_fts(search_fts, rowid, {', '.join(COLUMNS)}) "
                f"VALUES ('delete', %s, {', '.join(['%s'] * len(COLUMNS))})", deletes)
            cursor.execute(f"DELETE FROM search_entry WHERE id IN ({marks})", rowids)
            cursor.execute(f"DELETE FROM search_tokens WHERE id IN ({marks})", rowids)

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cursor.execute("DELETE FROM search_entry")
            cursor.execute("DELETE FROM search_tokens")

    def optimize(self) -> None:
        self._execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    # A load of a third or more of the index lets FTS5 add a segment per batch without
    # merging as it goes, and merges once at the end (``merge``): merging as it goes took
    # half of FTS5's time in the one process that may write, the final merge a quarter of
    # that (docs/benchmarks.md).
    sets_aside = True

    def set_aside(self) -> None:
        self._merge_settings(NOT_MERGING)

    def ensure_indexes(self) -> None:
        """FTS5's merging back on, and the segments merged, after a load that set it off."""
        if self._merge_settings(MERGING):
            self.merge()

    def merge(self) -> None:
        """Merge FTS5's segments a step at a time, each step a transaction of its own, until
        a step finds nothing to merge: the write lock is held for one step, not for the
        whole merge ('optimize' held it 6.6 s for 100,000 documents), so publishing goes on
        meanwhile. FTS5 counts two changes or more for a step that did any work."""
        while True:
            with transaction.atomic(using=self.database):
                before = self._execute("SELECT total_changes()")[0][0]
                self._execute("INSERT INTO search_fts(search_fts, rank) VALUES ('merge', %s)",
                              [MERGE_PAGES])
                done = self._execute("SELECT total_changes()")[0][0] - before
            if done < 2:
                return

    def _merge_settings(self, settings: dict) -> bool:
        """Store ``settings`` in FTS5's configuration; whether any was different."""
        with transaction.atomic(using=self.database):
            stored = dict(self._execute("SELECT k, v FROM search_fts_config"))
            changed = {k: v for k, v in settings.items() if stored.get(k, MERGING[k]) != v}
            for name, value in changed.items():
                self._execute("INSERT INTO search_fts(search_fts, rank) VALUES (%s, %s)",
                              [name, value])
        return bool(changed)

    def indexed_estimate(self) -> int:
        return self._execute("SELECT count(*) FROM search_entry")[0][0]

    def entries(self, *, after=0, limit=10000):
        """(record id, publication minute) above ``after``, by id."""
        return self._execute(
            f"SELECT record_id, id >> {ID_BITS} FROM search_entry WHERE record_id > %s "
            "ORDER BY record_id LIMIT %s", [after, limit])

    def published_key(self, published_at):
        return _minute(published_at)

    def size(self) -> int:
        try:
            rows = self._execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_%%' ESCAPE '\\'")
            return int(rows[0][0] or 0)
        except Exception:  # dbstat is a compile-time option of SQLite
            return 0

    # -- compiling ---------------------------------------------------------------------------

    def compile(self, query, any_word=False):
        return self.compile_clauses(
            query, self._clause,
            # Parenthesised: where() appends the facet filters with AND, which binds tighter.
            join_and=lambda parts: f"({' OR '.join(parts)})" if any_word else " AND ".join(parts),
            join_not=lambda expr, negs: expr + "".join(f" NOT {n}" for n in negs))

    def _clause(self, clause) -> str | None:
        phrase = self.phrase(clause)
        if not phrase:
            return None
        if clause.phrase and len(phrase.words) > 1:
            # FTS5 positions count tokens, and search mode puts each word's parts beside
            # it, so a phrase is its words with exactly those parts between them.
            distance = self.segmenter.phrase_distance(phrase.words)
            expr = f"NEAR({' '.join(map(quote, phrase.words))}, {distance})"
        else:
            expr = " AND ".join(map(self._word, phrase.words))
        # Only field filters name a column: a column filter makes FTS5 read the position
        # list of every match to see where it is.
        return f"({{{clause.field}}} : ({expr}))" if clause.field else f"({expr})"

    def _word(self, word: str) -> str:
        parts = self.fallback_parts(word)
        if not parts:
            return quote(word)
        distance = self.segmenter.phrase_distance(parts)
        return f"({quote(word)} OR NEAR({' '.join(map(quote, parts))}, {distance}))"

    # -- searching ---------------------------------------------------------------------------

    def where(self, match, query, filters, now, *, title_first=True):
        for name, value in filters.items():
            match += f" AND {{tags}} : {quote(tag(name, value))}"
        return ("FROM search_fts f WHERE search_fts MATCH %s AND f.rowid < %s",
                [match, published_cutoff(now)], title_first)

    def capped_total(self, where, cap):
        sql, params, _ = where
        return self._execute(f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s)",
                             [*params, cap])[0][0]

    def _search(self, where, sort, offset, limit, facets) -> Found:
        sql, params, title_first = where
        total = self._execute(f"SELECT count(*) {sql}", params)[0][0]
        found = Found(total=total)
        if not total:
            return found
        if limit:
            found.hits = (self._newest(sql, params, offset, limit) if sort == DATE
                          else self._ranked(sql, params, total, offset, limit, title_first))
        if facets:
            found.facets = self._facets(sql, params, total)
            found.facets_exact = total <= self.facet_limit
        return found

    def _newest(self, sql, params, offset, limit):
        return self._execute(
            f"SELECT f.rowid & {ID_MASK}, 0.0 {sql} ORDER BY f.rowid DESC LIMIT %s OFFSET %s",
            [*params, limit, offset])

    def _ranked(self, sql, params, total, offset, limit, title_first=True):
        if total <= self.gate:
            return self._bm25(sql, params, offset, limit, title_first)
        # Above the gate: bm25 over the newest WINDOW matches, then the rest newest first.
        floor = self._nth_newest(sql, params, self.window)
        hits = []
        if offset < self.window:
            hits = self._bm25(sql + " AND f.rowid >= %s", [*params, floor], offset, limit,
                              title_first)
        if len(hits) < limit:
            rest = max(0, offset - self.window)
            hits += self._newest(sql + " AND f.rowid < %s", [*params, floor], rest,
                                 limit - len(hits))
        return hits

    def _bm25(self, sql, params, offset, limit, title_first=True):
        weights = ", ".join(str(FIELDS.get(name, 0.0)) for name in COLUMNS)
        title_only = ", ".join("1.0" if name == "title" else "0.0" for name in COLUMNS)
        # bm25() is negative, best lowest; a title-only bm25 below zero means a query word is
        # in the title, and those rank above body-only matches whatever their scores.
        in_title = f"bm25(search_fts, {title_only}) < 0" if title_first else "0"
        rows = self._execute(
            f"SELECT f.rowid & {ID_MASK}, -bm25(search_fts, {weights}) AS score, "
            f"{in_title} AS in_title {sql} "
            "ORDER BY in_title DESC, score DESC, f.rowid DESC LIMIT %s OFFSET %s",
            [*params, limit, offset])
        return [(record_id, score) for record_id, score, _ in rows]

    def _nth_newest(self, sql, params, n):
        rows = self._execute(f"SELECT f.rowid {sql} ORDER BY f.rowid DESC LIMIT 1 OFFSET %s",
                             [*params, n - 1])
        return rows[0][0] if rows else 0

    def _facets(self, sql, params, total):
        """Exact counts up to FACET_LIMIT matches; above, counts over every step-th record
        (by id, so all years and agencies are sampled alike), scaled up. Reading facet values
        costs a row lookup per match, the sampling filter almost nothing."""
        if not self.facets:
            return {}
        step = -(-total // self.facet_limit)
        if step > 1:
            sql, params = sql + f" AND (f.rowid & {ID_MASK}) %% %s = 0", [*params, step]
        columns = ", ".join(f"e.{column}" for column in self.facet_columns.values())
        return self.count_facets(
            f"SELECT {columns} FROM (SELECT f.rowid AS id {sql}) r "
            "CROSS JOIN search_entry e ON e.id = r.id", params, scale=step)
