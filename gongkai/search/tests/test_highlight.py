import random
from unittest import mock

from gongkai.lib.html import html_to_text
from gongkai.search import highlight
from gongkai.search.highlight import mark, snippet


def test_it_takes_the_visible_text_of_html():
    assert html_to_text("<p>一、总则</p><p>第一条&nbsp;为了<b>规范</b></p>") == "一、总则 第一条 为了规范"


def test_it_marks_every_occurrence_and_escapes_the_rest():
    assert mark("<b>民生</b>与民生", ["民生"]) == "&lt;b&gt;<mark>民生</mark>&lt;/b&gt;与<mark>民生</mark>"


def test_it_prefers_the_longest_word_where_words_overlap():
    assert mark("民生微实事", ["民生", "民生微实事"]) == "<mark>民生微实事</mark>"


def test_it_matches_full_width_and_upper_case():
    assert mark("ＧＤＰ增长", ["gdp"]) == "<mark>ＧＤＰ</mark>增长"


def test_it_cuts_the_snippet_around_the_most_query_words():
    text = "甲" * 200 + "农业" + "乙" * 10 + "银行" + "丙" * 200
    result = snippet(text, ["农业", "银行"], size=40)
    assert result == "…" + "甲" * 20 + "<mark>农业</mark>" + "乙" * 10 + "<mark>银行</mark>" + "丙" * 6 + "…"


def test_it_starts_at_the_beginning_when_no_word_occurs():
    assert snippet("<短文>", ["无"]) == "&lt;短文&gt;"


def test_it_matches_the_text_as_normalised_without_normalising_it():
    assert mark("ＧＤＰ、Gdp与𝐠𝐝𝐩", ["ＧＤＰ"]) == "<mark>ＧＤＰ</mark>、<mark>Gdp</mark>与<mark>𝐠𝐝𝐩</mark>"
    # …… and ㈠ fold to several characters: the offsets after them are still the text's own.
    text = "……㈠" * 50 + "农业"
    assert snippet(text, ["农业"], size=40) == "…" + text[130:150] + "<mark>农业</mark>"


def brute_force_start(text, words, size):
    """The old definition: of the windows starting LEAD_CHARS before each match, the first
    holding the most distinct words (matches found by re, longest word first)."""
    import re
    pattern = re.compile("|".join(sorted(set(words), key=lambda w: (-len(w), w))))
    spans = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    if not spans:
        return 0
    best, best_start = -1, 0
    for a, _, _ in spans:
        start = max(0, a - highlight.LEAD_CHARS)
        found = {w for x, y, w in spans if x >= start and y <= start + size}
        if len(found) > best:
            best, best_start = len(found), start
    return best_start


def test_it_picks_the_window_with_the_most_distinct_words():
    rng = random.Random(8)
    for _ in range(300):
        words = rng.sample(["农业", "银行", "乡村", "振兴", "乡村振兴", "金融"], rng.randint(1, 4))
        text = "".join(rng.choice(words + ["甲", "乙乙", "丙丙丙丙", "。"] * 3)
                       for _ in range(rng.randint(0, 120)))
        size = rng.choice([10, 20, 40])
        spans = highlight._spans(text, highlight._matcher(words))
        got = highlight._best_start(spans, size) if spans else 0
        assert got == brute_force_start(text, words, size), (text, words, size)


class CountingList(list):
    """A list that counts how often its items are read by index."""

    reads = 0

    def __getitem__(self, i):
        self.reads += 1
        return super().__getitem__(i)


def test_it_finds_the_best_of_100000_matches_in_5_mb_in_linear_time():
    # 100,000 matches of 农业 spread over 5 MB, and one window near the end that also holds
    # 银行 and 乡村: the snippet is that window.
    unit = "农业" + "甲" * 48
    best = "乙" * 100 + "农业乙银行乙乡村" + "丙" * 30
    text = unit * 98_000 + best + unit * 2_000
    assert len(text) > 5_000_000
    words = ["农业", "银行", "乡村"]
    assert snippet(text, words, scan=len(text)) == (
        "…" + "乙" * 20 + "<mark>农业</mark>乙<mark>银行</mark>乙<mark>乡村</mark>" + "丙" * 30
        + "<mark>农业</mark>" + "甲" * 48 + "<mark>农业</mark>" + "甲" * 10 + "…")
    # Linear: each of the 100,003 matches is read a bounded number of times (the old
    # way compared every candidate window with every match).
    spans = CountingList(highlight._spans(text, highlight._matcher(words)))
    assert len(spans) == 100_003
    assert highlight._best_start(spans, highlight.SNIPPET_CHARS) == 98_000 * 50 + 80
    assert spans.reads <= 8 * len(spans)


def test_it_reads_a_bounded_prefix_and_never_normalises_the_text():
    text = "甲" * 5_000_000 + "农业"  # the word only beyond SCAN_CHARS
    highlight._matcher_for.cache_clear()  # so that the words are normalised in this test
    normalised, searched = [], []
    real_normalize, real_spans = highlight.normalize, highlight._spans
    with (mock.patch.object(highlight, "normalize",
                            side_effect=lambda s: normalised.append(len(s)) or real_normalize(s)),
          mock.patch.object(highlight, "_spans",
                            side_effect=lambda s, p: searched.append(len(s)) or real_spans(s, p))):
        assert snippet(text, ["农业", "银行"]) == "甲" * highlight.SNIPPET_CHARS + "…"
    assert max(normalised) <= 2  # the words, not the text
    assert searched == [highlight.SCAN_CHARS]
