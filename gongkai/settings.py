"""Gongkai settings: everything comes from environment variables.

Each GONGKAI_* setting is declared once in ``gongkai.config.SETTINGS`` with its help
text (that list is what docs/configuration.md documents, and a test keeps the two in
step). A bad value stops start-up with ImproperlyConfigured naming the variable.
"""

from pathlib import Path

from gongkai.config import (
    SEARCH_BACKENDS,
    envbool,
    envchoice,
    envdatabase,
    envlist,
    envsecret,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DEBUG = envbool("GONGKAI_DEBUG", "False")
SECRET_KEY = envsecret("GONGKAI_SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = envlist("GONGKAI_ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_NAME = envstr("GONGKAI_SITE_NAME", "政府信息公开平台")
SITE_URL = envstr("GONGKAI_SITE_URL", "http://127.0.0.1:8000")
INDEX_NO_PATTERN = envstr("GONGKAI_INDEX_NO_PATTERN", "{agency_code}/{year}-{serial:05d}")
DATA_DIR = Path(envstr("GONGKAI_DATA_DIR", str(PROJECT_DIR / "var")))

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gongkai.sqlite3'}")}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "gongkai.catalog",
    "gongkai.documents",
    "gongkai.importers",
    "gongkai.checks",
    "gongkai.search",
    "gongkai.questions",
    "gongkai.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
