import pytest

from gongkai.lib.identifiers import (
    credit_code_check_char,
    is_valid_agency_code,
    is_valid_credit_code,
    is_valid_org_code,
    normalize_doc_no,
)


@pytest.mark.parametrize("code", ["11440303007546460H", "91350100M000100Y43", "11441700007280420Y"])
def test_it_accepts_the_worked_credit_codes(code):
    assert is_valid_credit_code(code)
    assert is_valid_org_code(code[8:17])  # the embedded 组织机构代码 passes GB 11714 too


def test_it_computes_the_credit_code_check_character():
    assert credit_code_check_char("11440303007546460") == "H"


@pytest.mark.parametrize("code", [
    "11440303007546460J",  # wrong check character
    "11440303007546460",   # too short
    "1144030300754646OH",  # O is not in the GB 32100 alphabet
    "000014348",           # wrong organisation-code check digit
    "",
])
def test_it_rejects_bad_codes(code):
    assert not is_valid_agency_code(code)


def test_it_accepts_a_nine_character_org_code_with_or_without_hyphen():
    assert is_valid_agency_code("000014349")
    assert is_valid_org_code("00001434-9")


@pytest.mark.parametrize("typed", [
    "深府办〔2021〕3号", "深府办[2021]3号", "深府办(2021)3号", "深府办（2021）3号",
    "深府办【2021】3号", "深府办 [ 2021 ] 3号", "深府办﹝2021﹞3号",
])
def test_it_normalises_doc_no_brackets(typed):
    assert normalize_doc_no(typed) == "深府办〔2021〕3号"


def test_it_leaves_other_text_alone():
    assert normalize_doc_no("  无  ") == "无"
    assert normalize_doc_no(None) == ""


def test_a_doc_no_is_recognised_however_its_brackets_are_typed():
    from gongkai.lib.identifiers import doc_no_prefix, is_doc_no

    for typed in ("国办函〔2018〕71号", "国办函[2018]71号", "国办函（2018）71号", "国办函 【2018】 71 号"):
        assert is_doc_no(typed), typed
        assert doc_no_prefix(typed) == "国办函"
    for not_one in ("", "第十二条", "2018年71号", "国办函〔2018〕", "关于印发《方案》的通知"):
        assert not is_doc_no(not_one), not_one
    assert doc_no_prefix("深罗府2021 3号") == "深罗府"


def test_id_card():
    from gongkai.lib.identifiers import is_valid_id_card

    assert is_valid_id_card("11010519491231002X")
    assert is_valid_id_card("11010519491231002x")
    assert not is_valid_id_card("110105194912310021")  # wrong check character
    assert not is_valid_id_card("11010519491331002X")  # no 13th month
    assert not is_valid_id_card("1101051949123100")
