"""Ranking that learns from answered questions (pure Python and numpy, no Django).

Citizens ask in their own words (老公欠的网贷要我还吗); documents speak the law's words
(配偶, 夫妻共同债务, 借款). Plain BM25 cannot bridge that gap; stored question→document pairs
can. From the pairs and the published documents the ``Model`` learns:

- **term translation / query expansion**: for each word of past questions, the document words
  that its answers contain far more often than documents at large (a lift-weighted
  conditional probability, P(w in answer | u in question) against P(w in a document)), so
  老公 expands to 配偶 and 网贷 to 借款;
- **document priors**: how often a document — and the statute or group it belongs to — has
  answered questions;
- **similar past questions**: the nearest stored questions (TF-IDF cosine) vote for their
  answers, for the groups of their answers, and — through the answers — for the documents
  filed next to them in the same group (the neighbouring articles of a statute);
- **a re-ranker**: a linear model over these features, the BM25 evidence and their pairwise
  products, fitted with a listwise (softmax) loss on out-of-fold features of the stored pairs
  themselves, so nothing is ever tuned to the questions it is later asked.

At query time ``Model.rerank(query, hits, docs=…)`` takes the backend's BM25 candidates
(``[(id, score), …]``, best first), adds the documents similar questions point to and their
neighbours, and returns every candidate re-scored, best first. ``Model.expand(query)``
gives the weighted expanded query for a second, recall-oriented candidate search. What the
model needs to know about a candidate comes from ``DocView``s, made by ``doc_view`` from a
document's title and text with the same ``Analyzer`` everywhere (refresh, bench, hook).
"""

from __future__ import annotations

import collections
import json
import math
import re
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gongkai.search.segment import Segmenter, is_wordlike

FORMAT = 1
K1, B = 1.5, 0.75  # BM25 (rank-bm25's BM25Okapi defaults; not tuned)
IDF_FLOOR = 0.25  # rank-bm25's epsilon: negative idf becomes this share of the mean idf
DEPTH = 100  # candidates taken from each list
NEIGHBOURS = 100  # similar past questions consulted
NEIGHBOUR_DOCS = 150  # documents similar questions may add to the candidates
ADJACENT_SEEDS = 20  # the best-voted documents whose neighbours in their group join too
ADJACENT_REACH = 2  # … that many ids either side (the articles around an answer)
EXPANSIONS = 5  # expansion words kept per question word
EXPANSION_MIN = 2  # co-occurrences needed before a word pair is believed
EXPANSION_LIFT = 5.0  # P(w in answer | u in question) must exceed P(w in a document) this much
EXPANSION_WEIGHT = 0.3
INNER_FOLDS = 5
MAX_QUERY_TERMS = 64

# 中华人民共和国民法典第五十四条 → 中华人民共和国民法典: an article belongs to its statute.
_ARTICLE = re.compile(r"第[零〇一二三四五六七八九十百千万\d]+条(?:之[一二三四五六七八九十]+)?$")


# Numbers and cross-references (第一千, 百五十, 第七) say nothing about what a question means.
_NUMERAL = re.compile(r"^第?[零〇一二三四五六七八九十百千万亿两\d.]+[条款项章节编]?$")


def is_numeral(term: str) -> bool:
    return bool(_NUMERAL.match(term))


def group_key(title: str) -> str:
    """What a document belongs to, for group priors: the statute of an article (its title
    without 第X条); any other document is its own group."""
    title = (title or "").strip()
    return _ARTICLE.sub("", title) or title


class Analyzer:
    """Text → index terms: the words ``gongkai.search.segment`` indexes (rjieba search mode,
    punctuation dropped), for questions and documents alike: measured on STARD, that beats
    precise mode (docs/benchmarks-relevance.md). The plain jieba dictionary only, so a
    model's statistics never drift with the domain dictionary."""

    def __init__(self):
        self._segmenter = Segmenter()
        self._lock = threading.Lock()

    def terms(self, text: str) -> list[str]:
        with self._lock:  # rjieba objects are not documented as thread-safe
            tokens = self._segmenter.index_words(text or "")
        return [t for t in tokens if is_wordlike(t)]


_analyzer: Analyzer | None = None


def analyzer() -> Analyzer:
    global _analyzer
    if _analyzer is None:
        _analyzer = Analyzer()
    return _analyzer


@dataclass
class DocView:
    """What ranking knows about one document."""

    id: int
    group: str
    tf: dict[str, int]
    length: int
    title_terms: frozenset[str] = frozenset()


