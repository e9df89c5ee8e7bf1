"""A prototype, for bench/relevance_backends.py --diagnose only: the FTS5 backend with the
fix docs/benchmarks-relevance.md proposes for its RERANK hook's candidate searches. Not
product code (gongkai/search/backends/ is left as it is); configured as
``GONGKAI_SEARCH[alias] = {"BACKEND": "relevance_rarest", "TITLE_FIRST": …}``.

A citizen's question rarely has all its words in one article, so the hook adds an any-word
search (and one over the learned expansion words). Its words include 的, 可以, 人: the OR
matches most of the catalogue, more than GATE, and FTS5 then ranks only the WINDOW newest
matches, which have nothing to do with the question. Here:

1. the any-word searches keep only the rarest words, those whose document counts add up to
   at most GATE, so that every match is ranked by bm25 and none is cut by the window (the
   rarest word alone when even that one is above the gate);
2. with ``"TITLE_FIRST": False`` they are also ordered by bm25 alone: the site's rule that a
   match with a query word in its title comes first is right for the words people type,
   wrong for a candidate list built from every word of a question (any article of a law
   whose name holds one of them would come first). The re-ranker has a title feature of
   its own.
"""

from django.utils import timezone

from gongkai.search.backends import sqlite
from gongkai.search.backends.base import RELEVANCE
from gongkai.search.index import FIELDS
from gongkai.search.query import Clause, Query


class SearchBackend(sqlite.SearchBackend):
    _counts: dict[str, int] = {}  # word → documents it is in (the corpus does not change here)

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.title_first = params.get("TITLE_FIRST", True)
        self._candidates = False

    def documents_with(self, word) -> int:
        if word not in self._counts:
            query = Query(word, [Clause(word)])
            compiled = self.compile(query)
            where = self.where(compiled, query, {}, timezone.now()) if compiled else None
            self._counts[word] = (self._search(where, RELEVANCE, 0, 0, False).total
                                  if where else 0)
        return self._counts[word]

    def _any_word_hits(self, words, filters):
        words = list(dict.fromkeys(w for w in words if w.strip()))
        rarest = sorted(words, key=self.documents_with)
        kept, total = [], 0
        for word in rarest:
            total += self.documents_with(word)
            if total > self.gate:
                break
            kept.append(word)
        self._candidates = True
        try:
            return super()._any_word_hits(kept or rarest[:1], filters)
        finally:
            self._candidates = False

    def _bm25(self, sql, params, offset, limit):
        if self.title_first or not self._candidates:
            return super()._bm25(sql, params, offset, limit)
        weights = ", ".join(str(FIELDS.get(name, 0.0)) for name in sqlite.COLUMNS)
        return self._execute(
            f"SELECT f.rowid & {sqlite.ID_MASK}, -bm25(search_fts, {weights}) AS score {sql} "
            "ORDER BY score DESC, f.rowid DESC LIMIT %s OFFSET %s", [*params, limit, offset])
