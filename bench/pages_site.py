"""The site as gunicorn serves it in bench/pages.py, plus /__trivial__: the cost of Django's
request cycle (the same middleware) with no work, the yardstick every page is measured by."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()  # sets Django up before the URLconf imports views

from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from gongkai.urls import urlpatterns as site_urlpatterns  # noqa: E402


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("__trivial__", trivial), *site_urlpatterns]