def doc_view(doc_id: int, title: str, text: str, terms: list[str] | None = None) -> DocView:
    """The DocView of a document: ``text`` is its searchable plain text (body), ``title``
    gives its group and title words. ``terms`` may pass ``analyzer().terms(text)`` if known."""
    terms = analyzer().terms(text) if terms is None else terms
    return DocView(id=doc_id, group=group_key(title), tf=dict(collections.Counter(terms)),
                   length=len(terms), title_terms=frozenset(analyzer().terms(group_key(title))))


# -- corpus statistics and an in-memory BM25 index -------------------------------------------

@dataclass
class CorpusStats:
    n_docs: int
    avg_len: float
    df: dict[str, int]  # terms in at least two documents; others count as one
    mean_idf: float

    @classmethod
    def from_views(cls, views: Sequence[DocView]) -> CorpusStats:
        df = collections.Counter()
        total = 0
        for view in views:
            df.update(view.tf.keys())
            total += view.length
        n = max(1, len(views))
        idfs = [math.log((n - d + 0.5) / (d + 0.5)) for d in df.values()]
        mean_idf = sum(idfs) / len(idfs) if idfs else 0.0
        return cls(n_docs=n, avg_len=total / n or 1.0,
                   df={t: d for t, d in df.items() if d > 1}, mean_idf=mean_idf)

    def idf(self, term: str) -> float:
        d = self.df.get(term, 1)
        value = math.log((self.n_docs - d + 0.5) / (d + 0.5))
        return value if value >= 0 else IDF_FLOOR * self.mean_idf

    def bm25(self, weights: Mapping[str, float], view: DocView) -> float:
        norm = K1 * (1 - B + B * view.length / self.avg_len)
        score = 0.0
        for term, weight in weights.items():
            tf = view.tf.get(term)
            if tf:
                score += weight * self.idf(term) * tf * (K1 + 1) / (tf + norm)
        return score


class BM25Index:
    """BM25 over DocViews with numpy postings: the same scores as rank-bm25's BM25Okapi
    (checked by bench/relevance.py), fast enough to rank 100,000 documents per query in
    milliseconds. Used to make training candidates at refresh time, and by the benchmark as
    the stand-in for the search backend."""

    def __init__(self, views: Sequence[DocView], stats: CorpusStats | None = None):
        self.ids = np.array([v.id for v in views], dtype=np.int64)
        self.stats = stats or CorpusStats.from_views(views)
        vocab: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.array([v.length for v in views], dtype=np.float64)
        for col, view in enumerate(views):
            for term, tf in view.tf.items():
                rows.append(vocab.setdefault(term, len(vocab)))
                cols.append(col)
                tfs.append(tf)
        rows_a = np.array(rows, dtype=np.int64)
        order = np.argsort(rows_a, kind="stable")
        self.docs = np.array(cols, dtype=np.int32)[order]
        tf_a = np.array(tfs, dtype=np.float64)[order]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(rows_a, minlength=len(vocab)))])
        norm = K1 * (1 - B + B * lengths / self.stats.avg_len)
        self.weights = tf_a * (K1 + 1) / (tf_a + norm[self.docs])
        self.vocab = vocab
        df = np.diff(self.indptr).astype(np.float64)
        n = len(views)
        idf = np.log((n - df + 0.5) / (df + 0.5))
        self.idf = np.where(idf < 0, IDF_FLOOR * (idf.mean() if len(idf) else 0.0), idf)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, weights: Mapping[str, float]) -> np.ndarray:
        cols, values = [], []
        for term, weight in weights.items():
            i = self.vocab.get(term)
            if i is not None:
                a, b = self.indptr[i], self.indptr[i + 1]
                cols.append(self.docs[a:b])
                values.append(self.weights[a:b] * (self.idf[i] * weight))
        if not cols:
            return np.zeros(len(self.ids))
        return np.bincount(np.concatenate(cols), weights=np.concatenate(values),
                           minlength=len(self.ids))

    def search(self, weights: Mapping[str, float], k: int = DEPTH) -> list[tuple[int, float]]:
        """The ``k`` best ``(id, score)`` with a positive score, best first."""
        scores = self.scores(weights)
        k = min(k, len(scores))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]


def query_weights(terms: Iterable[str]) -> dict[str, float]:
    """Query terms with their counts (BM25 adds a term once per occurrence)."""
    counts = collections.Counter(list(terms)[:MAX_QUERY_TERMS * 4])
    return {t: float(c) for t, c in counts.most_common(MAX_QUERY_TERMS)}


