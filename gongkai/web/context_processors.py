from django.conf import settings

from .display import FONT_SIZES, display_prefs


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "display": display_prefs(request),
        "font_sizes": list(FONT_SIZES.items()),
    }
