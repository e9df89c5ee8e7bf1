"""The search hook: re-rank a backend's BM25 candidates with the learned model.

Configured as ``GONGKAI_SEARCH["default"]["RERANK"] = "gongkai.questions.search.rerank"``;
``BaseSearchBackend.search`` calls it with the parsed query and its top RERANK_DEPTH hits.
"""

from gongkai.search.query import Query

from . import store


def query_text(query: Query) -> str:
    """The free text of a query: its positive clauses that name no field."""
    return " ".join(c.text for c in query.positive if c.field is None)


def rerank(query: Query, hits, *, filters=None, expanded_hits=()):
    """``hits`` ([(id, score)], best first) re-scored by the learned model, best first.

    Documents similar past questions were answered with join the candidates only for plain
    queries (no filters, field clauses or exclusions), since they did not pass through the
    backend's matching. Without a trained model the hits come back unchanged."""
    model = store.current_model()
    text = query_text(query)
    if model is None or not model.n_questions or not text:
        return list(hits)
    plain = not filters and not query.negative and all(c.field is None for c in query.positive)
    return model.rerank(text, list(hits), docs=store.doc_views,
                        expanded_hits=list(expanded_hits), add=plain)


def expand(query: Query) -> dict[str, float]:
    """Weighted words of the query plus learned expansions (老公 → 配偶), for a second,
    any-word candidate search; {} while no model has been learned."""
    model = store.current_model()
    if model is None or not model.n_questions:
        return {}  # nothing learned: the backend keeps its plain all-words search
    return model.expand(query_text(query))
