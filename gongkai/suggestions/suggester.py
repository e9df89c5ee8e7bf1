"""Suggestions for editors: 主题词, 内容概述 and 主题分类, learned from the catalogue itself.

    suggest_terms(text, title, *, k=5, corpus=None) -> list[str]
    suggest_abstract(text, *, max_chars=100) -> str
    suggest_topic(text, title, *, k=5, corpus=None) -> list[tuple[str, float]]

What is learned lives in a ``Suggester``: document frequencies (for IDF), the 主题词 editors
have used and how often a word that occurs in a text was chosen as one, and one centroid
per 主题分类. ``Suggester.from_examples`` builds it from ``(text, title, terms, category)``
tuples (no database: the benchmark builds one per fold); ``catalogue_suggester()`` builds it
from ``Document.objects.published()`` (the newest ``TRAINING_LIMIT``) and keeps it in the
process, learning again at most every ``MAX_AGE`` seconds while the catalogue changes.

Words come from the search segmenter (``gongkai.search.segment``, precise mode, with the
domain dictionary: agency names and their parts, 主题词, 文号 prefixes), so 翠竹街道 and
民生微实事 stay whole wherever the catalogue knows them.

- 主题词: TF-IDF. The IDF blends the catalogue's document frequencies with jieba's bundled
  ``idf.txt`` (worth ``PRIOR_DOCS`` documents), so a small catalogue leans on jieba and a
  large one on itself. Nouns (and verbal nouns) only; numbers, dates, single characters and
  function words dropped; so is generic officialese (通知, 工作, 开展 …) unless this
  catalogue's editors use the word as a 主题词. Words the segmenter breaks up
  (民生/微/实事) are joined again when the same run recurs. Words in the title count extra; words
  editors chose as 主题词 when they occurred in a text are boosted ("keyphraseness").
- 内容概述: TextRank over sentences (IDF-weighted word overlap, lead-biased teleport), the
  best whole sentences that fit in ``max_chars``, in document order; 文号, salutation,
  signature, date and heading lines are not sentences.
- 主题分类: nearest centroid, cosine over TF-IDF vectors (title words counted three times);
  a multinomial naive Bayes is kept beside it for comparison (``method="bayes"``).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import rjieba

from gongkai.lib.identifiers import is_doc_no
from gongkai.lib.topics import normalize_topic_path
from gongkai.search.segment import Segmenter, normalize

__all__ = [
    "Example", "Suggester", "catalogue_suggester", "forget_catalogue_suggester",
    "suggest_abstract", "suggest_terms", "suggest_topic", "summarize",
]

PRIOR_DOCS = 100          # how many documents jieba's IDF is worth next to the catalogue's
TRAINING_LIMIT = 2000     # newest published documents the catalogue model learns from
TEXT_LIMIT = 4000         # characters of each the model reads
MAX_AGE = 600             # seconds a learned model is kept after the catalogue changed
TITLE_WEIGHT = 3          # a title word counts as this many body occurrences
VERB_FACTOR = 0.5         # score multiplier of plain verbs (考察, 批复)
KEYPHRASE_BOOST = 2.0     # score × (1 + boost × keyphraseness)

# Parts of speech a 主题词 may have: nouns, verbal nouns, abbreviations, idioms, unknown words.
_TERM_POS = ("n", "vn", "nz", "nt", "ns", "nr", "ng", "j", "l", "i", "eng", "x", "an")

# Words too common in government prose to describe a document.
GENERIC = frozenset("""
通知 关于 工作 开展 进一步 加强 推进 推动 做好 有关 事项 要求 意见 情况 方面 问题 单位 部门 地方
地区 各地 各级 全国 国家 国务院 办公厅 政府 人民政府 领导 同志 现将 贯彻 落实 执行 实施 印发 转发
请示 报告 决定 方案 规定 办法 组织 建设 发展 管理 服务 机制 体系 制度 措施 任务 目标 重点 基本
原则 主要 重要 相关 有效 积极 认真 切实 全面 深入 不断 坚持 加快 完善 健全 提高 提升 促进 保障
支持 统筹 协调 指导 督促 检查 负责 明确 按照 根据 通过 进行 实现 确保 以上 以下 其他 其中 今年
全年 年度 目前 当前 今后 一个 一批 一些 各项 若干 以来 期间 时期 同时 此外 内容 水平 能力 作用
责任 职责 部署 精神 思想 意见建议 有关部门 各部门 各地区 本地区 附件 联系人 电话
主任 副主任 部长 副部长 院长 副院长 组长 副组长 局长 副局长 主席 副主席 秘书长 副秘书长 成员
人次 万人 万元 亿元 平方米 万平方米 公里 公顷 万亩 单位 个人 办事处 辖区
""".split())

# Function words and pronouns that slip through the tagger.
STOP = frozenset("""
的 了 和 与 及 等 对 在 为 以 将 把 被 并 或 其 该 本 各 之 于 由 从 向 到 是 有 也 都 就 而 及其
以及 或者 并且 如果 因此 但是 可以 应当 不得 必须 我们 你们 他们 这个 这些 那些 上述 下列 如下
""".split())

# Numbers, dates and counted quantities: 2019年, 第二十四届, 157个, 1356.6万元, 100%.
_NUMBERISH = re.compile(
    r"[\d.\-+%％‰/:·〇○零一二三四五六七八九十百千万亿两第年月日时分秒号届次期个项条款章节批级件名人元]+"
)
_DIGIT = re.compile(r"[\d〇○零一二三四五六七八九十百千万亿两]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9\-]*")
# Segments that may join into a word the segmenter broke up (民生/微/实事): nouns.
_NOUN_POS = ("n", "vn", "j")
# Lone characters that end a place name (会同/市/文物) or mark a place (规划/范围/内).
_NOT_IN_WORDS = set("省市县区镇乡村州盟旗部局厅处科内外上下中前后间里")
_ROMAN = re.compile(r"[ivxlc]+")


@dataclass(frozen=True)
class Example:
    """One catalogue document as the learner sees it."""

    text: str
    title: str = ""
    terms: tuple[str, ...] = ()
    category: str = ""


class Scored(NamedTuple):
    word: str
    score: float


# --------------------------------------------------------------------------------------
# Segmentation: the search segmenter, with part-of-speech from rjieba's own dictionary.

def _new_segmenter(words=()) -> Segmenter:
    return Segmenter(words)


@lru_cache(maxsize=200_000)
def _pos(word: str) -> str:
    """Part of speech of a word the segmenter produced; unknown compounds count as nouns."""
    tagged = rjieba.tag(word)
    if len(tagged) == 1:
        return tagged[0][1]
    return "x"


def _is_candidate(word: str) -> bool:
    if word in STOP or (_NUMBERISH.fullmatch(word) and _DIGIT.search(word)):
        return False
    if _CJK.search(word):
        return len(word) >= 2
    return bool(_ASCII_WORD.fullmatch(word)) and len(word) >= 2 and not _ROMAN.fullmatch(word)


def _tokens(segmenter: Segmenter, text: str) -> list[str]:
    return segmenter.query_words(text) if text else []


def _content_words(tokens: list[str]) -> list[str]:
    """Words worth counting for IDF and topics: candidates of any part of speech."""
    return [t for t in tokens if _is_candidate(t)]


# --------------------------------------------------------------------------------------
# IDF: the catalogue's document frequencies with jieba's IDF as a prior.

@cache
def _jieba_idf() -> tuple[dict[str, float], float]:
    """jieba's bundled idf.txt (word → idf) and its median, loaded once per process."""
    import jieba

    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, value = line.rstrip("\n").partition(" ")
            try:
                table[word] = float(value)
            except ValueError:
                continue
    values = sorted(table.values())
    return table, values[len(values) // 2] if values else 10.0


class Idf:
    """idf(w) = -log p(w), p(w) = (df(w) + PRIOR_DOCS · e^-jieba_idf(w)) / (N + PRIOR_DOCS)."""

    def __init__(self, df: Counter, n_docs: int, prior_docs: float = PRIOR_DOCS):
        self.df, self.n_docs, self.prior_docs = df, n_docs, prior_docs
        self._cache: dict[str, float] = {}

    def __call__(self, word: str) -> float:
        value = self._cache.get(word)
        if value is None:
            table, median = _jieba_idf()
            prior = math.exp(-table.get(word, median))
            p = (self.df.get(word, 0) + self.prior_docs * prior) / (self.n_docs + self.prior_docs)
            value = self._cache[word] = -math.log(min(max(p, 1e-12), 1.0))
        return value


# --------------------------------------------------------------------------------------
# The learned state.

class Suggester:
    """What the suggestions learn from a catalogue. Build with ``from_examples``."""

    def __init__(self, segmenter: Segmenter, idf: Idf, chosen: Counter, seen: Counter,
                 chosen_seen: Counter):
        self.segmenter = segmenter
        self.idf = idf
        self.chosen = chosen            # 主题词 → annotated documents that chose it
        self.seen = seen                # 主题词 → annotated documents whose text contains it
        self.chosen_seen = chosen_seen  # 主题词 → … that contain it and chose it
        self.centroids: dict[str, dict[str, float]] = {}  # 主题分类 → unit vector
        self.class_words: dict[str, Counter] = {}  # 主题分类 → word counts (naive Bayes)
        self.class_docs: Counter = Counter()         # 主题分类 → documents
        self._vocabulary = _Vocabulary(chosen)
        self._vocabulary_size = 0
        self.keyphrase_boost = KEYPHRASE_BOOST  # 0 turns the learned 主题词 vocabulary off

    @classmethod
    def from_examples(cls, examples: Iterable, *, words: Iterable[str] = (),
                      segmenter: Segmenter | None = None) -> Suggester:
        """Learn from ``(text, title, terms, category)`` tuples (or ``Example``s, or plain
        texts). ``words`` are extra dictionary words (agency names and their parts); the
        examples' 主题词 are added to the dictionary as the search index does."""
        examples = [_as_example(e) for e in examples]
        if segmenter is None:
            segmenter = _new_segmenter([*words, *(t for e in examples for t in e.terms)])
        df: Counter = Counter()
        vectors: dict[str, list[Counter]] = defaultdict(list)
        for example in examples:
            counts = Counter(_content_words(_tokens(segmenter, example.text)))
            for word in _content_words(_tokens(segmenter, example.title)):
                counts[word] += TITLE_WEIGHT
            df.update(counts.keys())
            if example.category:
                vectors[normalize_topic_path(example.category)].append(counts)
        # Keyphraseness: of the annotated documents whose text contains a 主题词 of the
        # catalogue, how many chose it. Documents without 主题词 say nothing either way.
        annotated = [(e, {normalize(t).strip() for t in e.terms} - {""}) for e in examples]
        annotated = [(e, terms) for e, terms in annotated if terms]
        chosen = Counter(t for _e, terms in annotated for t in terms)
        vocabulary = _Vocabulary(chosen)
        seen: Counter = Counter()
        chosen_seen: Counter = Counter()
        for example, terms in annotated:
            haystack = normalize(f"{example.title}\n{example.text}")
            present = set(_occurrences(haystack, vocabulary))
            seen.update(present)
            chosen_seen.update(present & terms)
        learner = cls(segmenter, Idf(df, len(examples)), chosen, seen, chosen_seen)
        for category, members in vectors.items():
            centroid: Counter = Counter()
            words_in_class: Counter = Counter()
            for counts in members:
                for word, weight in learner._vector(counts).items():
                    centroid[word] += weight
                words_in_class.update(counts)
            learner.centroids[category] = _unit(centroid)
            learner.class_words[category] = words_in_class
            learner.class_docs[category] = len(members)
        return learner

    # -- 主题词 -------------------------------------------------------------------------

    def keyphraseness(self, word: str) -> float:
        """Share of annotated documents containing ``word`` whose editors chose it."""
        chosen = self.chosen_seen.get(word, 0) if self.keyphrase_boost else 0
        return chosen / (self.seen.get(word, 0) + 1) if chosen else 0.0

    def scored_terms(self, text: str, title: str = "") -> list[Scored]:
        text, title = text or "", title or ""
        body_tokens = _tokens(self.segmenter, text)
        title_tokens = _tokens(self.segmenter, title)
        phrases = _repeated_phrases(body_tokens + ["。"] + title_tokens)
        if phrases:
            body_tokens = _merge(body_tokens, phrases)
            title_tokens = _merge(title_tokens, phrases)
        counts: Counter = Counter(t for t in body_tokens if _is_candidate(t))
        in_title: Counter = Counter(t for t in title_tokens if _is_candidate(t))
        # 主题词 this catalogue's editors use, wherever they occur (also inside longer words).
        if self.keyphrase_boost:
            for word in _occurrences(normalize(text), self._vocabulary):
                counts.setdefault(word, 1)
            for word in _occurrences(normalize(title), self._vocabulary):
                in_title[word] = max(in_title[word], 1)
        scored = []
        for word in set(counts) | set(in_title):
            kp = self.keyphraseness(word)
            learned = kp >= 0.5 and self.chosen.get(word, 0) >= 2
            if len(word) < 2 and not learned:
                continue
            pos = _pos(word) if not self.segmenter.is_domain_word(word) else "n"
            if not (pos.startswith(_TERM_POS) or pos == "v" or learned):
                continue
            if word in GENERIC and not learned:
                continue
            tf = math.log1p(counts.get(word, 0)) + TITLE_WEIGHT * math.log1p(in_title.get(word, 0))
            score = tf * self.idf(word) * (1 + self.keyphrase_boost * kp)
            if pos == "v" and not learned:
                score *= VERB_FACTOR
            scored.append(Scored(word, score))
        scored.sort(key=lambda s: (-s.score, s.word))
        return _drop_contained(scored)

    def terms(self, text: str, title: str = "", *, k: int = 5) -> list[str]:
        return [s.word for s in self.scored_terms(text, title)[:max(k, 0)]]

    # -- 主题分类 -----------------------------------------------------------------------

    def _vector(self, counts: Counter) -> dict[str, float]:
        return _unit({w: (1 + math.log(c)) * self.idf(w) for w, c in counts.items() if c > 0})

    def _counts(self, text: str, title: str) -> Counter:
        counts = Counter(_content_words(_tokens(self.segmenter, text or "")))
        for word in _content_words(_tokens(self.segmenter, title or "")):
            counts[word] += TITLE_WEIGHT
        return counts

    def topics(self, text: str, title: str = "", *, k: int = 5,
               method: str = "centroid") -> list[tuple[str, float]]:
        """Ranked 主题分类 paths with a score in [0, 1] (cosine, or naive Bayes posterior);
        [] when no example carries a 主题分类 or the text has no word to go by."""
        counts = self._counts(text, title)
        if not self.centroids or not counts:
            return []
        if method == "bayes":
            ranked = self._bayes(counts)
        else:
            vector = self._vector(counts)
            ranked = [(path, sum(v * centroid.get(w, 0.0) for w, v in vector.items()))
                      for path, centroid in self.centroids.items()]
            ranked = [(path, score) for path, score in ranked if score > 0]
        ranked.sort(key=lambda item: (-item[1], -self.class_docs[item[0]], item[0]))
        return [(path, round(score, 4)) for path, score in ranked[:max(k, 0)]]

    def _bayes(self, counts: Counter, alpha: float = 0.5) -> list[tuple[str, float]]:
        if not self._vocabulary_size:
            self._vocabulary_size = len(set().union(*self.class_words.values()))
        vocabulary = self._vocabulary_size + len(set(counts))
        total_docs = sum(self.class_docs.values())
        logs = {}
        for path, words in self.class_words.items():
            size = sum(words.values()) + alpha * vocabulary
            log = math.log(self.class_docs[path] / total_docs)
            log += sum(c * math.log((words.get(w, 0) + alpha) / size) for w, c in counts.items())
            logs[path] = log
        top = max(logs.values())
        exp = {p: math.exp(v - top) for p, v in logs.items()}
        norm = sum(exp.values())
        return [(p, v / norm) for p, v in exp.items()]


def _as_example(item) -> Example:
    if isinstance(item, Example):
        return item
    if isinstance(item, str):
        return Example(item)
    text, title, terms, category = (list(item) + ["", (), ""])[:4]
    return Example(text or "", title or "", tuple(terms or ()), category or "")


def _unit(weights: dict) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {w: v / norm for w, v in weights.items()} if norm else {}


class _Vocabulary:
    """A set of words and their lengths, for finding them inside text."""

    def __init__(self, words):
        self.words = {w for w in words if w}
        self.lengths = sorted({len(w) for w in self.words})


def _occurrences(text: str, vocabulary: _Vocabulary) -> Counter:
    """How often each vocabulary word occurs in ``text``, also inside longer words."""
    found: Counter = Counter()
    if not vocabulary.words:
        return found
    for i in range(len(text)):
        for size in vocabulary.lengths:
            piece = text[i:i + size]
            if len(piece) < size:
                break
            if piece in vocabulary.words:
                found[piece] += 1
    return found


def _repeated_phrases(tokens: list[str]) -> list[tuple[str, ...]]:
    """Unknown words the segmenter broke up: runs of nouns with a lone noun character inside
    or at the end (民生/微/实事, 专利/代理/师) that recur in the text; most frequent first."""
    runs: Counter = Counter()
    for size in (3, 2):
        for i in range(len(tokens) - size + 1):
            run = tuple(tokens[i:i + size])
            shape = [len(t) == 1 for t in run]
            if shape[0] or not any(shape) or sum(shape) > 1:
                continue
            phrase = "".join(run)
            if len(phrase) > 8 or not all(_CJK.fullmatch(c) for c in phrase):
                continue
            if _DIGIT.search(phrase) or any(t in _NOT_IN_WORDS or t in GENERIC for t in run):
                continue
            if all(_pos(t).startswith(_NOUN_POS) for t in run):
                runs[run] += 1
    kept: list[tuple[str, ...]] = []
    for run, n in sorted(runs.items(), key=lambda item: (-item[1], -len(item[0]))):
        if n < 2:
            continue
        # A run overlapping a kept one that is as frequent adds nothing.
        if any(_overlaps(run, other) and runs[other] >= n for other in kept):
            continue
        kept.append(run)
    return kept


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1)):
        return True
    return any(a[-k:] == b[:k] or b[-k:] == a[:k] for k in range(1, min(len(a), len(b))))


