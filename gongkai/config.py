"""Typed readers for environment variables that fail loudly (after healthchecks' settings).

SETTINGS lists every variable Gongkai reads, with its default and help; docs/configuration.md
is checked against it by a test, so a new variable cannot go undocumented.
"""

import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


class Setting(NamedTuple):
    name: str
    default: str
    help: str


SETTINGS = [
    Setting("DATABASE_URL", "sqlite:///var/gongkai.sqlite3",
            "Database URL: sqlite:///PATH (embedded default) or postgres://USER:PASS@HOST:PORT/NAME."),
    Setting("GONGKAI_DATABASE_REPLICAS", "(none)",
            "Comma-separated postgres:// URLs of PostgreSQL streaming replicas of DATABASE_URL: "
            "public pages, search and the API read from them; writes, the admin and sessions "
            "stay on the primary. See docs/deployment.md#several-servers."),
    Setting("GONGKAI_SECRET_KEY", "(on SQLite: generated into GONGKAI_DATA_DIR/secret_key)",
            "Django secret key. Required with PostgreSQL; on SQLite one is generated on first use."),
    Setting("GONGKAI_SECRET_KEY_FILE", "(none)",
            "A file holding the secret key instead (Docker/systemd secrets)."),
    Setting("GONGKAI_DEBUG", "False", "True or False. Never True on a public server."),
    Setting("GONGKAI_ALLOWED_HOSTS", "127.0.0.1,localhost",
            "Comma-separated host names the site answers to, e.g. gkml.example.gov.cn."),
    Setting("GONGKAI_SITE_NAME", "政府信息公开平台", "The site name shown in headers and the SiteName meta tag."),
    Setting("GONGKAI_SITE_URL", "http://127.0.0.1:8000",
            "The public base URL, used in the Url meta tag. https:// turns on Secure cookies, "
            "the redirect to HTTPS and HSTS."),
    Setting("GONGKAI_BEHIND_PROXY", "(True when GONGKAI_SITE_URL is https://)",
            "Trust the proxy's X-Forwarded-Proto: https header to tell HTTPS requests apart."),
    Setting("GONGKAI_HSTS_SECONDS", "31536000 (when GONGKAI_SITE_URL is https://)",
            "Strict-Transport-Security max-age; 0 sends no HSTS header."),
    Setting("GONGKAI_HSTS_INCLUDE_SUBDOMAINS", "False", "Add includeSubDomains to HSTS."),
    Setting("GONGKAI_HSTS_PRELOAD", "False", "Add preload to HSTS (needs GONGKAI_HSTS_INCLUDE_SUBDOMAINS)."),
    Setting("GONGKAI_CSRF_TRUSTED_ORIGINS", "(none)",
            "Comma-separated origins, besides GONGKAI_SITE_URL's, that may POST forms to the site."),
    Setting("GONGKAI_INDEX_NO_PATTERN", "{agency_code}/{year}-{serial:05d}",
            "Pattern of new 索引号; fields: agency_code, year, serial (per agency and year)."),
    Setting("GONGKAI_DATA_DIR", "var/", "Where the SQLite database and collected static files live."),
    Setting("GONGKAI_CACHE_URL", "(a file cache under GONGKAI_DATA_DIR/cache)",
            "Shared cache for public pages' counts and the catalogue generation: redis://HOST:PORT/DB "
            "(several servers), file:///PATH, or locmem:// (one process only, e.g. runserver)."),
    Setting("GONGKAI_VIEW_COUNT_FLUSH_SECONDS", "1",
            "How often each worker writes the 浏览次数 it has counted; a crash loses at most this "
            "many seconds of one worker's views. 0 writes every view at once."),
    Setting("GONGKAI_VIEW_COUNT_BUFFER", "(redis when GONGKAI_CACHE_URL is redis://, else memory)",
            "Where 浏览次数 wait for their flush: memory (each worker's own) or redis (one "
            "buffer in GONGKAI_CACHE_URL's Redis for every server; a server crash loses none)."),
    Setting("GONGKAI_API_REQUESTS_PER_MINUTE", "120",
            "Requests a minute each client address may make to the JSON API; 0: no limit."),
    Setting("GONGKAI_SEARCH_BACKEND", "(the database's own)",
            "Search engine: sqlite (FTS5), postgres (tsvector) or tantivy (an index under GONGKAI_DATA_DIR/search/)."),
    Setting("GONGKAI_SEARCH_NODE", "(host name and index path)",
            "tantivy on several servers: this server's name for its index, under which it keeps "
            "its place in the change log. Unique per server; keep it across restarts."),
    Setting("GONGKAI_REQUIRE_OTP", "False",
            "True: every superuser must sign in to the admin with a TOTP code (two-step "
            "verification); one without a device is sent to enrol first. Other staff may enrol."),
    Setting("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend",
            "Django e-mail backend for notices to applicants and staff; "
            "django.core.mail.backends.smtp.EmailBackend sends through GONGKAI_EMAIL_HOST."),
    Setting("GONGKAI_EMAIL_HOST", "localhost", "SMTP server (with the smtp backend), port 25."),
    Setting("GONGKAI_EMAIL_FROM", "noreply@localhost", "Sender address of those e-mails."),
    Setting("GONGKAI_ATTACHMENT_MAX_MB", "50",
            "Largest attachment staff may upload, in MB (PDF, DOCX, XLSX, OFD, images, ZIP)."),
    Setting("GONGKAI_ATTACHMENT_EXTRACT", "background",
            "How attachments' text is extracted after an upload: background (a process started "
            "once the save commits), inline (during the request; tests) or off (only by "
            "`gongkai extract-attachments`, e.g. from cron)."),
    Setting("GONGKAI_ATTACHMENT_EXTRACT_SECONDS", "60",
            "Time one attachment's text extraction may take before it is stopped (status 提取失败)."),
    Setting("GONGKAI_ATTACHMENT_EXTRACT_MEMORY_MB", "1024",
            "Address space of the process that extracts one attachment's text (RLIMIT_AS)."),
    Setting("GONGKAI_ATTACHMENT_TEXT_CHARS", "1000000",
            "Characters of text kept per attachment; the rest is cut (and the status says so)."),
    Setting("GONGKAI_ATTACHMENT_SENDFILE", "(none: Django sends the file)",
            "nginx: downloads are handed to nginx with X-Accel-Redirect (internal location "
            "/_attachments/ on MEDIA_ROOT); apache: with X-Sendfile (mod_xsendfile). See "
            "docs/deployment.md."),
]

