"""sitemap.xml (a sitemap index) and robots.txt, on Django's sitemaps framework.

Sections: ``pages`` (home, 规章库, the bulk downloads), ``agencies`` (each agency with public
documents, with its catalogue listing) and ``documents`` (every public document). The
documents section is split into pages by blocks of ``limit`` primary keys rather than by
OFFSET: page N reads one range of the primary key index, only ``pk`` and ``updated_at``
(never a body), so every page costs the same few queries at a million documents. A page whose
block holds no public document is an empty (valid) urlset.

Withdrawn documents keep their page but leave the sitemap, as they leave every list.
"""

from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from gongkai.documents.counts import public_counts
from gongkai.documents.models import Document, Revision

from .caching import cached_page, cached_value


def catalogue_stats() -> dict:
    """How many key blocks there are (the highest primary key) and when the catalogue last
    changed, once per generation. Each is read from an index — the primary key, the public
    documents' publication times, the revisions' times (every edit, publication and
    withdrawal records one) — never by scanning a million rows."""

    def compute() -> dict:
        newest = Document.objects.published().order_by("-published_at").values_list(
            "published_at", flat=True).first()
        revised = Revision.objects.aggregate(last=Max("created_at"))["last"]
        keys = Document.objects.aggregate(bottom=Min("pk"), top=Max("pk"))
        return {"bottom": keys["bottom"], "top": keys["top"],
                "last": max(filter(None, (newest, revised)), default=None)}

    return cached_value(("sitemap-stats",), compute)


class KeyBlocks:
    """What ``Sitemap`` asks of a paginator (``num_pages``, ``page(n).object_list``), by
    blocks of primary keys counted from the block of the lowest: page ``n`` holds the rows
    with ``base + (n-1)*size <= pk < base + n*size`` (no empty pages before the first id)."""

    def __init__(self, queryset, size: int, top: int | None, bottom: int | None = None):
        self.queryset, self.size = queryset, size
        self.base = (bottom or 0) // size * size
        self.num_pages = ((top or 0) - self.base) // size + 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码不是整数")
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("没有这一页")
        low = self.base + (number - 1) * self.size
        return SimpleNamespace(object_list=self.queryset.filter(pk__gte=low, pk__lt=low + self.size))


class DocumentSitemap(Sitemap):
    limit = 10_000  # primary keys per page; the protocol allows 50,000 URLs

    def items(self):
        return Document.objects.published().only("pk", "updated_at").order_by("pk")

    @property
    def paginator(self):
        stats = catalogue_stats()
        return KeyBlocks(self.items(), self.limit, stats["top"], stats.get("bottom"))

    def lastmod(self, doc: Document):
        return doc.updated_at

    def get_latest_lastmod(self):
        return catalogue_stats()["last"]


class AgencySitemap(Sitemap):
    """Each agency with public documents (the per-agency counts the home page shows): its
    page and its catalogue listing."""

    def items(self):
        return [reverse(name, args=[pk]) for pk in sorted(public_counts())
                for name in ("agency", "agency_documents")]

    def location(self, url: str) -> str:
        return url

    def lastmod(self, url: str):
        return catalogue_stats()["last"]

    def get_latest_lastmod(self):
        return catalogue_stats()["last"]


class PageSitemap(Sitemap):
    def items(self):
        return ["home", "regulations", "exports"]

    def location(self, name: str) -> str:
        return reverse(name)

    def lastmod(self, name: str):
        return catalogue_stats()["last"]

    def get_latest_lastmod(self):
        return catalogue_stats()["last"]


# Classes, not instances: each request makes its own, so nothing outlives a generation.
SITEMAPS = {"pages": PageSitemap, "agencies": AgencySitemap, "documents": DocumentSitemap}


def _rendered(response):
    response.render()  # a TemplateResponse: the page cache keeps the bytes
    return response


@require_safe
def sitemap_index(request):
    return cached_page(request, ("sitemap-index",), lambda: _rendered(sitemap_views.index(
        request, SITEMAPS, sitemap_url_name="sitemap_section")))


@require_safe
def sitemap_section(request, section: str):
    page = request.GET.get("p", "1")
    return cached_page(request, ("sitemap", section, page), lambda: _rendered(
        sitemap_views.sitemap(request, SITEMAPS, section=section)))


@require_safe
def robots_txt(request):
    return render(request, "web/robots.txt", {
        "sitemap": request.build_absolute_uri(reverse("sitemap")),
    }, content_type="text/plain; charset=utf-8")