# -- what is learned from the pairs ------------------------------------------------------------

FEATURES = (
    "bm25", "bm25_log", "bm25_rank", "expanded", "expanded_rank", "title",
    "similar_doc", "similar_group", "doc_prior", "group_prior", "group_share",
    "adjacent",
    "from_bm25", "from_expanded", "from_similar", "from_adjacent",
)
# Feature groups, for ablations (bench/relevance.py) and for models trained without pairs.
FEATURE_GROUPS = {
    "bm25": ("bm25", "bm25_log", "bm25_rank", "from_bm25", "title"),
    "expansion": ("expanded", "expanded_rank", "from_expanded"),
    "priors": ("doc_prior", "group_prior", "group_share"),
    "similar": ("similar_doc", "similar_group", "from_similar"),
    "adjacent": ("adjacent", "from_adjacent"),
}
SOURCES = ("from_bm25", "from_expanded", "from_similar", "from_adjacent")
# Pairwise products of these join the features, so a linear scorer can learn that, say, BM25
# evidence counts for more inside the statute similar questions point to.
_INTERACTING = ("bm25", "expanded", "similar_doc", "similar_group", "group_share", "adjacent",
                "doc_prior", "title", "bm25_rank", "expanded_rank")
BASE_FEATURES = FEATURES
INTERACTIONS = tuple((a, b) for i, a in enumerate(_INTERACTING) for b in _INTERACTING[i + 1:])
FEATURES = BASE_FEATURES + tuple(f"{a}*{b}" for a, b in INTERACTIONS)
_PAIR_COLUMNS = (np.array([BASE_FEATURES.index(a) for a, _ in INTERACTIONS]),
                 np.array([BASE_FEATURES.index(b) for _, b in INTERACTIONS]))


def with_interactions(base: np.ndarray) -> np.ndarray:
    left, right = _PAIR_COLUMNS
    return np.hstack([base, base[:, left] * base[:, right]])


@dataclass
class Pair:
    question: str
    answers: list[int]  # document ids


