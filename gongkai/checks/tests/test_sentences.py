"""数据核验 on the report-style sentences of data/sentences.tsv, one verdict each."""

import pytest

from gongkai.checks.figures import INCONSISTENT, check_text
from gongkai.checks.tests.sentences import HELDOUT, load_sentences

SENTENCES = load_sentences()


def _param(s):
    marks = [pytest.mark.xfail(strict=True, reason="known miss")] if s.known_miss else []
    return pytest.param(s.verdict, s.text, id=f"{s.verdict}-{s.shape}-{s.text[:12]}", marks=marks)


def test_the_set_is_large_and_half_wrong():
    wrong = sum(s.verdict == "wrong" for s in SENTENCES)
    assert len(SENTENCES) >= 150 and abs(2 * wrong - len(SENTENCES)) <= 2
    assert {s.verdict for s in SENTENCES} == {"wrong", "right"}
    assert {s.shape for s in SENTENCES} >= {"sum", "nested", "rate", "share", "yoy"}


@pytest.mark.parametrize("verdict, text", [_param(s) for s in SENTENCES + load_sentences(HELDOUT)])
def test_the_verdict(verdict, text):
    alarms = [f.message for f in check_text(text) if f.status == INCONSISTENT]
    assert bool(alarms) == (verdict == "wrong"), alarms
