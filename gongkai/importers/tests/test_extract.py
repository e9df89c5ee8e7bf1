"""The document extractor: the seed page, 40 gov.cn pages, and our own small samples.

Pure Python: run with ``pytest gongkai/importers/tests -p no:django``. The shared corpus
lives beside the repository (``../shared``); its tests skip when it is not there.
"""

import json
import re
from pathlib import Path

import pytest

from gongkai.importers.extract import (
    FIELDS,
    Extracted,
    ExtractError,
    canonical_encoding,
    decode,
    extract,
    extract_all,
    extract_bytes,
    records_from_bytes,
)
from gongkai.importers.formats.base import parse_datetime, split_pairs, split_terms
from gongkai.lib.identifiers import normalize_doc_no

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
SEED = SHARED / "seed" / "seed-page.txt"
GOVCN = SHARED / "corpus" / "govcn_zhengce_html"


def needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not there (the shared corpus sits beside the repository)")


def govcn_manifest() -> list[dict]:
    manifest = GOVCN / "manifest.json"
    return json.loads(manifest.read_text("utf-8")) if manifest.exists() else []


# --- The seed page (plain text layout) ------------------------------------------------


def test_it_reads_every_field_of_the_seed_page():
    needs(SEED)
    record = extract(SEED)

    assert set(record) == set(FIELDS)
    assert record["index_no"] == "11440303007546460H/2022-00033"
    assert record["category"] is None  # "分类:" is empty on the page
    assert record["publisher"] == "深圳市罗湖区翠竹街道办事处"
    assert record["written_on"] == "2022-09-08"
    assert record["title"] == "罗湖区翠竹街道办事处2021年工作总结"
    assert record["doc_no"] is None  # "文号:" is empty too
    assert record["published_on"] == "2022-09-08"
    assert record["published_at_time"] is None
    assert record["subject_terms"] == ["翠竹街道", "工作总结"]
    assert record["body_html"] is None


def test_it_takes_the_parenthesised_paragraph_of_the_seed_as_abstract():
    needs(SEED)
    record = extract(SEED)

    assert record["abstract"] == (
        "2021年,翠竹街道坚持以习近平新时代中国特色社会主义思想为指导,增强“四个意识”、"
        "坚定“四个自信”、做到“两个维护”,深入学习贯彻党的十九大和十九届二中、三中、四中、五中、"
        "六中全会精神,深刻领会习近平总书记对广东、深圳重要讲话和指示批示精神,按照区委、区政府"
        "工作部署,抢抓“双区驱动”重大历史战略机遇,以改革创新为动力,以群众幸福为根本,"
        "有效推进街道各项工作取得新成效。"
    )


def test_the_seed_body_is_the_paragraphs_after_the_abstract_and_nothing_else():
    needs(SEED)
    lines = SEED.read_text("utf-8").splitlines()
    abstract_at = next(i for i, line in enumerate(lines) if line.startswith("(2021年"))
    expected = [line.strip() for line in lines[abstract_at + 1:] if line.strip()]

    body = extract(SEED)["body_text"]

    assert body.split("\n") == expected
    assert body.startswith("2021年,翠竹街道坚持以习近平新时代中国特色社会主义思想为指导")
    assert body.split("\n")[1] == "一、旗帜鲜明讲政治,“第一议题”严落实。"
    for chrome in ("规章库", "【打印】", "字体", "浏览次数", "发布日期", "索引号", "(2021年"):
        assert chrome not in body
    assert "罗湖区翠竹街道办事处2021年工作总结" not in body


# --- gov.cn 国务院文件 pages (HTML label table) ----------------------------------------


def _cell_after(html: str, label_pattern: str) -> str:
    """The raw text of the cell after a label cell, read with a regex (not the extractor)."""
    match = re.search(label_pattern + r"：</b></td>\s*<td[^>]*>([^<]*)</td>", html)
    assert match, label_pattern
    return match.group(1)


def _cn_date(text: str) -> str:
    year, month, day = re.fullmatch(r"(\d{4})年(\d{2})月(\d{2})日", text).groups()
    return f"{year}-{month}-{day}"


