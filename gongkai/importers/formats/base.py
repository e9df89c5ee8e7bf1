"""What every source format shares: the record shape, the labels, value clean-up.

A format is a small subclass of ``Format`` (or ``HtmlFormat``): ``sniff`` says whether a
decoded text looks like it, ``raw_fields`` pulls strings out of it, and the base class turns
those strings into a record with every key present and every value normalised, so formats
never repeat date parsing or 文号 clean-up. Pure Python, no Django.
"""

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from gongkai.lib.identifiers import normalize_doc_no

FIELDS = (
    "index_no", "category", "publisher", "written_on", "title", "doc_no",
    "published_on", "subject_terms", "abstract", "body_text",
    "body_html", "published_at_time",
)


class ExtractError(Exception):
    """The input holds no recognisable document; ``reason`` says why, in one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Extracted(NamedTuple):
    """One document found in a file.

    ``position`` is the 1-based line of a JSON Lines file, 1 for a single-document file and
    0 when the whole file failed. Exactly one of ``fields`` and ``error`` is set.
    """

    position: int
    fields: dict | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


class Format:
    """One source layout. Subclasses set ``name`` and write ``sniff`` and ``raw_fields``."""

    name = ""
    # True when one file holds many documents (JSON Lines): such a format is used alone.
    multi = False

    def sniff(self, text: str, name: str = "") -> bool:
        raise NotImplementedError(f"Give {type(self).__name__} a sniff(text, name) method.")

    def raw_fields(self, text: str) -> dict:
        """Strings as the source shows them, keyed by field; absent keys are fine."""
        raise NotImplementedError(f"Give {type(self).__name__} a raw_fields(text) method.")

    def parse(self, text: str) -> dict:
        return finish(self.raw_fields(text))

    def complete(self, record: dict, text: str) -> dict:
        """Last-resort values, applied after all matching formats were merged.

        A page's <title> must not beat another format's better title, so guesses go here.
        """
        return record

    def records(self, text: str) -> Iterator[Extracted]:
        try:
            record = self.complete(self.parse(text), text)
            yield Extracted(1, require_document(record), None)
        except ExtractError as error:
            yield Extracted(1, None, error.reason)


def require_document(fields: dict) -> dict:
    # The catalogue cannot list a document without its 名称; everything else may be missing.
    if not fields.get("title"):
        raise ExtractError("no title (标题/名称) found")
    return fields


# --- Labels --------------------------------------------------------------------------

# Label → field, best first: when a page shows two labels for one field, the earlier wins
# (a page with both 主题分类 and 信息分类 keeps the topic, gov.cn's 主题分类).
SYNONYMS = {
    "index_no": ["索引号", "信息索引号", "索取号", "索引"],
    "category": ["主题分类", "分类", "信息分类", "所属分类", "所属类别", "类别", "组配分类"],
    "publisher": ["发布机构", "发文机关", "发文单位", "发布单位", "发布部门", "制发机关",
                  "成文单位", "信息来源", "来源"],
    "written_on": ["成文日期", "生成日期", "成文时间", "制发日期", "发文日期", "印发日期",
                   "产生日期", "形成日期"],
    "title": ["标题", "名称", "文件名称", "信息名称", "文件标题", "题名"],
    "doc_no": ["发文字号", "文号", "文件编号", "发文编号", "文件字号"],
    "published_on": ["发布日期", "公开日期", "发布时间", "公开时间", "日期"],
    "subject_terms": ["主题词", "关键词", "关键字"],
    "abstract": ["内容概述", "摘要", "内容摘要", "概述", "内容简介", "简介"],
}
# Labels we do not keep but must recognise, so that their values do not run into ours
# ("发布日期:2022-09-08  浏览次数:-").
OTHER_LABELS = [
    "浏览次数", "访问次数", "阅读次数", "点击数", "点击率", "访问量", "浏览量", "字体", "字号",
    "有效性", "时效", "时效性", "效力状态", "公开方式", "公开范围", "公开属性", "公开形式",
    "体裁分类", "服务对象", "服务对象分类", "实施日期", "生效日期", "废止日期", "失效日期",
    "语种", "作者", "责任编辑", "编辑", "统一编号", "登记号", "附件",
]
LABELS: dict[str, tuple[str | None, int]] = {
    label: (field, rank) for field, labels in SYNONYMS.items() for rank, label in enumerate(labels)
}
LABELS.update({label: (None, 0) for label in OTHER_LABELS})

_SPACE = "[ \t\u3000\u00a0]*"
_LABEL_ALTERNATIVES = "|".join(
    _SPACE.join(map(re.escape, label)) for label in sorted(LABELS, key=len, reverse=True)
)
# A label starts a text or follows a space or a separator; it ends with a colon.
_LABEL_RE = re.compile(
    rf"(?:^|(?<=[\s|｜丨】\]]))(?P<label>{_LABEL_ALTERNATIVES}){_SPACE}[:：]"
)
_LABEL_FIRST_CHARS = {label[0] for label in LABELS}
# Zero-width characters, dropped: a regular expression finds them an order of magnitude
# faster than str.translate walks a long text.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def normalize_label(text: str) -> str:
    """``索 引 号：`` / ``标　　题:`` / ``【发布日期】`` → the bare label."""
    text = re.sub(r"\s+", "", _INVISIBLE.sub("", text))
    return text.strip("【】[]").rstrip(":：")


def may_start_with_label(text: str) -> bool:
    """A cheap test before the label regex, which a long page would run on every text."""
    return text.lstrip(" \t\r\n\u3000\u00a0【[")[:1] in _LABEL_FIRST_CHARS


def label_field(text: str) -> tuple[str | None, int] | None:
    """(field, rank) when ``text`` is exactly a label, else None; field None = ignored label."""
    return LABELS.get(normalize_label(text))


def split_pairs(text: str) -> list[tuple[str, str | None]]:
    """``索引号: X 分类: Y`` → [("索引号", "X"), ("分类", "Y")].

    The text must start with a label (after opening brackets). The value of a label that
    ends the text is None: on a web page it is in the next element.
    """
    text = _INVISIBLE.sub("", text)
    matches = list(_LABEL_RE.finditer(text))
    if not matches or text[: matches[0].start()].strip(" \t\r\n\u3000\u00a0【[") != "":
        return []
    pairs = []
    for match, after in zip(matches, [*matches[1:], None], strict=True):
        value = text[match.end(): after.start() if after else len(text)]
        label = normalize_label(match.group("label"))
        pairs.append((label, value if value.strip() or after else None))
    return pairs


# --- Values --------------------------------------------------------------------------

# What pages write in an empty cell.
_NOTHING = {"", "无", "暂无", "-", "--", "—", "——", "/", "空", "null", "none", "n/a"}
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*[年\-/.．]\s*(?P<m>\d{1,2})\s*[月\-/.．]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*T?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2}))?"
)
_COMPACT_DATE_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_CN_DATE_RE = re.compile(
    r"(?P<y>[〇零○Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月"
    r"(?P<d>[一二三四五六七八九十]{1,3})日"
)
_TIME_RE = re.compile(r"^(\d{1,2})\s*[:：时]\s*(\d{2})")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_TERM_SEPARATORS = re.compile(r"[\s\u3000；;，,、]+")


def clean_text(value) -> str | None:
    """One line: runs of spaces collapsed, ends trimmed, "无"/"-" and the like → None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", _INVISIBLE.sub("", str(value))).strip()
    text = text.lstrip(":：").strip()
    return None if text.lower() in _NOTHING else text


