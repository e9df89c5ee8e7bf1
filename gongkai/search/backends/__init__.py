"""Search backends, configured like Django's CACHES (after django-modelsearch):

    GONGKAI_SEARCH = {
        "default": {"BACKEND": "gongkai.search.backends.sqlite", "GATE": 20000},
    }

Without the setting, the backend follows the database: SQLite → FTS5, PostgreSQL → tsvector.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.utils.module_loading import import_string

from gongkai.config import SEARCH_BACKENDS

BY_VENDOR = {"sqlite": SEARCH_BACKENDS["sqlite"], "postgresql": SEARCH_BACKENDS["postgres"]}


def backend_settings() -> dict:
    configured = getattr(settings, "GONGKAI_SEARCH", None) or {}
    if "default" not in configured:
        configured = {**configured, "default": {}}
    return configured


def get_search_backend(alias: str = "default"):
    try:
        params = dict(backend_settings()[alias])
    except KeyError:
        raise ImproperlyConfigured(f"GONGKAI_SEARCH has no backend called {alias!r}.")
    database = params.setdefault("DATABASE", "default")
    path = params.pop("BACKEND", None) or BY_VENDOR.get(connections[database].vendor)
    if not path:
        raise ImproperlyConfigured(
            f"No search backend for the {connections[database].vendor} database; set "
            f"GONGKAI_SEARCH['{alias}']['BACKEND'].")
    return import_string(f"{path}.SearchBackend")(alias, params)
