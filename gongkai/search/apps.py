from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    verbose_name = "全文检索"

    def ready(self):
        # The index declaration lives with its model (gongkai/documents/search.py); loading
        # it connects the signal handlers that keep every backend in step.
        from django.db.backends.signals import connection_created

        from .registry import get_index

        get_index().connect()
        connection_created.connect(enlarge_sqlite_cache, dispatch_uid="search_sqlite_cache")


def enlarge_sqlite_cache(sender, connection, **kwargs):
    """SQLite's default page cache is 2 MB; ranking and facet counting look up rows all
    over the index, and a 64 MB cache per connection makes them ~20 % faster."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")