@pytest.mark.parametrize("entry", govcn_manifest(), ids=lambda entry: entry["file"])
def test_it_reads_each_govcn_page_like_the_manifest(entry):
    record = extract(GOVCN / entry["file"])

    assert record["index_no"] == entry["index_number"]
    assert record["doc_no"] == normalize_doc_no(entry["release_number"])
    assert record["publisher"] == entry["release_office"]
    assert record["title"] == entry["title"]


@pytest.mark.parametrize("entry", govcn_manifest(), ids=lambda entry: entry["file"])
def test_each_govcn_page_has_its_dates_category_and_terms(entry):
    html = (GOVCN / entry["file"]).read_text("utf-8")
    record = extract(GOVCN / entry["file"])

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["written_on"])
    assert record["written_on"] == _cn_date(_cell_after(html, "成文日期"))
    assert record["published_on"] == _cn_date(_cell_after(html, "发布日期"))
    assert record["written_on"] <= record["published_on"]
    assert record["published_at_time"] is None  # gov.cn shows the day only
    assert record["category"] == _cell_after(html, "主题分类")
    terms = [t.strip("△") for t in re.split(r"[\u3000 ]+", _cell_after(html, "主 题 词")) if t]
    assert record["subject_terms"] == terms
    assert record["abstract"] is None


@pytest.mark.parametrize("entry", govcn_manifest(), ids=lambda entry: entry["file"])
def test_each_govcn_body_is_the_document_without_the_table(entry):
    record = extract(GOVCN / entry["file"])
    body = record["body_text"]

    first_lines = "\n".join(body.split("\n")[:6])
    # The page repeats the 文号 (or a 国务院令's 第N号) at the top of the body: kept.
    assert re.search(r"\d+号", record["doc_no"]).group() in first_lines
    for label in ("索 引 号", "主题分类", "发文机关", "标　　题", "主 题 词"):
        assert label not in body
    assert "\n\n" not in body and body == body.strip()
    assert record["body_html"].startswith("<p")


def test_it_reads_the_govcn_website_pilot_notice_exactly():
    needs(GOVCN)
    record = extract(GOVCN / "5338761.html")

    assert {key: record[key] for key in FIELDS if key not in ("body_text", "body_html")} == {
        "index_no": "000014349/2018-00204",
        "category": "综合政务\\政务公开",
        "publisher": "国务院办公厅",
        "written_on": "2018-10-27",
        "title": "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知",
        "doc_no": "国办函〔2018〕71号",
        "published_on": "2018-11-09",
        "subject_terms": [],
        "abstract": None,
        "published_at_time": None,
    }
    assert record["body_text"].split("\n")[:8] == [
        "国务院办公厅关于印发《政府网站集约化",
        "试点工作方案》的通知",
        "国办函〔2018〕71号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "《政府网站集约化试点工作方案》已经国务院领导同志同意，现印发给你们，请认真贯彻执行。",
        "国务院办公厅",  # was "国务院办公厅&nbsp;&nbsp;…": trailing spaces trimmed
        "2018年10月27日",
        "（此件公开发布）",
    ]
    assert record["body_text"].endswith("可参照本方案推进本地区本部门政府网站集约化工作。")


def test_it_reads_govcn_subject_terms_and_drops_the_vocabulary_mark():
    needs(GOVCN)
    # "农业　粮食　应急预案△　函": △ marks a term outside the 主题词表, not part of it.
    assert extract(GOVCN / "5345459.html")["subject_terms"] == ["农业", "粮食", "应急预案", "函"]
    assert extract(GOVCN / "5345402.html")["subject_terms"] == [
        "体育", "运动会", "机场", "机构", "批复"]
    assert extract(GOVCN / "5345413.html")["category"] == "港澳台侨工作\\港澳工作"
    assert extract(GOVCN / "5345295.html")["category"] == "其他"  # one level only


