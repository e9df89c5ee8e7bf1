"""Atom and RSS feeds of the newest public documents, on Django's syndication framework.

One ``DocumentFeed`` subclass per kind says what it narrows to — the whole catalogue, an
agency, a topic, a genre, or a saved search (the search page's own parameters, searched by
``gongkai.search.results.search`` newest first) — and each kind comes as RSS 2.0 and Atom
(``/feeds/…/rss/``, ``/feeds/…/atom/``). Items are ``Document.objects.published()`` only and
never read bodies. Feeds are cached like every public page (``caching.cached_page``), so a
publication or a withdrawal shows (or disappears) at once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from gongkai.catalog.models import Agency, Genre, Topic
from gongkai.documents.models import Document
from gongkai.search.results import search

from .caching import cached_page

FEED_SIZE = 30
FLAVOURS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}


class FlavourConverter:
    """``atom`` or ``rss`` in a feed's URL."""

    regex = "atom|rss"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


@dataclass
class Subject:
    """What one feed is about: its title, description and page, and its documents."""

    title: str
    description: str
    link: str
    documents: object  # a QuerySet of public documents, or a list already fetched


class DocumentFeed(Feed):
    """The newest public documents of one ``Subject``; subclasses write ``subject()``."""

    language = "zh-CN"

    def __init__(self, flavour: str):
        super().__init__()
        self.feed_type = FLAVOURS[flavour]

    def subject(self, request, **kwargs) -> Subject:
        raise NotImplementedError(f"Give {type(self).__name__} a subject(request, …) method.")

    def get_object(self, request, flavour=None, **kwargs) -> Subject:
        self.request = request  # one instance per request (feed_view)
        return self.subject(request, **kwargs)

    def feed_url(self) -> str:
        """The feed's own address with its query (a saved search is its parameters)."""
        return self.request.get_full_path()

    def feed_guid(self) -> str:
        """Atom's id: the feed's own address, unique per feed (several share a page)."""
        return self.request.build_absolute_uri(self.request.get_full_path())

    def title(self, subject: Subject) -> str:
        return f"{subject.title} - {settings.SITE_NAME}"

    def description(self, subject: Subject) -> str:
        return subject.description

    def subtitle(self, subject: Subject) -> str:  # Atom's name for the description
        return subject.description

    def link(self, subject: Subject) -> str:
        return subject.link

    def author_name(self) -> str:  # Atom wants an author for the feed as a whole
        return settings.SITE_NAME

    def items(self, subject: Subject):
        documents = subject.documents
        if isinstance(documents, QuerySet):
            documents = (documents.select_related("agency", "topic__parent", "genre")
                         .defer("body").newest_first()[:FEED_SIZE])
        return documents

    def item_title(self, doc: Document) -> str:
        return doc.title

    def item_link(self, doc: Document) -> str:
        return doc.get_absolute_url()

    def item_description(self, doc: Document) -> str:
        record = [("发布机构", doc.publisher), ("文号", doc.doc_no), ("索引号", doc.index_no),
                  ("发布日期", doc.published_display)]
        lines = "；".join(f"{label}：{value}" for label, value in record if value) + "。"
        return f"{lines}\n{doc.abstract}" if doc.abstract else lines

    def item_pubdate(self, doc: Document):
        return doc.published_at

    def item_updateddate(self, doc: Document):
        return doc.updated_at

    def item_author_name(self, doc: Document) -> str:
        return doc.publisher

    def item_categories(self, doc: Document) -> list[str]:
        return [name for name in (doc.topic.path if doc.topic_id else doc.category_label,
                                  doc.genre.name if doc.genre_id else "") if name]


class NewestFeed(DocumentFeed):
    def subject(self, request) -> Subject:
        return Subject("最新政府信息", f"{settings.SITE_NAME}最新发布的政府信息。",
                       reverse("home"), Document.objects.published())


class AgencyFeed(DocumentFeed):
    def subject(self, request, pk: int) -> Subject:
        agency = get_object_or_404(Agency, pk=pk)
        return Subject(f"{agency.name}政府信息公开", f"{agency.name}最新发布的政府信息。",
                       agency.get_absolute_url(),
                       Document.objects.published().filter(agency=agency))


class CategoryFeed(DocumentFeed):
    """A topic or a genre, in the whole catalogue or (``?agency=ID``) one agency's."""

    def category(self, pk: int):
        raise NotImplementedError

    def subject(self, request, pk: int) -> Subject:
        category, documents = self.category(pk)
        agency = _agency(request.GET.get("agency"))
        name = getattr(category, "path", category.name)
        link = reverse("home")
        if agency is not None:
            documents = documents.filter(agency=agency)
            name = f"{agency.name} · {name}"
            key = "topic" if isinstance(category, Topic) else "genre"
            link = f"{reverse('agency_documents', args=[agency.pk])}?{key}={category.pk}"
        return Subject(name, f"{name}最新发布的政府信息。", link, documents)


class TopicFeed(CategoryFeed):
    def category(self, pk: int):
        topic = get_object_or_404(Topic, pk=pk)
        # A first-level topic holds its second-level ones, as on the catalogue page.
        return topic, Document.objects.published().filter(topic__in=[topic, *topic.children.all()])


class GenreFeed(CategoryFeed):
    def category(self, pk: int):
        genre = get_object_or_404(Genre, pk=pk)
        return genre, Document.objects.published().filter(genre=genre)


class SearchFeed(DocumentFeed):
    """A saved search: the search page's parameters (q, facet filters), newest matches first."""

    def subject(self, request) -> Subject:
        text = request.GET.get("q", "").strip()
        results = search(text, filters=request.GET, sort="date", per_page=FEED_SIZE, facets=False)
        params = request.GET.copy()
        for key in ("page", "format", "sort"):
            params.pop(key, None)
        title = f"检索“{text}”的最新结果" if text else "检索的最新结果"
        # A page of records holding only some of the words (results.partial) is the search
        # page's fallback for a reader, ranked by relevance: no matches for a subscriber.
        hits = [] if results.partial else results.hits
        return Subject(title, f"在{settings.SITE_NAME}{title}，按发布日期从新到旧。",
                       f"{reverse('search')}?{params.urlencode()}",
                       [hit.object for hit in hits])


def _agency(value) -> Agency | None:
    try:
        return Agency.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def feed_view(feed_class: type[DocumentFeed]):
    """The view serving ``feed_class`` in the flavour its URL names, through the page cache."""

    def view(request, flavour: str, **kwargs):
        def render():
            return feed_class(flavour)(request, **kwargs)

        parts = ("feed", feed_class.__name__, flavour, *kwargs.values(), request.GET.urlencode())
        return cached_page(request, parts, render)

    return view


newest_feed = feed_view(NewestFeed)
agency_feed = feed_view(AgencyFeed)
topic_feed = feed_view(TopicFeed)
genre_feed = feed_view(GenreFeed)
search_feed = feed_view(SearchFeed)


def feed_links(title: str, name: str, *args, query: str = "") -> dict:
    """What a page needs to offer its feed: ``{"title", "atom", "rss"}`` (the URLs), for
    base.html's <link rel="alternate"> and web/_feed_links.html's visible links."""
    suffix = f"?{query}" if query else ""
    return {"title": title,
            **{flavour: reverse(name, args=[*args, flavour]) + suffix for flavour in FLAVOURS}}
