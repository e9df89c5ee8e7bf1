import datetime as dt

import pytest

from gongkai.lib.source_records import (
    KEY_LENGTH,
    agency_code_in_index_no,
    date_problem,
    normalize_url,
    source_key,
)

TODAY = dt.date(2026, 5, 1)


def test_the_source_address_is_the_strongest_key():
    key = source_key(agency="7", title="通知", doc_no="国办发〔2023〕7号", published_on="2023-02-03",
                     source_url="https://www.gov.cn/zhengce/content/x.htm")
    assert key == "url:www.gov.cn/zhengce/content/x.htm"


@pytest.mark.parametrize("url", [
    "http://www.gov.cn/zhengce/content/x.htm", "HTTPS://WWW.GOV.CN/zhengce/content/x.htm#top",
    " https://www.gov.cn/zhengce/content/x.htm/ ",
])
def test_addresses_are_compared_without_scheme_case_or_fragment(url):
    assert normalize_url(url) == "www.gov.cn/zhengce/content/x.htm"


def test_a_query_string_tells_pages_apart():
    assert normalize_url("http://a.gov.cn/view?id=1") != normalize_url("http://a.gov.cn/view?id=2")


def test_without_an_address_the_doc_no_and_title_are_the_key():
    key = source_key(agency="7", title="关于 测试的通知", doc_no="国办发[2023]7号", published_on="2023-02-03")
    assert key == "doc:7|国办发〔2023〕7号|关于测试的通知"
    # The same 文号 and title re-dated by the site is the same document …
    assert key == source_key(agency="7", title="关于测试的通知", doc_no="国办发（2023）7号",
                             published_on="2023-03-01")
    # … but the articles of one law, or a notice and its 附件, are not.
    assert key != source_key(agency="7", title="关于测试的通知附件", doc_no="国办发〔2023〕7号")


def test_without_a_doc_no_the_title_and_date_are_the_key():
    assert source_key(agency="3", title="２０２３年工作总结", published_on=dt.date(2023, 1, 5)) == (
        "title:3|2023年工作总结|2023-01-05")
    assert source_key(agency="3", title="关于召开会议的通知", published_on="2023-01-05") != (
        source_key(agency="3", title="关于召开会议的通知", published_on="2024-01-05"))
    assert source_key(agency="3", title="无日期的页面") == "title:3|无日期的页面|"


def test_the_agency_is_part_of_every_key_but_the_address():
    assert source_key(agency="1", title="通知", published_on="2023-01-05") != (
        source_key(agency="2", title="通知", published_on="2023-01-05"))


def test_long_keys_are_hashed_and_keep_their_kind():
    key = source_key(agency="1", title="很长的标题" * 100, published_on="2023-01-05")
    assert key.startswith("title#") and len(key) == len("title#") + 40 <= KEY_LENGTH
    assert key == source_key(agency="1", title="很长的标题" * 100, published_on="2023-01-05")
    assert key != source_key(agency="1", title="很长的标题" * 101, published_on="2023-01-05")


@pytest.mark.parametrize("index_no, code", [
    ("11440303007546460H/2022-00033", "11440303007546460H"),
    ("000014349/2018-00204", "000014349"),
    ("00001434-9/2018-00204", "000014349"),
    ("000014349-2018-00204", "000014349"),
    ("11440303007546460h/2022-00033", "11440303007546460H"),
    ("11440303007546460J/2022-00033", None),  # wrong check character
    ("000014348/2018-00204", None),           # wrong check digit
    ("00001434922/2020-00001", None),         # a valid code followed by more characters
    ("LH-2023-000001", None),
    ("", None),
    (None, None),
])
def test_it_finds_a_valid_agency_code_at_the_start_of_an_index_no(index_no, code):
    assert agency_code_in_index_no(index_no) == code


@pytest.mark.parametrize("field, day, ok", [
    ("published_on", dt.date(1949, 10, 1), True),
    ("published_on", dt.date(1949, 9, 30), False),
    ("published_on", dt.date(2027, 5, 1), True),   # scheduled up to a year ahead
    ("published_on", dt.date(2202, 1, 1), False),
    ("published_on", dt.date(1, 1, 1), False),
    ("written_on", dt.date(1930, 5, 1), True),
    ("written_on", dt.date(1899, 12, 31), False),
    ("effective_on", dt.date(2100, 12, 31), True),
    ("effective_on", dt.date(9999, 12, 31), False),
])
def test_dates_outside_the_documented_range_are_refused(field, day, ok):
    assert (date_problem(field, day, TODAY) is None) == ok


def test_the_reason_names_the_field_and_the_range():
    assert date_problem("published_on", dt.date(2202, 1, 1), TODAY) == (
        "发布日期 2202-01-01 超出可接受的范围（1949-10-01 至 2027-05-02）")
    assert date_problem("published_on", None, TODAY) is None
