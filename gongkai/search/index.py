"""What gets indexed: a ``Record`` per object, described by an ``Index`` subclass.

The search app knows nothing about documents. ``gongkai.documents.search.DocumentIndex``
declares what is indexed and faceted (as django-modelsearch's models declare their
``search_fields``): how an object becomes a Record, its facets with their titles and value
types, and how a hit is written in the JSON twin. Backends only ever see Records, ids, the
text fields below and the facets the registered index declares.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

# Text fields, with the weight each carries in ranking (title matches rank first anyway).
# The query language names them (标题:, 文号:, 索引号:) and every backend stores them.
FIELDS = {"title": 10.0, "body": 1.0, "doc_no": 5.0, "index_no": 5.0}
# Facet values are stored as 64-bit integers or short strings.
MAX_INT = 2**63 - 1


@dataclass(frozen=True)
class Facet:
    """A facet an index declares: its title on the page and the type of its values (``int``,
    such as an id or a year, or ``str``, a short code of at most ``max_length`` characters)."""

    title: str
    type: type = int
    max_length: int = 16

    def clean(self, value):
        """A filter value from a request parameter, as this facet's type, or None when it
        cannot be one (then the filter is ignored)."""
        if value is None:
            return None
        if self.type is int:
            try:
                number = int(str(value).strip())
            except (TypeError, ValueError):
                return None
            return number if -MAX_INT <= number <= MAX_INT else None
        text = str(value).strip()
        if not text or len(text) > self.max_length or not text.isprintable():
            return None
        return text


@dataclass
class Record:
    id: int
    published_at: dt.datetime
    title: str = ""
    body: str = ""
    doc_no: str = ""
    index_no: str = ""
    facets: dict = field(default_factory=dict)  # {facet name: value or None}
    words: list[str] = field(default_factory=list)  # dictionary words this record teaches

    def text(self, name: str) -> str:
        return getattr(self, name) or ""


class Index:
    """How one model is searched. Subclass, declare ``facets`` and fill in the hooks."""

    # {name: Facet}, in the order the page lists them. Record.facets uses these names.
    facets: dict[str, Facet] = {}

    def get_queryset(self):
        """Everything that belongs in the index (may include scheduled items)."""
        raise ImproperlyConfigured(f"Give {type(self).__name__} a get_queryset() method.")

    def public(self):
        """The queryset results are loaded from: what the public may see right now."""
        raise ImproperlyConfigured(f"Give {type(self).__name__} a public() method.")

    def to_record(self, obj) -> Record:
        raise ImproperlyConfigured(f"Give {type(self).__name__} a to_record(obj) method.")

    def load(self, ids) -> dict:
        """{id: object} for the public objects among ``ids`` (what a result page shows)."""
        return self.public().in_bulk(list(ids))

    def catalogue(self):
        """(id, published_at) of everything that belongs in the index, by id ascending:
        what ``gongkai reindex --check`` compares each backend with."""
        return self.get_queryset().order_by("pk").values_list("pk", "published_at")

    def to_dict(self, obj) -> dict:
        """An object as a hit of the JSON twin (beside title_html, snippet_html, score)."""
        return {"id": obj.pk, "title": self.title_text(obj)}

    def title_text(self, obj) -> str:
        """The title shown (and highlighted) for ``obj``."""
        return self.to_record(obj).title

    def dictionary(self):
        """Words for the segmenter, from the whole catalogue (agency names, 主题词 …)."""
        return []

    def facet_labels(self, facet: str, values) -> dict:
        """{value: label} for display; values without a label are shown as they are."""
        return {}

    def snippet_text(self, obj) -> str:
        """The plain text snippets are cut from (only its first highlight.SCAN_CHARS
        characters are read)."""
        return self.to_record(obj).body

    def more_texts(self, objs) -> dict:
        """{id: [(label, text)]}: further texts of ``objs`` (a document's attachments) that a
        hit's snippet is cut from, labelled, when neither its title nor ``snippet_text``
        holds the query words. One call per result page."""
        return {}

    def find_exact(self, text: str):
        """The one public object that ``text`` names exactly (a 文号, a 索引号), or None."""
        return None

    def is_indexable(self, obj) -> bool:
        return self.get_queryset().filter(pk=obj.pk).exists()

    def connect(self) -> None:
        """Connect the signal handlers that keep the index in step (see the subclass)."""
