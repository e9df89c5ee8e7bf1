"""The search page, /search/?q=…, and its JSON twin, /search/?q=…&format=json.

The JSON fields are documented in docs/search.md and pinned by test_views.py.
"""

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .index import FACETS
from .query import parse
from .results import exact_match, search

FACET_TITLES = {"agency": "发布机构", "topic": "主题分类", "genre": "体裁分类",
                "year": "发布年份", "validity": "有效性"}


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
    results = search(text, filters=request.GET, sort=request.GET.get("sort"),
                     page=_page(request.GET.get("page")))
    if as_json:
        return JsonResponse(to_dict(results, jump), json_dumps_params={"ensure_ascii": False})
    return render(request, "search/search.html", {
        "results": results, "q": text, "facet_groups": facet_groups(request, results),
        "sort_links": [(key, label, link(request, sort=key)) for key, label in SORT_LABELS],
    })


SORT_LABELS = [("relevance", "按相关度"), ("date", "按日期")]


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
    """(name, title, [(FacetValue, url that toggles it)]) for each facet with counts."""
    return [(name, FACET_TITLES[name],
             [(v, link(request, **{name: None if v.selected else v.value}))
              for v in results.facets[name]])
            for name in FACETS if results.facets.get(name)]


def to_dict(results, jump=None) -> dict:
    return {
        "q": results.query.raw,
        "query": results.query.text,
        "exact_match": jump and {"url": jump.get_absolute_url(), "title": jump.title},
        "total": results.total,
        "total_exact": results.exact,
        "page": results.page,
        "per_page": results.per_page,
        "num_pages": results.num_pages,
        "sort": results.sort,
        "filters": results.filters,
        "results": [hit_dict(hit) for hit in results.hits],
        "facets": {name: [{"value": v.value, "label": v.label, "count": v.count,
                           "selected": v.selected} for v in values]
                   for name, values in results.facets.items()},
        "facets_exact": results.facets_exact,
        "relaxed": [{"q": r.text, "count": r.count, "dropped": r.dropped}
                    for r in results.relaxed],
        "suggestions": results.suggestions,
    }


def hit_dict(hit) -> dict:
    doc = hit.object
    return {
        "id": doc.pk,
        "url": doc.get_absolute_url(),
        "title": doc.title,
        "title_html": hit.title,
        "snippet_html": hit.snippet,
        "index_no": doc.index_no or "",
        "doc_no": doc.doc_no,
        "agency": doc.agency.name,
        "published": timezone.localtime(doc.published_at).date().isoformat(),
        "score": round(hit.score, 6),
    }
