"""Gongkai settings: everything comes from environment variables.

Each GONGKAI_* setting is declared once in ``gongkai.config.SETTINGS`` with its help
text (that list is what docs/configuration.md documents, and a test keeps the two in
step). A bad value stops start-up with ImproperlyConfigured naming the variable.
"""

from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from gongkai.config import (
    ATTACHMENT_EXTRACT_MODES,
    HSTS_SECONDS,
    SEARCH_BACKENDS,
    SENDFILE_MODES,
    envbool,
    envcaches,
    envchoice,
    envdatabase,
    envfloat,
    envint,
    envlist,
    envorigins,
    envreplicas,
    envsecret,
    envstr,
    envurl,
    envviewbuffer,
    https_settings,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DEBUG = envbool("GONGKAI_DEBUG", "False")
ALLOWED_HOSTS = envlist("GONGKAI_ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_NAME = envstr("GONGKAI_SITE_NAME", "政府信息公开平台")
SITE_URL = envurl("GONGKAI_SITE_URL", "http://127.0.0.1:8000")
INDEX_NO_PATTERN = envstr("GONGKAI_INDEX_NO_PATTERN", "{agency_code}/{year}-{serial:05d}")
DATA_DIR = Path(envstr("GONGKAI_DATA_DIR", str(PROJECT_DIR / "var")))

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gongkai.sqlite3'}")}
# PostgreSQL streaming replicas (docs/deployment.md#several-servers): gongkai/replicas.py sends
# the reads of public pages, search and the API there; everything else stays on the primary.
DATABASES.update(envreplicas("GONGKAI_DATABASE_REPLICAS", DATABASES["default"]))
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["gongkai.replicas.ReplicaRouter"]
# The embedded database runs without set-up, so its secret key is made on first use and kept
# beside it; a PostgreSQL deployment has an operator, who must set one.
_embedded = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
SECRET_KEY = envsecret("GONGKAI_SECRET_KEY", debug=DEBUG,
                       key_file=DATA_DIR / "secret_key" if _embedded else None)

# Behind HTTPS (GONGKAI_SITE_URL is https://): Secure cookies, the redirect to HTTPS, HSTS,
# and the site's origin trusted for CSRF. The README's recipe puts nginx in front, talking
# plain HTTP to gunicorn, so by default an https:// site trusts the proxy's X-Forwarded-Proto.
_https = SITE_URL.startswith("https://")
globals().update(https_settings(
    SITE_URL,
    behind_proxy=envbool("GONGKAI_BEHIND_PROXY", str(_https)),
    hsts_seconds=envint("GONGKAI_HSTS_SECONDS", str(HSTS_SECONDS)),
    hsts_include_subdomains=envbool("GONGKAI_HSTS_INCLUDE_SUBDOMAINS", "False"),
    hsts_preload=envbool("GONGKAI_HSTS_PRELOAD", "False"),
    trusted_origins=envorigins("GONGKAI_CSRF_TRUSTED_ORIGINS"),
))

INSTALLED_APPS = [
    # Django's admin with the site class of gongkai/staff/site.py (OTP-aware login).
    "gongkai.staff.adminconfig.GongkaiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_prose_editor",
    "ninja",  # the API's OpenAPI schema and docs, with Swagger UI from our static files
    "corsheaders",
    "gongkai.catalog",
    "gongkai.workdays",
    "gongkai.accounts",
    "gongkai.guides",
    "gongkai.documents",
    "gongkai.importers",
    "gongkai.checks",
    "gongkai.privacy",
    "gongkai.search",
    "gongkai.questions",
    "gongkai.applications",
    "gongkai.reports",
    "gongkai.staff",
    "gongkai.web",
    "gongkai.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Whether this request may read from a replica (safe method, public URL, no recent write).
    "gongkai.replicas.ReplicaMiddleware",
    # CORS for /api/ only (CORS_URLS_REGEX), before CommonMiddleware as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gongkai.web.middleware.StripControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.web.context_processors.site",
            ],
        },
    },
]

