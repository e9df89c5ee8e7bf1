"""The Index being searched (one model for now: documents)."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_INDEX = "gongkai.documents.search.DocumentIndex"


@cache
def get_index():
    return import_string(getattr(settings, "GONGKAI_SEARCH_INDEX", DEFAULT_INDEX))()