ATTACHMENT_EXTRACT_MODES = {"background": "background", "inline": "inline", "off": "off"}
SENDFILE_MODES = {"nginx": "nginx", "apache": "apache", "none": None}

SEARCH_BACKENDS = {
    "sqlite": "gongkai.search.backends.sqlite",
    "postgres": "gongkai.search.backends.postgres",
    "tantivy": "gongkai.search.backends.tantivy",
}


# The HSTS max-age when GONGKAI_SITE_URL is https:// (a year: what the preload list asks for).
HSTS_SECONDS = 31536000


def _get(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envstr(name: str, default: str) -> str:
    return _get(name, default)


def envbool(name: str, default: str) -> bool:
    value = _get(name, default)
    if value not in ("True", "False", "true", "false", "1", "0", ""):
        raise ImproperlyConfigured(f"{name}={value!r} is not understood; use True or False")
    return value in ("True", "true", "1")


def envint(name: str, default: str) -> int:
    value = _get(name, default)
    if not value.strip().isdigit():
        raise ImproperlyConfigured(f"{name}={value!r} is not understood; use a whole number, e.g. 0")
    return int(value)


def envlist(name: str, default: str) -> list[str]:
    items = [item.strip() for item in _get(name, default).split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is empty; give at least one host name")
    return items


def envurl(name: str, default: str) -> str:
    """An http:// or https:// base URL; anything else would silently turn HTTPS settings off."""
    value = _get(name, default)
    if not _origin(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not understood; use e.g. https://gkml.example.gov.cn")
    return value


def envorigins(name: str) -> list[str]:
    """Comma-separated origins (scheme://host[:port]), as CSRF_TRUSTED_ORIGINS wants them."""
    origins = [item.strip() for item in _get(name, "").split(",") if item.strip()]
    for origin in origins:
        if _origin(origin) != origin.rstrip("/"):
            raise ImproperlyConfigured(f"{name} has {origin!r}; use origins like https://www.example.gov.cn")
    return [origin.rstrip("/") for origin in origins]


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def envsecret(name: str, *, debug: bool, key_file: Path | None = None) -> str:
    """The variable, or the file ``{name}_FILE`` names, or (on the embedded SQLite database,
    which has no operator to set one) a key generated into ``key_file``."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if not value and path:
        try:
            with open(path, encoding="utf-8") as f:
                value = f.read().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {e.strerror}")
        if not value:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} is empty")
    if value:
        return value
    if key_file:
        return generated_secret(name, key_file)
    if debug:
        return "insecure-development-key-set-GONGKAI_SECRET_KEY-in-production"
    raise ImproperlyConfigured(f"{name} is not set; it is required when DATABASE_URL is not SQLite")


def generated_secret(name: str, path: Path) -> str:
    """The key kept in ``path``, made on first use.

    A new key is written to a private (0600) temporary file, then linked into place: link()
    fails when another process got there first, and then both read the winner's key. So two
    processes starting at once agree, and nobody reads a half-written file.
    """
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(secrets.token_urlsafe(50) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        value = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ImproperlyConfigured(
            f"{name} is not set and {str(path)!r} cannot be made or read: {e.strerror}; "
            f"set {name} or GONGKAI_DATA_DIR")
    if not value:
        raise ImproperlyConfigured(f"{name} is not set and {str(path)!r} is empty; delete it or set {name}")
    return value


def envchoice(name: str, choices: dict) -> str | None:
    """The value ``choices`` maps the variable's value to; None when it is unset."""
    value = _get(name, "").strip().lower()
    if not value:
        return None
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not understood; use one of {', '.join(choices)}")
    return choices[value]


def envdatabase(name: str, default: str) -> dict:
    return parse_database(name, _get(name, default))


def parse_database(name: str, url: str) -> dict:
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


# A replica that does not answer a connection within this many seconds is skipped
# (gongkai/replicas.py); one that stops acknowledging what is sent to it (a network partition,
# no reset) fails the query after REPLICA_TCP_TIMEOUT_MS instead of TCP's ~15 minutes.
REPLICA_CONNECT_SECONDS = 2
REPLICA_TCP_TIMEOUT_MS = 5000


def envreplicas(name: str, primary: dict) -> dict[str, dict]:
    """DATABASES entries ``replica1``, ``replica2`` … from ``name``'s comma-separated URLs, read
    like DATABASE_URL. Replicas of PostgreSQL only: SQLite has no streaming replication. In
    tests each one is a mirror of the primary (Django's TEST MIRROR), so nothing is created."""
    urls = [item.strip() for item in _get(name, "").split(",") if item.strip()]
    if urls and primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name} is set but DATABASE_URL is not PostgreSQL; "
                                   "replicas need a PostgreSQL primary")
    replicas = {}
    for number, url in enumerate(urls, 1):
        config = parse_database(name, url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(f"{name} has {url!r}; use postgres://USER:PASS@HOST:PORT/NAME")
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": REPLICA_CONNECT_SECONDS,
                             "tcp_user_timeout": REPLICA_TCP_TIMEOUT_MS}
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


def envfloat(name: str, default: str) -> float:
    value = _get(name, default)
    try:
        number = float(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; use a number of seconds, 0 or more")
    return number


VIEW_COUNT_BUFFERS = ("memory", "redis")


def envviewbuffer(name: str, cache_url_name: str) -> tuple[str, str | None]:
    """(buffer, Redis URL) of 浏览次数: ``name``'s choice; by default Redis when the shared
    cache is Redis (several servers share it), memory otherwise."""
    cache_url = _get(cache_url_name, "").strip()
    is_redis = cache_url.partition("://")[0] in ("redis", "rediss")
    buffer = _get(name, "").strip().lower() or ("redis" if is_redis else "memory")
    if buffer not in VIEW_COUNT_BUFFERS:
        raise ImproperlyConfigured(f"{name}={buffer!r} is not understood; use memory or redis")
    if buffer == "redis" and not is_redis:
        raise ImproperlyConfigured(f"{name}=redis needs {cache_url_name}=redis://HOST:PORT/DB")
    return buffer, cache_url if buffer == "redis" else None


def envcaches(name: str, data_dir: Path) -> dict:
    """CACHES from ``name``'s URL: "default" is shared by every process (the catalogue
    generation, counts, labels); "shared_pages" holds rendered public pages for every process
    (apart from "default", so that pages crowding it never push the generation out); "pages"
    keeps the most used of them in each process's memory. Pages are always keyed by the
    generation, so no copy outlives a change."""
    url = _get(name, "").strip()
    scheme, _, rest = url.partition("://")
    if not url:
        default = {"BACKEND": "gongkai.filecache.FileCache",
                   "LOCATION": str(data_dir / "cache")}
    elif scheme in ("redis", "rediss"):
        default = {"BACKEND": "gongkai.rediscache.ResilientRedisCache", "LOCATION": url}
    elif scheme == "file" and rest:
        default = {"BACKEND": "gongkai.filecache.FileCache",
                   "LOCATION": rest}
    elif scheme == "locmem":
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                   "LOCATION": "gongkai"}
    else:
        raise ImproperlyConfigured(f"Unexpected value {name}={url!r}; use redis://HOST:PORT/DB, "
                                   "file:///PATH or locmem://")
    shared_pages = {**default, "KEY_PREFIX": "pages", "TIMEOUT": 300}
    if not default["BACKEND"].endswith("RedisCache"):
        # Redis evicts by its own maxmemory policy; its backend hands OPTIONS to the
        # connection, which refuses MAX_ENTRIES (every page was a 500).
        shared_pages["OPTIONS"] = {"MAX_ENTRIES": 5000}
    if default["BACKEND"].endswith("FileCache"):
        shared_pages["LOCATION"] = f"{default['LOCATION'].rstrip('/')}-pages"
    elif default["BACKEND"].endswith("LocMemCache"):
        shared_pages["LOCATION"] = "shared-pages"
    pages = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
             "OPTIONS": {"MAX_ENTRIES": 5000}}
    return {"default": default, "shared_pages": shared_pages, "pages": pages}


