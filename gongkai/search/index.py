"""What gets indexed: a ``Record`` per object, described by an ``Index`` subclass.

The search app knows nothing about documents. ``gongkai.documents.search.DocumentIndex``
declares how a Document becomes a Record (like a ``Feed`` subclass: small, with defaults
here); backends only ever see Records, ids and the fixed fields and facets below.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

# Text fields, with the weight each carries in ranking (title matches rank first anyway).
FIELDS = {"title": 10.0, "body": 1.0, "doc_no": 5.0, "index_no": 5.0}
# Facets, stored beside each record for counting and filtering.
FACETS = ("agency", "topic", "genre", "year", "validity")


@dataclass
class Record:
    id: int
    published_at: dt.datetime
    title: str = ""
    body: str = ""
    doc_no: str = ""
    index_no: str = ""
    facets: dict = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # dictionary words this record teaches

    def text(self, name: str) -> str:
        return getattr(self, name) or ""


class Index:
    """How one model is searched. Subclass and fill in the hooks."""

    def get_queryset(self):
        """Everything that belongs in the index (may include scheduled items)."""
        raise ImproperlyConfigured(f"Give {type(self).__name__} a get_queryset() method.")

    def public(self):
        """The queryset results are loaded from: what the public may see right now."""
        raise ImproperlyConfigured(f"Give {type(self).__name__} a public() method.")

    def to_record(self, obj) -> Record:
        raise ImproperlyConfigured(f"Give {type(self).__name__} a to_record(obj) method.")

    def dictionary(self):
        """Words for the segmenter, from the whole catalogue (agency names, 主题词 …)."""
        return []

    def facet_labels(self, facet: str, values) -> dict:
        """{value: label} for display; values without a label are shown as they are."""
        return {}

    def snippet_text(self, obj) -> str:
        """The plain text snippets are cut from."""
        return self.to_record(obj).body

    def find_exact(self, text: str):
        """The one public object that ``text`` names exactly (a 文号, a 索引号), or None."""
        return None

    def is_indexable(self, obj) -> bool:
        return self.get_queryset().filter(pk=obj.pk).exists()

    def connect(self) -> None:
        """Connect the signal handlers that keep the index in step (see the subclass)."""
