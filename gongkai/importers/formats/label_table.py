"""Web pages that show the metadata as labelled values.

gov.cn puts them in table cells (``<td><b>索 引 号：</b></td><td>000014349/2018-00204</td>``);
other sites use ``<li><label>索引号：</label><span>…</span></li>``, ``<dt>/<dd>``, or
write ``<p>发布日期：2021-03-05 来源：…</p>``. Rather than one selector per site, every
visible text that is (or starts with) a known label is found, and its value is the text
after it: the rest of the same text, or the next cell or element.
"""

from functools import lru_cache
from typing import NamedTuple

from bs4 import BeautifulSoup, Tag

from .base import (
    BLOCK_TAGS,
    LABELS,
    SKIP_TAGS,
    HtmlFormat,
    body_fields,
    clean_text,
    contains,
    element_text,
    find_body,
    is_text,
    label_field,
    may_start_with_label,
    normalize_label,
    parse_datetime,
    parse_html,
    split_pairs,
)

_PAGE_ROOTS = ("html", "body", "[document]")


class Hit(NamedTuple):
    field: str
    rank: int  # the label's place among its field's synonyms; 0 is best
    value: str
    node: object  # the label's text node: tells page metadata from the body's own text


class LabelTable(HtmlFormat):
    name = "html-labels"

    def sniff_page(self, text: str) -> bool:
        # Two different fields, or a 索引号: one "来源：" on a news page is not a record.
        fields = {hit.field for hit in labels_on(text)}
        return len(fields) >= 2 or "index_no" in fields

    def raw_fields(self, text: str) -> dict:
        soup = self.soup(text)
        hits = labels_on(text)
        body = find_body(soup, avoid=[hit.node for hit in hits])
        # Labels in the body (a 主题词 line at the end of an old document) only fill gaps.
        outside = [hit for hit in hits if body is None or not contains(body, hit.node)]
        inside = [hit for hit in hits if body is not None and contains(body, hit.node)]
        values = {**choose(inside), **choose(outside)}
        values["published_at_time"] = _time_of_day(hits, values.get("published_on"))
        return {**body_fields(body), **values}


@lru_cache(maxsize=4)
def labels_on(text: str) -> list[Hit]:
    # Cached: sniff and parse both need them, and a long page takes a while to scan.
    return find_labels(parse_html(text))


def find_labels(soup: BeautifulSoup) -> list[Hit]:
    """Every label on the page with its value, in page order."""
    hits = []
    for node in soup.find_all(string=True):
        if not is_text(node) or len(node) > 2000 or not may_start_with_label(node):
            continue
        pairs = split_pairs(str(node))
        if not pairs and label_field(str(node)):
            # A bare label without a colon, as in <th>索引号</th>.
            pairs = [(normalize_label(str(node)), None)]
        if not pairs or node.find_parent(["a", *SKIP_TAGS]):
            continue
        for label, value in pairs:
            field, rank = LABELS[label]
            if field:  # labels we ignore (浏览次数…) only end the value before them
                value = value_after(label_element(node)) if value is None else value
                hits.append(Hit(field, rank, value, node))
    return hits


def label_element(node):
    """The biggest element around a label that holds nothing but the label.

    ``<td><b>索 引 号：</b></td>``: the text's parent is <b>, but the value is beside the <td>.
    A table cell is as far as it goes: ``<tr><td>主题词：</td><td></td></tr>`` reads the
    same as its label cell, but the value is the (empty) cell beside the label, not the row
    after it.
    """
    element, own = node, normalize_label(str(node))
    while (
        not (isinstance(element, Tag) and element.name in _CELLS)
        and isinstance(element.parent, Tag)
        and element.parent.name not in _PAGE_ROOTS
        and normalize_label(element_text(element.parent)) == own
    ):
        element = element.parent
    return element


_CELLS = ("td", "th")


def value_after(element) -> str:
    """The value shown after a label element: the next cell, the <dd>, or the next text.

    An empty cell is an empty value, and a label is never a value: the text after an empty
    value is the next label's, however the page lays it out.
    """
    if isinstance(element, Tag) and element.name in _CELLS:
        cell = element.find_next_sibling(_CELLS)
        if cell is not None:
            return "" if _starts_with_label(cell) else element_text(cell)
        # The label fills its row (<tr><th>索引号</th></tr>): the value is in the next row.
        if isinstance(element.parent, Tag) and element.parent.name == "tr":
            element = element.parent
    if isinstance(element, Tag) and element.name == "dt":
        return element_text(element.find_next_sibling("dd"))
    parts: list[str] = []
    for sibling in element.next_siblings:
        is_tag = isinstance(sibling, Tag)
        if is_tag and (sibling.name == "br" or sibling.name in BLOCK_TAGS) and "".join(parts).strip():
            break
        if _starts_with_label(sibling):
            break  # the next label: this one's value was empty
        text = element_text(sibling)
        parts.append(text)
        if is_tag and text.strip().strip(":："):
            break  # one element holds the value (<label>…</label><span>value</span>)
    return "".join(parts)


def _starts_with_label(node) -> bool:
    """Whether ``node`` (a text, a cell, a row…) begins with a label, colon or not:
    ``名　　称：…``, or a first cell ``<th>名　　称</th>`` followed by its value."""
    if isinstance(node, Tag):
        first = next((t for t in node.find_all(string=True) if is_text(t) and t.strip()), None)
        if first is None:
            return False
        if label_field(str(first)) is not None:
            return True
    text = element_text(node)
    return bool(split_pairs(text)) or label_field(text) is not None


def choose(hits: list[Hit]) -> dict:
    """Per field, the value of the best-ranked label that has one (page order breaks ties)."""
    values: dict[str, str] = {}
    best: dict[str, int] = {}
    for hit in hits:
        value = clean_text(hit.value)  # "无" and "-" are no value: a lesser label may have one
        if value and hit.rank < best.get(hit.field, len(LABELS)):
            values[hit.field], best[hit.field] = value, hit.rank
    return values


def _time_of_day(hits: list[Hit], published_on: str | None) -> str | None:
    """The time of publication, also when the chosen 发布日期 gives only the day and
    another label (发布时间) gives the same day with a time."""
    day, time = parse_datetime(published_on)
    if time or not day:
        return time
    for hit in hits:
        if hit.field == "published_on" and parse_datetime(hit.value)[0] == day:
            time = time or parse_datetime(hit.value)[1]
    return time
