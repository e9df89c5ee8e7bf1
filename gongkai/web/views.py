from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.documents.models import Document

from .display import COOKIE_AGE, FONT_SIZES

PAGE_SIZE = 20


def home(request):
    public = Document.objects.published()
    agencies = (Agency.objects.filter(documents__in=public).annotate(n=Count("documents"))
                .order_by("-n", "name"))
    newest = public.select_related("agency").newest_first()[:15]
    return render(request, "web/home.html", {"agencies": agencies, "newest": newest})


def _topic_tree(documents):
    """Two-level topic tree with document counts, from one GROUP BY."""
    counts = dict(documents.values_list("topic").annotate(n=Count("pk")).order_by())
    leaves = Topic.objects.filter(pk__in=[k for k in counts if k]).select_related("parent")
    tree: dict = {}
    for topic in leaves:
        root = topic.parent or topic
        node = tree.setdefault(root.pk, {"topic": root, "count": 0, "children": []})
        node["count"] += counts[topic.pk]
        if topic.parent_id:
            node["children"].append({"topic": topic, "count": counts[topic.pk]})
    return sorted(tree.values(), key=lambda n: (n["topic"].sort_order, n["topic"].name))


def _genre_counts(documents):
    counts = dict(documents.values_list("genre").annotate(n=Count("pk")).order_by())
    return [(g, counts[g.pk]) for g in Genre.objects.filter(pk__in=[k for k in counts if k])]


def agency(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    documents = Document.objects.published().filter(agency=agency)
    return render(request, "web/agency.html", {
        "agency": agency,
        "topics": _topic_tree(documents),
        "genres": _genre_counts(documents),
        "total": documents.count(),
        "newest": documents.newest_first()[:10],
    })


def agency_documents(request, pk):
    """An agency's catalogue listing, optionally narrowed to one topic or genre."""
    agency = get_object_or_404(Agency, pk=pk)
    documents = Document.objects.published().filter(agency=agency)
    topic = genre = None
    if topic_id := _int(request.GET.get("topic")):
        topic = get_object_or_404(Topic, pk=topic_id)
        documents = documents.filter(topic__in=[topic, *topic.children.all()])
    if genre_id := _int(request.GET.get("genre")):
        genre = get_object_or_404(Genre, pk=genre_id)
        documents = documents.filter(genre=genre)
    page = Paginator(documents.newest_first().select_related("topic__parent"), PAGE_SIZE)
    return render(request, "web/listing.html", {
        "agency": agency, "topic": topic, "genre": genre,
        "page": page.get_page(request.GET.get("page")),
    })


def document(request, pk):
    document = get_object_or_404(
        Document.objects.published().select_related("agency", "topic__parent"), pk=pk)
    # 浏览次数 counts page views: a GET that renders the page. HEAD (link checkers, `curl -I`,
    # monitors) reads the same headers without a reader behind it.
    if request.method == "GET":
        document.record_view()
    return render(request, "web/document.html",
                  {"doc": document, "current": document.current_version()})


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
