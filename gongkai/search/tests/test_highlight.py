from gongkai.lib.html import html_to_text
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