def test_it_reads_a_govcn_decree_and_a_joint_notice():
    needs(GOVCN)
    decree = extract(GOVCN / "5341736.html")
    assert decree["doc_no"] == "国令第706号"
    assert decree["body_text"].startswith("中华人民共和国国务院令\n第706号\n《专利代理条例》")
    assert "总理　　李克强" in decree["body_text"].split("\n")  # full-width spaces inside kept

    joint = extract(GOVCN / "5351718.html")
    assert joint["publisher"] == "国务院办公厅、中央军委办公厅"
    assert (joint["written_on"], joint["published_on"]) == ("1996-06-29", "2018-12-24")


def test_it_reads_a_table_in_a_govcn_body_row_by_row():
    needs(GOVCN)
    lines = extract(GOVCN / "5345410.html")["body_text"].split("\n")
    assert "坐标 编号 X坐标 Y坐标 说　明" in lines
    assert "1 15172.500 103655.000" in lines
    assert "10 14239.958 103436.862 圆曲线中点，半径48.25米" in lines


# --- Our own samples -----------------------------------------------------------------


def test_it_reads_a_gbk_page_with_list_labels_and_full_width_colons():
    record = extract(DATA / "gbk_list_layout.html")

    assert record["index_no"] == "11330100002489372X/2021-00012"
    # The label wins over the ColumnName meta tag ("通知公告"); the nav link "分类" is ignored.
    assert record["category"] == "农业、林业、水利\\林业"
    assert record["publisher"] == "青溪县人民政府办公室"
    assert record["written_on"] == "2021-03-02"
    assert record["title"] == "关于做好2021年春季森林防火工作的通知"
    assert record["doc_no"] == "青政办发〔2021〕7号"  # was 青政办发[2021]7号
    assert record["published_on"] == "2021-03-05"
    assert record["published_at_time"] == "09:30"
    assert record["subject_terms"] == ["森林防火", "春季", "通知"]
    # No label for it: the Description meta tag fills the gap.
    assert record["abstract"] == "部署2021年春季森林防火工作，明确责任分工。"
    assert record["body_text"] == "\n".join([
        "各乡镇人民政府，县政府各部门：",
        "当前已进入春季森林防火紧要期。经县政府同意，现将有关事项通知如下：",
        # 镕 is in GBK but not in GB2312: the page's "gb2312" is read as GB18030.
        "一、压实责任。各乡镇要落实属地责任，王镕同志牵头督查。",
        "二、加强巡护。重点时段 实行24小时值守。",
        "青溪县人民政府办公室",
        "2021年3月2日",
    ])
    assert record["body_html"].startswith("<p>各乡镇人民政府，县政府各部门：</p>")
    assert "主办单位" not in record["body_text"] and "首页" not in record["body_text"]


def test_it_reads_a_page_that_has_only_meta_tags():
    record = extract(DATA / "meta_only.html")  # UTF-8 with a BOM, no charset declared

    assert record == {
        "index_no": None,
        "category": "政策文件",
        "publisher": "国务院办公厅",
        "written_on": None,
        "title": "关于进一步优化营商环境的若干措施",
        "doc_no": None,
        "published_on": "2026-05-18",
        "subject_terms": ["营商环境", "优化", "措施"],
        "abstract": "围绕市场准入、政务服务等方面提出若干措施。",
        "body_text": "为持续优化营商环境，提出以下措施。\n"
                     "一、放宽市场准入。全面实施市场准入负面清单制度。\n"
                     "二、提升政务服务效能。",
        "body_html": record["body_html"],
        "published_at_time": "10:19",
    }
    assert "<strong>一、放宽市场准入。</strong>" in record["body_html"]
    assert "相关文件" not in record["body_html"]


def test_it_reads_an_undeclared_gbk_text_page():
    record = extract(DATA / "gbk_text_layout.txt")

    assert record["index_no"] == "11440303007546500L/2021-00107"
    assert record["category"] == "综合政务\\其他"
    assert record["written_on"] == "2021-05-28"  # written 2021年5月28日
    assert record["doc_no"] == "东街办〔2021〕12号"
    assert (record["published_on"], record["published_at_time"]) == ("2021-06-01", "15:20")
    assert record["subject_terms"] == ["安全生产", "大检查"]
    assert record["abstract"] == "部署辖区夏季安全生产大检查工作。"
    assert record["body_text"].split("\n")[0] == "各社区工作站、街道各部门:"
    assert record["body_text"].split("\n")[-1] == "2021年5月28日"


