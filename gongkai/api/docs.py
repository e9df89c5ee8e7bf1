"""The API's interactive docs, /api/docs: django-ninja's Swagger UI, its scripts and styles
served from our own static files (``ninja`` is an installed app), so the page loads under the
site's Content-Security-Policy unchanged (its settings are a JSON block, its start-up script a
file: no inline script)."""

from django.views.decorators.http import require_GET

from .views import api


@require_GET
def api_docs(request):
    return api.docs.render_page(request, api)
