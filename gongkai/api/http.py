"""JSON responses of the API: errors, and answers cached under the catalogue's generation
with the validators (ETag, Last-Modified) that let a client's second request cost nothing.

An answer is kept in the page caches (gongkai.web.caching) under the catalogue's generation,
which moves with every change the public can see: a save, publication, edit or withdrawal,
and the scheduled ones too (``gongkai publish-scheduled``, run every minute, moves it when a
scheduled publication's or withdrawal's time has come). So the ETag, built from the same key,
is the answer's validator, and ``If-None-Match`` gets a 304 without a query; Last-Modified is
when this generation was first seen.
"""

import hashlib
import time

from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from gongkai.documents.generation import generation
from gongkai.web.caching import cached_content

JSON_PARAMS = {"ensure_ascii": False}


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params=JSON_PARAMS)


def error(status: int, code: str, message: str, **extra) -> JsonResponse:
    """The body of every API error: ``{"error": {"status", "code", "message", …}}``."""
    return json_response({"error": {"status": status, "code": code, "message": message,
                                    **extra}}, status=status)


def not_found(message: str = "未找到：该信息不存在或未公开。") -> JsonResponse:
    return error(404, "not_found", message)


def generation_seen(gen: int) -> int:
    """When this generation was first seen, as a Unix time (kept in the default cache)."""
    store = caches["default"]
    key = f"api:generation-seen:{gen}"
    # Kept a day: a generation older than that is long gone, and a lost entry only makes
    # Last-Modified later (a 200 where a 304 could have been).
    store.add(key, int(time.time()), timeout=86400)
    return store.get(key) or int(time.time())


def cached_json(request, parts, compute, *, shared: bool = True) -> HttpResponse:
    """The answer for ``parts`` (the endpoint and its arguments) from the cache, or
    ``compute()``'s: a dict or list (cached, 200) or an HttpResponse (an error, not cached;
    ``shared`` as for ``web.caching.cached_content``). A request whose validators match gets
    a 304."""
    gen = generation()
    key = ":".join(map(str, ["api", gen, *parts]))
    if len(key) > 200:  # query strings can be long; cache keys stay short
        key = key[:100] + ":" + hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
    etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
    modified = generation_seen(gen)
    if not_modified(request, etag, modified):
        response = HttpResponseNotModified()
    else:
        content = cached_content(key, lambda: _render(compute), shared=shared)
        if isinstance(content, HttpResponse):
            return content
        content_type, body = content
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def not_modified(request, etag: str, modified: int) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if (match := request.headers.get("If-None-Match")) is not None:
        # A proxy may weaken the tag (W/"…"): a weak match is enough for a GET (RFC 9110).
        return match.strip() == "*" or etag in [t.strip().removeprefix("W/")
                                                for t in match.split(",")]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and modified <= since


def _render(compute) -> HttpResponse:
    data = compute()
    return data if isinstance(data, HttpResponse) else json_response(data)