def test_it_reads_json_lines_one_record_per_line_and_reports_bad_lines():
    records = extract_all(DATA / "documents.jsonl")

    assert [r.position for r in records] == [1, 2, 3, 5]  # line 4 is blank
    assert [r.ok for r in records] == [True, False, True, False]
    assert records[1].fields is None and records[1].error.startswith("not valid JSON")
    assert records[3].error == "published_on: not a date: '去年'"

    first = records[0].fields
    assert first["doc_no"] == "罗府办〔2023〕1号"
    assert (first["published_on"], first["published_at_time"]) == ("2023-01-06", "16:30")
    assert first["body_text"] == "一、总体要求\n二、重点任务"
    assert set(first) == set(FIELDS)  # crawler_id ignored


def test_a_json_line_may_leave_keys_out():
    fields = extract_all(DATA / "documents.jsonl")[2].fields

    assert fields == {
        "index_no": None, "category": None, "publisher": None, "written_on": None,
        "title": "关于调整办公时间的公告", "doc_no": None, "published_on": "2023-02-01",
        "subject_terms": ["办公时间", "公告"], "abstract": None, "body_text": None,
        "body_html": None, "published_at_time": None,
    }


def test_a_json_line_must_be_an_object_with_a_title_and_string_values():
    data = "\n".join([
        '["not", "an", "object"]',
        '{"published_on": "2023-01-01"}',
        '{"title": "t", "written_on": 20230101}',
        '{"title": "t", "subject_terms": ["a", 1]}',
        '{"title": "ok"}',
    ]).encode()
    records = list(records_from_bytes(data, "export.jsonl"))

    assert [r.error for r in records] == [
        "expected a JSON object, got list",
        "no title (标题/名称) found",
        "written_on: expected a string, got int",
        "subject_terms: expected a list of strings",
        None,
    ]


def test_a_line_separator_inside_a_json_string_does_not_split_the_line():
    data = '{"title": "甲\u2028乙"}\r\n{"title": "丙"}\n'.encode()
    records = list(records_from_bytes(data, "x.jsonl"))
    assert [(r.position, r.ok) for r in records] == [(1, True), (2, True)]
    assert records[1].fields["title"] == "丙"


def test_extract_refuses_a_file_of_many_documents():
    with pytest.raises(ExtractError, match="extract_all"):
        extract(DATA / "documents.jsonl")


def test_a_single_json_line_is_one_document():
    assert extract_bytes(b'{"title": "only one"}\n')["title"] == "only one"
    with pytest.raises(ExtractError, match="not valid JSON"):
        extract_bytes(b'{"title": "broken"\n', "one.jsonl")


# --- Files that hold no document -----------------------------------------------------


def test_an_empty_file_is_an_error():
    with pytest.raises(ExtractError, match="empty file"):
        extract(DATA / "empty.txt")
    assert extract_all(DATA / "empty.txt") == [Extracted(0, None, "empty file")]
    with pytest.raises(ExtractError, match="empty file"):
        extract_bytes(b" \r\n\t\n")


def test_a_binary_file_is_an_error():
    with pytest.raises(ExtractError, match="binary file"):
        extract(DATA / "binary.bin")
    [record] = extract_all(DATA / "binary.bin")
    assert record.position == 0 and record.fields is None and "binary" in record.error


@pytest.mark.parametrize("data, what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
])
def test_a_known_binary_format_is_named(data, what):
    with pytest.raises(ExtractError, match=what):
        extract_bytes(data)


def test_a_missing_file_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(ExtractError, match="cannot read"):
        extract(tmp_path / "nope.html")
    assert extract_all(tmp_path)[0].error.startswith("cannot read")  # a folder


def test_text_without_metadata_is_not_a_document():
    with pytest.raises(ExtractError, match="not a recognised document"):
        extract_bytes("今天天气很好。\n我们去公园。".encode())


