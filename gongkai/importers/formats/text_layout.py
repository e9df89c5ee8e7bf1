"""Plain text copied from a 政府信息公开 page (the seed page's layout).

::

    政府信息公开 规章库                                  ← site header, dropped
    索引号: 11440303007546460H/2022-00033 分类:        ← metadata, several pairs a line
    文号: 发布日期: 2022-09-08
    【打印】 【字体:                                     ← page chrome, dropped
    罗湖区翠竹街道办事处2021年工作总结                    ← the title again, dropped
    发布日期:2022-09-08  浏览次数:-                      ← info bar, dropped
    (2021年,翠竹街道坚持……)                              ← 内容概述 in parentheses
      2021年,翠竹街道坚持……                              ← the body
"""

import re

from .base import LABELS, Format, clean_text, looks_like_html, split_pairs

# Lines of page furniture between the metadata and the body, and after the body.
_CHROME_RE = re.compile(
    r"^【[^】]*】|【(打印|关闭|字体|收藏)|浏览次数|访问次数|阅读次数|点击数|访问量|"
    r"^(分享到|扫一扫|打印本页|关闭窗口)"
)
_ABSTRACT_RE = re.compile(r"^[(（](?P<text>.+)[)）]$", re.S)


def _field_pairs(line: str) -> list[tuple[str | None, str]]:
    return [(LABELS[label][0], value or "") for label, value in split_pairs(line.strip())]


class TextLayout(Format):
    name = "text-labels"

    def sniff(self, text: str, name: str = "") -> bool:
        if looks_like_html(text):
            return False
        head = text.splitlines()[:80]
        return sum(any(field for field, _ in _field_pairs(line)) for line in head) >= 2

    def raw_fields(self, text: str) -> dict:
        lines = [line.strip() for line in text.splitlines()]
        # The site header above the metadata ("政府信息公开 规章库") is dropped.
        start = next(i for i, line in enumerate(lines) if any(f for f, _ in _field_pairs(line)))
        fields: dict[str, str] = {}
        end = start
        # The metadata block runs until the first line that is neither metadata, chrome,
        # blank, nor the title repeated as a heading.
        while end < len(lines) and self._is_header(lines[end], fields):
            for field, value in _field_pairs(lines[end]):
                if field and clean_text(value) and field not in fields:
                    fields[field] = value
            end += 1
        body = self._strip_trailing_chrome(lines[end:])
        if body and "abstract" not in fields and (match := _ABSTRACT_RE.match(body[0])):
            fields["abstract"] = match.group("text")
            body = body[1:]
        return {**fields, "body_text": "\n".join(body), "body_html": None}

    def _is_header(self, line: str, fields: dict) -> bool:
        title = clean_text(fields.get("title"))
        return (
            not line
            or bool(_field_pairs(line))
            or bool(_CHROME_RE.search(line))
            or (title is not None and clean_text(line) == title)
        )

    def _strip_trailing_chrome(self, lines: list[str]) -> list[str]:
        while lines and (not lines[-1] or _CHROME_RE.search(lines[-1])):
            lines = lines[:-1]
        return lines
