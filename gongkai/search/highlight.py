"""Highlighted titles and snippets (``<mark>``) for result pages.

Snippets are made here, from the stored text, for every backend alike: FTS5 cannot make
them from a contentless table, and PostgreSQL's ts_headline would show our segmented words
with spaces between them. Matching is on normalised text (full-width → half-width, lower
case), so ＧＤＰ highlights gdp; everything else is HTML-escaped.
"""

import re

from django.utils.html import escape

from .segment import normalize

SNIPPET_CHARS = 120
LEAD_CHARS = 20  # context shown before the first highlighted word


def _matcher(words) -> re.Pattern | None:
    words = sorted({normalize(w) for w in words if w and w.strip()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _spans(text: str, pattern) -> list[tuple[int, int]]:
    if pattern is None:
        return []
    folded = normalize(text)
    if len(folded) != len(text):  # rare: a character that NFKC expands; fold one by one
        folded = "".join(normalize(c)[:1] or " " for c in text)
    return [m.span() for m in pattern.finditer(folded)]


def mark(text: str, words) -> str:
    """``text`` HTML-escaped, with every occurrence of ``words`` in ``<mark>``."""
    return _render(text, _spans(text, _matcher(words)))


def snippet(text: str, words, size: int = SNIPPET_CHARS) -> str:
    """The stretch of ``text`` (``size`` characters) holding the most distinct query words,
    escaped and marked; the start of the text when no word occurs."""
    pattern = _matcher(words)
    spans = _spans(text, pattern)
    start = _best_start(text, spans, size) if spans else 0
    end = min(len(text), start + size)
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
    body = _render(text[start:end], inside)
    return ("…" if start else "") + body + ("…" if end < len(text) else "")


def _best_start(text, spans, size) -> int:
    folded = normalize(text)
    best, best_start = -1, 0
    for a, _ in spans[:200]:
        start = max(0, a - LEAD_CHARS)
        found = {folded[x:y] for x, y in spans if x >= start and y <= start + size}
        if len(found) > best:
            best, best_start = len(found), start
    return best_start


def _render(text: str, spans) -> str:
    out, cursor = [], 0
    for a, b in spans:
        if a < cursor:
            continue
        out += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    out.append(escape(text[cursor:]))
    return "".join(out)
