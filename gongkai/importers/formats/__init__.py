"""Source formats the extractor understands, in order of precedence.

To add one, write a module with a ``Format`` subclass and list an instance here. Formats
that match the same text are merged, earlier ones winning (a page's label table beats its
meta tags); a multi-document format (JSON Lines) is used alone, Gongkai's own export
(catalogue_export) ahead of generic JSON Lines.
"""

from .base import Extracted, ExtractError, Format, HtmlFormat
from .catalogue_export import CatalogueExport
from .json_lines import JsonLines
from .label_table import LabelTable
from .meta_tags import MetaTags
from .text_layout import TextLayout

FORMATS: list[Format] = [CatalogueExport(), JsonLines(), LabelTable(), MetaTags(), TextLayout()]

__all__ = [
    "FORMATS", "CatalogueExport", "ExtractError", "Format", "HtmlFormat", "JsonLines", "LabelTable", "MetaTags",
    "Extracted", "TextLayout",
]
