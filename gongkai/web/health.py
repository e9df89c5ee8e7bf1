"""``/healthz`` for load balancers and monitors: is the database answering?

It touches no session and sets no cookie, so a probe every few seconds creates nothing, and
it is exempt from the redirect to HTTPS (settings: SECURE_REDIRECT_EXEMPT) so a probe over
plain HTTP on loopback works.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import path

logger = logging.getLogger(__name__)


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as e:
        logger.warning("healthz: the database does not answer: %s", e)
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


# Included by gongkai/urls.py at "healthz".
urlpatterns = [path("", healthz, name="healthz")]
