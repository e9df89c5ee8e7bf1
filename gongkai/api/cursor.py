"""Opaque cursors for keyset pagination of newest-first lists.

A list ordered by (published_at, id) descending continues after its last row with
``published_at < t OR (published_at = t AND id < i)``, which the database reads from the
``document_public_newest`` index however deep the page: no OFFSET grows with the page
number, and a document published meanwhile does not shift the pages that follow (it sorts
before them). The cursor carries (t, i) as base64url text; clients treat it as opaque.
"""

import base64
import binascii
import datetime as dt

from django.db.models import Q

MAX_ID = 2**63 - 1
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class BadCursor(ValueError):
    pass


def encode(published_at: dt.datetime, pk: int) -> str:
    micros = (published_at - EPOCH) // dt.timedelta(microseconds=1)
    raw = f"n1:{micros}:{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime, int]:
    """(published_at, id) of the row a page ended with; BadCursor when ``cursor`` is not one
    this module made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, micros, pk = raw.split(":")
        micros, pk = int(micros), int(pk)
        if version != "n1" or not 0 < pk <= MAX_ID:
            raise ValueError(raw)
        moment = EPOCH + dt.timedelta(microseconds=micros)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError):
        raise BadCursor("cursor 无效：请使用上一页返回的 next_cursor 原样传回") from None
    return moment, pk


def after(cursor: str) -> Q:
    """The rows after the cursor's, in newest-first order."""
    moment, pk = decode(cursor)
    return Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk)


def page(queryset, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Up to ``limit`` rows of ``queryset`` (ordered newest first) after ``cursor``, and the
    cursor of the page after them (None on the last page). One query."""
    if cursor:
        queryset = queryset.filter(after(cursor))
    rows = list(queryset.order_by("-published_at", "-pk")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode(rows[-1].published_at, rows[-1].pk) if more and rows else None
