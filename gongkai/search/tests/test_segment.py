from gongkai.search.segment import (
    Segmenter,
    agency_name_words,
    base_words,
    doc_no_prefix,
    normalize,
)


def test_it_folds_full_width_and_case():
    assert normalize("ＡＢＣ１２３（罗湖）") == "abc123(罗湖)"


def test_it_finds_words_inside_longer_words():
    words = Segmenter().index_words("中国农业发展银行")
    assert "农业" in words and "发展" in words and "银行" in words


def test_it_adds_dictionary_words_of_four_or_more_characters_inside_longer_words():
    # rjieba's search mode stops at three characters: 中华人民共和国 is inside
    # 中华人民共和国政府, and 翠竹街道 inside the agency's full name.
    assert "中华人民共和国" in Segmenter().index_words("中华人民共和国政府")
    segmenter = Segmenter(["深圳市罗湖区翠竹街道办事处", "翠竹街道"])
    assert "翠竹街道" in segmenter.index_words("深圳市罗湖区翠竹街道办事处")


def test_a_word_learned_later_is_found_inside_a_long_word_cut_before():
    segmenter = Segmenter(["深圳市罗湖区翠竹街道办事处"])
    assert "翠竹街道" not in segmenter.index_words("深圳市罗湖区翠竹街道办事处")
    segmenter.add_words(["翠竹街道"])  # the parts of the long word are looked up again
    assert "翠竹街道" in segmenter.index_words("深圳市罗湖区翠竹街道办事处")
    assert ("翠竹街道", 6) in segmenter.index_tokens("深圳市罗湖区翠竹街道办事处")


def test_it_keeps_domain_words_whole():
    assert base_words("民生微实事") == ["民生", "微", "实事"]
    segmenter = Segmenter(["民生微实事", "翠竹街道"])
    assert segmenter.query_words("翠竹街道民生微实事") == ["翠竹街道", "民生微实事"]
    assert segmenter.is_domain_word("民生微实事")


def test_it_drops_punctuation_from_queries():
    assert Segmenter().query_words("“农业”，。！") == ["农业"]


def test_it_gives_character_offsets_for_positions():
    tokens = Segmenter(["翠竹街道"]).index_tokens("罗湖区翠竹街道办事处")
    assert ("翠竹街道", 3) in tokens and ("办事处", 7) in tokens and ("罗湖", 0) in tokens


def test_it_counts_the_parts_between_the_words_of_a_phrase():
    segmenter = Segmenter(["翠竹街道"])
    # index: … 翠竹 街道 翠竹街道 | 办事 办事处: one part (办事) stands between.
    assert segmenter.phrase_distance(["翠竹街道", "办事处"]) == 1
    assert segmenter.phrase_distance(["振兴", "信贷"]) == 0


def test_it_splits_agency_names_into_administrative_parts():
    assert agency_name_words("深圳市罗湖区翠竹街道办事处") == [
        "深圳市罗湖区翠竹街道办事处", "深圳市", "罗湖区", "翠竹街道", "办事处"]
    assert agency_name_words("国务院办公厅") == ["国务院办公厅"]
    assert agency_name_words("") == []


def test_it_takes_the_issuer_code_of_a_doc_no():
    assert doc_no_prefix("国办函〔2018〕71号") == "国办函"
    assert doc_no_prefix("深府办[2021]3号") == "深府办"
    assert doc_no_prefix("无文号") == ""