class Knowledge:
    """Everything learned from a set of pairs: priors, similar-question index, expansions."""

    def __init__(self, pairs: Sequence[tuple[list[str], list[int]]], groups: Mapping[int, str],
                 answer_views: Mapping[int, DocView], stats: CorpusStats):
        """``pairs``: (question terms, answer ids); ``groups``: answer id → group."""
        self.n_questions = len(pairs)
        self.doc_prior: dict[int, int] = collections.Counter()
        self.group_prior: dict[str, int] = collections.Counter()
        self.answers: list[list[int]] = []
        self.groups = dict(groups)
        for _, answers in pairs:
            answers = list(dict.fromkeys(answers))
            self.answers.append(answers)
            self.doc_prior.update(answers)
            self.group_prior.update({self.groups[a] for a in answers})
        # Similar questions: TF-IDF (sublinear tf) cosine, idf over the stored questions.
        df = collections.Counter(t for terms, _ in pairs for t in set(terms))
        n = len(pairs)
        self.question_idf = {t: math.log((n + 1) / (d + 0.5)) for t, d in df.items()}
        self.unseen_idf = math.log((n + 1) / 0.5)
        self.postings: dict[str, list[tuple[int, float]]] = collections.defaultdict(list)
        for j, (terms, _) in enumerate(pairs):
            for term, weight in self._vector(terms).items():
                self.postings[term].append((j, weight))
        self.postings = dict(self.postings)
        self.expansions = self._learn_expansions(pairs, answer_views, stats)

    def _vector(self, terms) -> dict[str, float]:
        counts = collections.Counter(terms)
        vec = {t: (1 + math.log(c)) * self.question_idf.get(t, self.unseen_idf)
               for t, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {t: x / norm for t, x in vec.items()}

    @staticmethod
    def _learn_expansions(pairs, answer_views, stats) -> dict[str, list[tuple[str, float]]]:
        with_term: collections.Counter = collections.Counter()
        together: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for terms, answers in pairs:
            answer_terms = set()
            for a in answers:
                if a in answer_views:
                    answer_terms.update(answer_views[a].tf)
            if not answer_terms:
                continue
            for u in set(terms):
                with_term[u] += 1
                together[u].update(answer_terms)
        expansions = {}
        for u, n_u in with_term.items():
            if n_u < EXPANSION_MIN or is_numeral(u):
                continue
            found = []
            for w, n_uw in together[u].items():
                if n_uw < EXPANSION_MIN or w == u or is_numeral(w):
                    continue
                p = n_uw / n_u
                base = (stats.df.get(w, 1) + 1) / stats.n_docs
                if p > EXPANSION_LIFT * base:
                    found.append((p * math.log(p / base), w))
            found.sort(key=lambda x: (-x[0], x[1]))
            if found:
                expansions[u] = [(w, round(s, 6)) for s, w in found[:EXPANSIONS]]
        return expansions

    def similar(self, terms, k: int = NEIGHBOURS) -> list[tuple[int, float]]:
        """Nearest stored questions: (index, cosine), best first."""
        sims: dict[int, float] = collections.defaultdict(float)
        for term, weight in self._vector(terms).items():
            for j, w in self.postings.get(term, ()):
                sims[j] += weight * w
        return sorted(sims.items(), key=lambda x: (-x[1], x[0]))[:k]

    def expand(self, terms) -> dict[str, float]:
        weights = dict(query_weights(terms))
        for u in list(weights):
            for w, score in self.expansions.get(u, ()):
                weights[w] = weights.get(w, 0.0) + EXPANSION_WEIGHT * score
        return weights

    def votes(self, terms) -> tuple[dict[int, float], dict[str, float]]:
        """Similar questions' votes for documents and groups (squared cosine, normalised)."""
        neighbours = self.similar(terms)
        total = sum(s * s for _, s in neighbours) or 1.0
        docs: dict[int, float] = collections.defaultdict(float)
        groups: dict[str, float] = collections.defaultdict(float)
        for j, s in neighbours:
            for a in self.answers[j]:
                docs[a] += s * s / total
            for g in {self.groups[a] for a in self.answers[j]}:
                groups[g] += s * s / total
        return docs, groups

    # -- (de)serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "n_questions": self.n_questions, "answers": self.answers,
            "groups": {str(k): v for k, v in self.groups.items()},
            "question_idf": self.question_idf, "unseen_idf": self.unseen_idf,
            "postings": self.postings, "expansions": self.expansions,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Knowledge:
        self = cls.__new__(cls)
        self.n_questions = data["n_questions"]
        self.answers = data["answers"]
        self.groups = {int(k): v for k, v in data["groups"].items()}
        self.doc_prior = collections.Counter(a for answers in self.answers for a in answers)
        self.group_prior = collections.Counter(
            g for answers in self.answers for g in {self.groups[a] for a in answers})
        self.question_idf = data["question_idf"]
        self.unseen_idf = data["unseen_idf"]
        self.postings = {t: [tuple(x) for x in v] for t, v in data["postings"].items()}
        self.expansions = {t: [tuple(x) for x in v] for t, v in data["expansions"].items()}
        return self


# -- the model -------------------------------------------------------------------------------

DocSource = Callable[[Sequence[int]], Mapping[int, DocView]]


@dataclass
class Candidates:
    ids: list[int]
    features: np.ndarray  # len(ids) × len(FEATURES)


@dataclass
class Model:
    stats: CorpusStats
    knowledge: Knowledge | None = None
    weights: np.ndarray = field(default_factory=lambda: default_weights())
    bias: float = 0.0
    version: str = field(default_factory=lambda: uuid.uuid4().hex)
    info: dict = field(default_factory=dict)

    @property
    def n_questions(self) -> int:
        return self.knowledge.n_questions if self.knowledge else 0

    # -- the two calls the search hook makes ---------------------------------------------------

    def expand(self, query: str | list[str]) -> dict[str, float]:
        """The query's terms (weight = count) plus learned expansions (老公 → 配偶 …)."""
        terms = analyzer().terms(query) if isinstance(query, str) else query
        if self.knowledge is None:
            return query_weights(terms)
        return self.knowledge.expand(terms)

    def rerank(self, query: str, hits: Sequence[tuple[int, float]], *, docs: DocSource,
               expanded_hits: Sequence[tuple[int, float]] = (), add: bool = True,
               ) -> list[tuple[int, float]]:
        """``hits`` (BM25 candidates, best first) re-scored, best first.

        More candidates join: ``expanded_hits`` from the caller (a search for
        ``expand(query)``), and when ``add``, the documents similar past questions were
        answered with and the documents filed next to those in the same group (neighbouring
        articles).
        ``docs(ids)`` gives the DocViews of those ids that may be shown (others are
        dropped)."""
        terms = analyzer().terms(query)
        cands = self.candidates(terms, hits, expanded_hits, docs=docs, add=add)
        if not cands.ids:
            return []
        scores = cands.features @ self.weights + self.bias
        order = np.lexsort((np.arange(len(cands.ids)), -scores))
        return [(cands.ids[i], float(scores[i])) for i in order]

    # -- features ------------------------------------------------------------------------------

    def candidates(self, terms: list[str], hits, expanded_hits=(), *, docs: DocSource,
                   add: bool = True, knowledge: Knowledge | None = None) -> Candidates:
        knowledge = knowledge if knowledge is not None else self.knowledge
        query = query_weights(terms)
        expanded = knowledge.expand(terms) if knowledge else query
        doc_votes, group_votes = knowledge.votes(terms) if knowledge else ({}, {})
        bm25_rank = {d: r for r, (d, _) in enumerate(hits[:DEPTH])}
        expanded_rank = {d: r for r, (d, _) in enumerate(expanded_hits[:DEPTH])}
        similar, adjacent = [], {}
        if add and doc_votes:
            voted = sorted(doc_votes, key=lambda d: (-doc_votes[d], d))
            similar = voted[:NEIGHBOUR_DOCS]
            adjacent = self._adjacent(voted[:ADJACENT_SEEDS], doc_votes, docs)
        ids = list(dict.fromkeys([*bm25_rank, *expanded_rank, *similar, *adjacent]))
        views = docs(ids)
        ids = [d for d in ids if d in views]
        if not ids:
            return Candidates([], np.zeros((0, len(FEATURES))))
        stats = self.stats
        bm25 = np.array([stats.bm25(query, views[d]) for d in ids])
        exp = np.array([stats.bm25(expanded, views[d]) for d in ids])
        n_q = knowledge.n_questions if knowledge else 0
        doc_prior = knowledge.doc_prior if knowledge else {}
        group_prior = knowledge.group_prior if knowledge else {}
        query_set = set(terms)
        rows = []
        bm25_max, exp_max = bm25.max() or 1.0, exp.max() or 1.0
        missing = 2 * DEPTH
        for k, d in enumerate(ids):
            view = views[d]
            g = view.group
            title = (len(view.title_terms & query_set) / len(view.title_terms)
                     if view.title_terms else 0.0)
            rows.append((
                bm25[k] / bm25_max, math.log1p(bm25[k]),
                1 / math.log2(bm25_rank.get(d, missing) + 2),
                exp[k] / exp_max, 1 / math.log2(expanded_rank.get(d, missing) + 2),
                title,
                doc_votes.get(d, 0.0), group_votes.get(g, 0.0),
                math.log1p(doc_prior.get(d, 0)), math.log1p(group_prior.get(g, 0)),
                math.log((group_prior.get(g, 0) + 0.5) / (n_q + 1)),
                adjacent.get(d, 0.0),
                float(d in bm25_rank), float(d in expanded_rank), float(d in doc_votes),
                float(d in adjacent),
            ))
        return Candidates(ids, with_interactions(np.array(rows, dtype=np.float64)))

    @staticmethod
    def _adjacent(seeds, doc_votes, docs) -> dict[int, float]:
        """Documents within ADJACENT_REACH ids of a seed and in its group (the articles
        around an answer), scored by the seed's vote over the distance."""
        near = {d + off for d in seeds for off in range(-ADJACENT_REACH, ADJACENT_REACH + 1)
                if off and d + off > 0}
        views = docs(sorted(near | set(seeds)))
        out: dict[int, float] = {}
        for d in seeds:
            if d not in views:
                continue
            for off in range(-ADJACENT_REACH, ADJACENT_REACH + 1):
                n = d + off
                if off and n in views and views[n].group == views[d].group:
                    out[n] = out.get(n, 0.0) + doc_votes[d] / abs(off)
        return out

    # -- (de)serialisation ---------------------------------------------------------------------

    def dumps(self) -> bytes:
        data = {
            "format": FORMAT, "version": self.version, "info": self.info,
            "stats": {"n_docs": self.stats.n_docs, "avg_len": self.stats.avg_len,
                      "mean_idf": self.stats.mean_idf, "df": self.stats.df},
            "knowledge": self.knowledge.to_dict() if self.knowledge else None,
            "features": list(FEATURES), "weights": self.weights.tolist(), "bias": self.bias,
        }
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)

    @classmethod
    def loads(cls, blob: bytes) -> Model:
        data = json.loads(zlib.decompress(blob))
        if data.get("format") != FORMAT or data.get("features") != list(FEATURES):
            raise ValueError("model was saved in another format; refresh it")
        s = data["stats"]
        stats = CorpusStats(n_docs=s["n_docs"], avg_len=s["avg_len"], df=s["df"],
                            mean_idf=s["mean_idf"])
        knowledge = Knowledge.from_dict(data["knowledge"]) if data["knowledge"] else None
        return cls(stats=stats, knowledge=knowledge, weights=np.array(data["weights"]),
                   bias=data["bias"], version=data["version"], info=data["info"])


