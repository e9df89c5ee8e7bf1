"""The catalogue's generation: a number that changes whenever anything a public page shows
may have changed — a document saved, published, withdrawn or deleted; an agency, topic,
genre or audience renamed.

Public pages and the counts they show are cached under the generation they were made in
(gongkai.web.caching), so a change makes every cached copy unreachable at once, in every
process: the generation lives in Django's default cache (a file cache on the embedded
default, Redis when GONGKAI_CACHE_URL says so), and it moves only after the change has
committed, so no process can cache the old state under the new number.

``QuerySet.update()`` sends no signals: code that changes documents in bulk calls
``bump()`` itself (``gongkai reindex`` does).
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

KEY = "gongkai:catalogue-generation"
# Sent with ``generation=`` the new number each time it moves (after the change committed, and
# inside its transaction): a database router notes how far replicas must have replayed before
# a page of this generation may be read from them (gongkai/replicas.py).
moved = Signal()


def generation() -> int:
    value = cache.get(KEY)
    if value is None:
        # A cache that lost the number (restarted, evicted) starts a new series that cannot
        # meet the numbers cached pages were stored under before.
        value = time.time_ns()
        cache.add(KEY, value, timeout=None)
        value = cache.get(KEY, value)
    return value


def bump() -> None:
    """Move the generation now and again once the current transaction commits: now, so this
    transaction's own reads miss the cache; at commit, so what other processes cached in
    between (the state before the change) is never read again."""
    _increment()
    transaction.on_commit(_increment)


def _increment() -> None:
    try:
        value = cache.incr(KEY)
    except ValueError:  # not in the cache: a fresh series does the same
        value = time.time_ns()
        cache.set(KEY, value, timeout=None)
    moved.send(sender=None, generation=value)


def changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):
        bump()


def connect(models) -> None:
    for model in models:
        uid = f"generation_{model._meta.label_lower}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}_delete")