def _merge(tokens: list[str], phrases: list[tuple[str, ...]]) -> list[str]:
    """``tokens`` with each occurrence of a phrase's segments replaced by the phrase."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for run in phrases:
            if tuple(tokens[i:i + len(run)]) == run:
                out.append("".join(run))
                i += len(run)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _drop_contained(scored: list[Scored]) -> list[Scored]:
    """A shorter word inside a better-scored longer one adds nothing (翠竹 after 翠竹街道)."""
    kept: list[Scored] = []
    for item in scored:
        if any(item.word in k.word for k in kept):
            continue
        kept.append(item)
    return kept


# --------------------------------------------------------------------------------------
# The catalogue model, rebuilt when the catalogue changes.

_lock = threading.Lock()
_cached: tuple[tuple, float, Suggester] | None = None  # (catalogue state, built at, learner)


def catalogue_examples(limit: int = TRAINING_LIMIT) -> list[Example]:
    """The newest ``limit`` published documents as examples (topic paths where set)."""
    from gongkai.documents.models import Document
    from gongkai.lib.html import html_to_text

    documents = (Document.objects.published().newest_first()
                 .select_related("topic__parent")[:limit])
    return [Example(text="\n".join(filter(None, [d.abstract, html_to_text(d.body)]))[:TEXT_LIMIT],
                    title=d.title, terms=tuple(d.subject_terms or ()),
                    category=d.topic.path if d.topic_id else "")
            for d in documents]


def catalogue_suggester(*, max_age: float = MAX_AGE) -> Suggester:
    """A ``Suggester`` learned from the published catalogue, kept in this process.

    Learning takes about a second per megabyte of text, so a changed catalogue is learned
    again only once the kept one is ``max_age`` seconds old (0: whenever it changed);
    suggestions a few minutes behind the catalogue are harmless.
    """
    global _cached
    from django.db.models import Count, Max

    from gongkai.documents.models import Document
    from gongkai.search.dictionary import get_segmenter

    state = Document.objects.published().aggregate(n=Count("id"), last=Max("updated_at"))
    key = (state["n"], state["last"])
    with _lock:
        if _cached is not None:
            cached_key, built_at, learner = _cached
            if cached_key == key or time.monotonic() - built_at < max_age:
                return learner
    learner = Suggester.from_examples(catalogue_examples(), segmenter=get_segmenter())
    with _lock:
        _cached = (key, time.monotonic(), learner)
    return learner


def forget_catalogue_suggester() -> None:
    """Drop the kept model: the next suggestion learns the catalogue again (tests, imports)."""
    global _cached
    with _lock:
        _cached = None


def _learner(corpus) -> Suggester:
    if isinstance(corpus, Suggester):
        return corpus
    if corpus is None:
        return catalogue_suggester()
    return Suggester.from_examples(corpus)


# --------------------------------------------------------------------------------------
# The three suggestions.

def suggest_terms(text: str, title: str = "", *, k: int = 5, corpus=None) -> list[str]:
    """Up to ``k`` 主题词 for a document, best first.

    ``corpus``: a ``Suggester``, or examples/texts to learn from; by default the published
    catalogue (``catalogue_suggester()``).
    """
    return _learner(corpus).terms(text, title, k=k)


def suggest_topic(text: str, title: str = "", *, k: int = 5, corpus=None,
                  method: str = "centroid") -> list[tuple[str, float]]:
    """Up to ``k`` ``(主题分类 path, score)`` pairs, best first; [] when no document of the
    catalogue (or ``corpus``) carries a 主题分类."""
    return _learner(corpus).topics(text, title, k=k, method=method)


# 内容概述 --------------------------------------------------------------------------------

_SENTENCE_END = "。！？!?"
_DATE_LINE = re.compile(
    r"^[(（]?[\d〇○Ｏ零一二三四五六七八九十]{2,4}\s*年[\d〇○零一二三四五六七八九十]{1,3}\s*月"
    r"[\d〇○零一二三四五六七八九十]{1,3}\s*日[)）]?$")
_ADDRESSEES = re.compile(
    r"人民政府|各部委|直属机构|各有关|有关单位|各单位|各部门|各区|各县|各镇|各街道|各社区|各委|各办|各局|"
    r"委员会|局|厅|办公室|同志|总局|部、|省、|市、")
_SALUTATION = re.compile(r"^([^。！？；：:\n]{2,120})[：:]")
_ENUMERATOR = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[条章节款]|[一二三四五六七八九十]+[、是]|"
    r"[(（][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*(?:[.、．](?!\d)|[\s\u3000]+))[\s\u3000]*")
_PURPOSE = re.compile(r"^(?:为了?|根据|按照|经)[^。！？]{4,}[，,]")
_LEAD_IN = re.compile(r"^[^。！？]*?如下[：:]")
_PUBLISH_NOTE = re.compile(r"^[(（][^()（）]*(?:公开发布|公开|印发|删减)[^()（）]*[)）]")


def _salutation(line: str) -> str:
    """The addressee prefix of ``line`` ("各省、自治区、直辖市人民政府，国务院各部委：")."""
    match = _SALUTATION.match(line)
    if match and _ADDRESSEES.search(match.group(1)) and "。" not in match.group(1):
        return match.group(0)
    return ""


def _sentences(text: str, max_chars: int) -> list[str]:
    """The sentences of ``text`` that could stand in a summary, in order."""
    out = []
    for raw in (text or "").splitlines():
        line = raw.strip().strip("\u3000\xa0 ")
        if not line or is_doc_no(line) or _DATE_LINE.match(line):
            continue
        line = line[len(_salutation(line)):].strip()
        for sentence in re.findall(r"[^。！？!?]+[。！？!?]?", line):
            sentence = sentence.strip()
            if sentence[-1:] not in _SENTENCE_END:
                # A heading, signature or title line, unless it reads like prose.
                if len(sentence) < 30 or not re.search("[，,]", sentence):
                    continue
                sentence += "。"
            parts = [sentence]
            if len(sentence) > max_chars:  # a long sentence: its ；-clauses may stand alone
                parts = [p.strip() for p in re.findall(r"[^；;]+[；;]?", sentence[:-1])]
                parts = [p[:-1] + "。" if p[-1:] in "；;" else p + sentence[-1] for p in parts]
            for part in parts:
                part = _PUBLISH_NOTE.sub("", _ENUMERATOR.sub("", part)).strip()
                part = _LEAD_IN.sub("", part)  # 现函复如下：/ 现将有关事项通知如下：
                if len(_CJK.findall(part)) >= 8 and part[-2:-1] not in ("：", ":"):
                    out.append(part)
    return out


def suggest_abstract(text: str, *, max_chars: int = 100) -> str:
    """A 内容概述 of at most ``max_chars`` characters: whole sentences of ``text`` chosen by
    TextRank, in document order. When no sentence fits, the best one is cut at its last
    clause boundary (，) that fits and closed with 。; "" when the text has no sentence."""
    return summarize(text, max_chars=max_chars)[0]


def summarize(text: str, *, max_chars: int = 100) -> tuple[str, bool]:
    """``suggest_abstract`` and whether it is made of whole sentences."""
    sentences = _sentences(text, max_chars)
    if not sentences or max_chars <= 0:
        return "", True
    ranks = _textrank(sentences)
    for i, sentence in enumerate(sentences[:20]):
        if _PURPOSE.match(sentence):  # 为……，制定本条例 / 现就……通知如下: what it is for
            ranks[i] *= 2
            break
    order = sorted(range(len(sentences)), key=lambda i: (-ranks[i], i))
    chosen: list[int] = []
    used = 0
    for i in order[:50]:
        size = len(sentences[i])
        if used + size > max_chars:
            continue
        if any(_overlap(sentences[i], sentences[j]) > 0.5 for j in chosen):
            continue
        chosen.append(i)
        used += size
        if len(chosen) == 3:
            break
    if chosen:
        return "".join(sentences[i] for i in sorted(chosen)), True
    best = sentences[order[0]]
    cut = max(best.rfind("，", 0, max_chars), best.rfind(",", 0, max_chars))
    return (best[:cut] + "。" if cut > 0 else ""), False


def _sentence_words(sentence: str) -> set[str]:
    return {w for w in rjieba.cut(normalize(sentence)) if _is_candidate(w) and w not in GENERIC}


def _overlap(a: str, b: str) -> float:
    wa, wb = _sentence_words(a), _sentence_words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _textrank(sentences: list[str], damping: float = 0.85, rounds: int = 30) -> list[float]:
    """PageRank over sentences linked by IDF-weighted shared words; the teleport favours
    early sentences (government documents state their purpose first)."""
    table, median = _jieba_idf()
    bags = [_sentence_words(s) for s in sentences]
    n = len(sentences)
    teleport = [1 / math.sqrt(i + 1) for i in range(n)]
    total = sum(teleport)
    teleport = [t / total for t in teleport]
    links: list[dict[int, float]] = [{} for _ in range(n)]
    index: dict[str, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for word in bag:
            index[word].append(i)
    for word, where in index.items():
        if len(where) < 2 or len(where) > max(20, n // 2):
            continue
        weight = table.get(word, median)
        for a in where:
            for b in where:
                if a != b:
                    links[a][b] = links[a].get(b, 0.0) + weight
    for i, edges in enumerate(links):
        for j in edges:
            edges[j] /= math.log(len(bags[i]) + 2) + math.log(len(bags[j]) + 2)
    out_sum = [sum(edges.values()) for edges in links]
    rank = teleport[:]
    for _ in range(rounds):
        new = [(1 - damping) * t for t in teleport]
        dangling = sum(rank[i] for i in range(n) if not out_sum[i])
        for i, edges in enumerate(links):
            if out_sum[i]:
                for j, w in edges.items():
                    new[j] += damping * rank[i] * w / out_sum[i]
        for j in range(n):
            new[j] += damping * dangling * teleport[j]
        rank = new
    return rank
