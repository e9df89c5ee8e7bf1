"""The backend contract. Every backend passes ``gongkai/search/tests/contract.py``.

A backend stores Records in the same database (and transaction) as the objects, and answers
``search()`` with ids, scores, an exact or capped total and facet counts. Loading objects,
snippets and everything people see happen above it, in ``gongkai.search.results``, so the
backends agree on what a result looks like.
"""

import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..dictionary import get_segmenter
from ..index import FIELDS, Facet
from ..parallel import preparing
from ..query import Clause, Query
from ..registry import get_index
from ..segment import Segmenter, base_words

RELEVANCE, DATE = "relevance", "date"
# Document counts of single words, for choosing a question's rarest words (rarest()).
WORD_COUNT_SECONDS = 600
WORD_COUNT_ENTRIES = 50_000
# A bulk load of fewer records keeps every index up to date as it goes (``loading``).
DEFER_FROM = 20000
_word_counts: dict[tuple[str, str], tuple[int, float]] = {}


def forget_word_counts() -> None:
    """After a rebuild, and between tests."""
    _word_counts.clear()

# Where the SQL backends keep facet values: the columns of ``search_entry`` (migration
# 0002), four integer slots and one text slot. The registered index's facets fill them in
# the order it declares them, integers and strings apart (DocumentIndex's facets happen to
# match the column names). tantivy builds its schema from the declaration itself.
FACET_SLOTS = {int: ("agency", "topic", "genre", "year"), str: ("validity",)}
SLOT_COLUMNS = (*FACET_SLOTS[int], *FACET_SLOTS[str])


def facet_columns(facets: dict[str, Facet]) -> dict[str, str]:
    """{facet name: search_entry column} for the declared ``facets``."""
    columns, used = {}, {kind: 0 for kind in FACET_SLOTS}
    for name, facet in facets.items():
        slots = FACET_SLOTS.get(facet.type, ())
        if used.get(facet.type, 0) >= len(slots):
            raise ImproperlyConfigured(
                f"The search index declares more {facet.type.__name__} facets than the "
                f"backends have slots for ({len(slots)}).")
        columns[name] = slots[used[facet.type]]
        used[facet.type] += 1
    return columns


@dataclass
class Found:
    total: int = 0
    exact: bool = True  # False: ``total`` is a lower bound (shown as "5000+")
    hits: list[tuple[int, float]] = field(default_factory=list)  # (id, score), best first
    facets: dict[str, list[tuple[object, int]]] = field(default_factory=dict)
    facets_exact: bool = True  # False: estimated from a sample of FACET_LIMIT matches


@dataclass
class Phrase:
    """Words of one clause with their character offsets in the clause text."""

    words: list[str]
    offsets: list[int]


def segmented_fields(record, segmenter, ahead: dict | None = None) -> dict[str, str]:
    """Each text field of ``record`` as space-joined index words (what every index stores).
    ``ahead``: {field: (text, words)} segmented earlier, by a bulk import's workers; used
    for each field whose text is still that text."""
    return {name: ahead_or(ahead, name, record.text(name),
                           lambda text: " ".join(segmenter.index_words(text)))
            for name in FIELDS}


def ahead_or(ahead: dict | None, name: str, text: str, segment):
    """The field segmented ahead when it was segmented from ``text``, else ``segment(text)``."""
    given = ahead.get(name) if ahead else None
    return given[1] if given is not None and given[0] == text else segment(text)


