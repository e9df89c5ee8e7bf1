"""Chinese segmentation: the one module that knows how text becomes searchable words.

Chosen by measurement (search-measurements.md): rjieba, the Rust port of jieba, segments
~10–30 MB/s against jieba's ~1.5 MB/s with the same words. Documents are cut in *search mode*
(every dictionary word inside a longer word is emitted as well), so 农业 is found inside
中国农业发展银行; queries are cut in precise mode, so each query word is one index token.

A domain dictionary built from the catalogue (agency names and their parts, 主题词, 文号
prefixes) keeps 罗湖区, 翠竹街道 and 民生微实事 whole. Its words live in the database
(``search.Word``), so every worker process segments with the same dictionary; words are only
ever added, because removing one would change how already-indexed text was cut.
"""

import re
import threading
import unicodedata

import rjieba

from gongkai.lib import identifiers

# A token worth indexing has at least one letter, digit or CJK character.
_WORDLIKE = re.compile(r"\w")
# rjieba's search mode emits the 2- and 3-character dictionary words inside a longer word;
# longer ones (翠竹街道 inside 罗湖区翠竹街道办事处) we add ourselves.
_SEARCH_MODE_MAX = 3
MAX_WORD_LENGTH = 40
_PARTS_CACHED = 50_000


def normalize(text: str) -> str:
    """Full-width to half-width (ＡＢＣ１２３ → abc123), compatibility forms folded, lower case.

    NFKC maps each full-width character to exactly one half-width one, so offsets into the
    normalised text are offsets into the original for the characters people search for.
    """
    return unicodedata.normalize("NFKC", text or "").lower()


def is_wordlike(token: str) -> bool:
    return bool(_WORDLIKE.search(token)) and len(token) <= MAX_WORD_LENGTH


class Segmenter:
    """rjieba with the domain dictionary loaded. Safe to share between threads."""

    def __init__(self, words=()):
        self._jieba = rjieba.Jieba()
        self._lock = threading.Lock()
        self.words: set[str] = set()
        # {long word: [(offset, part)]}: the same agency names and terms recur in every
        # document, and finding their parts asks the dictionary about every substring.
        self._parts: dict[str, list[tuple[int, str]]] = {}
        self.add_words(words)

    def add_words(self, words) -> list[str]:
        """Teach the segmenter ``words``; returns the ones it did not know yet."""
        new = []
        for word in words:
            word = normalize(word).strip()
            if 2 <= len(word) <= MAX_WORD_LENGTH and word not in self.words and " " not in word:
                new.append(word)
        with self._lock:
            for word in new:
                self._jieba.add_word(word, None, None)
                self.words.add(word)
            if new:
                self._parts = {}  # a new word may be a part of a long word seen before
        return new

    def index_words(self, text: str) -> list[str]:
        """Words of a document field, in order, each longer word followed by its parts.

        Punctuation and spaces are left in: the FTS5 tokenizer drops them for free, where a
        Python check per token would cost more than the segmentation itself.
        """
        tokens = self._jieba.cut_for_search(normalize(text))
        longer = [i for i, t in enumerate(tokens) if len(t) > _SEARCH_MODE_MAX + 1]
        for i in reversed(longer):  # from the end, so earlier indexes stay valid
            tokens[i + 1:i + 1] = self._long_parts(tokens[i])
        return tokens

    def index_tokens(self, text: str) -> list[tuple[str, int]]:
        """``(word, character offset)`` pairs of the words ``index_words`` gives."""
        out = []
        for token, start, _end in self._jieba.tokenize(normalize(text), "search"):
            if token[0].isalnum():
                out.append((token, start))
                if len(token) > _SEARCH_MODE_MAX + 1:
                    out.extend(self._long_parts(token, start))
        return out

    def query_words(self, text: str) -> list[str]:
        """Precise-mode words of query text (no sub-words), punctuation dropped."""
        return [t for t in self._jieba.cut(normalize(text)) if is_wordlike(t.strip())]

    def phrase_distance(self, words: list[str]) -> int:
        """How many index tokens stand between the first and the last of ``words`` where
        they occur in this order: each word's own parts sit beside it in the index."""
        if len(words) < 2:
            return 0
        before, after = zip(*(self._parts_around(w) for w in words), strict=True)
        return sum(after[:-1]) + sum(before[1:]) + len(words) - 2

    def _parts_around(self, word: str) -> tuple[int, int]:
        tokens = [t for t in self.index_words(word) if is_wordlike(t)]
        at = tokens.index(word) if word in tokens else len(tokens)
        return at, max(0, len(tokens) - at - 1)

    def is_domain_word(self, word: str) -> bool:
        return word in self.words

    def _long_parts(self, word: str, start: int | None = None) -> list:
        """Dictionary words of 4+ characters strictly inside ``word``."""
        if len(word) > MAX_WORD_LENGTH:
            return []
        cache = self._parts  # the one add_words may replace meanwhile is left alone
        parts = cache.get(word)
        if parts is None:
            has_word = self._jieba.has_word
            parts = [(i, word[i:i + size]) for size in range(_SEARCH_MODE_MAX + 1, len(word))
                     for i in range(len(word) - size + 1) if has_word(word[i:i + size])]
            if len(cache) >= _PARTS_CACHED:  # queries bring words too: bounded
                cache.clear()
            cache[word] = parts
        return [part if start is None else (part, start + i) for i, part in parts]


def base_words(text: str) -> list[str]:
    """Precise-mode words with jieba's own dictionary only (no domain words).

    A document indexed before a domain word was learned was cut this way; queries fall back
    to it so that such documents are still found.
    """
    return [t for t in rjieba.cut(normalize(text)) if is_wordlike(t.strip())]


# Agency names are compounds of administrative units: 深圳市 罗湖区 翠竹街道 办事处.
_AGENCY_PARTS = re.compile(
    r".+?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|镇|乡|街道|社区|村)"
    r"(?=.{2,})"
)


def agency_name_words(name: str) -> list[str]:
    """The whole name and its administrative parts: 深圳市罗湖区翠竹街道办事处 gives
    深圳市, 罗湖区, 翠竹街道 and 办事处 as well."""
    name = normalize(name).strip()
    if not name:
        return []
    parts = _AGENCY_PARTS.findall(name)
    rest = name[sum(map(len, parts)):]
    return list(dict.fromkeys([name, *parts, rest]))


def doc_no_prefix(doc_no: str) -> str:
    """机关代字 of a 文号 as a dictionary word (normalised like every indexed word)."""
    return normalize(identifiers.doc_no_prefix(doc_no))
