"""数据核验: figures in Chinese prose that do not add up (gongkai.checks.figures)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.checks import figures as figures_module
from gongkai.checks.figures import Finding, check_text, extract_quantities

from .sentences import HELDOUT, SENTENCES, load_sentences

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEED = SHARED / "seed" / "seed-page.txt"

# Every relation on the seed page (罗湖区翠竹街道办事处2021年工作总结), decided one by one.
# Not relations: 排查率/核酸率 100% (no count named), 接种率 (no counts), 总签约率 89.55% (已签1148套
# of an unstated total; 选房套数1369套 is another project), 占街道党员总数80% (no total given),
# 其中…共3个 after 124项 (another measure), 其中 with a single part (6名 -> 1人, 6人 -> 2人).
SEED_RELATIONS = [
    ("sum", "26098人 = 15739 + 3034 + 31 + 4398 + 2896", "consistent"),
    ("sum", "1590人次 = 1375 + 766", "inconsistent"),
    ("rate", "化解率 98.06% = 1466 / 1495", "consistent"),
    ("rate", "办结率 96.8% = 1729 / 1786", "consistent"),
    ("sum", "1080宗 = 1062件 + 14 + 1 + 3", "consistent"),
    ("rate", "成功率 98.30% = 1062 / 1080", "inconsistent"),
    ("sum", "1475份 = 1139 + 336", "consistent"),
    ("sum", "2207.6万元 = 1356.6 + 约851", "consistent"),
    ("sum", "157个 = 75 + 79 + 3", "consistent"),
    ("sum", "1356.6万元 = 343.18 + 955.05 + 58.37", "consistent"),
    ("rate", "单独组建率 84% = 94 / 112", "consistent"),
]

# The seed paragraphs that hold the relations, verbatim (ASCII punctuation as on the page).
SEED_PARAGRAPHS = [
    "今年以来累计核查区下发各专项人员26098人,其中落地人员15739人,排查率100%,核酸率100%,"
    "移交外省3034人,已出境31人,不在我区4398人,无法落地2896人;核查疫情防控网格管理平台购药及发热人员"
    "48026人、一码通境外人员1760人、隔离酒店迁出人员550人;排查公安推送跨境货车司机累计1590人次,其中,"
    "落地人员共1375人次,不在辖区766人次;核查疫苗接种情况55709人。大力推进新冠疫苗接种工作。截至11月,"
    "街道辖区3岁及以上人群一针接种率达75%,二针接种率达66%,重点人群第三针接种数达7217人次。",
    "共调处各类矛盾纠纷1495宗,成功化解1466宗,化解率为98.06%。全力以赴做好信访各项工作,"
    "共受理群众各类信访件1786件,已办结1729件,办结率96.8%。截至目前已受理群众诉求1080宗,"
    "其中已化解1062件,待受理14宗,化解中1宗,继续研究3宗,成功率为98.30%。",
    "推进水贝村城市更新项目回迁选房,选房套数1369套,拟回迁面积有12.64万平方米。稳步推进市人民医院"
    "周边片区改造项目,并同步开展签约攻坚工作,已签1148套,总签约率为89.55%。",
    "2021年共办理房屋租赁合同登记(备案)1475份,其中住宅合同1139份,非住宅336份,注销租赁合同155份,"
    "依法代征私房税810万元。",
    "2021年,街道民生微实事涉及资金2207.6万元,其中,服务类项目157个,金额为1356.6万元,"
    "其中已实施完成75个,金额为343.18万元;实施中的79个,金额955.05万元;未启动的3个,金额58.37万元;"
    "工程类项目34个,投资约851万元,建设任务量为罗湖区各街道中最大。",
    "辖区112个居民小区共组建党支部94个,单独组建率达84%,管理党员2590人,占街道党员总数80%。",
    "今年街道共提出“我为群众办实事”项目124项,其中区级重点民生实事项目共3个。"
    "提拔重用6名科级领导干部,其中落实扶贫人员政治待遇1人。",
]


def relations(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.claim, f.status) for f in check_text(text)]


def only(text: str) -> Finding:
    findings = check_text(text)
    assert len(findings) == 1, findings
    return findings[0]


# --- The seed page -----------------------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason=f"shared seed page not found at {SEED}")
def test_it_finds_exactly_the_seed_page_relations():
    assert relations(SEED.read_text(encoding="utf-8")) == SEED_RELATIONS


def test_it_finds_the_seed_relations_in_the_copied_paragraphs():
    assert relations("\n".join(SEED_PARAGRAPHS)) == SEED_RELATIONS


def test_it_reports_the_seed_figures_for_the_inaccurate_success_rate():
    finding = check_text(SEED_PARAGRAPHS[1])[-1]
    assert (finding.stated, finding.computed, finding.difference) == (98.3, 98.33, 0.03)
    assert finding.sentence.startswith("截至目前已受理群众诉求1080宗")
    assert finding.sentence.endswith("成功率为98.30%。")


def test_it_reports_the_seed_parts_that_exceed_their_total():
    finding = check_text(SEED_PARAGRAPHS[0])[1]
    assert finding.claim == "1590人次 = 1375 + 766"
    assert (finding.stated, finding.computed, finding.difference) == (1590, 2141, 551)
    assert finding.unit == "人次"


def test_finding_span_points_at_its_sentence():
    text = "前言。" + SEED_PARAGRAPHS[1]
    for finding in check_text(text):
        assert text[finding.span[0]:finding.span[1]] == finding.sentence


def test_to_dict_is_the_cli_json_shape():
    data = only("共受理群众各类信访件1786件，已办结1729件，办结率96.8%。").to_dict()
    assert {"sentence", "claim", "stated", "computed", "status"} <= data.keys()
    assert data["stated"] == 96.8 and data["computed"] == 96.81 and data["status"] == "consistent"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- Extraction ----------------------------------------------------------------------------


def figures(text: str) -> list[tuple[str, Decimal, str, bool]]:
    return [(q.text, q.value, q.unit, q.approximate) for q in extract_quantities(text)]


def test_it_reads_units_multipliers_and_chinese_numerals():
    assert figures("培训三千余人，覆盖1.2万人，投入两万元、3.5亿元，整治出租屋11657间套") == [
        ("三千余人", 3000, "人", True),
        ("1.2万人", 12000, "万人", False),
        ("两万元", 20000, "元", False),
        ("3.5亿元", 350_000_000, "亿元", False),
        ("11657间", 11657, "间", False),
    ]


def test_it_reads_percentages_and_keeps_their_precision():
    found = extract_quantities("成功率为98.30%，占比９０％，百分之三十")
    assert [(q.number, q.value, q.unit) for q in found] == [
        ("98.30", Decimal("98.30"), "%"), ("90", 90, "%"), ("三十", 30, "%")]


@pytest.mark.parametrize("text", [
    "约2000人次", "近200名", "3346余人", "50多名", "1万余人次", "超过90%", "90%以上", "逾300家",
])
def test_it_marks_qualified_figures_approximate(text):
    (q,) = extract_quantities(text)
    assert q.approximate


def test_it_keeps_the_span_of_each_figure():
    text = "共调处各类矛盾纠纷1495宗"
    (q,) = extract_quantities(text)
    assert text[q.span[0]:q.span[1]] == "1495宗"


@pytest.mark.parametrize("text", [
    "依照本条例第十二条和第3条的规定",
    "2021年4月30日前完成，11月底前报送",
    "国办函〔2018〕71号",
    "一是加强组织领导，二是压实责任",
    "深入学习贯彻党的十九大和十九届六中全会精神",
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "咨询电话0755-12345678，24小时政务服务",
    "“一社区一品牌”，其中2075号小区党支部",
    "开展百场专题党课，走进千家万户",
    "3个月内办结，5个工作日内答复",
    "未发生一起疫情站内传播，选择其中一个",
])
def test_it_does_not_take_labels_and_idioms_for_quantities(text):
    assert extract_quantities(text) == []


def test_it_flags_prices_as_per_unit():
    price, total = extract_quantities("每人补助300元，共发放9000元")
    assert price.per_unit and not total.per_unit


# --- Rates ---------------------------------------------------------------------------------

RATE = "共受理群众各类信访件1786件，已办结1729件，办结率{}%。"


@pytest.mark.parametrize("stated, status", [
    ("96.8", "consistent"),  # 96.8085 rounds to 96.8
    ("96.81", "consistent"),  # rounds half-up
    ("96.80", "consistent"),  # truncated: accepted
    ("97", "consistent"),
    ("96.9", "inconsistent"),
    ("96.82", "inconsistent"),
    ("96", "consistent"),  # truncated at integer precision: accepted
    ("95", "inconsistent"),
])
def test_a_rate_is_checked_at_the_precision_stated(stated, status):
    assert only(RATE.format(stated)).status == status


def test_more_decimals_make_a_different_claim():
    base = "截至目前已受理群众诉求1080宗，其中已化解1062件，待受理14宗，化解中1宗，继续研究3宗，成功率为{}%。"
    assert check_text(base.format("98.3"))[-1].status == "consistent"
    assert check_text(base.format("98.30"))[-1].status == "inconsistent"


def test_it_takes_the_numerator_the_rate_names():
    # 按期办结480件 is a narrower count; 办结率 is 490 of 500.
    text = "共受理群众诉求500件，已办结490件，其中按期办结480件，办结率98%。"
    assert relations(text) == [("rate", "办结率 98% = 490 / 500", "consistent")]


def test_the_first_part_after_qizhong_is_a_share_of_the_total():
    assert relations("共受理投诉200件，其中已办结180件，办结率95%。") == [
        ("rate", "办结率 95% = 180 / 200", "inconsistent")]


def test_synonyms_name_the_numerator():
    assert relations("共受理行政复议案件50件，已审结45件，结案率88%。") == [
        ("rate", "结案率 88% = 45 / 50", "inconsistent")]


@pytest.mark.parametrize("text", [
    "共排查隐患500处，未整改20处，整改率96%。",  # the numerator is not stated
    "共调处纠纷约1500宗，成功化解1466宗，化解率为99%。",  # approximate total
    "共调处纠纷1500宗，成功化解1466宗，化解率超过99%。",  # approximate rate
    "全年收入100亿元，比上年增加10亿元，增长率为11.1%。",  # a growth rate has another base
    "已签1148套，总签约率为89.55%。",  # no total
    "共受理1000件，办结900件，按期办结率80%。",  # 按期办结 is not named
    "化解纠纷1466宗，化解率为98%。",  # no total
    "共受理投诉200件，其中消费投诉150件，已办结140件，办结率93.3%。",  # of the 200 or the 150?
])
def test_it_does_not_guess_a_rate(text):
    assert check_text(text) == []


def test_a_loosely_named_rate_is_shown_only_when_it_verifies():
    text = "辖区112个居民小区共组建党支部94个，单独组建率达{}%。"
    assert relations(text.format("84")) == [("rate", "单独组建率 84% = 94 / 112", "consistent")]
    assert check_text(text.format("90")) == []
    assert only(text.replace("单独", "").format("90")).status == "inconsistent"


def test_it_reads_full_width_digits():
    finding = only("共调处纠纷１４９５宗，成功化解１４６６宗，化解率为９８．０６％。")
    assert (finding.claim, finding.status) == ("化解率 98.06% = 1466 / 1495", "consistent")


# --- Shares --------------------------------------------------------------------------------


def test_a_share_is_checked_against_the_total_of_its_group():
    text = "全区共有企业500家，其中小微企业450家，占比{}%。"
    assert relations(text.format("90")) == [("share", "占比 90% = 450 / 500", "consistent")]
    assert only(text.format("91")).status == "inconsistent"


def test_a_share_of_something_else_is_not_checked():
    assert check_text("全区共有企业500家，其中小微企业450家，占全省小微企业的3%。") == []
    assert check_text("完成投资1.2亿元，占年度计划的120%。") == []
    # 75% of the 200 工业企业 or of the 500? Not said.
    assert check_text("全区共有企业500家，其中工业企业200家，小微企业150家，占比75%。") == []


# --- Sums ----------------------------------------------------------------------------------


def test_parts_that_add_up_are_consistent():
    finding = only("共有志愿者1.2万人，其中党员4000人，非党员8000人。")
    assert (finding.claim, finding.status) == ("1.2万人 = 4000人 + 8000人", "consistent")


def test_wan_and_yi_amounts_add_up_in_the_unit_of_the_total():
    finding = only("全年投入资金1.5亿元，其中中央补助8000万元，省级配套7000万元。")
    assert finding.claim == "1.5亿元 = 8000万元 + 7000万元"
    assert (finding.stated, finding.computed, finding.status) == (1.5, 1.5, "consistent")


def test_remaining_parts_that_overshoot_are_inconsistent():
    finding = only("投入资金1.5亿元，其中中央补助8000万元，其余资金9000万元。")
    assert (finding.stated, finding.computed, finding.status) == (1.5, 1.7, "inconsistent")


def test_counts_and_amounts_form_parallel_sums():
    text = "共实施项目20个，金额500万元，其中工程类12个，金额300万元；服务类8个，金额200万元。"
    assert relations(text) == [("sum", "20个 = 12 + 8", "consistent"),
                               ("sum", "500万元 = 300 + 200", "consistent")]


def test_a_remainder_that_falls_short_is_inconsistent():
    assert relations("共受理1000件，其中已办结900件，其余80件正在办理。") == [
        ("sum", "1000件 = 900 + 80", "inconsistent")]


def test_with_and_without_split_a_total():
    assert relations("共有小区92个，其中有物业50个，无物业45个。") == [
        ("sum", "92个 = 50 + 45", "inconsistent")]


def test_values_of_one_attribute_split_a_total():
    assert relations("共有救助对象120人，其中未成年人80人，老年人60人。") == [
        ("sum", "120人 = 80 + 60", "inconsistent")]
    assert relations("共发放助学金1.02亿元，其中本专科生7,800万元，研究生3,400万元。") == [
        ("sum", "1.02亿元 = 7,800万元 + 3,400万元", "inconsistent")]


def test_men_and_women_split_a_total():
    assert relations("共有党员1200名，其中男党员800名，女党员500名。") == [
        ("sum", "1200名 = 800 + 500", "inconsistent")]


@pytest.mark.parametrize("text", [
    # 其中 followed by another measure
    "共有企业120家，其中营业收入30亿元，纳税5亿元。",
    "今年街道共提出项目124项，其中区级重点民生实事项目共3个，涉及资金200万元。",
    # 人 and 人次 are different kinds, even when the numbers would add up
    "共服务群众3000人次，其中老年人1800人，儿童1200人。",
    # parts that may overlap or leave some out
    "共有干部120人，其中女干部50人，党员90人。",
    "共有党员1200名，其中女党员400名，少数民族党员50名，35岁以下党员300名。",
    "共计划建设10个项目，其中已开工8个，已完工5个。",
    "共救助困难家庭40户，其中无房户30户，低保户20户。",  # 无房 is an attribute, not a complement
    # more clauses follow the parts: the list may go on in other words
    "共办理合同登记1475份，其中住宅合同1138份，非住宅336份，注销租赁合同155份，代征税款810万元。",
    # two figures of the kind before 其中: which one is divided is not said
    "共收到申请120件，上年结转5件，其中予以公开80件，不予公开45件。",
    # approximate figures are never inconsistent
    "累计开展学习600余次，其中专题研讨20次，集中学习700次。",
    # a single part is not a sum
    "提拔重用6名科级领导干部，其中落实扶贫人员政治待遇1人。",
    # 128.5万元 is counted to 0.1万: 100 + 28 is not it, and nothing says the list is complete
    "共发放救助金128.5万元，其中低保金100万元，临时救助28万元。",
])
def test_it_does_not_guess_a_sum(text):
    assert check_text(text) == []


def test_a_change_against_last_year_is_not_a_total():
    assert relations("共受理1000件，同比增加200件，其中已办结800件，未办结200件。") == [
        ("sum", "1000件 = 800 + 200", "consistent")]


def test_a_figure_introduced_by_han_is_inside_the_part_before_it():
    assert relations("共受理1000件，其中已办结900件，含按期办结850件，未办结100件。") == [
        ("sum", "1000件 = 900 + 100", "consistent")]


def test_a_parenthetical_is_not_a_part():
    text = "共立案10宗，其中已结案7宗（2020年立案1宗），未结案3宗。"
    assert relations(text) == [("sum", "10宗 = 7 + 3", "consistent")]


def test_statutes_yield_no_relations():
    text = ("第十二条　违反本条例第五条规定的，处五千元以上五万元以下罚款；其中，情节严重的，"
            "处五万元以上十万元以下罚款。第十三条　本条例自2019年5月15日起施行。")
    assert check_text(text) == []


# --- Issue 11: more tally shapes -----------------------------------------------------------


def test_parts_that_exceed_the_total_are_inconsistent_and_the_message_names_the_numbers():
    finding = only("全年共排查安全隐患120处，其中重大隐患50处，一般隐患80处。")
    assert (finding.claim, finding.status) == ("120处 = 50 + 80", "inconsistent")
    assert finding.message == "分项合计 130 处，超过总数 120 处"
    assert finding.to_dict()["message"] == finding.message


@pytest.mark.parametrize("marker", ["其中", "包括", "主要是", "分别为"])
def test_every_list_word_opens_parts_that_cannot_exceed_the_total(marker):
    assert relations(f"共开展专项检查46次，{marker}消防检查28次、燃气检查21次。") == [
        ("sum", "46次 = 28 + 21", "inconsistent")]


@pytest.mark.parametrize("text", [
    "共开展专项检查46次，其中消防检查20次、燃气检查21次。",
    "共开展专项检查46次，包括消防检查20次、燃气检查21次。",
    "共开展专项检查46次，主要是消防检查20次、燃气检查21次。",
    "共建成充电桩3850个，涉及三类运营商，其中快充桩1620个、慢充桩2130个。",  # 三类 is not the two
])
def test_a_shortfall_is_no_error_when_the_list_may_name_only_some_parts(text):
    assert not [f for f in check_text(text) if f.status == "inconsistent"]


@pytest.mark.parametrize("text", [
    "本年度共受理行政复议案件215件，分别为维持128件、撤销23件、驳回54件。",
    "全县共开发公益性岗位150个，分为城镇岗位和乡村岗位两类，分别为60个、80个。",
    "全市共建成充电桩3,850个，其中快充桩和慢充桩两类：1,620个、2,130个。",
])
def test_a_shortfall_is_an_error_when_the_text_names_every_part(text):
    (finding,) = check_text(text)
    assert finding.status == "inconsistent" and "少于总数" in finding.message


def test_totals_in_yi_parts_in_wan_and_yuan():
    assert relations("共筹集资金356万元，其中财政拨款2,800,000元，社会捐赠960,000元。") == [
        ("sum", "356万元 = 2,800,000元 + 960,000元", "inconsistent")]
    assert only("投资1.2亿元，其中设备购置4500万元，建筑工程8500万元。").message == (
        "分项合计 1.3 亿元，超过总数 1.2 亿元")


def test_a_single_part_cannot_exceed_its_total():
    assert only("全街道共有网格员86名，其中专职网格员92名。").message == "分项 92 名，超过总数 86 名"


@pytest.mark.parametrize("text", [
    "共有规上工业企业210家，其中产值超亿元企业86家，高新技术企业132家。",  # attributes
    "共有企业500家，其中工业企业300家，规上工业企业250家。",  # one inside the other
    "共受理投诉200件，其中消费投诉150件，已办结140件。",  # a type and a state
    "共受理投诉200件，其中消费投诉150件，已办结140件，未办结20件。",
    "工单总数为12683件，其中办结8846件、不予受理867件、满意6197件、基本满意237件、不满意1262件。",
    "共有村（社区）19个，其中行政村17个、社区3个，涉及人口3.2万人。",  # more figures follow
])
def test_parts_that_may_overlap_are_not_accused_of_exceeding(text):
    assert check_text(text) == []


def test_a_nested_list_that_does_not_add_up_is_inconsistent_and_hides_its_outer_list():
    text = "全区共有公办幼儿园42所，其中城区18所，农村24所，其中中心园12所、村级园16所。"
    assert relations(text) == [("sum", "24所 = 12 + 16", "inconsistent")]


def test_a_nested_list_of_the_outer_total_is_not_accused():
    text = "全区共有幼儿园42所，其中城区18所，农村24所，其中公办园20所、民办园22所。"
    assert check_text(text) == []


def test_an_outer_list_goes_on_past_the_semicolon_of_a_nested_one():
    text = "共下达资金5600万元，其中基础设施类3800万元，其中道路2600万元、供水1200万元；公共服务类2000万元。"
    assert relations(text) == [("sum", "5600万元 = 3800 + 2000", "inconsistent"),
                               ("sum", "3800万元 = 2600 + 1200", "consistent")]


@pytest.mark.parametrize("text, approximate", [
    ("共接收实习生20至30人", [True]),
    ("共接收实习生20人至30人", [True, True]),
    ("补助10万～30万元", [True]),
    ("由300人增至500人", [False, False]),
])
def test_a_range_is_approximate(text, approximate):
    assert [q.approximate for q in extract_quantities(text)] == approximate


def test_a_range_total_is_never_accused():
    assert check_text("共接收实习生20至30人，其中本科生15人，研究生18人。") == []


def test_a_share_of_a_total_the_text_names():
    text = "全县户籍人口52.3万人，其中农村人口31.4万人，占总人口的{}%。"
    assert relations(text.format(60)) == [("share", "占比 60% = 31.4 / 52.3", "consistent")]
    assert only(text.format(65)).message == "占比文中为 65%，按 31.4 ÷ 52.3 计算得 60.04%"
    assert check_text("全县户籍人口52.3万人，其中农村人口31.4万人，占全省农村人口的5%。") == []


@pytest.mark.parametrize("text, claim, status", [
    ("2023年接待游客1,650万人次，2022年为1,500万人次，同比增长10%。",
     "增长 10% = 1,650 / 1,500 − 1", "consistent"),
    ("全年受理申请325件，上年为250件，比上年增长35%。", "增长 35% = 325 / 250 − 1", "inconsistent"),
    ("全年实现地区生产总值812.6亿元，比上年的758.3亿元增长7.2%。",
     "增长 7.2% = 812.6 / 758.3 − 1", "consistent"),
    ("事故起数为42起，去年同期为60起，同比下降30%。", "下降 30% = 42 / 60 − 1", "consistent"),
    ("2023年新增市场主体5,230户，2022年为4,860户，同比增加470户。",
     "增加 470户 = 5,230 − 4,860", "inconsistent"),
])
def test_a_year_on_year_change_is_checked_when_both_years_are_stated(text, claim, status):
    finding = only(text)
    assert (finding.kind, finding.claim, finding.status) == ("change", claim, status)


def test_a_change_in_the_wrong_direction_is_named():
    finding = only("2023年发生火灾事故128起，较2022年的160起上升20%。")
    assert finding.status == "inconsistent"
    assert finding.message == "文中上升 20%，按本期 128起、上期 160起 计算得下降 20%"


@pytest.mark.parametrize("text", [
    "全年受理申请325件，同比增长30%。",  # last year's figure not stated
    "全年受理1200件，2022年为1000件，同比增长10%。",  # which year is 全年?
    "全年受理申请325件，办结300件，上年为250件，比上年增长30%。",  # which figure grew?
    "全年受理申请325件，上年为250件，比上年增长约30%。",  # approximate
    "全年受理申请325件，上年为250件，比上年增长3个百分点。",  # points, not percent
])
def test_it_does_not_guess_a_change(text):
    assert check_text(text) == []


@pytest.mark.parametrize("text, expected", [
    ("市本级投入2,000万元，区县投入1,500万元，共计3,500万元。",
     [("sum", "3,500万元 = 2,000 + 1,500", "consistent")]),
    ("市本级投入2,000万元，区县投入1,500万元，合计3,600万元。",
     [("sum", "3,600万元 = 2,000 + 1,500", "inconsistent")]),
    # the first figure may be something else: 1.2亿元 is not summed, the last two fit
    ("完成投资1.2亿元，市本级投入2,000万元，区县投入1,500万元，总计3,500万元。",
     [("sum", "3,500万元 = 2,000 + 1,500", "consistent")]),
    # …so a shortfall is accused only when all of them fall short
    ("完成投资1.2亿元，市本级投入2,000万元，区县投入1,500万元，总计3,600万元。", []),
    ("新增企业50家，共有企业600家。", []),  # 共有 is a stock, not a sum of what precedes
    ("共投入5000万元，其中市本级2000万元，区县1500万元，共计3500万元，社会资本1500万元。",
     [("sum", "5000万元 = 2000 + 1500 + 1500", "consistent"),
      ("sum", "3500万元 = 2000 + 1500", "consistent")]),
])
def test_a_total_after_its_parts(text, expected):
    assert relations(text) == expected


def test_a_change_named_by_its_rate():
    finding = only("全年进出口总额860亿元，上年同期为800亿元，增幅为10%。")
    assert (finding.claim, finding.status) == ("增幅 10% = 860 / 800 − 1", "inconsistent")


def test_a_nested_list_is_not_excused_by_a_sibling_part_it_happens_to_equal():
    text = "共办理项目30件，其中教育类8件，医疗类7件，其中新建站5件、改建院3件；其他15件。"
    assert ("sum", "7件 = 5 + 3", "inconsistent") in relations(text)


def test_a_table_run_into_one_sentence_is_not_read_as_prose():
    row = "甲类{}件，上年为{}件，同比增长{}%"
    table = "，".join(row.format(i % 7 + 1, i % 5 + 1, i % 9) for i in range(1000)) + "。"
    assert check_text(table) == []
    assert check_text(row.format(120, 100, 25) + "。")[0].claim == "增长 25% = 120 / 100 − 1"


@pytest.mark.parametrize("path", [SENTENCES, HELDOUT], ids=["sentences", "heldout"])
def test_skipping_sentences_that_cannot_relate_figures_loses_no_finding(path):
    # check_text skips a sentence without the words any check needs, or with fewer than two
    # figures: a check added without updating _may_relate loses its findings here.
    for row in load_sentences(path):
        text = row.text.translate(figures_module._HALF_WIDTH)
        unfiltered = [f for s, e in figures_module._sentence_spans(text)
                      for f in figures_module._Sentence(text[s:e]).check()]
        assert [(f.claim, f.status) for f in check_text(text)] == [
            (f.claim, f.status) for f in unfiltered], text


def test_the_sentences_looked_at_are_those_that_may_relate_figures():
    # check_text finds them from the words _may_relate needs, not by walking every sentence.
    rows = load_sentences(SENTENCES)
    texts = [" \n。其中\n\n总数5人，男3人！  ？占比60%?率为1%\n合计", "百分之五十\n",
             "".join(row.text + "\n \n" for row in rows), "。".join(row.text for row in rows)]
    for text in texts:
        candidates = [(s, e) for s, e in figures_module._candidate_sentences(text)
                      if figures_module._may_relate(text[s:e])]
        assert candidates == [(s, e) for s, e in figures_module._sentence_spans(text)
                              if figures_module._may_relate(text[s:e])]
