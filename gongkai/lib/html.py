"""Document HTML: what a body may keep (sanitising), and its visible text.

Pure functions, no Django. Sanitising is nh3's (the Ammonia sanitiser); we only say what
is allowed.
"""

import html
import re

import nh3

# Tags and attributes a document body may keep; everything else (scripts, iframes, event
# handlers, forms) is stripped.
BODY_TAGS = {
    "p", "br", "div", "span", "strong", "b", "em", "i", "u", "sub", "sup", "h1", "h2", "h3",
    "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "col", "colgroup", "a", "img", "blockquote", "pre", "hr", "center", "font",
}
BODY_ATTRIBUTES = {
    "*": {"align", "style"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "width", "valign"},
    "th": {"colspan", "rowspan", "width", "valign"},
}
# Inline style properties a body may keep: how text and tables look, nothing that moves a
# box out of the flow. Without position, offsets, z-index, margins or transforms, an
# imported page cannot lay an overlay (a full-screen phishing link) over the document page.
BODY_STYLE_PROPERTIES = {
    "color", "background-color", "font-family", "font-size", "font-weight", "font-style",
    "text-align", "text-indent", "text-decoration", "line-height", "letter-spacing",
    "vertical-align", "white-space", "border", "border-collapse", "border-color",
    "border-style", "border-width", "border-top", "border-bottom", "border-left",
    "border-right", "padding", "width", "height",
}
# Images a body links to on other sites load without telling those sites which page (and
# so which reader's interest) they were shown on; the CSP decides whether they load at all.
BODY_SET_ATTRIBUTES = {"img": {"referrerpolicy": "no-referrer", "loading": "lazy"}}


def sanitize_html(value: str) -> str:
    """``value`` with only BODY_TAGS, BODY_ATTRIBUTES and BODY_STYLE_PROPERTIES kept."""
    cleaned = nh3.clean(value or "", tags=BODY_TAGS, attributes=BODY_ATTRIBUTES,
                        filter_style_properties=BODY_STYLE_PROPERTIES,
                        set_tag_attribute_values=BODY_SET_ATTRIBUTES,
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return _SET_ATTRIBUTE_TAG.sub(_attributes_in_order, cleaned)


# nh3 adds the set attributes in an order that changes from call to call (a hash map's): they
# are put in one order, so that the same body is always the same text (an export read back
# gives the same file, a re-save changes nothing).
_SET_TAGS = "|".join(map(re.escape, BODY_SET_ATTRIBUTES))
_SET_ATTRIBUTE_TAG = re.compile(rf'<({_SET_TAGS})\b(?:[^>"]|"[^"]*")*>')


def _attributes_in_order(match: re.Match) -> str:
    tag = match.group(0)
    forced = [f' {name}="{value}"' for name, value in BODY_SET_ATTRIBUTES[match.group(1)].items()]
    for attribute in forced:
        tag = tag.replace(attribute, "", 1)
    return tag[:-1] + "".join(forced) + ">"


_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"</?(?:p|div|br|li|tr|h[1-6]|table|blockquote)\b[^>]*>", re.I)
_SPACE = re.compile(r"\s+")


def html_to_text(value: str) -> str:
    """Visible text of sanitised HTML, one space between blocks."""
    text = _TAG.sub("", _BLOCK.sub(" ", value or ""))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def reader_text(title: str, abstract: str, body_html: str = "", body_text: str = "") -> str:
    """What a reader reads of a document — title, abstract, body — one paragraph per line.
    数据核验 and the privacy review read this."""
    body = body_text or html_to_text(body_html)
    return "\n".join(filter(None, [title, abstract, body]))


def searchable_body(abstract: str, subject_terms, body_html: str) -> str:
    """A document's body as search and the learned ranking read it: abstract, 主题词 and
    body text (the title is a field of its own)."""
    terms = " ".join(subject_terms or [])
    return " ".join(filter(None, [abstract, terms, html_to_text(body_html)]))
