"""Side-by-side comparison of two texts, changes marked, for the revision compare page.

Chinese has no spaces between words, so changed lines are compared character by character;
unchanged lines are paired as they are. Output is HTML-escaped text with ``<del>`` (left)
and ``<ins>`` (right) around what changed.
"""

import difflib
import html
import re
from dataclasses import dataclass

_BLOCK_END = re.compile(
    r"(?i)<\s*(br|/p|/div|/h[1-6]|/li|/tr|/table|/blockquote|/pre|/section|/article)\b[^>]*>")
_CELL_END = re.compile(r"(?i)<\s*/t[dh]\s*>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v\u3000]+")


_ROW = re.compile(r"(?is)<tr\b[^>]*>(.*?)</tr\s*>")
_CELL = re.compile(r"(?is)<t[dh]\b[^>]*>(.*?)</t[dh]\s*>")


def _row(match) -> str:
    cells = (_SPACE.sub(" ", _TAG.sub(" ", cell)).strip() for cell in _CELL.findall(match.group(1)))
    return "\n" + " | ".join(cells) + "\n"


def html_lines(value: str) -> list[str]:
    """The visible text of ``value``, one line per paragraph, heading, list item or table
    row (cells separated by " | ", whatever paragraphs they hold)."""
    text = _ROW.sub(_row, value or "")
    text = _CELL_END.sub(" | ", text)
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACE.sub(" ", line).strip().rstrip("|").strip() for line in text.split("\n"))
    return [line for line in lines if line]


@dataclass
class Row:
    left: str  # HTML
    right: str  # HTML
    changed: bool


def _marked(a: str, b: str) -> tuple[str, str]:
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = html.escape(a[i1:i2]), html.escape(b[j1:j2])
        if tag == "equal":
            left.append(old)
            right.append(new)
            continue
        if old:
            left.append(f"<del>{old}</del>")
        if new:
            right.append(f"<ins>{new}</ins>")
    return "".join(left), "".join(right)


def side_by_side(old: list[str], new: list[str]) -> list[Row]:
    """Rows pairing ``old`` and ``new`` lines; a line only on one side has "" on the other."""
    rows = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row(html.escape(line), html.escape(line), False) for line in old[i1:i2]]
            continue
        left, right = old[i1:i2], new[j1:j2]
        for k in range(max(len(left), len(right))):
            a = left[k] if k < len(left) else ""
            b = right[k] if k < len(right) else ""
            rows.append(Row(*_marked(a, b), True))
    return rows


def compare_values(old: str, new: str) -> Row:
    """One field's two values, changes marked."""
    if old == new:
        return Row(html.escape(old), html.escape(new), False)
    return Row(*_marked(old, new), True)