def default_weights() -> np.ndarray:
    """Without pairs: plain BM25 order."""
    w = np.zeros(len(FEATURES))
    w[FEATURES.index("bm25")] = 1.0
    return w


def few_pairs_weights() -> np.ndarray:
    """Too few pairs to fit weights on: BM25, helped by what the pairs say."""
    w = default_weights()
    for name, value in {"expanded": 0.5, "similar_doc": 1.0, "similar_group": 0.2}.items():
        w[FEATURES.index(name)] = value
    return w


# -- training ----------------------------------------------------------------------------------

@dataclass
class TrainingData:
    """Out-of-fold candidate features of the stored pairs: what the weights are fitted on."""

    features: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)


def fit_weights(data: TrainingData, mask: Sequence[str] | None = None, *, l2: float = 1e-3,
                steps: int = 300) -> tuple[np.ndarray, float]:
    """A linear scorer maximising the softmax likelihood of the answers among each
    question's candidates (ListNet-style), by Adam on standardised features; ``mask`` keeps
    only the named features (the others get weight 0)."""
    keep = np.array([mask is None or f in mask for f in FEATURES])
    lists = [(x[:, keep], y) for x, y in zip(data.features, data.labels, strict=True) if y.any()]
    if not lists:
        return default_weights(), 0.0
    stacked = np.vstack([x for x, _ in lists])
    mu, sd = stacked.mean(0), stacked.std(0) + 1e-9
    lists = [((x - mu) / sd, y / y.sum()) for x, y in lists]
    w = np.zeros(keep.sum())
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, steps + 1):
        grad = np.zeros_like(w)
        for x, target in lists:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += x.T @ (p - target)
        grad = grad / len(lists) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    weights = np.zeros(len(FEATURES))
    weights[keep] = w / sd
    return weights, float(-(mu / sd) @ w)


