"""Settings for bench/pages.py: the site's own, with /__trivial__ added (bench/pages_site.py)."""

from gongkai.settings import *  # noqa: F403

ROOT_URLCONF = "pages_site"
