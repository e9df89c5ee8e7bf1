"""Web pages that describe themselves in <meta> tags.

Government sites built to the 政府网站集约化 template carry ``ArticleTitle``, ``PubDate``,
``ContentSource``, ``ColumnName``, ``Keywords`` and ``Description`` meta tags even when the
page shows no metadata table. On a page that has both, the labels win (this format comes
after ``LabelTable``) and the meta tags fill the gaps.
"""

from bs4 import BeautifulSoup

from .base import HtmlFormat, body_fields, find_body

# Meta name (lower case) → field.
META_FIELDS = {
    "articletitle": "title",
    "pubdate": "published_on",
    "contentsource": "publisher",
    "columnname": "category",
    "keywords": "subject_terms",
    "description": "abstract",
}
# Keywords and Description are on every kind of page; these four mark an article page.
_ARTICLE_METAS = {"articletitle", "pubdate", "contentsource", "columnname"}


def meta_values(soup: BeautifulSoup) -> dict[str, str]:
    """Meta name (lower case) → content, first occurrence wins, empty contents skipped."""
    values: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content:
            values.setdefault(name, content)
    return values


class MetaTags(HtmlFormat):
    name = "html-meta"

    def sniff_page(self, text: str) -> bool:
        return bool(_ARTICLE_METAS & meta_values(self.soup(text)).keys())

    def raw_fields(self, text: str) -> dict:
        soup = self.soup(text)
        values = meta_values(soup)
        fields = {field: values.get(name) for name, field in META_FIELDS.items()}
        return {**body_fields(find_body(soup)), **fields}
