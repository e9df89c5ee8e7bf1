"""Django's file cache, culled every CULL_EVERY writes of a process instead of on every one.

``FileBasedCache.set`` lists the whole cache directory to count its files before each write
(to cull when there are more than MAX_ENTRIES): with a few thousand rendered pages kept, that
listing cost more than the search it stored (measured: 12 ms of a 45 ms result page). Culling
now and then lets the directory pass MAX_ENTRIES by at most CULL_EVERY files per process.
"""

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 50


class FileCache(FileBasedCache):
    _writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % CULL_EVERY == 1:
            super()._cull()
