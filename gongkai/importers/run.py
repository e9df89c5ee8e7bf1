"""Renamed ``import_files``. This alias stays only until gongkai/web/tests/test_browser.py (owned
by the web app) imports ``import_paths`` from ``gongkai.importers.import_files``; then delete it."""

from .import_files import import_paths

__all__ = ["import_paths"]
