"""From a query string to what a person sees: hits with snippets, facets, a relaxed query
and suggestions when nothing matched. Used by the search page, its JSON twin and the
``gongkai search`` command, so all three show the same results."""

from dataclasses import dataclass, field

from .backends import get_search_backend
from .backends.base import DATE, RELEVANCE
from .highlight import mark, snippet
from .index import FACETS
from .query import Query, format_clause, parse, printable
from .registry import get_index

SORTS = (RELEVANCE, DATE)
PER_PAGE = 20
MAX_PAGE = 500  # deeper pages cost more and are never read; the count still says how many
SUGGESTIONS = 5


@dataclass
class Hit:
    object: object
    score: float
    title: str  # HTML: escaped, query words in <mark>
    snippet: str  # HTML: escaped, query words in <mark>


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
        return backend.search(query, filters=filters, sort=sort, offset=(page - 1) * per_page,
                              limit=per_page, facets=facets)

    found = fetch(page)
    if found.total and not found.hits and page > 1:  # past the end: show the last page
        results.page = page = min(MAX_PAGE, -(-found.total // per_page))
        found = fetch(page)
    results.total, results.exact, results.facets_exact = found.total, found.exact, found.facets_exact
    results.hits = load_hits(found.hits, query_words(query, backend))
    results.facets = label_facets(found.facets, filters)
    if not found.total and query:
        results.relaxed = relax(query, filters, backend)
        results.suggestions = suggest(query, backend)
    return results


def clean_filters(raw) -> dict:
    """Facet filters from request parameters: known facets only, integers where expected."""
    filters = {}
    for name in FACETS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        if name == "validity":
            filters[name] = str(value)[:16]
        else:
            try:
                filters[name] = int(value)
            except (TypeError, ValueError):
                continue
    return filters


def load_hits(hits, words) -> list[Hit]:
    """The public objects behind ``hits``, in rank order. Whatever is no longer public is
    dropped here too, whatever the index says."""
    index = get_index()
    objects = index.public().select_related("agency").in_bulk([pk for pk, _ in hits])
    return [Hit(objects[pk], score, mark(objects[pk].title, words),
                snippet(index.snippet_text(objects[pk]), words))
            for pk, score in hits if pk in objects]


def label_facets(facets, filters) -> dict[str, list[FacetValue]]:
    index = get_index()
    labelled = {}
    for name, counts in facets.items():
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
    return [hit.object.title for hit in load_hits([(pk, 0.0) for pk in ids], [])]


def exact_match(query: Query):
    """The document a query names exactly by 文号 or 索引号 (whole query), or None."""
    clauses = query.clauses
    if len(clauses) == 1 and clauses[0].field in ("doc_no", "index_no"):
        return get_index().find_exact(clauses[0].text)
    if len(clauses) == 1 and not clauses[0].negated:
        return get_index().find_exact(printable(query.raw))
    return None
