"""The search page, /search/?q=…, and its JSON twin, /search/?q=…&format=json.

The results come from ``gongkai.search.results``; the facets (names, titles, value types)
and the fields of each JSON hit are declared by the registered index
(``gongkai.documents.search.DocumentIndex``). The JSON fields are documented in
docs/search.md and pinned by gongkai/web/tests/test_search_page.py.
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET

from gongkai.search.query import parse
from gongkai.search.registry import get_index
from gongkai.search.results import as_dict, exact_match, search

from .caching import cached_page
from .feeds import feed_links

SORT_LABELS = [("relevance", "按相关度"), ("date", "按日期")]
FACET_SHOWN = 12  # values listed per facet on the page; the JSON twin has them all


def _page(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


@require_GET
def search_page(request):
    text = request.GET.get("q", "")
    as_json = request.GET.get("format") == "json"
    jump = exact_match(parse(text)) if text.strip() else None
    if jump and not as_json:
        return HttpResponseRedirect(jump.get_absolute_url())

    def render_results():
        if as_json:
            return JsonResponse(search_dict(request.GET, jump),
                                json_dumps_params={"ensure_ascii": False})
        results = run_search(request.GET)
        return render(request, "search/search.html", {
            "results": results, "q": text, "hits_html": hits_html(results.hits),
            "facets_html": facets_html(facet_groups(request, results)),
            "sort_links": [(key, label, link(request, sort=key)) for key, label in SORT_LABELS],
            "feed": search_feed_links(request, text),
        })

    # Citizens ask the same things (the policy in the news, 社保, 入学): a result page is kept
    # under the catalogue's generation like any public page, so a change shows at once.
    return cached_page(request, ("search", request.GET.urlencode()), render_results)


def run_search(params):
    """The results for a query string's ``q``, facet filters, ``sort`` and ``page``: the one
    reading of the search parameters, shared by this page, its JSON twin and /api/v1/search/."""
    return search(params.get("q", ""), filters=params, sort=params.get("sort"),
                  page=_page(params.get("page")))


def search_dict(params, jump=None) -> dict:
    """The JSON twin's body (docs/search.md) for these parameters; ``jump`` is the document
    the query names exactly, when the caller has looked it up already."""
    text = params.get("q", "")
    if jump is None and text.strip():
        jump = exact_match(parse(text))
    return as_dict(run_search(params), jump)
def search_feed_links(request, text: str) -> dict | None:
    """The saved-search feed of this query (its newest matches), when there is a query."""
    if not text.strip():
        return None
    params = request.GET.copy()
    for key in ("page", "format", "sort"):
        params.pop(key, None)
    return feed_links(f"检索“{text.strip()}”的最新结果", "feed_search", query=params.urlencode())


def link(request, **changes) -> str:
    """This page's query string with ``changes`` (None removes a key), back on page 1."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


def facet_groups(request, results):
    """(name, title, [(FacetValue, url that toggles it)]) for each facet with counts, in
    the order and with the titles the index declares: the FACET_SHOWN largest values (and a
    selected one), each link built from this page's query string encoded once per facet (a
    copy of the query per link was a third of an uncached result page)."""
    groups = []
    for name, facet in get_index().facets.items():
        values = results.facets.get(name)
        if not values:
            continue
        shown = [v for i, v in enumerate(values) if i < FACET_SHOWN or v.selected]
        base = link(request, **{name: None})
        joiner = "&" if len(base) > 1 else ""
        groups.append((name, facet.title, [
            (v, base if v.selected else f"{base}{joiner}{urlencode({name: v.value})}")
            for v in shown]))
    return groups


# The hit list and the facets are most of a result page's markup, and a page with a new query
# is rendered every time: built by the template engine they took 6 of an uncached page's
# 14 ms (100,000 documents), as plain strings about 1. Markup and escaping are the template's
# (pinned by test_search_page.py and the accessibility tests).

def hits_html(hits) -> str:
    """The <li> of each hit: title and snippet are HTML already (escaped, words marked)."""
    return mark_safe("".join(_hit_html(hit) for hit in hits))


def _hit_html(hit) -> str:
    doc = hit.object
    source = f'<span class="snippet-source">附件：{escape(hit.source)}</span> ' if hit.source else ""
    meta = [escape(doc.agency.name)]
    if doc.doc_no:
        meta.append(escape(doc.doc_no))
    meta.append(f"<time>{localtime(doc.published_at):%Y-%m-%d}</time>" if doc.published_at
                else "<time></time>")
    if doc.index_no:
        meta.append(f"索引号 {escape(doc.index_no)}")
    return (f'<li class="hit"><h2><a href="{escape(doc.get_absolute_url())}">{hit.title}</a></h2>'
            f'<p class="snippet">{source}{hit.snippet}</p><p class="meta">{" · ".join(meta)}</p></li>')


def facets_html(groups) -> str:
    """A <section> per facet of ``facet_groups``, each value a link that toggles it."""
    return mark_safe("".join(
        f'<section class="facet" data-facet="{escape(name)}"><h2>{escape(title)}</h2><ul>'
        + "".join(_facet_value_html(value, url) for value, url in values)
        + "</ul></section>"
        for name, title, values in groups))


def _facet_value_html(value, url: str) -> str:
    selected = ' aria-current="true" class="selected"' if value.selected else ""
    return (f'<li><a href="{escape(url)}"{selected}>{escape(value.label)} '
            f'<span class="count">({value.count})</span>{" ×" if value.selected else ""}</a></li>')
