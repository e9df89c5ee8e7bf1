"""PostgreSQL: a stored tsvector over segmented words with a GIN index.

Table ``search_entry`` (migration 0002): record id, publication time, facets and ``tsv``.
The tsvector is written as a literal built here, not by ``to_tsvector``: PostgreSQL's
parsers do not segment Chinese, and writing it ourselves lets each word carry
- its field as a weight label (title A, 文号 B, 索引号 C, body D), used for boosts and for
  ``标题:`` filters, and
- its *character offset* as its position (fields follow one another, as ``||`` places
  them), so a sub-word sits where it occurs and a phrase is exact: "翠竹街道办事处" is
  ``'翠竹街道' <4> '办事处'``.
Queries are cast with ``::tsquery`` for the same reason: no parser touches the words.

Ranking and counts follow search-measurements.md: ts_rank costs ~6.5 µs per match (every
matching tsvector is detoasted), so the count is capped (GATE + 1, shown as "20000+")
and above GATE only the WINDOW newest matches are ranked.
"""

from django.db import transaction

from .base import DATE, SLOT_COLUMNS, BaseSearchBackend, Found, ahead_or

# Fields in the order their tsvectors are concatenated: short ones first, so the body's
# positions (which PostgreSQL clamps at 16383) never push the others off the end.
LABELS = {"title": "A", "doc_no": "B", "index_no": "C", "body": "D"}
RANK_WEIGHTS = "{0.1, 0.5, 0.5, 1.0}"  # D, C, B, A
GIN_INDEXES = {"search_entry_tsv": "tsv", "search_entry_title_tsv": "title_tsv"}  # migration 0002


def lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens) -> str:
    """``'word':1,5 …`` from (word, offset) pairs. PostgreSQL itself clamps positions at
    16383 and keeps the first 256 per word, so long bodies need no care here."""
    positions: dict[str, int | list[int]] = {}
    for word, offset in tokens:
        found = positions.get(word)
        if found is None:
            positions[word] = offset + 1  # most words occur once: no list for them
        elif type(found) is int:
            positions[word] = [found, offset + 1]
        else:
            found.append(offset + 1)
    # Quoted without looking at each word (a bulk import's sake); the rare word holding a
    # quote or a backslash shows in the count, and the text is made again with escapes.
    text = " ".join([f"'{w}':{p}" if type(p) is int else f"'{w}':{_positions(p)}"
                     for w, p in positions.items()])
    if text.count("'") == 2 * len(positions) and "\\" not in text:
        return text
    return " ".join(lexeme(w) + f":{p if type(p) is int else _positions(p)}"
                    for w, p in positions.items())


def _positions(found: list[int]) -> str:
    return ",".join(map(str, sorted(set(found))))


