"""From a query string to what a person sees: hits with snippets, facets, a relaxed query
and suggestions when nothing matched. Used by the search page, its JSON twin and the
``gongkai search`` command, so all three show the same results.

What the facets are called and hold, and how a hit reads in JSON, come from the registered
index (``registry.get_index()``): this module knows nothing of documents.
"""

import logging
import re
from dataclasses import dataclass, field

from django.db import transaction

from .backends import get_search_backend
from .backends.base import DATE, RELEVANCE
from .highlight import first_match, mark, snippet, snippet_at
from .query import Query, format_clause, parse, printable
from .registry import get_index

logger = logging.getLogger(__name__)

SORTS = (RELEVANCE, DATE)
PER_PAGE = 20
MAX_PAGE = 500  # deeper pages cost more and are never read; the count still says how many
SUGGESTIONS = 5
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Hit:
    object: object
    score: float
    title: str  # HTML: escaped, query words in <mark>
    snippet: str  # HTML: escaped, query words in <mark>
    source: str = ""  # where the snippet comes from when not the body: an attachment's name


@dataclass
class FacetValue:
    value: object
    label: str
    count: int
    selected: bool = False


@dataclass
class Relaxed:
    """A looser query that does find something, offered on a zero-result page."""

    text: str
    count: int
    dropped: str = ""  # the clause left out, or "" for "any of the words"


@dataclass
class Results:
    query: Query
    filters: dict
    sort: str = RELEVANCE
    page: int = 1
    per_page: int = PER_PAGE
    total: int = 0
    exact: bool = True
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_exact: bool = True
    relaxed: list[Relaxed] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    # True: nothing holds every word (a citizen's whole question, typed as one), and the hits
    # are those holding the question's rarest words, best first, one page.
    partial: bool = False

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def query_words(query: Query, backend) -> list[str]:
    """The positive words of the query, for highlighting."""
    return [w for c in query.positive if (p := backend.phrase(c)) for w in p.words]


