from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    verbose_name = "全文检索"

    def ready(self):
        # The index declaration lives with its model (gongkai/documents/search.py); loading
        # it connects the signal handlers that keep every backend in step.
        from .registry import get_index

        get_index().connect()
