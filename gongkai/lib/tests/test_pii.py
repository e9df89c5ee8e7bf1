"""The personal-data detector: true positives with valid check digits, and none of what
government texts are full of."""

import datetime as dt

import pytest

from gongkai.lib import pii
from gongkai.lib.identifiers import credit_code_check_char
from gongkai.lib.pii import find_pii, html_text, id_check_char, luhn_ok, mask, mask_html

TODAY = dt.date(2026, 1, 1)


def kinds(text, **options):
    return [(f.kind, f.text) for f in find_pii(text, today=TODAY, **options)]


def an_id(body="44030119900101123"):
    return body + id_check_char(body)


def a_card(body="622202123456789012"):
    """``body`` with the Luhn check digit that makes it valid."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def a_business(body="92440300MA5FXXXX0"):
    return body + credit_code_check_char(body)


def test_the_id_check_digit_follows_gb_11643():
    # The standard's worked example.
    assert id_check_char("11010519491231002") == "X"
    assert pii.is_id_number("11010519491231002X", TODAY)
    assert pii.is_id_number("11010519491231002x", TODAY)


def test_an_id_number_with_a_valid_check_digit_and_date_is_found_and_masked():
    number = an_id()
    found = find_pii(f"身份证号码：{number}。", today=TODAY)
    assert [(f.kind, f.text, f.masked) for f in found] == [
        (pii.ID_CARD, number, number[:4] + "*" * 10 + number[-4:])]
    assert found[0].start == 6 and found[0].end == 24
    assert found[0].context == f"身份证号码：{number}。"


def test_the_old_15_digit_form_needs_a_valid_date():
    assert kinds("证号440301900101123，") == [(pii.ID_CARD, "440301900101123")]
    assert kinds("证号440301901301123，") == []  # month 13


@pytest.mark.parametrize("text", [
    "共计" + an_id()[:17] + str((int(an_id()[17]) + 1) % 10 if an_id()[17].isdigit() else 0),
    "440301199013011234",  # month 13
    "440301209001011236",  # born in the future
    "990301199001011234",  # no such province
])
def test_an_18_digit_number_that_fails_a_check_is_a_statistic(text):
    assert [k for k, _ in kinds(text)] == []


def test_mobile_numbers_in_every_usual_writing():
    for written in ("13812345678", "138 1234 5678", "138-1234-5678", "+86 13812345678",
                    "１３８１２３４５６７８"):
        assert kinds(f"手机：{written}，") == [(pii.MOBILE, written.removeprefix("+86 "))], written
    assert mask(pii.MOBILE, "138 1234 5678") == "138 **** 5678"


def test_eleven_digit_figures_that_are_not_mobile_numbers():
    assert kinds("12012345678") == []  # no 120 segment
    assert kinds("总额13812345678元") == []  # an amount
    assert kinds("编号A13812345678") == []


def test_landlines_with_an_area_code():
    assert kinds("电话：0755-88881234。") == [(pii.LANDLINE, "0755-88881234")]
    assert kinds("电话（010）6309 9999转123") == [(pii.LANDLINE, "（010）6309 9999转123")]
    assert mask(pii.LANDLINE, "0755-88881234") == "0755-****1234"


def test_bank_cards_need_a_scheme_prefix_and_the_luhn_digit():
    card = a_card()
    assert kinds(f"卡号{card}") == [(pii.BANK_CARD, card)]
    spaced = " ".join(card[i:i + 4] for i in range(0, 19, 4))
    assert kinds(f"卡号 {spaced}") == [(pii.BANK_CARD, spaced)]
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert kinds(f"卡号{wrong}") == []
    assert mask(pii.BANK_CARD, card) == card[:4] + "*" * 11 + card[-4:]


def test_email_addresses():
    assert kinds("来信请寄 zhang.san@example.com。") == [(pii.EMAIL, "zhang.san@example.com")]
    assert mask(pii.EMAIL, "zhang@qq.com") == "z****@qq.com"


def test_credit_codes_of_individual_businesses_only():
    code = a_business()
    assert kinds(f"统一社会信用代码：{code}") == [(pii.CREDIT_CODE, code)]
    assert kinds(f"统一社会信用代码：{code[:17]}{'0' if code[17] != '0' else '1'}") == []
    # An agency's or a company's code is not personal data.
    assert kinds("11440303007546460H、91350100M000100Y43") == []


def test_license_plates_including_new_energy():
    assert kinds("车牌粤B12345，") == [(pii.PLATE, "粤B12345")]
    assert kinds("车牌粤BD12345，") == [(pii.PLATE, "粤BD12345")]
    assert kinds("车牌京A·12345") == [(pii.PLATE, "京A·12345")]
    assert kinds("沪深300指数，粤港澳大湾区，川ABCDE") == []


def test_names_next_to_a_number_or_after_the_label_and_no_others():
    number = an_id()
    assert kinds(f"张三（身份证号：{number}）") == [(pii.NAME, "张三"), (pii.ID_CARD, number)]
    assert kinds("申请人李四，手机13812345678") == [(pii.NAME, "李四"), (pii.MOBILE, "13812345678")]
    assert kinds("姓名：王小明，") == [(pii.NAME, "王小明")]
    assert mask(pii.NAME, "王小明") == "王**"
    # A word, an office, a blank form: no name.
    assert [k for k, _ in kinds("联系方式：13812345678")] == [pii.MOBILE]
    assert [k for k, _ in kinds("翠竹街道办事处值班电话：0755-88881234")] == [pii.LANDLINE]
    assert kinds("姓名：性别：") == [] and kinds("姓名：________") == []


@pytest.mark.parametrize("text", [
    "深府办〔2021〕3号", "国办函[2018]71号", "索引号：11440303007546460H/2022-00033",
    "索引号 000014349/2018-00204", "2021年12月31日", "2021-12-31", "20211231",
    "第一百二十三条", "第123条", "1234567.89万元", "全市常住人口17681600人",
    "GDP 32387.68亿元，增长6.7%", "邮编518000", "邮政编码：100017", "0.13812345678",
    "统计数据 440301199001011235",  # the ID's shape, a wrong check digit
    "12345 热线", "10086", "电话：12345", "2021 2022 2023", "ISBN 978-7-01-012345-6",
])
def test_what_government_texts_are_full_of_is_not_personal_data(text):
    assert kinds(text) == []


def test_allowed_contact_numbers_are_not_findings_nor_names_beside_them():
    text = "联系人王伟，电话：0755-88881234；邮箱 xxgk@cuizhu.gov.cn"
    assert [k for k, _ in kinds(text)] == [pii.NAME, pii.LANDLINE, pii.EMAIL]
    assert kinds(text, allow=["0755 8888 1234", "XXGK@cuizhu.gov.cn"]) == []
    assert kinds("电话：(0755)88881234", allow=["88881234"]) == []


def test_the_masked_context_hides_every_finding_in_it():
    number = an_id()
    found = find_pii(f"手机13812345678，身份证{number}", today=TODAY)
    assert all("13812345678" not in f.masked_context and number not in f.masked_context
               for f in found)


def test_html_text_keeps_cells_apart():
    assert html_text("<table><tr><td>2021</td><td>13812345678</td></tr></table>") == \
        "2021\n13812345678"


def test_masking_html_touches_only_the_chosen_value_and_keeps_the_markup():
    number = an_id()
    body = (f"<p>张三，身份证号<strong>{number[:6]}</strong>{number[6:]}；"
            f"电话13812345678 &amp; 备注</p><p>{number}</p>")
    masked, done = mask_html(body, lambda f: f.text == number, today=TODAY)
    assert len(done) == 2
    assert number not in html_text(masked) and number[:4] + "*" * 10 + number[-4:] in masked
    assert "<strong>440301</strong>" not in masked and "<strong>4403**</strong>" in masked
    assert "13812345678 &amp; 备注" in masked and "张三" in masked
    assert mask_html(body, lambda f: False, today=TODAY) == (body, [])
