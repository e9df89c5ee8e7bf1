import pytest

from gongkai.search.query import MAX_CLAUSES, MAX_QUERY_CHARS, Clause, parse


def test_it_parses_words_phrases_exclusions_and_fields():
    query = parse('翠竹街道 "民生 微实事" “政务公开” 《条例》 -草稿 标题:总结 文号：国办函 索引号:000014349/2018-00204')
    assert query.clauses == [
        Clause("翠竹街道"),
        Clause("民生 微实事", phrase=True),
        Clause("政务公开", phrase=True),
        Clause("条例", phrase=True),
        Clause("草稿", negated=True),
        Clause("总结", field="title"),
        Clause("国办函", field="doc_no"),
        Clause("000014349/2018-00204", field="index_no"),
    ]


def test_it_writes_the_query_back_in_canonical_form():
    assert parse("  ＡＢＣ   title:总结  -x “短语”").text == 'abc 标题:总结 -x "短语"'


@pytest.mark.parametrize("text, clauses", [
    ("", []),
    ('"', []),
    ('"未闭合的引号', [Clause("未闭合的引号", phrase=True)]),
    ("-", [Clause("-")]),
    ("文号:", []),
    ("\x00\x01翠竹", [Clause("翠竹")]),
    ("NEAR(a b)", [Clause("near(a"), Clause("b)")]),
])
def test_it_parses_anything(text, clauses):
    assert parse(text).clauses == clauses


def test_it_bounds_the_work_a_query_can_ask_for():
    assert len(parse("词 " * 1000).clauses) == MAX_CLAUSES
    assert len(parse("长" * 10_000).clauses[0].text) == MAX_QUERY_CHARS


def test_it_has_nothing_to_search_for_with_exclusions_only():
    assert not parse("-草稿 -预算")
    assert parse("-草稿 预算")
