"""主题分类 paths such as ``综合政务\\政务公开``: one way to read and write them.

Sites write the levels apart with a backslash, its full-width form, or a slash; we read all
four and always write a backslash (the form of 国务院's 主题分类).
"""

import re

SEPARATOR = "\\"
_SEPARATORS = re.compile(r"[\\/／＼]")


def split_topic_path(path: str) -> list[str]:
    """The non-empty levels of ``path``, stripped: ``"一级 / 二级"`` gives ``["一级", "二级"]``."""
    return [part for part in (p.strip() for p in _SEPARATORS.split(path or "")) if part]


def format_topic_path(parts) -> str:
    return SEPARATOR.join(parts)


def normalize_topic_path(path: str) -> str:
    return format_topic_path(split_topic_path(path))
