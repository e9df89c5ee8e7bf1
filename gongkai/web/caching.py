"""Rendered public pages, cached under the catalogue's generation.

A page is rendered once per generation (gongkai.documents.generation), display preference
(字体, 长者模式) and its own arguments, and kept for at most ``PAGE_SECONDS`` in the "pages"
cache (local memory in each worker) and the "shared_pages" cache every worker reads (a file
cache on the embedded default, Redis when configured), so one render serves every worker. Any change to the catalogue moves the generation, so no
cached page outlives a publication, an edit or a withdrawal; ``PAGE_SECONDS`` bounds what time
alone changes (a scheduled document whose hour has come, the newest list).

Each cached page carries an ETag built from the same key, so a browser or proxy asking again
with If-None-Match gets a 304 without the page being rendered or sent.
"""

import hashlib

from django.core.cache import InvalidCacheBackendError, caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

from gongkai.documents.generation import generation

from .display import display_prefs

PAGE_SECONDS = 60
# Counts (per agency, topic, genre) are shared by every worker through the default cache;
# time alone changes them only when a scheduled document's hour comes.
VALUE_SECONDS = 300


def page_caches() -> list:
    """Where rendered pages are kept, nearest first: this worker's memory, then the store
    every worker shares (one render serves them all)."""
    found = []
    for alias in ("pages", "shared_pages"):
        try:
            found.append(caches[alias])
        except InvalidCacheBackendError:
            continue
    return found or [caches["default"]]


def cached_content(key: str, render, *, shared: bool = True):
    """(content type, body) of the page for ``key`` from the nearest cache that has it (copied
    into the nearer ones), else of ``render()``'s response, kept everywhere; a response that
    is not a 200 is returned as it is and kept nowhere. ``shared=False`` keeps the page in
    this worker's memory only: for pages most of which are asked for once (search results),
    where writing each to the shared store costs more than the rare second render saves (a
    file written and renamed, ~3 ms of a 12 ms result page)."""
    stores = page_caches() if shared else page_caches()[:1]
    for depth, store in enumerate(stores):
        if (content := store.get(key)) is not None:
            for nearer in stores[:depth]:
                nearer.set(key, content, PAGE_SECONDS)
            return content
    rendered = render()
    if rendered.status_code != 200:
        return rendered
    content = (rendered["Content-Type"], rendered.content)
    for store in stores:
        store.set(key, content, PAGE_SECONDS)
    return content


def cached_value(parts, compute):
    """``compute()``, shared by every process through the default cache for this generation."""
    key = ":".join(map(str, ["value", generation(), *parts]))
    value = caches["default"].get(key)
    if value is None:
        value = compute()
        caches["default"].set(key, value, VALUE_SECONDS)
    return value


def page_key(request, *parts) -> str:
    prefs = display_prefs(request)
    key = ":".join(map(str, ["page", generation(), prefs.font, int(prefs.elder), *parts]))
    # A citizen's query string can be long; keys stay short (and memcached-safe) by hash.
    if len(key) > 200:
        key = key[:100] + ":" + hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
    return key


def cached_page(request, parts, render, *, shared: bool = True) -> HttpResponse:
    """The page for ``parts`` from the cache, or ``render()``'s response (cached when 200;
    ``shared`` as for ``cached_content``)."""
    key = page_key(request, *parts)
    etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        content = cached_content(key, render, shared=shared)
        if isinstance(content, HttpResponse):
            return content  # not a 200 (a 404, a redirect): never cached
        content_type, body = content
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    # The page differs with the 字体/长者模式 cookies; shared caches must keep them apart.
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, max_age=0, must_revalidate=True)
    return response
