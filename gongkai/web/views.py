from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.documents.counts import public_counts as agency_counts
from gongkai.documents.generation import generation
from gongkai.documents.models import Document, Validity
from gongkai.documents.views_count import view_counter
from gongkai.guides.models import Guide
from gongkai.reports.build import government_agencies
from gongkai.reports.models import AnnualReport

from . import statistics as stats
from .attachments import listed_attachments
from .caching import cached_page, cached_value, page_caches
from .display import COOKIE_AGE, FONT_SIZES
from .feeds import feed_links

PAGE_SIZE = 20
STATE_SECONDS = 10


def home(request):
    def render_home():
        counts = agency_counts()
        agencies = sorted(Agency.objects.filter(pk__in=counts), key=lambda a: (-counts[a.pk], a.name))
        for agency in agencies:
            agency.n = counts[agency.pk]
        newest = Document.objects.published().for_listing().newest_first()[:15]
        return render(request, "web/home.html", {
            "agencies": agencies, "newest": newest,
            "feed": feed_links("最新政府信息", "feed_newest")})

    return cached_page(request, ("home",), render_home)


def guide(request, pk):
    """The agency's 政府信息公开指南 (条例 art. 12); 404 when it has none yet."""
    def render_guide():
        found = get_object_or_404(Guide.objects.select_related("agency"), agency=pk)
        return render(request, "web/guide.html", {"guide": found, "agency": found.agency})

    return cached_page(request, ("guide", pk), render_guide)


def statistics(request, pk, government=False):
    """一屏可视 (web/statistics.py): the agency's key figures over the years; with
    ``government``, the agency and every agency under it (404 when it has none)."""
    ids = [pk]
    if government:
        ids = [a.pk for a in government_agencies(get_object_or_404(Agency, pk=pk))]
        if len(ids) == 1:
            raise Http404
    # A report loaded from its published text moves no catalogue generation: key on it too.
    stamp = AnnualReport.objects.filter(agency__in=ids).aggregate(m=Max("updated_at"))["m"]
    stamp = f"{len(ids)}-{stamp.timestamp() if stamp else 0}"

    def render_statistics():
        agency = get_object_or_404(Agency, pk=pk)
        return render(request, "web/statistics.html", {
            "agency": agency, "government": government, "charts": stats.charts(ids),
            "has_members": government or agency.children.exists(),
            "members": len(ids), "chart_width": stats.WIDTH, "bar_height": stats.BAR_HEIGHT})

    return cached_page(request, ("statistics", pk, government, stamp), render_statistics)


def counts_by(field: str, **filters) -> dict:
    """{value of ``field``: published documents} — one GROUP BY, cached per generation."""
    documents = Document.objects.published().filter(**filters)
    return dict(documents.values_list(field).annotate(n=Count("pk")).order_by())


def topic_tree(counts: dict):
    """Two-level topic tree with document counts."""
    leaves = Topic.objects.filter(pk__in=[k for k in counts if k]).select_related("parent")
    tree: dict = {}
    for topic in leaves:
        root = topic.parent or topic
        node = tree.setdefault(root.pk, {"topic": root, "count": 0, "children": []})
        node["count"] += counts[topic.pk]
        if topic.parent_id:
            node["children"].append({"topic": topic, "count": counts[topic.pk]})
    return sorted(tree.values(), key=lambda n: (n["topic"].sort_order, n["topic"].name))


def genre_counts(counts: dict):
    return [(g, counts[g.pk]) for g in Genre.objects.filter(pk__in=[k for k in counts if k])]


def agency(request, pk):
    # The agency is looked up only when the page is rendered: a page from the cache costs
    # no query (a renamed or removed agency moves the generation).
    def render_agency():
        # With its 公开指南, if any, in the same query (the page links to it).
        agency = get_object_or_404(Agency.objects.select_related("guide"), pk=pk)
        topics = cached_value(("topic-counts", pk), lambda: counts_by("topic", agency=pk))
        genres = cached_value(("genre-counts", pk), lambda: counts_by("genre", agency=pk))
        documents = Document.objects.published().filter(agency=agency)
        return render(request, "web/agency.html", {
            "agency": agency,
            "topics": topic_tree(topics),
            "genres": genre_counts(genres),
            "total": sum(topics.values()),
            "newest": documents.for_listing().newest_first()[:10],
            "feed": feed_links(f"{agency.name}的信息", "feed_agency", agency.pk),
        })

    return cached_page(request, ("agency", pk), render_agency)


class CountedPaginator(Paginator):
    """A Paginator whose count was worked out (and cached) before: counting every published
    document of an agency on each page request grows with the catalogue."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def agency_documents(request, pk):
    """An agency's catalogue listing, optionally narrowed to one topic or genre."""
    topic_id, genre_id = _int(request.GET.get("topic")), _int(request.GET.get("genre"))
    page_number = request.GET.get("page")

    def render_listing():
        agency = get_object_or_404(Agency, pk=pk)
        documents = Document.objects.published().filter(agency=agency)
        topic = genre = None
        if topic_id:
            topic = get_object_or_404(Topic, pk=topic_id)
            documents = documents.filter(topic__in=[topic, *topic.children.all()])
        if genre_id:
            genre = get_object_or_404(Genre, pk=genre_id)
            documents = documents.filter(genre=genre)
        total = cached_value(("listing-count", pk, topic_id, genre_id), documents.count)
        page = CountedPaginator(documents.for_listing().newest_first(), PAGE_SIZE, total)
        return render(request, "web/listing.html", {
            "agency": agency, "topic": topic, "genre": genre,
            "page": page.get_page(page_number), "feed": _listing_feed(agency, topic, genre),
        })

    return cached_page(request, ("listing", pk, topic_id, genre_id, _int(page_number)),
                       render_listing)