def https_settings(site_url: str, *, behind_proxy: bool, hsts_seconds: int = HSTS_SECONDS,
                   hsts_include_subdomains: bool = False, hsts_preload: bool = False,
                   trusted_origins: Sequence[str] = ()) -> dict:
    """Django's security settings that follow from the public URL, as a dict for settings.py."""
    origin = _origin(site_url)
    derived = {"CSRF_TRUSTED_ORIGINS": list(dict.fromkeys([origin, *trusted_origins]))}
    if behind_proxy:
        # The proxy talks plain HTTP to gunicorn; its X-Forwarded-Proto tells HTTPS apart.
        derived["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    if not origin.startswith("https://"):
        return derived
    if hsts_preload and not hsts_include_subdomains:
        raise ImproperlyConfigured("GONGKAI_HSTS_PRELOAD=True needs GONGKAI_HSTS_INCLUDE_SUBDOMAINS=True "
                                   "(the preload list requires it)")
    derived.update({
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        # Load balancers probe over plain HTTP on loopback.
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
        "SECURE_HSTS_SECONDS": hsts_seconds,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": hsts_include_subdomains,
        "SECURE_HSTS_PRELOAD": hsts_preload,
        # Left off on purpose unless configured: a 政府 site is one host of a domain whose other
        # hosts (other departments' sites) it cannot promise to be HTTPS, and preloading cannot
        # be undone quickly. --deploy would otherwise warn about the choice on every run.
        "SILENCED_SYSTEM_CHECKS": [check for check, on in (("security.W005", hsts_include_subdomains),
                                                            ("security.W021", hsts_preload)) if not on],
    })
    return derived
