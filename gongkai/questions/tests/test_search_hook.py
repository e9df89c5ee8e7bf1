"""Answered questions change what the real search backend returns (the settings' hooks)."""

import json

from gongkai.documents.models import Document, Status
from gongkai.questions import store
from gongkai.questions.loader import load_lines
from gongkai.questions.tests.test_questions import ARTICLES, PAIRS, SPOUSE
from gongkai.search.backends import get_search_backend
from gongkai.search.query import parse
from gongkai.test import BaseTestCase, aware


class SearchHookTestCase(BaseTestCase):
    def setUp(self):
        store.reset()
        self.ids = {}
        for day, (title, text) in enumerate(ARTICLES.items(), start=1):
            doc = Document.objects.create(title=title, body=f"<p>{text}</p>", agency=self.gwyb,
                                          status=Status.PUBLISHED, published_at=aware(2021, 1, day))
            self.ids[title] = doc.pk

    def tearDown(self):
        store.reset()  # the model is cached per process: never let it reach another test

    def search(self, text):
        return get_search_backend().search(parse(text), limit=5)

    def test_without_learned_pairs_plain_words_must_all_match(self):
        found = self.search("老公欠的钱我要还吗")
        assert found.hits == []

    def test_learned_pairs_bring_the_statute_for_a_citizens_question(self):
        lines = [json.dumps({"q": q, "answers": answers}, ensure_ascii=False) for q, answers in PAIRS]
        summary = load_lines(lines)
        assert summary.unresolved == []
        store.refresh()
        found = self.search("老公欠的钱我要还吗")
        assert found.hits and found.hits[0][0] == self.ids[SPOUSE]
        assert found.total >= 1

    def test_a_filter_still_applies_with_learned_pairs(self):
        lines = [json.dumps({"q": q, "answers": answers}, ensure_ascii=False) for q, answers in PAIRS]
        load_lines(lines)
        store.refresh()
        found = get_search_backend().search(parse("老公欠的钱我要还吗"),
                                             filters={"agency": self.cuizhu.pk}, limit=5)
        assert found.hits == []
