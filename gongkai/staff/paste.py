"""HTML pasted from Word or WPS, reduced to what a body keeps: headings, paragraphs, lists,
tables, emphasis and links.

The editor does the same in the browser (static/gongkai/admin/body-editor.js,
``cleanPastedHTML``) as the text is pasted; this is the server's side of it, for a body
that arrives with Office markup (a textarea without JavaScript, a script). Word writes its
lists as paragraphs styled ``mso-list:l0 level1 lfo1`` with the number drawn in a
``mso-list:Ignore`` span: they become real ``<ul>``/``<ol>``. Everything else Office adds —
``<o:p>``, classes, ``mso-`` styles, fonts, conditional comments — goes. The result is
still sanitised when the document is saved (gongkai.lib.html.sanitize_html).
"""

import re

from bs4 import BeautifulSoup, Comment, Declaration, ProcessingInstruction

_OFFICE = re.compile(r"urn:schemas-microsoft-com|mso-|class=\"?Mso|<o:p", re.I)
_LIST = re.compile(r"mso-list:\s*(l\d+)\s+level(\d+)", re.I)
_IGNORE = re.compile(r"mso-list:\s*Ignore", re.I)
_ORDERED_MARKER = re.compile(
    r"^\s*([(（]?[0-9０-９一二三四五六七八九十百]+[)）.．、]|[a-zA-Z][.)）]|[ivxIVX]+[.)])")
# Inline styles worth keeping from Office: alignment, first-line indent, table geometry.
_KEPT_STYLE = {"text-align", "text-indent", "width", "border", "border-top", "border-bottom",
               "border-left", "border-right", "border-collapse",
               "vertical-align"}
_KEPT_ATTRIBUTES = {"href", "colspan", "rowspan", "src", "alt"}
_UNWRAPPED = {"span", "font", "div"}


def looks_like_office(html: str) -> bool:
    return bool(_OFFICE.search(html or ""))


def _kept_style(style: str) -> str:
    parts = []
    for part in (style or "").split(";"):
        name, _, value = part.partition(":")
        name = name.strip().lower()
        if name in _KEPT_STYLE and value.strip() and not re.search(r"mso-|url\(|expression",
                                                                    part, re.I):
            parts.append(f"{name}: {' '.join(value.split())}")
    return "; ".join(parts)


def _list_info(paragraph):
    style = paragraph.get("style", "")
    match = _LIST.search(style)
    classes = " ".join(paragraph.get("class", []))
    if not match and not classes.startswith("MsoListParagraph"):
        return None
    marker = paragraph.find("span", style=_IGNORE)
    marker_text = marker.get_text() if marker else ""
    return (match.group(1) if match else "l0", int(match.group(2)) if match else 1,
            bool(_ORDERED_MARKER.match(marker_text)))


def _rebuild_lists(soup) -> None:
    stack: list[tuple[object, int]] = []  # (list element, level)
    previous = None
    for paragraph in soup.find_all("p"):
        info = _list_info(paragraph)
        if info is None:
            continue
        _, level, ordered = info
        if previous is None or paragraph.find_previous_sibling(True) is not previous:
            stack = []
        while stack and stack[-1][1] > level:
            stack.pop()
        if not stack or stack[-1][1] < level:
            new = soup.new_tag("ol" if ordered else "ul")
            if stack:
                stack[-1][0].find_all("li", recursive=False)[-1].append(new)
            else:
                paragraph.insert_before(new)
            stack.append((new, level))
        item = soup.new_tag("li")
        content = soup.new_tag("p")
        for child in list(paragraph.contents):
            content.append(child.extract())
        item.append(content)
        stack[-1][0].append(item)
        paragraph.decompose()
        previous = stack[0][0]


def clean_office_html(html: str) -> str:
    """``html`` without Office's markup, its list paragraphs made lists; other HTML as is."""
    if not looks_like_office(html):
        return html
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["style", "meta", "link", "title", "xml", "script", "head"]):
        element.decompose()
    _rebuild_lists(soup)
    for marker in soup.find_all("span", style=_IGNORE):
        marker.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment | Declaration |
                                                           ProcessingInstruction)):
        node.extract()
    for element in soup.find_all(True):
        name = element.name.lower()
        if name == "o:p":
            element.decompose()
        elif ":" in name or name in _UNWRAPPED or (name == "a" and not element.get("href")):
            element.unwrap()
        elif name in ("html", "body"):
            element.unwrap()
        else:
            for attribute in list(element.attrs):
                if attribute == "style":
                    if style := _kept_style(element["style"]):
                        element["style"] = style
                    else:
                        del element["style"]
                elif attribute not in _KEPT_ATTRIBUTES:
                    del element[attribute]
    # Paragraphs Word leaves holding only a non-breaking space are spacing, not text.
    for paragraph in soup.find_all("p"):
        if not paragraph.get_text().strip() and not paragraph.find(["img", "br"]):
            paragraph.decompose()
    return re.sub(r"\n\s*\n+", "\n", str(soup)).strip()