# Search backend per database (see gongkai/search/backends); answered questions re-rank
# the top results and expand citizens' words once `gongkai learn-questions` has run.
GONGKAI_SEARCH = {
    "default": {
        "RERANK": "gongkai.questions.search.rerank",
        "EXPAND": "gongkai.questions.search.expand",
    },
}
if search_backend := envchoice("GONGKAI_SEARCH_BACKEND", SEARCH_BACKENDS):
    GONGKAI_SEARCH["default"]["BACKEND"] = search_backend
# Which server's index this is, when every server keeps its own (tantivy: the change log's
# cursor is per node; see gongkai/search/changelog.py). Default: host name and index path.
if search_node := envstr("GONGKAI_SEARCH_NODE", ""):
    GONGKAI_SEARCH["default"]["NODE"] = search_node

# Public pages are cached under the catalogue's generation (gongkai/web/caching.py) and
# 浏览次数 is written in batches (gongkai/documents/views_count.py).
CACHES = envcaches("GONGKAI_CACHE_URL", DATA_DIR)
VIEW_COUNT_FLUSH_SECONDS = envfloat("GONGKAI_VIEW_COUNT_FLUSH_SECONDS", "1")
VIEW_COUNT_BUFFER, VIEW_COUNT_REDIS_URL = envviewbuffer("GONGKAI_VIEW_COUNT_BUFFER", "GONGKAI_CACHE_URL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True

# 依申请公开 (gongkai/applications): reply files under MEDIA_ROOT too (served only through the
# case's own status page); notices by e-mail.
EMAIL_BACKEND = envstr("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("GONGKAI_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = envstr("GONGKAI_EMAIL_FROM", "noreply@localhost")
# Attachments (docs/editing.md): stored under MEDIA_ROOT and served only through the
# download view, which checks the document is public; there is no MEDIA_URL on purpose.
MEDIA_ROOT = DATA_DIR / "media"
ATTACHMENT_MAX_BYTES = envint("GONGKAI_ATTACHMENT_MAX_MB", "50") * 1024 * 1024
ATTACHMENT_EXTRACT = envchoice("GONGKAI_ATTACHMENT_EXTRACT", ATTACHMENT_EXTRACT_MODES) or "background"
ATTACHMENT_EXTRACT_SECONDS = envint("GONGKAI_ATTACHMENT_EXTRACT_SECONDS", "60")
ATTACHMENT_EXTRACT_MEMORY_MB = envint("GONGKAI_ATTACHMENT_EXTRACT_MEMORY_MB", "1024")
ATTACHMENT_TEXT_CHARS = envint("GONGKAI_ATTACHMENT_TEXT_CHARS", "1000000")
ATTACHMENT_SENDFILE = envchoice("GONGKAI_ATTACHMENT_SENDFILE", SENDFILE_MODES)

# Staff accounts (docs/editing.md): a staff session ends when the browser closes and at the
# latest 8 hours after it last changed (a sign-in); passwords of at least 12 characters that
# are not common, all digits or like the user's name; django-axes locks a username and address
# out after 10 wrong passwords in a row, for an hour (`gongkai axes_reset` lifts it sooner);
# a TOTP second factor (django-otp) for anyone who enrols one, required of superusers when
# GONGKAI_REQUIRE_OTP is True.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hour
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/lockout.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The address axes counts: behind the proxy, the X-Forwarded-For entry nginx appended.
AXES_CLIENT_IP_CALLABLE = "gongkai.staff.security.client_ip"
REQUIRE_OTP = envbool("GONGKAI_REQUIRE_OTP", "False")
OTP_TOTP_ISSUER = SITE_NAME
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content Security Policy (django-csp): only the site's own scripts, styles and forms.
# Two exceptions, for document bodies: they keep inline style attributes (alignment, indents
# and table widths of the originals, filtered by the sanitiser; attributes cannot run script),
# and their images often stay on the originating government site, so any https: image loads.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# The open-data API (docs/api.md): read from any origin, without credentials; each client
# address may make GONGKAI_API_REQUESTS_PER_MINUTE requests a minute (0: no limit).
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
API_REQUESTS_PER_MINUTE = envint("GONGKAI_API_REQUESTS_PER_MINUTE", "120")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
