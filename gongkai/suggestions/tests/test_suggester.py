"""Suggestions for editors: 主题词, 内容概述 and 主题分类 (gongkai.suggestions.suggester)."""

import re

import pytest
from django.test import TestCase

from gongkai.catalog.models import Topic
from gongkai.documents.models import Document, Status
from gongkai.search.segment import agency_name_words
from gongkai.suggestions.suggester import (
    Example,
    Suggester,
    catalogue_suggester,
    forget_catalogue_suggester,
    suggest_abstract,
    suggest_terms,
    suggest_topic,
)
from gongkai.test import BaseTestCase, aware

MINSHENG = (
    "翠竹街道扎实开展民生微实事工作。今年翠竹街道共开展民生微实事项目157个，"
    "民生微实事工作进一步推进。各社区积极开展工作，翠竹街道民生微实事惠及群众。"
)

# Ordinary government prose, so that 工作/开展/推进 are common and the IDF knows it.
BACKGROUND = [
    Example("各单位要认真开展安全生产检查工作，进一步推进隐患排查，切实做好工作。",
            "关于开展安全生产检查工作的通知"),
    Example("为进一步推进政务公开工作，各部门要认真开展自查，做好信息发布工作。",
            "关于推进政务公开工作的通知"),
    Example("各街道要开展防汛工作，推进排水设施检查，做好值班值守工作。",
            "关于做好防汛工作的通知"),
]

NOTICE = """国务院办公厅关于印发《政府网站集约化试点工作方案》的通知
国办函〔2018〕71号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
《政府网站集约化试点工作方案》已经国务院领导同志同意，现印发给你们，请认真贯彻执行。
国务院办公厅
2018年10月27日
（此件公开发布）
一、总体要求
为贯彻落实党中央、国务院关于加强全国网络安全和信息化工作有关部署，推进政府网站互联互通融合发展，现就开展政府网站集约化试点工作，制定以下方案。
试点地区要认真组织实施，按照统一标准体系、统一技术平台、统一安全防护、统一运维监管的要求，推进数据融通、服务融通、应用融通，有效解决政府网站建设分散、数据不通、使用不便等突出问题。
加强域名解析安全防护，鼓励对政府网站域名进行集中解析。
"""

TRAINING = [
    Example("全民健身运动会在体育中心举行，运动员参加田径、游泳等体育比赛。",
            "关于举办全民健身运动会的通知", ("体育", "运动会"), "卫生、体育\\体育"),
    Example("体育局组织青少年足球联赛，加强体育场馆建设，推动竞技体育发展。",
            "关于开展青少年足球联赛的通知", ("体育",), "卫生、体育\\体育"),
    Example("纳税人申报个人所得税，享受专项附加扣除，税务机关办理退税。",
            "个人所得税专项附加扣除办法", ("税收",), "财政、金融、审计\\税务"),
    Example("税务部门落实增值税减税降费政策，优化纳税服务，加强税收征管。",
            "关于落实减税降费政策的通知", ("税收",), "财政、金融、审计\\税务"),
    Example("幼儿园招生工作按照就近入学原则，学前教育资源向小区配套幼儿园倾斜。",
            "关于做好幼儿园招生工作的通知", ("教育",), "科技、教育\\教育"),
    Example("中小学教师培训纳入教育经费预算，推进义务教育均衡发展。",
            "关于加强中小学教师培训的意见", ("教育",), "科技、教育\\教育"),
]


@pytest.fixture(autouse=True)
def fresh_catalogue_model():
    """Each test learns its own catalogue, not the one a previous test left in the process."""
    forget_catalogue_suggester()
    yield
    forget_catalogue_suggester()


def sentences_of(text: str) -> set[str]:
    return {s.strip() for s in re.findall(r"[^。！？\n]+[。！？]", text)}


