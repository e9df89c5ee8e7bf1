"""Control characters in query strings, dealt with once for the whole site.

NUL and the other C0 control characters (U+0000–U+001F except tab, line feed and carriage
return, and DEL) mean nothing in a search, a filter or a page number, and NUL cannot even be
sent to PostgreSQL (a 500 when a view passes it on). Nobody types them: they come from
scanners, broken links and paste accidents. So they are *stripped* from every GET parameter,
names and values, before any view runs, and the page answers as if they had never been
there (``?q=翠竹%00`` searches 翠竹; ``?validity=%00`` is an empty, ignored filter). Stripping
rather than answering 400 keeps a pasted stray character from costing a citizen the page.
"""

import re

from django.http import QueryDict

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters percent-encoded, as they arrive in the raw query string.
_ENCODED = re.compile(r"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")


class StripControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if CONTROL.search(raw) or _ENCODED.search(raw):
            cleaned = strip_controls(request.GET)
            if cleaned is not None:
                request.GET = cleaned
                request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)


def strip_controls(params: QueryDict) -> QueryDict | None:
    """A copy of ``params`` without control characters, or None when there were none."""
    if not any(CONTROL.search(key) or any(CONTROL.search(v) for v in values)
               for key, values in params.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        for value in values:
            cleaned.appendlist(CONTROL.sub("", key), CONTROL.sub("", value))
    cleaned._mutable = False
    return cleaned