class SearchBackend(BaseSearchBackend):
    vendor = "postgresql"
    GATE = 5000
    WINDOW = 1000
    FACET_LIMIT = 5000

    # -- writing ---------------------------------------------------------------------------

    segments_as = "tsvector"

    def segment_field(self, text: str, segmenter) -> str:
        return tsvector_literal(segmenter.index_tokens(text))

    def tsvector_literals(self, record, segmenter, ahead=None) -> list[str]:
        """One tsvector literal per field, positions = character offsets + 1."""
        return [ahead_or(ahead, name, record.text(name),
                         lambda text: self.segment_field(text, segmenter)) for name in LABELS]

    def row(self, record, segmenter, ahead=None) -> tuple:
        literals = self.tsvector_literals(record, segmenter, ahead)
        return (record.id, record.published_at, *self.slot_values(record),
                *literals, literals[0])  # the last: title_tsv

    def index(self, records) -> None:
        self.insert(records)  # an upsert

    def replace(self, ids, prepared) -> None:
        self.write(prepared)  # an upsert

    def prepare(self, records, ahead=None) -> list[tuple]:
        segmenter, ahead = self.segmenter, ahead or {}
        return [self.row(r, segmenter, ahead.get(r.id)) for r in records]

    def write(self, rows) -> None:
        if not rows:
            return
        columns = ", ".join(SLOT_COLUMNS)
        # tsvector || tsvector shifts the right side's positions past the left side's, so
        # fields stay in their own ranges; setweight labels each field for ts_rank and 标题:.
        tsv = " || ".join(f"setweight(%s::tsvector, '{label}')" for label in LABELS.values())
        updates = ", ".join(f"{c} = EXCLUDED.{c}"
                            for c in ("published_at", *SLOT_COLUMNS, "tsv", "title_tsv"))
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO search_entry (record_id, published_at, {columns}, tsv, title_tsv) "
                f"VALUES (%s, %s, {', '.join(['%s'] * len(SLOT_COLUMNS))}, {tsv}, %s::tsvector) "
                f"ON CONFLICT (record_id) DO UPDATE SET {updates}", rows)

    def rebuild(self, batches) -> int:
        """In one transaction, with the GIN indexes dropped first and built once at the end:
        several times faster than keeping them up to date row by row. Searches wait for the
        commit (the table is locked throughout), as they would for the TRUNCATE."""
        with transaction.atomic(using=self.database):
            self.set_aside()
            count = super().rebuild(batches)  # optimize() builds them (ensure_indexes)
        return count

    # A load of a third or more of the index writes without the GIN indexes: keeping them up
    # to date cost the server more than the rest of the import (bench/bulk_import.py).
    sets_aside = True

    def set_aside(self) -> None:
        with transaction.atomic(using=self.database):
            for name in GIN_INDEXES:
                self._execute(f"DROP INDEX IF EXISTS {name}")

    def ensure_indexes(self) -> None:
        """Build the GIN indexes that are missing (after an interrupted bulk load)."""
        with transaction.atomic(using=self.database):
            self._execute("SET LOCAL maintenance_work_mem = '512MB'")
            for name, column in GIN_INDEXES.items():
                self._execute(f"CREATE INDEX IF NOT EXISTS {name} ON search_entry "
                              f"USING gin ({column})")

    def indexed_estimate(self) -> int:
        """The planner's estimate (a count would read the table)."""
        rows = self._execute("SELECT reltuples FROM pg_class WHERE relname = 'search_entry'")
        return max(0, int(rows[0][0])) if rows else 0

    def remove(self, ids) -> None:
        ids = list(ids)
        if ids:
            self._execute("DELETE FROM search_entry WHERE record_id = ANY(%s) RETURNING 1", [ids])

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_entry")

    def optimize(self) -> None:
        self.ensure_indexes()
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")

    def entries(self, *, after=0, limit=10000):
        """(record id, published_at) above ``after``, by id."""
        return self._execute(
            "SELECT record_id, published_at FROM search_entry WHERE record_id > %s "
            "ORDER BY record_id LIMIT %s", [after, limit])

    def size(self) -> int:
        return self._execute("SELECT pg_total_relation_size('search_entry')")[0][0]

    # -- compiling ---------------------------------------------------------------------------

    def compile(self, query, any_word=False):
        """{column: (positive tsquery, negative tsquery)}. Title-field clauses test the small
        ``title_tsv`` (no recheck, no detoast), all others ``tsv``."""
        positives, negatives = {}, {}
        for clause in query.clauses:
            if expr := self._clause(clause):
                column = "title_tsv" if clause.field == "title" else "tsv"
                (negatives if clause.negated else positives).setdefault(column, []).append(expr)
        if not positives:
            return None
        def join(parts):
            return f"({' | '.join(parts)})" if any_word and parts else " & ".join(parts)

        return {column: (join(positives.get(column, [])), " | ".join(negatives[column])
                         if column in negatives else "")
                for column in ("tsv", "title_tsv") if column in positives or column in negatives}

    def title_query(self, query) -> str:
        """Any positive query word in the title: those results rank first."""
        words = {w for c in query.positive if (p := self.phrase(c)) for w in p.words}
        return " | ".join(map(lexeme, sorted(words))) or "''"

    def _clause(self, clause) -> str | None:
        phrase = self.phrase(clause)
        if not phrase:
            return None
        label = f":{LABELS[clause.field]}" if clause.field in ("doc_no", "index_no") else ""
        if clause.phrase and len(phrase.words) > 1:
            words, offsets = phrase.words, phrase.offsets
            expr = lexeme(words[0]) + label
            for i in range(1, len(words)):
                expr += f" <{offsets[i] - offsets[i - 1]}> {lexeme(words[i])}{label}"
        else:
            expr = " & ".join(self._word(w, label) for w in phrase.words)
        return f"({expr})"

    def _word(self, word: str, label: str) -> str:
        parts = self.fallback_parts(word)
        if not parts:
            return lexeme(word) + label
        return f"({lexeme(word)}{label} | {' <-> '.join(lexeme(p) + label for p in parts)})"

    # -- searching ---------------------------------------------------------------------------

    def where(self, compiled, query, filters, now, *, title_first=True):
        where, params = [], []
        for column, (positive, negative) in compiled.items():
            if positive:
                where.append(f"{column} @@ %s::tsquery")
                params.append(f"{positive} & !({negative})" if negative else positive)
            elif negative:
                where.append(f"NOT {column} @@ %s::tsquery")
                params.append(negative)
        columns = self.facet_columns
        for name, value in filters.items():
            where.append(f"{columns[name]} = %s")
            params.append(value)
        # Scheduled records are few: leave them out by id. A `published_at <= now` test
        # would invite the planner to walk the published_at index instead of the GIN one.
        if scheduled := self._scheduled(now):
            where.append("record_id <> ALL(%s)")
            params.append(scheduled)
        rank_query = (compiled.get("tsv") or compiled["title_tsv"])[0]
        return ("FROM search_entry WHERE " + " AND ".join(where), params,
                (rank_query, self.title_query(query) if title_first else None))

    def _scheduled(self, now) -> list[int]:
        return [pk for (pk,) in self._execute(
            "SELECT record_id FROM search_entry WHERE published_at > %s", [now])]

    def _search(self, where, sort, offset, limit, facets) -> Found:
        # The planner does not know that `tsv @@ q` detoasts every row it is tested on, so
        # with a LIMIT it likes to scan the table (or the published_at index) and test each
        # row: a capped count of a common word then takes 50–90 ms instead of 4 ms (100k
        # documents). Only GIN bitmap scans find matches here; walking the published_at
        # index is allowed only to list the newest of very many matches. SET LOCAL lasts
        # to the end of the transaction: this one, or the caller's if it has one open.
        with transaction.atomic(using=self.database):
            self._execute("SET LOCAL enable_seqscan = off")
            self._execute("SET LOCAL enable_indexscan = off")
            # At a million rows the estimated costs pass jit_above_cost, and compiling the
            # plan takes longer than running it (search-measurements.md).
            self._execute("SET LOCAL jit = off")
            return self._find(where, sort, offset, limit, facets)

    def _find(self, where, sort, offset, limit, facets) -> Found:
        sql, params, rank_queries = where
        # A capped count: an exact one costs a heap visit per match.
        total = self._execute(f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s) s",
                              [*params, self.gate + 1])[0][0]
        found = Found(total=total, exact=total <= self.gate)
        if not total:
            return found
        if not found.exact:  # very many matches: walking the newest ones is cheaper
            self._execute("SET LOCAL enable_indexscan = on")
        if limit:
            if sort == DATE:
                found.hits = self._newest(sql, params, offset, limit)
            else:
                found.hits = self._ranked(rank_queries, sql, params, found.exact, offset, limit)
        if facets:
            found.facets, found.facets_exact = self._facets(sql, params, total)
        return found

    def _newest(self, sql, params, offset, limit):
        return self._execute(
            f"SELECT record_id, 0.0 {sql} ORDER BY published_at DESC, record_id DESC "
            "LIMIT %s OFFSET %s", [*params, limit, offset])

    def _ranked(self, rank_queries, sql, params, exact, offset, limit):
        rank_query, title_query = rank_queries
        source, source_params = sql, params
        in_title, title_params = ("title_tsv @@ %s::tsquery", [title_query]) if title_query \
            else ("FALSE", [])
        if not exact:
            if offset >= self.window:
                return self._newest(sql, params, offset, limit)
            # Rank the WINDOW newest matches only.
            source = (f"FROM (SELECT record_id, published_at, tsv, title_tsv {sql} "
                      "ORDER BY published_at DESC LIMIT %s) w")
            source_params = [*params, self.window]
        rows = self._execute(
            f"SELECT record_id, ts_rank(%s::float4[], tsv, %s::tsquery) AS score, "
            f"{in_title} AS in_title {source} "
            "ORDER BY in_title DESC, score DESC, published_at DESC, record_id DESC "
            "LIMIT %s OFFSET %s",
            [RANK_WEIGHTS, rank_query, *title_params, *source_params, limit, offset])
        return [(record_id, score) for record_id, score, _ in rows]

    def _facets(self, sql, params, total):
        if not self.facets:
            return {}, True
        matches = f"SELECT {', '.join(self.facet_columns.values())} {sql} LIMIT %s"
        return (self.count_facets(matches, [*params, self.facet_limit]),
                total <= self.facet_limit)
