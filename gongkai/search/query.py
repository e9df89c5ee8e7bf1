"""The query language people type, parsed into a small AST that each backend compiles.

    翠竹街道 工作总结          plain words: all must match, best first
    "民生微实事" “政务公开” 《政府信息公开条例》   phrases (straight quotes, 中文引号, 书名号)
    -草稿                     exclusion
    title:总结 标题:总结 文号:国办函 索引号:000014349   field filters

Nothing here is passed to a database as syntax: each backend turns clauses into words with
``segment`` and quotes every word itself (Datasette's escape_fts, by construction), so any
input — unbalanced quotes, NEAR(, *, SQL, emoji, NUL bytes, 10,000 characters — parses.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from .segment import normalize

MAX_QUERY_CHARS = 200  # longer input is cut: no one types more, and cost grows with terms
MAX_CLAUSES = 12

FIELDS = {"title": "title", "标题": "title", "名称": "title",
          "文号": "doc_no", "发文字号": "doc_no", "索引号": "index_no"}
# Opening quote → closing quote. NFKC leaves “” 《》 「」 alone, so they are matched as typed.
QUOTES = {'"': '"', "“": "”", "”": "”", "《": "》", "「": "」", "『": "』", "‘": "’"}

_FIELD_PREFIX = re.compile("({}):".format("|".join(map(re.escape, sorted(FIELDS, key=len, reverse=True)))))


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    field: str | None = None  # None (any field), "title", "doc_no" or "index_no"
    negated: bool = False


@dataclass
class Query:
    raw: str
    clauses: list[Clause] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self) -> list[Clause]:
        return [c for c in self.clauses if c.negated]

    @property
    def text(self) -> str:
        """The query written back in canonical form (what the search box shows)."""
        return " ".join(map(format_clause, self.clauses))

    def without(self, clause: Clause) -> "Query":
        return Query(self.raw, [c for c in self.clauses if c is not clause])

    def __bool__(self) -> bool:
        return bool(self.positive)


def printable(text: str) -> str:
    """``text`` without what no one means to search for: control characters (NUL …), lone
    surrogates, private-use and unassigned code points; cut to MAX_QUERY_CHARS."""
    return "".join(c for c in (text or "")[: MAX_QUERY_CHARS * 4]
                   if unicodedata.category(c) not in ("Cc", "Cs", "Co", "Cn") or c in " \t"
                   )[:MAX_QUERY_CHARS].strip()


def clean(text: str) -> str:
    return normalize(printable(text)).strip()


def parse(text: str) -> Query:
    query = Query(raw=text or "")
    rest = clean(text)
    while rest and len(query.clauses) < MAX_CLAUSES:
        clause, rest = _next_clause(rest)
        if clause and clause.text:
            query.clauses.append(clause)
        rest = rest.lstrip()
    return query


def _next_clause(text: str) -> tuple[Clause | None, str]:
    negated = text[0] == "-" and len(text) > 1 and not text[1].isspace()
    if negated:
        text = text[1:]
    field_name = None
    if match := _FIELD_PREFIX.match(text):
        field_name, text = FIELDS[match.group(1)], text[match.end():]
    if text[:1] in QUOTES:
        close = QUOTES[text[0]]
        end = text.find(close, 1)
        body, rest = (text[1:end], text[end + 1:]) if end > 0 else (text[1:], "")
        return Clause(body.strip(), phrase=True, field=field_name, negated=negated), rest
    word, _, rest = text.partition(" ")
    return Clause(word.strip(), field=field_name, negated=negated), rest


def format_clause(clause: Clause) -> str:
    prefix = "-" if clause.negated else ""
    if clause.field:
        prefix += {"title": "标题", "doc_no": "文号", "index_no": "索引号"}[clause.field] + ":"
    return f'{prefix}"{clause.text}"' if clause.phrase else prefix + clause.text