class BaseSearchBackend:
    # Above GATE matches, ranking looks only at the WINDOW newest matches
    # (search-measurements.md: the cost of ranking is linear in the number of matches).
    GATE = 20000
    WINDOW = 2000
    FACET_LIMIT = 20000
    RERANK_DEPTH = 100
    EXPAND_WORDS = 32
    # True when rebuild() lets searches and saves go on meanwhile: reindex then always uses it.
    rebuilds_online = False

    def __init__(self, alias: str, params: dict):
        self.alias = alias
        self.database = params.get("DATABASE", "default")
        self.gate = int(params.get("GATE", self.GATE))
        self.window = int(params.get("WINDOW", self.WINDOW))
        self.facet_limit = int(params.get("FACET_LIMIT", self.FACET_LIMIT))
        self.rerank_depth = int(params.get("RERANK_DEPTH", self.RERANK_DEPTH))
        # The hook for re-ranking the top RERANK_DEPTH with extra features (learned from
        # answered questions, for instance): a callable (query, hits) -> hits.
        rerank = params.get("RERANK")
        self.reranker = import_string(rerank) if isinstance(rerank, str) else rerank
        # (query) -> {word: weight}: learned expansions for a second candidate search.
        expand = params.get("EXPAND")
        self.expander = import_string(expand) if isinstance(expand, str) else expand

    @property
    def connection(self):
        return connections[self.database]

    @property
    def segmenter(self) -> Segmenter:
        return get_segmenter()

    @property
    def facets(self) -> dict[str, Facet]:
        """The facets the registered index declares: {name: Facet}."""
        return get_index().facets

    @property
    def facet_columns(self) -> dict[str, str]:
        return facet_columns(self.facets)

    def slot_values(self, record) -> list:
        """``record``'s facet values in SLOT_COLUMNS order (None for an unused slot)."""
        by_column = {column: record.facets.get(name)
                     for name, column in self.facet_columns.items()}
        return [by_column.get(column) for column in SLOT_COLUMNS]

    def _execute(self, sql, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    # -- writing ---------------------------------------------------------------------------

    def index(self, records) -> None:
        """Add or replace ``records`` (a list of Record)."""
        records = list(records)
        self.remove([r.id for r in records])
        self.insert(records)

    def insert(self, records) -> None:
        """Add ``records``, known not to be in the index (a rebuild)."""
        self.write(self.prepare(records))

    def prepare(self, records, ahead: dict | None = None) -> list:
        """What ``write`` stores for ``records``, computed without the database (segmentation
        above all), so that ``rebuild`` can compute it in worker processes. ``ahead``:
        {record id: {field: (text, what segment_field made of it)}}, fields a bulk import's
        workers segmented before the records existed."""
        raise NotImplementedError

    # How segment_field stores a text: backends that store it alike share what is ahead.
    segments_as = "words"

    def segment_field(self, text: str, segmenter) -> str:
        """One text field as ``prepare`` stores it, from the text alone (no database)."""
        return " ".join(segmenter.index_words(text))

    def write(self, prepared) -> None:
        """Store rows made by ``prepare``."""
        raise NotImplementedError

    def remove(self, ids) -> None:
        """Remove the records with these ids; unknown ids are ignored."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def optimize(self) -> None:
        """Compact the index after a rebuild."""

    def rebuild(self, batches) -> int:
        """Replace the whole index with ``batches`` (an iterable of Record lists)."""
        forget_word_counts()
        self.clear()
        count = 0
        with preparing(self) as prepared_batches:
            for prepared in prepared_batches(batches):
                # A transaction per batch at least (a savepoint inside reindex --clear's):
                # in autocommit every row would be one, and FTS5 one segment per row.
                with transaction.atomic(using=self.database):
                    self.write(prepared)
                count += len(prepared)
        self.optimize()
        return count

    def update(self, batches) -> int:
        """Add or replace the records of ``batches`` (an iterable of Record lists), with
        segmentation on every core, a transaction per batch: many records at once (a bulk
        import's, indexed once it is loaded) without rebuilding the rest of the index."""
        ids: deque[list[int]] = deque()

        def remembered():
            for records in batches:
                ids.append([r.id for r in records])
                yield records

        count = 0
        with preparing(self) as prepared_batches:
            for prepared in prepared_batches(remembered()):
                with transaction.atomic(using=self.database):
                    self.replace(ids.popleft(), prepared)
                count += len(prepared)
        forget_word_counts()
        return count

    # Whether part of the index is cheaper built once after a large load than kept up to
    # date through it (``set_aside``).
    sets_aside = False

    @contextmanager
    def loading(self, records: int):
        """Around a bulk load of about ``records`` records written batch by batch. A load of
        at least a third of what is indexed (and ``DEFER_FROM`` records or more) lets the
        backend ``set_aside`` what it builds once at the end instead; searches still answer
        meanwhile, more slowly. ``ensure_indexes`` builds it again however the load ends,
        and after a process killed meanwhile (``gongkai optimize-db``, the next bulk load)."""
        if not self.sets_aside or records < max(DEFER_FROM, self.indexed_estimate() // 3):
            yield
            return
        self.set_aside()
        try:
            yield
        finally:
            self.ensure_indexes()

    def set_aside(self) -> None:
        """Stop keeping up to date what ``ensure_indexes`` builds again (``sets_aside``)."""
        raise NotImplementedError

    def indexed_estimate(self) -> int:
        """About how many records are indexed (``loading``'s third)."""
        raise NotImplementedError

    def ensure_indexes(self) -> None:
        """Build what ``loading`` set aside, if a process killed meanwhile left it unbuilt."""

    def replace(self, ids, prepared) -> None:
        """Store rows made by ``prepare`` in place of the records ``ids`` (``index``'s
        second half)."""
        self.remove(ids)
        self.write(prepared)

    def ids(self, *, after: int = 0, limit: int = 10000) -> list[int]:
        """Indexed record ids above ``after``, ascending: for sweeping out stale entries."""
        return [pk for pk, _ in self.entries(after=after, limit=limit)]

    def entries(self, *, after: int = 0, limit: int = 10000) -> list[tuple[int, object]]:
        """(record id, publication key) of the indexed records above ``after``, by id
        ascending. The key is what the backend stores of ``published_at``, comparable with
        ``published_key(published_at)``: ``gongkai reindex --check`` compares the two."""
        raise NotImplementedError

    def published_key(self, published_at):
        """What the index stores of a publication time (see ``entries``)."""
        return published_at

    def size(self) -> int:
        """Bytes the index takes on disk (approximate)."""
        return 0

    # -- reading ---------------------------------------------------------------------------

    def search(self, query: Query, *, filters=None, sort=RELEVANCE, offset=0, limit=20,
               facets=True) -> Found:
        """Published-by-now records matching ``query`` and ``filters`` ({facet: value})."""
        compiled = self.compile(query)
        if not compiled:
            return Found()
        filters = self.clean_filters(filters)
        where = self.where(compiled, query, filters, timezone.now())
        if self.reranker and sort == RELEVANCE and offset + limit <= self.rerank_depth:
            found = self._search(where, sort, 0, self.rerank_depth, facets)
            return self._rerank(found, query, filters, offset, limit)
        return self._search(where, sort, offset, limit, facets)

    def _rerank(self, found: Found, query: Query, filters, offset, limit) -> Found:
        """Re-rank the top hits with the RERANK hook. A citizen's question rarely has all its
        words in one document, so when the all-words search finds few, documents with any of
        the words join the candidates; the EXPAND hook's learned words (老公 → 配偶) bring a
        second candidate list."""
        hits, expanded = found.hits, []
        plain = [c for c in query.positive if c.field is None and not c.phrase]
        # The EXPAND hook answers {} when it has learned nothing: then the search stays an
        # all-words search, as people expect of plain words.
        weights = self.expander(query) if self.expander and plain else {}
        if weights and len(plain) == len(query.positive):
            words = [w for c in plain for w in self.segmenter.query_words(c.text)]
            if len(hits) < self.rerank_depth:
                seen = {pk for pk, _ in hits}
                hits = hits + [h for h in self._any_word_hits(words, filters) if h[0] not in seen]
            top = sorted(weights, key=lambda w: -weights[w])[:self.EXPAND_WORDS]
            expanded = self._any_word_hits(top, filters)
        reranked = self.reranker(query, hits[:self.rerank_depth], filters=filters,
                                 expanded_hits=expanded)
        found.total = max(found.total, len(reranked))
        found.hits = reranked[offset:offset + limit]
        return found

    def some_words(self, words, filters=None) -> list[tuple[int, float]]:
        """Up to RERANK_DEPTH records holding some of ``words`` (the rarest), best first."""
        return self._any_word_hits(words, self.clean_filters(filters))

    def clean_filters(self, filters) -> dict:
        facets = self.facets
        return {name: value for name, raw in (filters or {}).items() if name in facets
                and (value := facets[name].clean(raw)) is not None}

    def _any_word_hits(self, words, filters) -> list[tuple[int, float]]:
        """Candidates for the RERANK hook: records with any of ``words``, by bm25 alone.

        Only the rarest words are kept, while their document counts add up to at most GATE
        (the rarest one alone when even it is above): a question's 的, 可以, 人 would make the
        OR match most of the catalogue, and above the gate only the newest WINDOW matches are
        ranked, which have nothing to do with the question. Title-first ordering is left out
        too: for an OR of a question's words it would put every article of a law whose name
        holds one of them first; the re-ranker weighs titles itself. Measured on citizens'
        questions (docs/benchmarks-relevance.md): FTS5 Recall@100 0.714 → 0.857."""
        words = self.rarest(list(dict.fromkeys(w for w in words if w.strip())))
        any_query = Query(" ".join(words), [Clause(w) for w in words])
        compiled = self.compile(any_query, any_word=True)
        if not compiled:
            return []
        where = self.where(compiled, any_query, filters, timezone.now(), title_first=False)
        return self._search(where, RELEVANCE, 0, self.rerank_depth, False).hits

    def rarest(self, words: list[str]) -> list[str]:
        """The rarest of ``words`` whose document counts add up to at most GATE."""
        counted = sorted(words, key=self.documents_with)
        kept, total = [], 0
        for word in counted:
            total += self.documents_with(word)
            if total > self.gate:
                break
            kept.append(word)
        return kept or counted[:1]

    def documents_with(self, word: str) -> int:
        """How many records hold ``word``, counted up to just above GATE; remembered for
        WORD_COUNT_SECONDS (a new document moves a count by one; the choice of words is not
        that fine)."""
        key = (self.alias, word)
        now = time.monotonic()
        cached = _word_counts.get(key)
        if cached and cached[1] > now:
            return cached[0]
        query = Query(word, [Clause(word)])
        compiled = self.compile(query)
        count = (self.capped_total(self.where(compiled, query, {}, timezone.now()),
                                   self.gate + 1) if compiled else 0)
        if len(_word_counts) >= WORD_COUNT_ENTRIES:
            _word_counts.clear()
        _word_counts[key] = (count, now + WORD_COUNT_SECONDS)
        return count

    def capped_total(self, where, cap: int) -> int:
        """The number of matches of ``where``, or any number from ``cap`` up when there are
        at least that many."""
        return self._search(where, RELEVANCE, 0, 0, False).total

    def where(self, compiled, query, filters, now, *, title_first=True):
        """What ``_search`` needs to find the matches: SQL, parameters, anything else. With
        ``title_first`` a match with a query word in its title ranks above any other."""
        raise NotImplementedError

    def _search(self, where, sort, offset, limit, facets) -> Found:
        raise NotImplementedError

    def suggest(self, words, limit=5) -> list[int]:
        """Ids of records whose titles share the most of ``words`` (any of them)."""
        scores: dict[int, float] = {}
        for word in list(dict.fromkeys(words))[:6]:
            title_query = Query(word, [Clause(word, phrase=True, field="title")])
            for record_id, score in self.search(title_query, limit=limit, facets=False).hits:
                scores[record_id] = scores.get(record_id, 0.0) + 1.0 + score / 1e6
        return sorted(scores, key=lambda k: -scores[k])[:limit]

    def count(self, query: Query, filters=None) -> int:
        return self.search(query, filters=filters, limit=0, facets=False).total

    def compile(self, query: Query, any_word: bool = False):
        """The backend's native query for ``query``; falsy when nothing positive is left.
        With ``any_word`` the positive clauses are OR-ed instead of AND-ed."""
        raise NotImplementedError

    # -- shared compilation ------------------------------------------------------------------

    def phrase(self, clause: Clause) -> Phrase | None:
        words = self.segmenter.query_words(clause.text)
        if not words:
            return None
        if not clause.phrase:
            return Phrase(list(dict.fromkeys(words)), [])
        offsets, cursor = [], 0
        text = clause.text
        for word in words:
            at = text.find(word, cursor)
            offsets.append(at if at >= 0 else cursor)
            cursor = offsets[-1] + len(word)
        return Phrase(words, offsets)

    def fallback_parts(self, word: str) -> list[str]:
        """For a domain word: how jieba alone cuts it, so records indexed before the word was
        learned still match. Empty when there is no need."""
        if not self.segmenter.is_domain_word(word):
            return []
        parts = base_words(word)
        return parts if len(parts) > 1 else []

    def compile_clauses(self, query: Query, clause_fn, join_and, join_not):
        """Combine compiled clauses: all positives AND-ed, negatives subtracted."""
        positives = [p for c in query.positive if (p := clause_fn(c))]
        if not positives:
            return None
        expr = join_and(positives)
        negatives = [n for c in query.negative if (n := clause_fn(c))]
        return join_not(expr, negatives) if negatives else expr

    def count_facets(self, matches: str, params, scale: int = 1):
        """Counts per facet value over ``matches`` (a SELECT of the declared facets' columns,
        in their order, at most a few thousand rows), times ``scale``, largest first. Counting in Python beats five
        GROUP BYs over a temporary table in SQLite (measured: 0.3 ms against 7 ms)."""
        rows = self._execute(matches, params)
        names = list(self.facets)
        counts = {}
        for name, column in zip(names, zip(*rows, strict=True) if rows else [()] * len(names),
                                strict=True):
            tally = Counter(v for v in column if v is not None and v != "")
            counts[name] = sorted(((v, n * scale) for v, n in tally.items()),
                                  key=lambda vn: (-vn[1], str(vn[0])))
        return counts

    @staticmethod
    def field_names():
        return list(FIELDS)