def _listing_feed(agency, topic, genre) -> dict:
    if topic or genre:
        category = topic or genre
        name = "feed_topic" if topic else "feed_genre"
        return feed_links(f"{agency.name}“{category}”的信息", name, category.pk,
                          query=f"agency={agency.pk}")
    return feed_links(f"{agency.name}的信息", "feed_agency", agency.pk)


# 规章库: the genres that are regulations (规章) or normative documents (行政规范性文件).
REGULATION_GENRES = ("规章", "行政规范性文件")
# The validity filter's choices, 现行有效 first (the default); "all" includes the unmarked.
REGULATION_FILTERS = [*Validity.choices, ("all", "全部")]


def regulations(request):
    """规章库: regulations and normative documents, 现行有效 by default, filterable by
    validity (``?validity=repealed`` …); amended and repealed ones link to the document in
    force when it is public."""
    validity = request.GET.get("validity")
    if validity not in dict(REGULATION_FILTERS):
        validity = Validity.IN_FORCE
    page_number = request.GET.get("page")

    def render_regulations():
        everything = Document.objects.published().filter(genre__name__in=REGULATION_GENRES)
        counts = cached_value(("regulation-counts",), lambda: dict(
            everything.values_list("validity").annotate(n=Count("pk")).order_by()))
        documents = everything if validity == "all" else everything.filter(validity=validity)
        total = sum(counts.values()) if validity == "all" else counts.get(validity, 0)
        page = CountedPaginator(documents.for_listing().newest_first(), PAGE_SIZE, total) \
            .get_page(page_number)
        rows = list(page)
        current = Document.objects.published().only("pk", "title").in_bulk(
            [d.superseded_by_id for d in rows if d.superseded_by_id and d.is_superseded])
        for d in rows:
            d.current = current.get(d.superseded_by_id)
        return render(request, "web/regulations.html", {
            "page": page, "rows": rows, "validity": validity,
            "filters": [(key, label, counts.get(key, 0) if key != "all" else sum(counts.values()))
                        for key, label in REGULATION_FILTERS],
            "validity_label": dict(REGULATION_FILTERS)[validity],
        })

    return cached_page(request, ("regulations", validity, _int(page_number)), render_regulations)


# 浏览次数 is not part of a cached page: the page is cached with this mark where the count
# goes, and each response puts the count of the moment in its place.
VIEWS_MARK = "__GONGKAI_VIEWS__"


def document(request, pk):
    if not (state := document_state(pk)):
        return withdrawn_document(request, pk)
    updated_at, reading = state

    def render_document():
        doc = get_object_or_404(
            Document.objects.published().select_related("agency", "topic__parent"), pk=pk)
        return render(request, "web/document.html",
                      {"doc": doc, "current": doc.current_version(), "views": VIEWS_MARK,
                       "attachments": listed_attachments(doc)})

    response = cached_page(request, ("document", pk, updated_at), render_document)
    # 浏览次数 counts page views: a GET that shows the page (a 304 too: the reader sees it).
    # HEAD (link checkers, `curl -I`, monitors) reads the same headers without a reader.
    shown = view_counter.shown(reading, counting=request.method == "GET")
    if response.status_code == 200:
        response.content = response.content.replace(VIEWS_MARK.encode(), str(shown).encode(), 1)
    return response


def document_state(pk):
    """(last change, 浏览次数 reading) of public document ``pk``, or None when it is not public.

    Read from the database at most every STATE_SECONDS per worker and generation: the query
    was most of a cached page's cost. A withdrawal or an edit moves the generation, so the
    state is never older than the catalogue; a scheduled document's hour shows within
    STATE_SECONDS; other workers' views show when the state is read again (with the Redis
    buffer at once: documents/views_count/redis.py)."""
    key = f"document-state:{generation()}:{pk}"
    store = page_caches()[0]
    state = store.get(key)
    if state is not None and (not state or view_counter.current(state[1])):
        return state or None
    row = Document.objects.published().filter(pk=pk).values_list("view_count", "updated_at")
    if row := row.first():
        state = (row[1].timestamp(), view_counter.reading(pk, row[0]))
    store.set(key, state or (), STATE_SECONDS)
    return state


def withdrawn_document(request, pk):
    """A withdrawn document's page (docs/workflow.md): at the same URL, saying when it was
    withdrawn, with the record that identifies it and without the body, 内容概述 or 主题词,
    which are not even read. Not counted as a view."""
    updated_at = Document.objects.withdrawn().filter(pk=pk).values_list("updated_at", flat=True)
    if (updated_at := updated_at.first()) is None:
        raise Http404

    def render_withdrawn():
        doc = get_object_or_404(Document.objects.withdrawn().select_related("agency")
                                .defer("body", "abstract", "subject_terms"), pk=pk)
        return render(request, "web/withdrawn.html", {"doc": doc})

    return cached_page(request, ("withdrawn", pk, updated_at.timestamp()), render_withdrawn)


@require_GET
def display(request):
    """Set a display preference and go back: ``?font=large`` or ``?elder=1``."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("font") in FONT_SIZES:
        response.set_cookie("font", request.GET["font"], max_age=COOKIE_AGE, samesite="Lax")
    if request.GET.get("elder") in ("0", "1"):
        response.set_cookie("elder", request.GET["elder"], max_age=COOKIE_AGE, samesite="Lax")
    return response


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