class SuggestTermsTestCase(BaseTestCase):
    def test_it_picks_the_distinctive_words_of_a_small_text(self):
        # The domain dictionary (agency names and their parts) keeps 翠竹街道 whole; 民生微实事,
        # which jieba cuts 民生/微/实事, is joined again because the run recurs.
        learner = Suggester.from_examples(
            BACKGROUND, words=agency_name_words("深圳市罗湖区翠竹街道办事处"))
        terms = suggest_terms(MINSHENG, "翠竹街道民生微实事工作情况", corpus=learner)
        assert set(terms[:2]) == {"民生微实事", "翠竹街道"}
        assert not {"工作", "开展", "推进", "进一步", "民生", "实事", "翠竹"} & set(terms)

    def test_it_learns_from_the_published_catalogue_by_default(self):
        # The catalogue (BaseTestCase) knows 翠竹街道 as a 主题词 and as part of an agency name.
        terms = suggest_terms(MINSHENG, "翠竹街道民生微实事工作情况")
        assert "翠竹街道" in terms
        assert "民生微实事" in terms
        assert "工作" not in terms

    def test_it_drops_numbers_dates_and_single_characters(self):
        text = "2021年10月，翠竹街道完成157个项目，投入1356.6万元，第26届活动于3月举行，年年如此。"
        terms = suggest_terms(text, "", k=20, corpus=BACKGROUND)
        assert terms, "a text with content words gets suggestions"
        for term in terms:
            assert len(term) >= 2, term
            assert not re.search(r"\d", term), term

    def test_it_suggests_a_term_this_catalogues_editors_use_even_when_generic(self):
        examples = [
            Example("关于同意申办运动会的复函。经国务院同意，现函复如下。", "关于申办运动会的复函",
                    ("运动会", "函")),
            Example("关于气象站建设的复函。经国务院同意，现函复如下。", "关于合建气象站的复函",
                    ("气象", "函")),
            Example("关于粮食储备问题的复函。经国务院同意，现函复如下。", "关于粮食储备的复函",
                    ("粮食", "函")),
        ]
        terms = suggest_terms("关于防汛物资储备问题的复函。经国务院同意，现函复如下。",
                              "关于防汛物资储备的复函", corpus=examples)
        assert "函" in terms
        # Without anyone having chosen it, a single character is never suggested.
        assert "函" not in suggest_terms("关于防汛物资储备问题的复函。", "关于防汛物资储备的复函",
                                        corpus=BACKGROUND)

    def test_it_returns_at_most_k_terms(self):
        assert len(suggest_terms(NOTICE, "", k=3, corpus=BACKGROUND)) == 3
        assert suggest_terms(NOTICE, "", k=0, corpus=BACKGROUND) == []


class SuggestAbstractTestCase(TestCase):
    def test_it_is_at_most_100_characters_of_whole_sentences_without_the_salutation(self):
        abstract = suggest_abstract(NOTICE)
        assert 0 < len(abstract) <= 100
        assert "各省、自治区" not in abstract
        assert "国办函" not in abstract
        assert "2018年10月27日" not in abstract
        assert "此件公开发布" not in abstract
        source = sentences_of(NOTICE)
        for sentence in sentences_of(abstract):
            assert sentence in source, sentence
        assert abstract.endswith("。")

    def test_it_respects_a_smaller_limit(self):
        abstract = suggest_abstract(NOTICE, max_chars=50)
        assert 0 < len(abstract) <= 50
        assert all(s in sentences_of(NOTICE) for s in sentences_of(abstract))

    def test_it_drops_a_salutation_on_the_same_line_as_the_text(self):
        text = ("各区人民政府，市政府各部门：经市政府同意，现将本市政务公开工作要点印发给你们。"
                "各单位要结合实际抓好落实。")
        abstract = suggest_abstract(text)
        assert abstract.startswith("经市政府同意")
        assert "各区人民政府" not in abstract

    def test_it_cuts_at_a_clause_when_no_sentence_fits(self):
        text = "为" + "，".join(["进一步规范政府信息公开目录编制工作"] * 8) + "，制定本办法。"
        abstract = suggest_abstract(text, max_chars=100)
        assert 0 < len(abstract) <= 100
        assert abstract.endswith("工作。")


