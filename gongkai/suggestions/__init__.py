"""Suggestions for editors — 主题词, 内容概述 and 主题分类 — learned from the catalogue.

Not a check: nothing here judges a document; it proposes what an editor may accept.
See ``gongkai.suggestions.suggester``.
"""
