"""The read-only JSON API, /api/v1/ (docs/api.md), with its OpenAPI schema at
/api/v1/openapi.json and interactive docs at /api/docs.

Each endpoint is the JSON twin of a public page and shows what that page shows, through the
same definitions: ``Document.objects.published()`` (and ``withdrawn()`` for the record a
withdrawn document's page keeps), the 规章库's genres, the home page's agency counts and the
search page's own search (``web.search.search_dict``). Answers are cached under the
catalogue's generation and carry ETag and Last-Modified (``http.py``); lists page by an
opaque keyset cursor (``cursor.py``); every client is rate limited (``throttle.py``); any
bad parameter is a 400 with a JSON error, never a 500.
"""

import datetime as dt
from typing import Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema, Swagger
from ninja.errors import HttpError, Throttled, ValidationError

from gongkai.catalog.models import Agency, Audience, Genre, Topic
from gongkai.documents.counts import public_counts
from gongkai.documents.models import Document, Validity
from gongkai.web.caching import cached_value
from gongkai.web.search import search_dict
from gongkai.web.views import REGULATION_GENRES, counts_by, genre_counts, topic_tree

from . import cursor as keyset
from . import schemas, serialize
from .http import cached_json, error, json_response, not_found
from .throttle import ClientThrottle

MAX_ID = schemas.MAX_ID
ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}

api = NinjaAPI(
    title="公开 · 政府信息公开平台 API",
    version="1",
    description="政府信息公开目录的只读数据接口：只含已公开的信息。说明见 docs/api.md。",
    urls_namespace="api-v1",
    docs_url=None,  # served at /api/docs (gongkai.api.docs)
    # Without deep links an operation's path is no link inside its summary button (axe:
    # nested-interactive).
    docs=Swagger(settings={"deepLinking": False}),
    throttle=[ClientThrottle()],
)


def get(path, **options):
    """A GET endpoint that answers HEAD too (link checkers, ``curl -I``); the schema names
    the GET only (one operation id per endpoint)."""
    def register(view):
        api.api_operation(["HEAD"], path, include_in_schema=False)(view)
        return api.get(path, operation_id=view.__name__, **options)(view)
    return register


