"""What the API's answers look like, for the OpenAPI schema and its interactive docs.

The answers themselves are built as dicts (``documents.py``, ``catalog.py``) and cached as
JSON; these models describe them, and the tests check real answers against them."""

from typing import Literal

from ninja import Field, Schema

from gongkai.documents.models import Validity

MAX_ID = 2**63 - 1
ValidityCode = Literal[tuple(Validity.values)]


class Ref(Schema):
    id: int
    name: str


class TopicRef(Ref):
    path: str = Field(description="主题分类路径，如 综合政务\\政务公开")


class DocumentRef(Schema):
    id: int
    title: str
    url: str = Field(description="公开页面地址")
    api_url: str


class Document(Schema):
    """A document of the catalogue. Every field is optional: ``fields=`` picks them, lists
    leave out the long ones (abstract, subject_terms, body_html) unless asked, and a withdrawn
    document keeps only its record (status ``withdrawn``)."""

    id: int | None = None
    url: str | None = Field(None, description="公开页面地址")
    api_url: str | None = None
    status: Literal["published", "withdrawn"] | None = None
    index_no: str | None = Field(None, description="索引号")
    title: str | None = Field(None, description="名称")
    doc_no: str | None = Field(None, description="文号")
    agency: Ref | None = Field(None, description="发布机构")
    publisher: str | None = Field(None, description="发布机构（页面上的写法）")
    written_on: str | None = Field(None, description="成文日期 YYYY-MM-DD")
    published_at: str | None = Field(None, description="发布时间（ISO 8601，北京时间）")
    published: str | None = Field(None, description="发布日期，页面上的写法")
    topic: TopicRef | None = Field(None, description="主题分类")
    category: str | None = Field(None, description="分类（主题分类路径或来源页面的分类）")
    genre: Ref | None = Field(None, description="体裁分类")
    audience: Ref | None = Field(None, description="服务对象")
    subject_terms: list[str] | None = Field(None, description="主题词")
    abstract: str | None = Field(None, description="内容概述")
    body_html: str | None = Field(None, description="正文（经清理的 HTML）")
    validity: ValidityCode | None = Field(None, description="有效性")
    validity_label: str | None = None
    effective_on: str | None = Field(None, description="施行日期")
    repealed_on: str | None = Field(None, description="废止日期")
    superseded_by: DocumentRef | None = Field(None, description="修改/替代它的现行文件（公开时）")
    source_url: str | None = None
    updated_at: str | None = None
    withdrawn_on: str | None = Field(None, description="撤回日期（已撤回时）")


class DocumentPage(Schema):
    results: list[Document]
    limit: int
    next_cursor: str | None = Field(description="下一页的 cursor；最后一页为 null")
    next: str | None = Field(description="下一页的地址")


class Counted(Ref):
    count: int


class TopicCount(Counted):
    children: list[Counted] = []


class Agency(Schema):
    id: int
    name: str
    short_name: str
    code: str = Field(description="机构代码（统一社会信用代码或组织机构代码）")
    parent: int | None
    url: str
    api_url: str
    documents_api_url: str
    count: int | None = Field(None, description="公开信息数")


class AgencyList(Schema):
    results: list[Agency]


class AgencyDetail(Agency):
    topics: list[TopicCount]
    genres: list[Counted]
    newest: list[Document]


class Topic(Schema):
    id: int
    name: str
    path: str
    children: list["Topic"] = []


class Classification(Schema):
    topics: list[Topic]
    genres: list[Ref]
    audiences: list[Ref]


class RegulationPage(DocumentPage):
    validity: ValidityCode | Literal["all"]
    counts: dict[str, int] = Field(description="每种有效性的公开规章、规范性文件数")


class ValidityHistory(Schema):
    document: Document
    supersedes: list[Document] = Field(
        description="它修改或替代的文件（由近及远）；各自的 validity 说明是已修改还是已废止")
    superseded_by: list[Document] = Field(description="修改或替代它的文件（由近及远）")


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    details: list[dict] | None = None
    retry_after: int | None = None


class Error(Schema):
    error: ErrorBody


class FacetValue(Schema):
    value: int | str
    label: str
    count: int
    selected: bool


class SearchHit(Schema):
    id: int
    url: str
    title: str
    index_no: str
    doc_no: str
    agency: str
    published: str
    title_html: str = Field(description="名称，检索词在 <mark> 中")
    snippet_html: str = Field(description="摘要，检索词在 <mark> 中")
    snippet_source: str = Field("", description="摘要取自的附件名称；取自正文时为空")
    score: float


class ExactMatch(Schema):
    url: str
    title: str


class SearchResults(Schema):
    """The search page's JSON twin (docs/search.md), the same body."""

    q: str
    query: str
    exact_match: ExactMatch | None = Field(description="查询恰为某文件的文号或索引号时")
    total: int
    total_exact: bool
    page: int
    per_page: int
    num_pages: int
    sort: Literal["relevance", "date"]
    filters: dict[str, int | str]
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    facets_exact: bool
    partial: bool = Field(False, description="没有结果包含全部检索词时为 true：结果包含其中最少见的词")
    relaxed: list[dict]
    suggestions: list[str]