def test_a_web_page_without_metadata_is_not_a_document():
    page = "<html><head><title>404</title></head><body><p>Not Found</p></body></html>"
    with pytest.raises(ExtractError, match="no document metadata"):
        extract_bytes(page.encode())


def test_a_single_news_source_label_is_not_enough():
    page = "<html><body><h1>新闻</h1><p>来源：新华社</p><div class=content><p>正文</p></div></body></html>"
    with pytest.raises(ExtractError):
        extract_bytes(page.encode())


# --- Labels on other sites' pages ----------------------------------------------------


def page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_it_reads_labels_in_a_definition_list():
    record = extract_bytes(page(
        "<dl><dt>索引号：</dt><dd>000014349/2020-00001</dd><dt>发文机关:</dt><dd>国务院</dd>"
        "<dt>标　题</dt><dd>关于某事的通知</dd><dt>发文字号</dt><dd>国发（2020）1号</dd>"
        "<dt>成文日期</dt><dd>2020年1月2日</dd><dt>发布日期</dt><dd>2020/01/05</dd></dl>"
        "<div class='content'><p>正文第一段。</p><p>正文第二段。</p></div>"
    ))
    assert (record["index_no"], record["publisher"], record["title"]) == (
        "000014349/2020-00001", "国务院", "关于某事的通知")
    assert record["doc_no"] == "国发〔2020〕1号"
    assert (record["written_on"], record["published_on"]) == ("2020-01-02", "2020-01-05")
    assert record["body_text"] == "正文第一段。\n正文第二段。"


def test_it_reads_header_cells_without_colons():
    record = extract_bytes(page(
        "<table><tr><th>索引号</th><td>K1/2020-00001</td><th>分类</th><td>综合政务\\其他</td></tr>"
        "<tr><th>名称</th><td colspan=3>关于某事的通知</td></tr>"
        "<tr><th>发布日期</th><td>2020.01.05</td></tr></table><div id='zoom'><p>正文。</p></div>"
    ))
    assert (record["index_no"], record["category"], record["published_on"]) == (
        "K1/2020-00001", "综合政务\\其他", "2020-01-05")
    assert record["body_text"] == "正文。"


def test_it_reads_labels_written_inside_paragraphs():
    record = extract_bytes(page(
        "<h1>关于某事的通知</h1>"
        "<div class='info'><p>索引号：K123456789/2020-00002　发布机构：某市人民政府办公室</p>"
        "<p><b>文号：</b>某政发[2020]3号 <b>发布时间：</b>2020-01-05 08:05</p></div>"
        "<div class='article'><p>正文一。</p><p>正文二。</p></div>",
        head="<title>关于某事的通知 - 某市人民政府</title>",
    ))
    assert (record["index_no"], record["publisher"]) == ("K123456789/2020-00002", "某市人民政府办公室")
    assert record["doc_no"] == "某政发〔2020〕3号"
    assert (record["published_on"], record["published_at_time"]) == ("2020-01-05", "08:05")
    assert record["title"] == "关于某事的通知"  # from <h1>, not "<title> - site name"
    assert record["body_text"] == "正文一。\n正文二。"


def test_it_finds_a_table_after_the_body_and_treats_wu_as_empty():
    record = extract_bytes(page(
        "<h1>某某决定</h1><div class='TRS_Editor'><p>决定如下：</p><p>一、……</p></div>"
        "<table><tr><td>索 引 号：</td><td>K12/2021-00009</td></tr>"
        "<tr><td>发布机构：</td><td>某局</td></tr><tr><td>文　　号：</td><td>无</td></tr></table>"
    ))
    assert (record["index_no"], record["publisher"], record["doc_no"]) == ("K12/2021-00009", "某局", None)
    assert record["body_text"] == "决定如下：\n一、……"


def test_a_wrapper_around_table_and_body_does_not_become_the_body():
    record = extract_bytes(page(
        "<div class='main-content'><table><tr><td>索引号：</td><td>A/2020-00001</td>"
        "<td>标题：</td><td>某通知</td></tr></table>"
        "<div class='detail'><p>正文很长很长。</p><p>第二段。</p></div></div>"
    ))
    assert record["body_text"] == "正文很长很长。\n第二段。"