# -- errors: always JSON, never a 500 for what a client sent -----------------------------------
@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    details = [{"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                "message": e.get("msg", "")} for e in exc.errors]
    names = ", ".join(d["parameter"] for d in details if d["parameter"])
    return error(400, "bad_request", f"参数无效：{names}" if names else "参数无效",
                 details=details)


@api.exception_handler(Throttled)
def throttled(request, exc):
    wait = max(1, round(exc.wait or 60))
    return error(429, "rate_limited", f"请求过于频繁，请 {wait} 秒后再试。", retry_after=wait)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return error(exc.status_code, "error", str(exc))


def bad_request(message: str):
    return error(400, "bad_request", message)


# -- parameters ---------------------------------------------------------------------------------
class Page(Schema):
    cursor: str | None = Field(None, max_length=100, description="上一页返回的 next_cursor")
    limit: int = Field(20, ge=1, le=100, description="每页条数，1–100")
    fields: str | None = Field(None, max_length=500,
                               description="逗号分隔的字段名，只返回这些字段")


class Filters(Schema):
    agency: int | None = Field(None, ge=1, le=MAX_ID, description="发布机构 id")
    topic: int | None = Field(None, ge=1, le=MAX_ID, description="主题分类 id（含其下级）")
    genre: int | None = Field(None, ge=1, le=MAX_ID, description="体裁分类 id")
    audience: int | None = Field(None, ge=1, le=MAX_ID, description="服务对象 id")
    year: int | None = Field(None, ge=1900, le=9998, description="发布年份")
    validity: schemas.ValidityCode | None = Field(None, description="有效性")


def filtered(documents, f: Filters):
    if f.agency:
        documents = documents.filter(agency=f.agency)
    if f.topic:
        documents = documents.filter(Q(topic=f.topic) | Q(topic__parent=f.topic))
    if f.genre:
        documents = documents.filter(genre=f.genre)
    if f.audience:
        documents = documents.filter(audience=f.audience)
    if f.year:
        start = timezone.make_aware(dt.datetime(f.year, 1, 1))
        documents = documents.filter(published_at__gte=start,
                                     published_at__lt=start.replace(year=f.year + 1))
    if f.validity:
        documents = documents.filter(validity=f.validity)
    return documents


def listing(request, parts, documents, page: Page, *, withdrawn=False, extra=None):
    """A cached, cursor-paged list of ``documents`` (newest first) with the fields asked for."""
    default = serialize.RECORD if withdrawn else serialize.LIST_DEFAULT
    try:
        fields = serialize.pick(page.fields, default)
        if page.cursor:
            keyset.decode(page.cursor)
    except (serialize.UnknownField, keyset.BadCursor) as e:
        return bad_request(str(e))
    if withdrawn:  # what the page hides is not even read
        fields = tuple(name for name in fields if name in serialize.RECORD)

    def compute():
        rows, next_cursor = keyset.page(serialize.for_fields(documents, fields), page.cursor,
                                        page.limit)
        return {**(extra() if extra else {}),
                "results": serialize.to_dicts(rows, fields, withdrawn=withdrawn),
                "limit": page.limit, "next_cursor": next_cursor,
                "next": next_url(request, next_cursor)}

    return cached_json(request, (*parts, request.GET.urlencode()), compute)


def next_url(request, next_cursor):
    if not next_cursor:
        return None
    params = request.GET.copy()
    params["cursor"] = next_cursor
    return f"{request.path}?{params.urlencode()}"


# -- documents ----------------------------------------------------------------------------------
@get("/", url_name="index", summary="接口目录", include_in_schema=False)
def index(request: HttpRequest):
    return json_response({
        name: reverse(f"api-v1:{name}") for name in
        ("documents", "withdrawn", "regulations", "agencies", "classification", "search")
    } | {"openapi": reverse("api-v1:openapi-json"), "docs": reverse("api-docs")})


@get("/documents/", url_name="documents", summary="公开信息列表（最新在前）",
     response={200: schemas.DocumentPage, **ERRORS})
def documents(request, filters: Query[Filters], page: Query[Page]):
    """Published documents, newest first, narrowed by the search page's facets (and
    audience); the listing pages' twin: ``?agency=…&topic=…&genre=…``."""
    return listing(request, ("documents",), filtered(Document.objects.published(), filters),
                   page)


@get("/documents/withdrawn/", url_name="withdrawn", summary="已撤回信息的记录",
     response={200: schemas.DocumentPage, **ERRORS})
def withdrawn(request, filters: Query[Filters], page: Query[Page]):
    """Documents withdrawn after having been public: their record only, as their page."""
    return listing(request, ("withdrawn",), filtered(Document.objects.withdrawn(), filters),
                   page, withdrawn=True)


def one_document(request, lookup: dict, fields: str | None):
    """A published document with the fields asked for, or the record of a withdrawn one."""
    try:
        picked = serialize.pick(fields, serialize.DETAIL_DEFAULT)
    except serialize.UnknownField as e:
        return bad_request(str(e))
    # Whether it is public is asked at each request (a scheduled withdrawal comes with time).
    state = Document.objects.published().filter(**lookup).values_list("pk", "updated_at").first()
    withdrawn = state is None
    if withdrawn:
        state = Document.objects.withdrawn().filter(**lookup).values_list("pk", "updated_at") \
            .first()
        if state is None:
            return not_found()
        picked = tuple(name for name in picked if name in serialize.RECORD)
    pk, updated_at = state

    def compute():
        documents = Document.objects.withdrawn() if withdrawn else Document.objects.published()
        doc = serialize.for_fields(documents, picked).get(pk=pk)
        return serialize.to_dicts([doc], picked, withdrawn=withdrawn)[0]

    return cached_json(request, ("document", pk, withdrawn, updated_at.timestamp(), fields),
                       compute)


@get("/documents/{int:id}/", url_name="document", summary="一条信息（按 id）",
     response={200: schemas.Document, **ERRORS})
def document(request, id: int = Path(..., ge=1, le=MAX_ID),
             fields: str | None = Query(None, max_length=500)):
    return one_document(request, {"pk": id}, fields)


@get("/documents/index-no/{path:index_no}", url_name="document_by_index_no",
     summary="一条信息（按索引号）", response={200: schemas.Document, **ERRORS})
def document_by_index_no(request, index_no: str = Path(..., max_length=64),
                         fields: str | None = Query(None, max_length=500)):
    """索引号 as printed on the page, e.g. ``11440303007546460H/2022-00033``."""
    index_no = index_no.strip()
    if not index_no.isprintable():
        return bad_request("索引号中有控制字符")
    return one_document(request, {"index_no__in": {index_no, index_no.upper()}}, fields)


@get("/documents/{int:id}/validity/", url_name="validity_history",
     summary="规章、规范性文件的效力沿革", response={200: schemas.ValidityHistory, **ERRORS})
def validity_history(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """What the document amended or replaced (``supersedes``, following 修改/替代文件 back)
    and what amended or replaced it (``superseded_by``, forward to the document in force),
    public documents only. Each step is one query; chains are followed for at most
    ``HISTORY_STEPS`` steps."""
    if not Document.objects.published().filter(pk=id).exists():
        return not_found()
    return cached_json(request, ("validity", id), lambda: history(id))


HISTORY_STEPS = 20
HISTORY_FIELDS = ("id", "url", "api_url", "title", "doc_no", "index_no", "agency",
                  "published_at", "validity", "validity_label", "effective_on", "repealed_on")


def history(pk: int) -> dict:
    public = serialize.for_fields(Document.objects.published(), HISTORY_FIELDS)
    doc = public.get(pk=pk)
    seen, back, forward = {pk}, [], []
    # Forward: each replacement in turn, while public.
    current = doc
    while current.superseded_by_id and len(forward) < HISTORY_STEPS:
        current = public.filter(pk=current.superseded_by_id).exclude(pk__in=seen).first()
        if current is None:
            break
        seen.add(current.pk)
        forward.append(current)
    # Back: every document that names one of the generation before as its replacement.
    level = [pk]
    for _ in range(HISTORY_STEPS):
        older = list(public.filter(superseded_by__in=level).exclude(pk__in=seen)
                     .order_by("-published_at", "-pk"))
        if not older:
            break
        seen.update(d.pk for d in older)
        back += older
        level = [d.pk for d in older]
    ctx = {"withdrawn": False}
    return {"document": serialize.to_dict(doc, HISTORY_FIELDS, ctx),
            "supersedes": [serialize.to_dict(d, HISTORY_FIELDS, ctx) for d in back],
            "superseded_by": [serialize.to_dict(d, HISTORY_FIELDS, ctx) for d in forward]}


# -- 规章库 --------------------------------------------------------------------------------------
class RegulationFilter(Schema):
    validity: Literal[(*Validity.values, "all")] = Field(
        Validity.IN_FORCE.value, description="有效性，默认现行有效；all 为全部")


@get("/regulations/", url_name="regulations", summary="规章库",
     response={200: schemas.RegulationPage, **ERRORS})
def regulations(request, which: Query[RegulationFilter], page: Query[Page]):
    """The 规章库 page's twin: regulations and normative documents, 现行有效 by default."""
    validity = which.validity
    everything = Document.objects.published().filter(genre__name__in=REGULATION_GENRES)
    documents = everything if validity == "all" else everything.filter(validity=validity)

    def extra():
        counts = cached_value(("regulation-counts",), lambda: dict(
            everything.values_list("validity").annotate(n=Count("pk")).order_by()))
        return {"validity": validity,
                "counts": {key: counts.get(key, 0) for key in Validity.values}}

    return listing(request, ("regulations",), documents, page, extra=extra)


# -- agencies and classification ------------------------------------------------------------------
def agency_dict(agency, count=None) -> dict:
    return {"id": agency.pk, "name": agency.name, "short_name": agency.short_name,
            "code": agency.code, "parent": agency.parent_id, "url": agency.get_absolute_url(),
            "api_url": reverse("api-v1:agency", args=[agency.pk]),
            "documents_api_url": reverse("api-v1:documents") + f"?agency={agency.pk}",
            "count": count}


@get("/agencies/", url_name="agencies", summary="发布机构（有公开信息的）",
     response={200: schemas.AgencyList, **ERRORS})
def agencies(request):
    """The home page's twin for agencies: those with public documents, most first."""
    def compute():
        counts = public_counts()
        found = sorted(Agency.objects.filter(pk__in=counts),
                       key=lambda a: (-counts[a.pk], a.name))
        return {"results": [agency_dict(a, counts[a.pk]) for a in found]}

    return cached_json(request, ("agencies",), compute)


@get("/agencies/{int:id}/", url_name="agency", summary="一个发布机构",
     response={200: schemas.AgencyDetail, **ERRORS})
def agency(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """The agency page's twin: its topics and genres with counts and its newest documents."""
    def compute():
        found = Agency.objects.filter(pk=id).first()
        if found is None:
            return not_found("未找到该发布机构。")
        topics = cached_value(("topic-counts", id), lambda: counts_by("topic", agency=id))
        genres = cached_value(("genre-counts", id), lambda: counts_by("genre", agency=id))
        newest = list(serialize.for_fields(Document.objects.published().filter(agency=id),
                                           serialize.LIST_DEFAULT)
                      .order_by("-published_at", "-pk")[:10])
        return {**agency_dict(found, sum(topics.values())),
                "topics": [{"id": n["topic"].pk, "name": n["topic"].name, "count": n["count"],
                            "children": [{"id": c["topic"].pk, "name": c["topic"].name,
                                          "count": c["count"]} for c in n["children"]]}
                           for n in topic_tree(topics)],
                "genres": [{"id": g.pk, "name": g.name, "count": n}
                           for g, n in genre_counts(genres)],
                "newest": serialize.to_dicts(newest, serialize.LIST_DEFAULT)}

    return cached_json(request, ("agency", id), compute)


@get("/classification/", url_name="classification", summary="分类：主题、体裁、服务对象",
     response={200: schemas.Classification, **ERRORS})
def classification(request):
    def compute():
        topics = list(Topic.objects.select_related("parent"))
        children = {}
        for t in topics:
            children.setdefault(t.parent_id, []).append(t)

        def node(t):
            return {"id": t.pk, "name": t.name, "path": t.path,
                    "children": [node(c) for c in children.get(t.pk, [])]}

        return {"topics": [node(t) for t in children.get(None, [])],
                "genres": [{"id": g.pk, "name": g.name} for g in Genre.objects.all()],
                "audiences": [{"id": a.pk, "name": a.name} for a in Audience.objects.all()]}

    return cached_json(request, ("classification",), compute)


# -- search -------------------------------------------------------------------------------------
class SearchParams(Schema):
    q: str = Field("", max_length=1000, description="检索式（与网站相同的检索语言）")
    agency: int | None = Field(None, ge=1, le=MAX_ID)
    topic: int | None = Field(None, ge=1, le=MAX_ID, description="一级主题分类 id")
    genre: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=1, le=9999)
    validity: schemas.ValidityCode | None = None
    sort: Literal["relevance", "date"] = "relevance"
    page: int = Field(1, ge=1, le=500)


@get("/search/", url_name="search", summary="检索（与网站相同）",
     response={200: schemas.SearchResults, **ERRORS})
def search(request, params: Query[SearchParams]):
    """The search page's results as JSON: the same query language, facets, ordering and
    pages (20 a page, at most 500 pages), and the same body as ``/search/?format=json``."""
    return cached_json(request, ("search", request.GET.urlencode()),
                       lambda: search_dict(request.GET), shared=False)
