"""Rebuilding an index on every core: segmentation (the costly part of indexing) runs in
worker processes while this process reads the catalogue and writes the index.

Workers are forked with the dictionary already loaded and never touch the database: the
batches are read here, and only records go to the workers and prepared rows come back.
"""

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context

from . import dictionary

MAX_WORKERS = 4


def _prepare(alias, records):
    from .backends import get_search_backend

    return get_search_backend(alias).prepare(records)


@contextmanager
def forked(function, workers: int, ahead: int):
    """``run(items)``: ``function(item)`` for each item in ``workers`` worker processes,
    results in order, at most ``ahead`` items ahead of the caller (bounded memory); in this
    process when there is one core. Workers are forked with Django set up and the dictionary
    loaded, and never use the database connection they inherit (nor read the dictionary's
    table again). ``function`` must be importable (it is pickled by name)."""
    dictionary.get_segmenter()  # loaded before forking, so workers have every word
    if workers < 2:
        yield lambda items: map(function, items)
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                             initializer=dictionary.stop_syncing) as executor:
        def run(items):
            queue = deque()
            for item in items:
                queue.append(executor.submit(function, item))
                if len(queue) > ahead:
                    yield queue.popleft().result()
            while queue:
                yield queue.popleft().result()
        yield run


@contextmanager
def preparing(backend):
    """``run(batches)``: each batch of records through ``backend.prepare``, in order, at most
    a few batches ahead of the caller."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    with forked(partial(_prepare, backend.alias), workers, ahead=workers) as run:
        yield run