def train(pairs: Sequence[Pair], index: BM25Index, views: Mapping[int, DocView], *,
          folds: int = INNER_FOLDS, seed: int = 0, keep_training_data: bool = False,
          progress: Callable[[str], None] | None = None) -> Model:
    """Learn a Model from ``pairs`` over the documents in ``index`` / ``views``.

    The re-ranker's weights are fitted on out-of-fold features: the pairs are split in
    ``folds``; each part's questions are ranked by a model that learned from the other parts.
    The returned model then learns from all pairs with those weights."""
    an = analyzer()
    stats = index.stats
    pairs = [Pair(p.question, [a for a in dict.fromkeys(p.answers) if a in views])
             for p in pairs]
    pairs = [p for p in pairs if p.answers and p.question.strip()]
    terms = [an.terms(p.question) for p in pairs]
    groups = {a: views[a].group for p in pairs for a in p.answers}

    def learn(idx) -> Knowledge:
        return Knowledge([(terms[i], pairs[i].answers) for i in idx], groups, views, stats)

    def lookup(ids):
        return {d: views[d] for d in ids if d in views}

    model = Model(stats=stats)
    data = TrainingData()
    if pairs and len(pairs) < 2 * folds:
        model.weights = few_pairs_weights()
    if len(pairs) >= 2 * folds:
        order = np.random.RandomState(seed).permutation(len(pairs))
        parts = [order[k::folds] for k in range(folds)]
        for k, part in enumerate(parts):
            if progress:
                progress(f"fold {k + 1}/{folds}")
            knowledge = learn(np.concatenate([parts[h] for h in range(folds) if h != k]))
            for i in part:
                hits = index.search(query_weights(terms[i]))
                expanded_hits = index.search(knowledge.expand(terms[i]))
                cands = model.candidates(terms[i], hits, expanded_hits, docs=lookup,
                                         knowledge=knowledge)
                data.features.append(cands.features)
                data.labels.append(np.isin(cands.ids, pairs[i].answers).astype(np.float64))
        model.weights, model.bias = fit_weights(data)
    if pairs:
        model.knowledge = learn(range(len(pairs)))
    model.info = {"questions": len(pairs), "documents": stats.n_docs,
                  "training_lists": len(data.features)}
    if keep_training_data:
        model.training_data = data
    return model