def test_labels_in_links_and_scripts_are_not_metadata():
    record = extract_bytes(page(
        "<div><a href='/fl'>分类</a> <a href='/x'>标题：导航</a></div>"
        "<script>var s = '索引号：假的';</script>"
        "<table><tr><td>标题：</td><td>真标题</td><td>发布日期：</td><td>2020-02-02</td></tr></table>"
        "<div class='content'><p>正文</p></div>"
    ))
    assert (record["title"], record["index_no"], record["category"]) == ("真标题", None, None)


def test_labels_in_the_body_only_fill_gaps():
    # Old documents end with their own 主题词 line; the table's empty cell must not hide it,
    # and a "标题：" written in the body must not replace the table's title.
    record = extract_bytes(page(
        "<table><tr><td>标题：</td><td>表格里的标题</td><td>主题词：</td><td></td></tr>"
        "<tr><td>索引号：</td><td>K9/2004-00001</td></tr></table>"
        "<div id='UCAP-CONTENT'><p>标题：正文里的字</p><p>正文。</p><p>主题词：经济管理　考察　函</p></div>"
    ))
    assert record["title"] == "表格里的标题"
    assert record["subject_terms"] == ["经济管理", "考察", "函"]


def test_the_time_of_a_meta_pubdate_joins_the_labelled_date_of_the_same_day():
    def published(meta_date: str):
        record = extract_bytes(page(
            "<table><tr><td>标题：</td><td>通知</td><td>发布日期：</td><td>2026-05-18</td></tr></table>"
            "<div class='content'><p>正文</p></div>",
            head=f'<meta name="PubDate" content="{meta_date}">',
        ))
        return record["published_on"], record["published_at_time"]

    assert published("2026-05-18 10:19") == ("2026-05-18", "10:19")
    assert published("2026-05-17 10:19") == ("2026-05-18", None)  # another day's time


def test_a_text_page_without_a_parenthesised_summary_has_no_abstract():
    text = "索引号: K1/2022-00001 分类:\n名称: 通知\n发布日期: 2022-01-02\n\n通知\n\n  第一段。\n  (第二段括号)\n"
    record = extract_bytes(text.encode())
    assert record["abstract"] is None
    assert record["body_text"] == "第一段。\n(第二段括号)"


# --- Encodings -----------------------------------------------------------------------


@pytest.mark.parametrize("declaration", [
    '<meta charset="gbk">',
    '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">',
    '<?xml version="1.0" encoding="gb2312"?>',
])
def test_it_decodes_what_a_page_declares(declaration):
    text = f"{declaration}<html><body><p>朱镕基同志，〔2021〕</p></body></html>"
    assert "朱镕基同志，〔2021〕" in decode(text.encode("gb18030"))


def test_it_decodes_a_page_whose_declaration_is_wrong():
    text = '<meta charset="utf-8"><html><body><p>' + "政府信息公开目录，主动公开。" * 20 + "</p>"
    assert "政府信息公开目录" in decode(text.encode("gbk"))


@pytest.mark.parametrize("declared", ["GB2312", "gbk", "GB_2312-80", "x-gbk", "cp936", "GB18030"])
def test_the_gb_family_is_read_as_gb18030(declared):
    assert canonical_encoding(declared) == "gb18030"


def test_it_decodes_utf8_with_and_without_bom():
    assert decode("索引号".encode()) == "索引号"
    assert decode(b"\xef\xbb\xbf" + "索引号".encode()) == "索引号"


# --- Values --------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2018年10月27日", ("2018-10-27", None)),
    ("2018-10-27", ("2018-10-27", None)),
    ("2018/10/27", ("2018-10-27", None)),
    ("2018.10.27", ("2018-10-27", None)),
    ("2018年1月7日 9:05", ("2018-01-07", "09:05")),
    ("2026-05-18 10:19:33", ("2026-05-18", "10:19")),
    ("2026-05-18T10:19", ("2026-05-18", "10:19")),
    ("2026-05-18 00:00:00", ("2026-05-18", None)),  # a date stored as a datetime
    ("二〇一八年十月二十七日", ("2018-10-27", None)),
    ("二〇〇六年十二月三十日", ("2006-12-30", None)),
    ("20181027", ("2018-10-27", None)),
    ("2018-02-30", (None, None)),
    ("去年", (None, None)),
    (None, (None, None)),
])
def test_it_parses_dates(text, expected):
    assert parse_datetime(text) == expected


