"""Highlighted titles and snippets (``<mark>``) for result pages.

Snippets are made here, from the stored text, for every backend alike: FTS5 cannot make
them from a contentless table, and PostgreSQL's ts_headline would show our segmented words
with spaces between them. Everything is HTML-escaped.

What a snippet costs is bounded, whatever the size of the text (bench/snippets.py):

- Only the first ``SCAN_CHARS`` characters are searched for the query words; a text whose
  words all occur later gets a snippet from its beginning.
- The text is never normalised. Matching is as if it were (full-width → half-width,
  compatibility forms folded, lower case, as ``segment.normalize``): the query words are
  normalised, and each of their characters matches every character that folds to it, so
  ＧＤＰ and Gdp highlight gdp, and the offsets found are the text's own.
- The best window is found by a sliding window over the matches, in one pass.
"""

import re
from functools import cache, lru_cache
from itertools import takewhile

from django.utils.html import escape

from .segment import normalize

SNIPPET_CHARS = 120
LEAD_CHARS = 20  # context shown before the first highlighted word
# Snippets are cut from the first SCAN_CHARS characters of a text (docs/search.md).
SCAN_CHARS = 50_000

# Beyond the Basic Multilingual Plane, only these blocks hold characters that fold to
# another single one: mathematical and enclosed letters and digits, CJK compatibility
# ideographs.
_ASTRAL_FOLDING = [(0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x2F800, 0x2FA20)]


@cache
def _variants() -> dict[str, str]:
    """{folded character: every character that folds to it, itself included}; built once
    per process (~30 ms)."""
    variants: dict[str, list[str]] = {}
    code_points = [range(0x10000), *(range(a, b) for a, b in _ASTRAL_FOLDING)]
    for block in code_points:
        for cp in block:
            c = chr(cp)
            folded = normalize(c) if not 0xD800 <= cp < 0xE000 else c
            if folded != c and len(folded) == 1:
                variants.setdefault(folded, [folded]).append(c)
    return {f: "".join(cs) for f, cs in variants.items()}


def _char_pattern(c: str) -> str:
    alternatives = _variants().get(c)
    if not alternatives:
        return re.escape(c)
    return "[" + "".join(map(re.escape, alternatives)) + "]"


@lru_cache(maxsize=64)
def _compiled(words: tuple[str, ...]) -> re.Pattern:
    # One group per word: ``lastindex`` tells which word matched. Longest first, so the
    # longest of overlapping words is marked.
    return re.compile("|".join("(" + "".join(map(_char_pattern, w)) + ")" for w in words))


def _matcher(words) -> re.Pattern | None:
    return _matcher_for(tuple(words))


@lru_cache(maxsize=256)
def _matcher_for(words: tuple[str, ...]) -> re.Pattern | None:
    # A result page asks for the same words' pattern forty times (titles and snippets).
    folded = sorted({n for w in words if w and w.strip() and (n := normalize(w).strip())},
                    key=lambda w: (-len(w), w))
    return _compiled(tuple(folded)) if folded else None


def _spans(text: str, pattern) -> list[tuple[int, int, int]]:
    """(start, end, word number) of each match in ``text``, in order, not overlapping."""
    if pattern is None:
        return []
    return [(*m.span(), m.lastindex) for m in pattern.finditer(text)]


def mark(text: str, words) -> str:
    """``text`` HTML-escaped, with every occurrence of ``words`` in ``<mark>``."""
    return _render(text, _spans(text, _matcher(words)))


def first_match(text: str, words) -> int:
    """Where the first of ``words`` occurs in ``text`` (the whole of it), or -1."""
    pattern = _matcher(words)
    found = pattern.search(text or "") if pattern is not None else None
    return found.start() if found else -1


def snippet_at(text: str, words, at: int, size: int = SNIPPET_CHARS) -> str:
    """A snippet whose window starts LEAD_CHARS before offset ``at`` (a first_match)."""
    start = max(0, at - LEAD_CHARS)
    return ("…" if start else "") + snippet(text[start:start + SCAN_CHARS], words, size)


def snippet(text: str, words, size: int = SNIPPET_CHARS, scan: int = SCAN_CHARS) -> str:
    """The stretch of ``text`` (``size`` characters) holding the most distinct query words
    among its first ``scan`` characters, escaped and marked; the start of the text when no
    word occurs there."""
    text = text or ""
    spans = _spans(text[:scan], _matcher(words))
    start = _best_start(spans, size) if spans else 0
    end = min(len(text), start + size)
    shown = takewhile(lambda span: span[0] < end, spans[_first_ending_after(spans, start):])
    inside = [(max(a, start) - start, min(b, end) - start, w) for a, b, w in shown]
    body = _render(text[start:end], inside)
    return ("…" if start else "") + body + ("…" if end < len(text) else "")


def _best_start(spans, size) -> int:
    """Where the window of ``size`` characters holding the most distinct words starts (the
    first such). Windows start LEAD_CHARS before a match; a word counts when it lies wholly
    inside. ``spans`` are ordered and do not overlap, so both their starts and their ends
    increase: two pointers, ``lo`` (first match starting in the window) and ``hi`` (first
    match ending past it), only move forward, and every match enters and leaves the count
    once. Linear in the number of matches."""
    n = len(spans)
    counts: dict[int, int] = {}
    distinct = lo = hi = 0
    best, best_start = -1, 0
    for i in range(n):
        start = max(0, spans[i][0] - LEAD_CHARS)
        end = start + size
        while hi < n and spans[hi][1] <= end:
            word = spans[hi][2]
            counts[word] = counts.get(word, 0) + 1
            distinct += counts[word] == 1
            hi += 1
        while lo < hi and spans[lo][0] < start:
            word = spans[lo][2]
            counts[word] -= 1
            distinct -= counts[word] == 0
            lo += 1
        if distinct > best:
            best, best_start = distinct, start
    return best_start


def _first_ending_after(spans, start) -> int:
    """The index of the first span ending after ``start`` (binary search)."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= start:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _render(text: str, spans) -> str:
    out, cursor = [], 0
    for a, b, _ in spans:
        if a < cursor:
            continue
        out += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    out.append(escape(text[cursor:]))
    return "".join(out)