def search(text: str, *, filters=None, sort=RELEVANCE, page=1, per_page=PER_PAGE,
           facets=True, alias="default") -> Results:
    backend = get_search_backend(alias)
    query = parse(text)
    filters = clean_filters(filters or {})
    sort = sort if sort in SORTS else RELEVANCE
    page = max(1, min(int(page or 1), MAX_PAGE))
    results = Results(query=query, filters=filters, sort=sort, page=page, per_page=per_page)

    def fetch(page):
        found = backend.search(query, filters=filters, sort=sort, offset=(page - 1) * per_page,
                               limit=per_page, facets=facets)
        if found.total and not found.hits and page > 1:  # past the end: show the last page
            page = min(MAX_PAGE, -(-found.total // per_page))
            found = backend.search(query, filters=filters, sort=sort,
                                   offset=(page - 1) * per_page, limit=per_page, facets=facets)
        return page, found, get_index().load(pk for pk, _ in found.hits)

    page, found, objects = fetch(page)
    if forget_stale(backend, [pk for pk, _ in found.hits if pk not in objects]):
        page, found, objects = fetch(page)  # once: now total, facets and hits agree
    results.page = page
    results.total, results.exact, results.facets_exact = found.total, found.exact, found.facets_exact
    results.hits = make_hits(found.hits, objects, query_words(query, backend))
    results.facets = label_facets(found.facets, filters)
    if not found.total and query:
        if partial := some_words_hits(query, filters, backend, per_page):
            results.partial, results.total = True, len(partial)
            results.hits = load_hits(partial, query_words(query, backend))
        results.relaxed = relax(query, filters, backend)
        if not results.hits:
            results.suggestions = suggest(query, backend)
    return results


def some_words_hits(query: Query, filters, backend, limit) -> list[tuple[int, float]]:
    """For a query of plain words that nothing holds all of: the records holding its rarest
    words, by bm25 (the candidates the re-ranker gets). People type questions
    (房东不退押金怎么办): every word of one in one document is rare; some of them is what
    they mean. Quoted phrases, fields and exclusions are meant strictly: nothing then."""
    if query.negative or any(c.field or c.phrase for c in query.positive):
        return []
    # Words of two Chinese characters or more: digits, letters and single characters are
    # what 文号 and codes are made of, and a 文号 that is not there matches nothing.
    words = list(dict.fromkeys(w for w in query_words(query, backend)
                               if len(w) > 1 and CJK.search(w)))
    if len(words) < 2:
        return []
    return backend.some_words(words, filters)[:limit]


def clean_filters(raw) -> dict:
    """Facet filters from request parameters: the index's facets only, each value of its
    facet's type (``Facet.clean``); anything else is ignored."""
    filters = {}
    for name, facet in get_index().facets.items():
        if (value := facet.clean(raw.get(name))) is not None:
            filters[name] = value
    return filters


def forget_stale(backend, ids) -> bool:
    """Remove from ``backend`` the ids it returned that no longer belong in the index (a
    ``QuerySet.update()`` sends no signal), so that the search can be run again with totals
    and facets that agree with the hits. Ids that do belong stay: a record scheduled for
    later in this minute, which FTS5's minute rowids let through, is merely not shown yet.
    True when something was removed."""
    if not ids:
        return False
    # From the index's own database (the primary), not a replica that may not yet have a
    # document the index already holds: removing it would lose it until its next change.
    keep = set(get_index().get_queryset().using(backend.database).filter(pk__in=ids)
               .values_list("pk", flat=True))
    stale = [pk for pk in ids if pk not in keep]
    if not stale:
        return False
    with transaction.atomic(using=backend.database):
        backend.remove(stale)
    logger.warning("search index %r held %d records that are not public (ids %s): removed; "
                   "run `gongkai reindex --check`", backend.alias, len(stale), stale[:10])
    return True


def load_hits(hits, words) -> list[Hit]:
    """The public objects behind ``hits``, in rank order. Whatever is no longer public is
    dropped here too, whatever the index says."""
    return make_hits(hits, get_index().load(pk for pk, _ in hits), words)


def make_hits(hits, objects, words) -> list[Hit]:
    index = get_index()
    made = [Hit(objects[pk], score, mark(index.title_text(objects[pk]), words),
                snippet(index.snippet_text(objects[pk]), words))
            for pk, score in hits if pk in objects]
    # A hit whose title and body do not show the words matched elsewhere (an attachment):
    # its snippet is cut from there and says where.
    unexplained = [h for h in made if words and "<mark>" not in h.title + h.snippet]
    if unexplained:
        more = index.more_texts([h.object for h in unexplained])
        for hit in unexplained:
            for label, text in more.get(hit.object.pk, []):
                if (at := first_match(text, words)) >= 0:
                    hit.source, hit.snippet = label, snippet_at(text, words, at)
                    break
    return made


def label_facets(facets, filters) -> dict[str, list[FacetValue]]:
    """Counts with their labels, in the order the index declares its facets."""
    index = get_index()
    labelled = {}
    for name in index.facets:
        counts = facets.get(name)
        if counts is None:
            continue
        labels = index.facet_labels(name, [value for value, _ in counts])
        labelled[name] = [FacetValue(value, str(labels.get(value, value)), n,
                                     filters.get(name) == value) for value, n in counts]
    return labelled


def relax(query: Query, filters, backend) -> list[Relaxed]:
    """Queries with one clause left out that do match, best first."""
    offers = []
    if len(query.positive) < 2:
        return offers
    for clause in query.positive[:6]:
        looser = query.without(clause)
        count = backend.count(looser, filters)
        if count:
            offers.append(Relaxed(looser.text, count, dropped=format_clause(clause)))
    return sorted(offers, key=lambda r: -r.count)[:3]


def suggest(query: Query, backend, limit=SUGGESTIONS) -> list[str]:
    """Catalogue titles that share words with the query."""
    ids = backend.suggest(query_words(query, backend), limit=limit)
    index = get_index()
    objects = index.load(ids)
    return [index.title_text(objects[pk]) for pk in ids if pk in objects]


def exact_match(query: Query):
    """The document a query names exactly by 文号 or 索引号 (whole query), or None."""
    clauses = query.clauses
    if len(clauses) == 1 and clauses[0].field in ("doc_no", "index_no"):
        return get_index().find_exact(clauses[0].text)
    if len(clauses) == 1 and not clauses[0].negated:
        return get_index().find_exact(printable(query.raw))
    return None


def as_dict(results: Results, exact=None) -> dict:
    """``results`` as the JSON twin of the search page (docs/search.md); ``exact`` is the
    object the query names exactly, if any. Each hit is the index's ``to_dict`` plus its
    highlighted title and snippet and its score."""
    index = get_index()
    if exact is not None:
        named = index.to_dict(exact)
        exact = {"url": named.get("url"), "title": named.get("title")}
    return {
        "q": results.query.raw,
        "query": results.query.text,
        "exact_match": exact,
        "total": results.total,
        "total_exact": results.exact,
        "page": results.page,
        "per_page": results.per_page,
        "num_pages": results.num_pages,
        "sort": results.sort,
        "filters": results.filters,
        "results": [hit_dict(hit, index) for hit in results.hits],
        "facets": {name: [{"value": v.value, "label": v.label, "count": v.count,
                           "selected": v.selected} for v in values]
                   for name, values in results.facets.items()},
        "facets_exact": results.facets_exact,
        "partial": results.partial,
        "relaxed": [{"q": r.text, "count": r.count, "dropped": r.dropped}
                    for r in results.relaxed],
        "suggestions": results.suggestions,
    }


def hit_dict(hit: Hit, index=None) -> dict:
    data = (index or get_index()).to_dict(hit.object)
    return {**data, "title_html": hit.title, "snippet_html": hit.snippet,
            "snippet_source": hit.source, "score": round(hit.score, 6)}