def clean_lines(value) -> str | None:
    """Paragraphs: each line trimmed, blank lines dropped, joined with "\\n"."""
    if value is None:
        return None
    lines = (clean_text(line) or "" for line in str(value).splitlines())
    text = "\n".join(line for line in lines if line)
    return text or None


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def parse_datetime(value) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD, HH:MM or None) from 2018年10月27日, 2018-10-27 10:19, 二〇一八年十月二十七日…"""
    text = clean_text(value)
    if not text:
        return None, None
    if match := _DATE_RE.search(text) or _COMPACT_DATE_RE.match(text):
        year, month, day = (int(match.group(k)) for k in "ymd")
    elif match := _CN_DATE_RE.search(text):
        year, month, day = (_cn_number(match.group(k)) for k in "ymd")
    else:
        return None, None
    try:
        date = dt.date(year, month, day).isoformat()
    except ValueError:
        return None, None
    groups = match.groupdict()
    time = _hhmm(groups.get("H"), groups.get("M"))
    # "2026-01-02 00:00:00" is a date kept in a datetime column, not a time anyone showed.
    return date, None if time == "00:00" else time


def parse_time(value) -> str | None:
    match = _TIME_RE.match(clean_text(value) or "")
    return _hhmm(*match.groups()) if match else None


def _hhmm(hour, minute) -> str | None:
    if hour is None or int(hour) > 23 or int(minute) > 59:
        return None
    return f"{int(hour):02d}:{int(minute):02d}"


def split_terms(value) -> list[str]:
    """主题词 as a list; a string is split on spaces and ；;，,、."""
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    terms = []
    for item in items:
        for term in _TERM_SEPARATORS.split(str(item)):
            # gov.cn marks terms outside the controlled vocabulary with △: not part of the word.
            term = term.strip("△▲")
            if term and term not in terms:
                terms.append(term)
    return terms


def finish(raw: dict, *, strict: bool = False) -> dict:
    """A full record from raw strings: every key present, absent values None (terms: []).

    With ``strict`` a value that is present but unreadable (a date that is not a date)
    raises ``ValueError`` instead of becoming None.
    """
    record = {key: clean_text(raw.get(key)) for key in
              ("category", "publisher", "title", "abstract")}
    record["index_no"] = re.sub(r"\s+", "", clean_text(raw.get("index_no")) or "") or None
    record["doc_no"] = normalize_doc_no(clean_text(raw.get("doc_no"))) or None
    record["subject_terms"] = split_terms(raw.get("subject_terms"))
    record["body_text"] = clean_lines(raw.get("body_text"))
    record["body_html"] = raw.get("body_html") or None
    record["written_on"], _ = parse_datetime(raw.get("written_on"))
    record["published_on"], time_shown = parse_datetime(raw.get("published_on"))
    # An explicit time wins over one written after the date ("2026-05-18 10:19").
    record["published_at_time"] = (
        parse_time(raw.get("published_at_time")) or time_shown if record["published_on"] else None
    )
    if strict:
        _refuse_unreadable(raw, record)
    return {key: record[key] for key in FIELDS}


def _refuse_unreadable(raw: dict, record: dict) -> None:
    for key in ("written_on", "published_on"):
        if record[key] is None and clean_text(raw.get(key)):
            raise ValueError(f"{key}: not a date: {raw.get(key)!r}")
    if raw.get("published_at_time") and parse_time(raw["published_at_time"]) is None:
        raise ValueError(f"published_at_time: not HH:MM: {raw['published_at_time']!r}")


def merge(records: list[dict]) -> dict:
    """Earlier records win; later ones fill their gaps.

    A date and its time, and a body's text and HTML, travel together: a time or an HTML
    body taken from another source would describe something else.
    """
    merged = dict(records[0])
    for other in records[1:]:
        for key in FIELDS:
            if key in ("published_at_time", "body_html"):
                continue
            if not merged[key] and other[key]:
                merged[key] = other[key]
                if key == "published_on":
                    merged["published_at_time"] = other["published_at_time"]
                if key == "body_text":
                    merged["body_html"] = other["body_html"]
        same_day = merged["published_on"] == other["published_on"]
        if same_day and not merged["published_at_time"] and other["published_at_time"]:
            merged["published_at_time"] = other["published_at_time"]
    return merged


# --- HTML ----------------------------------------------------------------------------

_SOURCE_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_HTML_RE = re.compile(r"<\s*(html|head|body|div|table|p|span|meta|td|br|h1)\b[^>]*>", re.I)
BLOCK_TAGS = {
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "blockquote", "pre", "dd", "dt", "ul", "ol", "center", "hr", "header", "footer", "form",
    "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "address", "nav", "aside",
    "main", "dl",
}
SKIP_TAGS = {
    "script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg",
    "canvas", "select", "option", "button", "input", "textarea", "map",
}
# Where CMSs put the body: known containers first, then anything named like one.
_BODY_KNOWN = re.compile(
    r"^(UCAP-CONTENT|zoom|Zoom|fontzoom|js_content|TRS_Editor|TRS_UEDITOR|pages_content|"
    r"article-content|article_content|news_content|content_text|contentText|conTxt|zwnr)$"
)
_BODY_HINT = re.compile(r"content|zoom|article|TRS_Editor|detail|zhengwen|wenzhang|zw_|text", re.I)


def looks_like_html(text: str) -> bool:
    return len(_HTML_RE.findall(text[:200_000])) >= 2


@lru_cache(maxsize=4)
def parse_html(text: str) -> BeautifulSoup:
    # Cached: the label and meta formats both read the page (sniff, then parse). Callers
    # must not modify the tree.
    return BeautifulSoup(text, "lxml")


def is_text(node) -> bool:
    """Visible text: not a comment, script, style or doctype."""
    return type(node) in (NavigableString, CData)


def element_lines(element: Tag) -> str:
    """The text of an element, a line per paragraph (blocks and <br> break lines)."""
    pieces: list[str] = []
    stack: list[tuple[object, bool]] = [(child, True) for child in reversed(element.contents)]
    # A stack, not recursion: a page nesting a thousand <div>s must not crash the import.
    while stack:
        node, entering = stack.pop()
        if not entering:
            pieces.append("\n")
        elif isinstance(node, Tag):
            if node.name in SKIP_TAGS:
                continue
            if node.name == "br":
                pieces.append("\n")
                continue
            if node.name in ("td", "th") and _row_width(node) > 1:
                # A table row reads as one line, its cells side by side.
                pieces.append(" " + " ".join(element_lines(node).splitlines()) + " ")
                continue
            if node.name in BLOCK_TAGS or node.name in ("td", "th"):
                pieces.append("\n")
                stack.append((node, False))
            stack.extend((child, True) for child in reversed(node.contents))
        elif is_text(node):
            # Line breaks in the HTML source are spaces; only blocks and <br> break lines.
            pieces.append(_SOURCE_SPACE.sub(" ", str(node)))
    return clean_lines("".join(pieces)) or ""


def _row_width(cell: Tag) -> int:
    row = cell.parent
    return len(row.find_all(["td", "th"], recursive=False)) if isinstance(row, Tag) else 1


def element_text(element) -> str:
    """The text of an element on one line (for a metadata value)."""
    if element is None:
        return ""
    if not isinstance(element, Tag):
        return str(element) if is_text(element) else ""
    return " ".join(element_lines(element).splitlines())


def _names(element: Tag) -> list[str]:
    classes = element.get("class") or []
    return [element.get("id") or "", *classes]


def find_body(soup: BeautifulSoup, avoid: list = ()) -> Tag | None:
    """The element holding the document's body.

    A known CMS container (gov.cn's UCAP-CONTENT, TRS_Editor, #zoom…) wins; else the biggest
    element named like one (…content…, …article…); else the element holding the most
    paragraph text. Elements holding the metadata labels (``avoid``) are passed over:
    a wrapper around both table and body would put the table into the body.
    """
    known, hinted = [], []
    for element in soup.find_all(True):
        if element.name in SKIP_TAGS | {"html", "body", "meta", "a", "img"}:
            continue
        names = _names(element)
        if any(map(_BODY_KNOWN.match, names)):
            known.append(element)
        elif element.name != "span" and any(_BODY_HINT.search(name) for name in names):
            hinted.append(element)
    for candidates in (known, [el for el in hinted if not _holds_metadata(el, avoid)]):
        sizes = {id(el): len(element_text(el)) for el in candidates}
        candidates = [el for el in candidates if sizes[id(el)]]
        if candidates:
            best = max(candidates, key=lambda el: sizes[id(el)])
            return _innermost(best, candidates, sizes)
    return _densest(soup, avoid)


def _holds_metadata(element: Tag, avoid: list) -> bool:
    # One label inside is fine (a 主题词 line closing an old document); most of them is not.
    inside = sum(1 for node in avoid if contains(element, node))
    return inside > max(1, len(avoid) // 2)


def contains(element: Tag, node) -> bool:
    """Whether ``node`` is somewhere inside ``element``."""
    return any(parent is element for parent in node.parents)


def _innermost(best: Tag, candidates: list[Tag], sizes: dict[int, int]) -> Tag:
    # Wrappers nest (#zoom > .TRS_Editor): take the deepest one that still has the text.
    inner = [el for el in candidates
             if contains(best, el) and sizes[id(el)] >= 0.9 * sizes[id(best)]]
    return _innermost(inner[0], inner, sizes) if inner else best


_INLINE = ("p", "span", "font", "b", "strong", "em", "i", "u", "a", "sup", "sub")


def _densest(soup: BeautifulSoup, avoid: list = ()) -> Tag | None:
    """The element whose own paragraphs (<p> children and loose text) hold the most text."""
    scores: dict[int, tuple[int, Tag]] = {}
    for node in soup.find_all(string=True):
        if not is_text(node) or not isinstance(node.parent, Tag):
            continue
        holder = node.parent
        if holder.name in _INLINE:
            holder = holder.find_parent(lambda tag: tag.name not in _INLINE) or holder
        if holder.name in SKIP_TAGS or holder.find_parent(SKIP_TAGS):
            continue
        count, _ = scores.get(id(holder), (0, holder))
        scores[id(holder)] = (count + len(node.strip()), holder)
    ranked = sorted(scores.values(), key=lambda item: -item[0])
    for count, holder in ranked:
        if count and not _holds_metadata(holder, avoid):
            return holder
    return None


_TITLE_CLASS = re.compile(r"^(title|article-title|article_title|news-title|news_title|"
                          r"detail-title|con-title|con_title|art_title|doc-title|bt)$", re.I)


def html_title(soup: BeautifulSoup) -> str | None:
    """A heading that <title> contains (that drops the site name), else <title>'s first
    part, else the first heading."""
    title = clean_text(soup.title.get_text()) if soup.title else None
    headings = [clean_text(element_text(el)) for el in soup.find_all(["h1", "h2"])]
    headings += [clean_text(element_text(el)) for el in soup.find_all(
        lambda tag: tag.name not in ("html", "body", "title") and any(
            map(_TITLE_CLASS.match, _names(tag))))]
    headings = [heading for heading in headings if heading]
    if not title:
        return headings[0] if headings else None
    first_part = re.split(r"\s*(?:_|\||｜|－|—| - )\s*", title)[0] or title
    for heading in headings:
        # Not a short heading that happens to occur in the title (a "通知" column name).
        if heading in title and len(heading) >= 0.6 * len(first_part):
            return heading
    return first_part


def body_fields(body: Tag | None) -> dict:
    if body is None:
        return {"body_text": None, "body_html": None}
    return {"body_text": element_lines(body), "body_html": body.decode_contents().strip()}


class HtmlFormat(Format):
    """A web page: shares the parsed tree and the body finder."""

    def sniff(self, text: str, name: str = "") -> bool:
        return looks_like_html(text) and self.sniff_page(text)

    def sniff_page(self, text: str) -> bool:
        """Whether this web page carries this format's metadata."""
        raise NotImplementedError(f"Give {type(self).__name__} a sniff_page(text) method.")

    def soup(self, text: str) -> BeautifulSoup:
        return parse_html(text)

    def complete(self, record: dict, text: str) -> dict:
        if not record["title"]:
            record = {**record, "title": clean_text(html_title(self.soup(text)))}
        return record

