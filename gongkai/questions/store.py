"""The ranking model in the database: refresh (train, then swap), load, and the DocViews of
published documents.

Refresh without downtime: a new model is trained from the stored pairs and the published
documents while the old one keeps serving, then written as a new ``RankingModel`` row in one
INSERT. Each process checks the newest row's version at most every ``CHECK_SECONDS`` and
loads the new model when it changed; requests in flight keep the object they started with.
"""

import logging
import threading
import time
from collections import OrderedDict

from django.db import transaction

from gongkai.documents.models import Document
from gongkai.lib.html import searchable_body

from . import learning
from .models import Question, RankingModel

log = logging.getLogger(__name__)

CHECK_SECONDS = 10.0
KEEP_MODELS = 3  # older rows are deleted after a refresh
# Above this many published documents, a refresh learns statistics and training candidates
# from an even sample (plus every answer): segmenting a million documents takes too long.
STATS_SAMPLE = 100_000
MAX_TEXT = 20_000  # characters of a document's text the model reads
TERM_CACHE_SIZE = 200_000

_lock = threading.Lock()
_model: learning.Model | None = None
_checked = 0.0


def document_text(title: str, abstract: str, subject_terms, body: str) -> str:
    """The searchable plain text of a document (what DocumentIndex indexes as its body)."""
    return searchable_body(abstract, subject_terms, body)[:MAX_TEXT]


class _TermCache:
    """Analysed documents, keyed by (id, updated_at): a document is segmented once per
    process and version, whether for a refresh or for re-ranking a query."""

    def __init__(self, size=TERM_CACHE_SIZE):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, pk, stamp) -> learning.DocView | None:
        key = (pk, stamp)
        with self.lock:
            view = self.items.get(key)
            if view is not None:
                self.items.move_to_end(key)
            return view

    def view(self, pk, stamp, title, abstract, subject_terms, body) -> learning.DocView:
        key = (pk, stamp)
        view = self.get(pk, stamp)
        if view is not None:
            return view
        view = learning.doc_view(pk, title, document_text(title, abstract, subject_terms, body))
        with self.lock:
            self.items[key] = view
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return view


term_cache = _TermCache()
_FIELDS = ("id", "updated_at", "title", "abstract", "subject_terms", "body")


def doc_views(ids) -> dict[int, learning.DocView]:
    """DocViews of those of ``ids`` that are published now (others are left out). Texts are
    read and segmented only for documents not in the cache at their current version."""
    ids = list(ids)
    views = {}
    for start in range(0, len(ids), 500):
        published = Document.objects.published().filter(pk__in=ids[start:start + 500])
        missing = []
        for pk, stamp in published.values_list("id", "updated_at"):
            view = term_cache.get(pk, stamp)
            if view is None:
                missing.append(pk)
            else:
                views[pk] = view
        if missing:
            for row in Document.objects.filter(pk__in=missing).values_list(*_FIELDS):
                views[row[0]] = term_cache.view(*row)
    return views


def published_views(sample: int | None = STATS_SAMPLE, must=()) -> list[learning.DocView]:
    """DocViews of the published documents: all of them, or an even sample of ``sample``
    (by id) plus the documents ``must`` names."""
    published = Document.objects.published()
    total = published.count()
    queryset = published.order_by("pk")
    step = max(1, -(-total // sample)) if sample else 1
    must = set(must)
    views = []
    for i, row in enumerate(queryset.values_list(*_FIELDS).iterator(chunk_size=2000)):
        if i % step == 0 or row[0] in must:
            views.append(term_cache.view(*row))
    return views


def stored_pairs() -> list[learning.Pair]:
    """The stored questions with their answers (ids), oldest first."""
    links = Question.answers.through.objects.values_list("question_id", "document_id")
    answers: dict[int, list[int]] = {}
    for question_id, document_id in links.order_by("question_id", "document_id"):
        answers.setdefault(question_id, []).append(document_id)
    return [learning.Pair(text, answers.get(pk, []))
            for pk, text in Question.objects.order_by("pk").values_list("pk", "text")]


def refresh(*, sample: int | None = STATS_SAMPLE, progress=None,
            keep_training_data: bool = False) -> learning.Model:
    """Train a model from the stored pairs and the published documents, store it as the
    newest, and make this process use it."""
    pairs = stored_pairs()
    views = published_views(sample, must={a for p in pairs for a in p.answers})
    index = learning.BM25Index(views)
    model = learning.train(pairs, index, {v.id: v for v in views}, progress=progress,
                           keep_training_data=keep_training_data)
    save(model)
    return model


def save(model: learning.Model) -> RankingModel:
    with transaction.atomic():
        row = RankingModel.objects.create(
            version=model.version, questions=model.n_questions,
            documents=model.stats.n_docs, data=model.dumps())
        old = RankingModel.objects.order_by("-pk").values_list("pk", flat=True)[KEEP_MODELS:]
        RankingModel.objects.filter(pk__in=list(old)).delete()
    _use(model)
    return row


def _use(model):
    global _model, _checked
    with _lock:
        _model, _checked = model, time.monotonic()


def current_model(*, max_age: float = CHECK_SECONDS) -> learning.Model | None:
    """The newest stored model (None before the first refresh), re-read when another process
    stored a newer one; the database is asked at most every ``max_age`` seconds."""
    global _model, _checked
    now = time.monotonic()
    # "No model yet" is remembered as long as a model is: a site that never learned from
    # questions must not ask the database on every search (it was 13 times a search page).
    if _checked and now - _checked < max_age:
        return _model
    with _lock:
        _checked = now
        newest = RankingModel.objects.order_by("-pk").values_list("version", flat=True).first()
        if newest is None:
            _model = None
        elif _model is None or _model.version != newest:
            try:
                blob = RankingModel.objects.get(version=newest).data
                _model = learning.Model.loads(bytes(blob))
            except ValueError:
                log.warning("ranking model %s is in an old format; run `gongkai learn-questions`",
                            newest)
                _model = None
        return _model


def reset() -> None:
    """Forget the loaded model (tests)."""
    global _model, _checked
    with _lock:
        _model, _checked = None, 0.0
