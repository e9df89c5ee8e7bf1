"""Rebuilding an index on every core: segmentation (the costly part of indexing) runs in
worker processes while this process reads the catalogue and writes the index.

Workers are forked with the dictionary already loaded and never touch the database: the
batches are read here, and only records go to the workers and prepared rows come back.
"""

import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

from . import dictionary

MAX_WORKERS = 4


def _prepare(alias, records):
    from .backends import get_search_backend

    return get_search_backend(alias).prepare(records)


@contextmanager
def preparing(backend):
    """``run(batches)``: each batch of records through ``backend.prepare``, in order, at most
    a few batches ahead of the caller (bounded memory)."""
    dictionary.get_segmenter()  # loaded before forking, so workers have every word
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2:
        yield lambda batches: (backend.prepare(batch) for batch in batches)
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                             initializer=dictionary.stop_syncing) as executor:
        def run(batches):
            queue = []
            for batch in batches:
                queue.append(executor.submit(_prepare, backend.alias, batch))
                if len(queue) > workers:
                    yield queue.pop(0).result()
            for future in queue:
                yield future.result()
        yield run