def test_it_splits_subject_terms_on_every_separator():
    assert split_terms("a b\u3000c；d;e，f,g、h") == list("abcdefgh")
    assert split_terms(["工作总结", "翠竹街道 工作总结"]) == ["工作总结", "翠竹街道"]
    assert split_terms("") == [] and split_terms(None) == []


def test_it_splits_a_line_of_label_value_pairs():
    assert split_pairs("文号: 发布日期: 2022-09-08") == [("文号", " "), ("发布日期", " 2022-09-08")]
    assert split_pairs("索 引 号：X 主题分类：") == [("索引号", "X "), ("主题分类", None)]
    assert split_pairs("这不是标签：值") == []


# --- Empty values (issue 8 §4.7) ------------------------------------------------------


def test_an_empty_value_cell_is_an_empty_value_not_the_next_row():
    record = extract(DATA / "empty_label_values.html")
    assert record["subject_terms"] == []  # not ['名', '称', '关于空白主题词的通知']
    assert record["doc_no"] is None       # not the 发布日期 cell beside it
    assert record["title"] == "关于空白主题词的通知"
    assert (record["index_no"], record["category"], record["published_on"], record["publisher"]) == (
        "000014349/2020-00007", "综合政务\\其他", "2020-03-01", "国务院办公厅")


def test_a_label_row_without_a_value_cell_does_not_take_the_next_label():
    record = extract_bytes(page(
        "<table><tr><td><b>主题词：</b></td></tr><tr><td><b>名　　称</b></td><td>关于某事的通知</td></tr>"
        "<tr><td><b>发布日期：</b></td><td>2020-01-05</td></tr></table><div id='zoom'><p>正文。</p></div>"
    ))
    assert record["subject_terms"] == [] and record["title"] == "关于某事的通知"


def test_a_label_alone_in_its_row_takes_the_next_row_as_its_value():
    record = extract_bytes(page(
        "<table><tr><th>名称</th></tr><tr><td>关于某事的通知</td></tr>"
        "<tr><th>发布日期</th></tr><tr><td>2020-01-05</td></tr></table><div id='zoom'><p>正文。</p></div>"
    ))
    assert (record["title"], record["published_on"]) == ("关于某事的通知", "2020-01-05")


# --- NUL bytes (issue 8 §4.4) --------------------------------------------------------


def test_a_nul_byte_in_json_lines_costs_its_line_only():
    lines = [b'{"title": "\x00first", "published_on": "2023-01-01"}',
             b'{"title": "second", "published_on": "2023-01-02"}',
             b'\x00{"title": "third"}',
             b'{"title": "fourth", "published_on": "2023-01-04"}']
    records = list(records_from_bytes(b"\n".join(lines) + b"\n", "batch.jsonl"))
    assert [r.position for r in records] == [1, 2, 3, 4]
    assert [r.fields["title"] for r in records if r.ok] == ["second", "fourth"]
    assert all("NUL" in r.error for r in records if not r.ok)


def test_a_nul_byte_on_a_web_page_is_dropped():
    data = page("<table><tr><td>标题：</td><td>关于\x00某事的通知</td></tr>"
                "<tr><td>发布日期：</td><td>2020-01-05</td></tr></table>")
    assert extract_bytes(data)["title"] == "关于某事的通知"


def test_files_full_of_nul_bytes_are_still_binary():
    assert "binary" in next(records_from_bytes(b"{\x00\"\x00t\x00" * 100, "x.jsonl")).error
    with pytest.raises(ExtractError, match="binary"):
        decode("<html><body>index</body></html>".encode("utf-16-le"))  # UTF-16 without its BOM