class SuggestTopicTestCase(TestCase):
    def test_it_picks_the_right_path_for_an_on_topic_text(self):
        learner = Suggester.from_examples(TRAINING)
        ranked = suggest_topic("全市中小学开展教师培训，幼儿园和义务教育学校教育质量提升。",
                               "关于提高义务教育质量的通知", corpus=learner)
        assert ranked[0][0] == "科技、教育\\教育"
        assert ranked[0][1] > ranked[1][1]
        ranked = suggest_topic("个人所得税汇算清缴，纳税人可申请退税。", "关于个人所得税汇算的公告",
                               corpus=learner)
        assert ranked[0][0] == "财政、金融、审计\\税务"

    def test_naive_bayes_agrees_on_a_clear_case(self):
        ranked = suggest_topic("运动员参加体育比赛，全民健身运动会开幕。", "关于举办运动会的通知",
                               corpus=TRAINING, method="bayes")
        assert ranked[0][0] == "卫生、体育\\体育"

    def test_an_empty_catalogue_gives_no_topics(self):
        assert Document.objects.count() == 0
        assert suggest_topic("关于推进政务公开工作的通知", "政务公开") == []
        assert suggest_topic("关于推进政务公开工作的通知", "", corpus=[]) == []
        # Terms still come, from jieba's IDF.
        terms = suggest_terms("关于加强防汛抗旱物资储备工作的通知。防汛抗旱物资储备要规范。", "")
        assert {"防汛", "抗旱"} <= set(terms)
        assert not {"工作", "通知", "加强", "关于"} & set(terms)

    def test_documents_without_a_topic_teach_no_topics(self):
        assert suggest_topic("政务公开", "", corpus=BACKGROUND) == []


class CatalogueSuggesterTestCase(BaseTestCase):
    def test_it_learns_the_catalogues_topics_and_follows_changes(self):
        # Only the notice of BaseTestCase carries a 主题分类.
        assert [p for p, _ in suggest_topic("政府网站集约化", "")] == ["综合政务\\政务公开"]
        first = catalogue_suggester()
        assert catalogue_suggester() is first  # cached while the catalogue is unchanged
        Document.objects.create(
            title="关于举办全民健身运动会的通知", agency=self.cuizhu, status=Status.PUBLISHED,
            published_at=aware(2022, 10, 1), topic=Topic.from_path("卫生、体育\\体育"),
            body="<p>全民健身运动会在体育中心举行，运动员参加体育比赛。</p>",
        )
        assert catalogue_suggester() is first  # a changed catalogue is learned at most every 10 min
        assert catalogue_suggester(max_age=0) is not first
        ranked = suggest_topic("体育比赛和运动会", "关于举办运动会的通知")
        assert ranked[0][0] == "卫生、体育\\体育"

    def test_drafts_and_withheld_documents_are_not_learned(self):
        learner = catalogue_suggester()
        assert learner.idf.n_docs == Document.objects.published().count()


ODD_INPUTS = [
    "", " ", "\n\n", "12345", "2019年3月1日 123.45 678%", "啊" * 10_000, "。" * 500,
    "，".join(["一"] * 300), "ＡＢＣ１２３", "😀" * 50, "<p>html</p>", "：" * 20, "a" * 10_000,
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_it_never_raises_on_odd_input(text):
    learner = Suggester.from_examples(TRAINING)
    terms = suggest_terms(text, text, corpus=learner)
    assert isinstance(terms, list) and all(isinstance(t, str) for t in terms)
    assert len(suggest_abstract(text)) <= 100
    assert isinstance(suggest_topic(text, text, corpus=learner), list)
    assert isinstance(suggest_topic(text, text, corpus=learner, method="bayes"), list)


def test_it_finds_nothing_in_text_without_words():
    learner = Suggester.from_examples(TRAINING)
    assert suggest_terms("", "", corpus=learner) == []
    assert suggest_terms("2019年3月1日 12345", "", corpus=learner) == []
    assert suggest_abstract("") == ""
    assert suggest_abstract("12345") == ""
