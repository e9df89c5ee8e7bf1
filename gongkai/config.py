"""Typed readers for environment variables that fail loudly (after healthchecks' settings).

SETTINGS lists every variable Gongkai reads, with its default and help; docs/configuration.md
is checked against it by a test, so a new variable cannot go undocumented.
"""

import os
from pathlib import Path
from typing import NamedTuple

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


class Setting(NamedTuple):
    name: str
    default: str
    help: str


SETTINGS = [
    Setting("DATABASE_URL", "sqlite:///var/gongkai.sqlite3",
            "Database URL: sqlite:///PATH (embedded default) or postgres://USER:PASS@HOST:PORT/NAME."),
    Setting("GONGKAI_SECRET_KEY", "(none; a development key when GONGKAI_DEBUG=True)",
            "Django secret key. Required in production. GONGKAI_SECRET_KEY_FILE may name a file holding it."),
    Setting("GONGKAI_DEBUG", "False", "True or False. Never True on a public server."),
    Setting("GONGKAI_ALLOWED_HOSTS", "127.0.0.1,localhost",
            "Comma-separated host names the site answers to, e.g. gkml.example.gov.cn."),
    Setting("GONGKAI_SITE_NAME", "政府信息公开平台", "The site name shown in headers and the SiteName meta tag."),
    Setting("GONGKAI_SITE_URL", "http://127.0.0.1:8000", "The public base URL, used in the Url meta tag and feeds."),
    Setting("GONGKAI_INDEX_NO_PATTERN", "{agency_code}/{year}-{serial:05d}",
            "Pattern of new 索引号; fields: agency_code, year, serial (per agency and year)."),
    Setting("GONGKAI_DATA_DIR", "var/", "Where the SQLite database and collected static files live."),
    Setting("GONGKAI_SEARCH_BACKEND", "(the database's own)",
            "Search engine: sqlite (FTS5), postgres (tsvector) or tantivy (an index under GONGKAI_DATA_DIR/search/)."),
]

SEARCH_BACKENDS = {
    "sqlite": "gongkai.search.backends.sqlite",
    "postgres": "gongkai.search.backends.postgres",
    "tantivy": "gongkai.search.backends.tantivy",
}


def _get(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envstr(name: str, default: str) -> str:
    return _get(name, default)


def envbool(name: str, default: str) -> bool:
    value = _get(name, default)
    if value not in ("True", "False", "true", "false", "1", "0", ""):
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; use True or False")
    return value in ("True", "true", "1")


def envlist(name: str, default: str) -> list[str]:
    items = [item.strip() for item in _get(name, default).split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is empty; give at least one host name")
    return items


def envsecret(name: str, *, debug: bool) -> str:
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if not value and path:
        try:
            with open(path, encoding="utf-8") as f:
                value = f.read().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {e.strerror}")
    if value:
        return value
    if debug:
        return "insecure-development-key-set-GONGKAI_SECRET_KEY-in-production"
    raise ImproperlyConfigured(f"{name} is not set; it is required when GONGKAI_DEBUG is not True")


def envchoice(name: str, choices: dict) -> str | None:
    """The value ``choices`` maps the variable's value to; None when it is unset."""
    value = _get(name, "").strip().lower()
    if not value:
        return None
    if value not in choices:
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; use one of {', '.join(choices)}")
    return choices[value]


def envdatabase(name: str, default: str) -> dict:
    url = _get(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as e:
        raise ImproperlyConfigured(f"{name}={url!r} is not a database URL we understand: {e}")
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={url!r} names no database engine")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = config.get("NAME") or ""
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        # The embedded default: wait for writers instead of failing, WAL for readers.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                             "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    return config
