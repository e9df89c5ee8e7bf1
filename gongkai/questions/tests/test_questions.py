import io
import json
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import SimpleTestCase

from gongkai.documents.models import Document, Status
from gongkai.questions import learning, store
from gongkai.questions.learning import BM25Index, Pair, doc_view, group_key, train
from gongkai.questions.models import Question, RankingModel
from gongkai.questions.search import rerank
from gongkai.search.query import parse
from gongkai.test import BaseTestCase, aware

# A small statute book: the answers speak the law's words, a distractor the citizens' words.
ARTICLES = {
    "民法典第一千零六十四条": "夫妻一方以个人名义所负的债务，配偶应当共同偿还。",
    "合伙企业法第三十九条": "合伙人以个人名义所负的债务，应当由其个人偿还。",
    "担保法第六条": "保证人一方应当按照约定偿还债务。",
    "民法典第六百六十七条": "借款合同是借款人向贷款人借款，到期返还借款并支付利息的合同。",
    "网络借贷管理办法第三条": "网贷平台应当向监管部门报送信息，网贷平台不得自融。",
    "劳动合同法第三十八条": "用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。",
    "劳动合同法第四十六条": "用人单位依法解除劳动合同的，应当向劳动者支付经济补偿。",
    "农村土地承包法第十六条": "家庭承包的承包方是本集体经济组织的农户。",
    "著作权法第十一条": "著作权属于作者，本法另有规定的除外。",
    "商标法第四条": "自然人、法人在生产经营活动中，需要取得商标专用权的，应当申请商标注册。",
    "道路交通安全法第七十六条": "机动车发生交通事故造成人身伤亡的，由保险公司在责任限额内予以赔偿。",
    "消费者权益保护法第五十五条": "经营者提供商品有欺诈行为的，应当按照消费者的要求增加赔偿。",
    "个体工商户条例第二条": "有经营能力的公民依照本条例规定登记，从事工商业经营的，为个体工商户。",
    "治安管理处罚法第四十三条": "殴打他人的，或者故意伤害他人身体的，处拘留并处罚款。",
}
SPOUSE, LOAN, P2P = "民法典第一千零六十四条", "民法典第六百六十七条", "网络借贷管理办法第三条"
PAIRS = [
    ("老公在外面欠了钱，我要替他还吗", [SPOUSE]),
    ("我老公借的钱我有没有义务还", [SPOUSE]),
    ("借了网贷还不上怎么办", [LOAN]),
    ("网贷到期了能不能晚点还", [LOAN]),
]


def synthetic_views():
    return {i: doc_view(i, title, text) for i, (title, text) in enumerate(ARTICLES.items())}


def synthetic_model(pairs=PAIRS):
    views = synthetic_views()
    ids = {v_title: i for i, v_title in enumerate(ARTICLES)}
    return train([Pair(q, [ids[a] for a in answers]) for q, answers in pairs],
                 BM25Index(list(views.values())), views), views, ids


class LearningTestCase(SimpleTestCase):
    def test_it_expands_a_citizen_word_to_a_statute_word(self):
        model, _, _ = synthetic_model()
        assert "配偶" in dict(model.knowledge.expansions["老公"])
        assert "借款" in dict(model.knowledge.expansions["网贷"])
        expanded = model.expand("老公欠的网贷要我还吗")
        assert expanded["老公"] == 1.0 and expanded["配偶"] > 0 and expanded["借款"] > 0
        assert "配偶" not in learning.Model(stats=model.stats).expand("老公")

    def test_it_never_expands_to_numbers_or_cross_references(self):
        numbered = [(q, answers) for q, answers in PAIRS]
        views = synthetic_views()
        views[0] = doc_view(0, SPOUSE, "依照本法第一千零六十五条，" + ARTICLES[SPOUSE])
        ids = {title: i for i, title in enumerate(ARTICLES)}
        model = train([Pair(q, [ids[a] for a in answers]) for q, answers in numbered],
                      BM25Index(list(views.values())), views)
        expansions = dict(model.knowledge.expansions["老公"])
        assert "配偶" in expansions
        assert not {"第一千", "一千", "六十五", "第一千零六十五条"} & set(expansions)
        assert learning.is_numeral("第一百五十") and not learning.is_numeral("第三人")

    def test_it_does_not_expand_from_a_single_co_occurrence(self):
        model, _, _ = synthetic_model(PAIRS[:1] + PAIRS[2:])  # 老公 asked once only
        assert "老公" not in model.knowledge.expansions

    def test_it_moves_the_answer_document_up_by_reranking(self):
        model, views, ids = synthetic_model()
        index = BM25Index(list(views.values()))
        question = "我老公欠了网贷，我要帮他还吗"
        hits = index.search(learning.query_weights(learning.analyzer().terms(question)))
        assert hits[0][0] == ids[P2P]  # plain BM25: the document that says 网贷
        assert ids[SPOUSE] not in [d for d, _ in hits]

        def lookup(doc_ids):
            return {d: views[d] for d in doc_ids if d in views}

        ranked = [d for d, _ in model.rerank(question, hits, docs=lookup)]
        assert ranked.index(ids[SPOUSE]) < ranked.index(ids[P2P]) and ids[LOAN] in ranked
        plain = learning.Model(stats=model.stats).rerank(question, hits, docs=lookup)
        assert [d for d, _ in plain] == [d for d, _ in hits]  # no pairs: BM25 order

    def test_it_fits_weights_that_prefer_answers(self):
        # Enough pairs to fit: each question's answer is its neighbours' answer.
        pairs = [(f"{who}欠的钱我要还吗{n}", [SPOUSE]) for n in range(6) for who in ("老公", "我老公")]
        pairs += [(f"网贷逾期怎么办{n}", [LOAN]) for n in range(6)]
        model, _, _ = synthetic_model(pairs)
        assert model.info["training_lists"] == len(pairs)
        w = dict(zip(learning.FEATURES, model.weights, strict=True))
        assert w["similar_doc"] > 0

    def test_it_survives_a_round_trip_through_bytes(self):
        model, views, _ = synthetic_model()
        again = learning.Model.loads(model.dumps())
        assert again.version == model.version and again.n_questions == 4
        assert again.expand("老公欠的网贷") == model.expand("老公欠的网贷")

        def lookup(doc_ids):
            return {d: views[d] for d in doc_ids if d in views}

        hits = [(2, 3.0), (5, 1.0)]
        assert again.rerank("老公的网贷", hits, docs=lookup) == model.rerank(
            "老公的网贷", hits, docs=lookup)

    def test_it_groups_articles_by_statute(self):
        assert group_key("中华人民共和国民法典第一千零六十四条") == "中华人民共和国民法典"
        assert group_key("刑法第二百六十四条之一") == "刑法"
        assert group_key("罗湖区翠竹街道办事处2021年工作总结") == "罗湖区翠竹街道办事处2021年工作总结"

    def test_the_in_memory_index_scores_like_rank_bm25(self):
        from rank_bm25 import BM25Okapi

        views = synthetic_views()
        index = BM25Index(list(views.values()))
        terms = learning.analyzer().terms("劳动者解除劳动合同经济补偿")
        reference = BM25Okapi([[t for t, c in v.tf.items() for _ in range(c)]
                               for v in views.values()]).get_scores(terms)
        ours = index.scores(learning.query_weights(terms))
        assert max(abs(a - b) for a, b in zip(reference, ours, strict=True)) < 1e-9


def learn(*args) -> str:
    out = io.StringIO()
    call_command("learn_questions", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


class LearnQuestionsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.articles = {
            title: Document.objects.create(
                title=title, agency=cls.gwyb, status=Status.PUBLISHED,
                published_at=aware(2021, 1, 1), body=f"<p>{text}</p>")
            for title, text in ARTICLES.items()}

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)
        store.reset()

    def tearDown(self):
        self._tmp.cleanup()
        store.reset()

    def write(self, *records, raw_lines=()) -> Path:
        path = self.tmp / "pairs.jsonl"
        lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(raw_lines)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def test_it_resolves_answers_by_index_no_and_exact_title(self):
        out = learn(self.write(
            {"q": "翠竹街道去年做了哪些工作", "answers": ["11440303007546460h/2022-00033"]},
            {"q": "政府网站集约化怎么搞", "answers": [self.notice.title, self.notice.index_no]},
        ), "--no-refresh")
        assert "新增问题 2 个" in out and "新增链接 2 条" in out and "无法解析的答复 0 个" in out
        assert list(Question.objects.get(text="翠竹街道去年做了哪些工作").answers.all()) == [
            self.summary]
        question = Question.objects.get(text="政府网站集约化怎么搞")
        assert list(question.answers.all()) == [self.notice]
        assert question.source == "pairs.jsonl"

    def test_it_reports_answers_it_cannot_resolve_with_line_numbers(self):
        out = learn(self.write(
            {"q": "翠竹街道去年做了哪些工作", "answers": [self.summary.title]},
            {"q": "有没有明年的计划", "answers": ["000014349/2099-00001", "不存在的文件"]},
        ), "--no-refresh")
        assert "第 2 行：找不到答复文件「000014349/2099-00001」" in out
        assert "第 2 行：找不到答复文件「不存在的文件」" in out
        assert "第 1 行" not in out
        assert Question.objects.get(text="有没有明年的计划").answers.count() == 0

    def test_it_skips_bad_lines_and_says_which(self):
        out = learn(self.write(
            {"q": "翠竹街道去年做了哪些工作", "answers": [self.summary.title]},
            raw_lines=['{"q": "没有闭合', '["q", "answers"]', '{"answers": ["x"]}',
                       '{"q": "答案不是列表", "answers": "x"}', "", '{"q": "  ", "answers": []}'],
        ), "--no-refresh")
        assert "第 2 行：不是有效的 JSON，已跳过" in out
        assert "第 3 行：不是 JSON 对象，已跳过" in out
        assert "第 4 行：缺少问题（q），已跳过" in out
        assert "第 5 行：answers 应为字符串列表，已跳过" in out
        assert "第 7 行：缺少问题（q），已跳过" in out
        assert "跳过的行 5 行" in out
        assert Question.objects.count() == 1

    def test_it_changes_nothing_when_run_again(self):
        path = self.write({"q": "翠竹街道去年做了哪些工作", "answers": [self.summary.title]},
                          {"q": "政府网站  集约化怎么搞", "answers": [self.notice.index_no]})
        learn(path, "--no-refresh")
        out = learn(path, "--no-refresh")
        assert "新增问题 0 个，已有 2 个，新增链接 0 条" in out
        assert Question.objects.count() == 2
        assert Question.answers.through.objects.count() == 2
        assert Question.objects.filter(text="政府网站 集约化怎么搞").exists()

    def test_it_refreshes_the_model_and_a_refresh_swaps_it(self):
        assert store.current_model() is None
        out = learn(self.write(*[{"q": q, "answers": a} for q, a in PAIRS[:2]]))
        assert "检索学习模型已更新" in out
        first = store.current_model()
        assert first.n_questions == 2 and first.stats.n_docs == len(ARTICLES) + 2
        learn(self.write(*[{"q": q, "answers": a} for q, a in PAIRS[2:]]))
        second = store.current_model()
        assert second.version != first.version and second.n_questions == 4
        assert RankingModel.objects.count() == 2
        # Another process stores a newer model: this one picks it up when it next looks.
        third = store.refresh()
        store._use(second)
        assert store.current_model().version == second.version  # checked a moment ago
        assert store.current_model(max_age=0).version == third.version

    def test_the_search_hook_moves_the_answer_up_and_shows_only_public_documents(self):
        spouse, p2p, loan = (self.articles[t] for t in (SPOUSE, P2P, LOAN))
        learn(self.write(*[{"q": q, "answers": a} for q, a in PAIRS]))
        hits = [(p2p.pk, 9.0), (self.notice.pk, 1.0)]
        ranked = [d for d, _ in rerank(parse("我老公欠了网贷，我要帮他还吗"), hits)]
        assert ranked.index(spouse.pk) < ranked.index(p2p.pk) and loan.pk in ranked
        # A filter, or an answer withdrawn since the model was trained: nothing is added.
        assert spouse.pk not in [d for d, _ in rerank(parse("我老公欠了网贷"), hits,
                                                       filters={"year": 2021})]
        spouse.status = Status.WITHDRAWN
        spouse.save()
        assert spouse.pk not in [d for d, _ in rerank(parse("我老公欠了网贷"), hits)]

    def test_without_a_model_the_hook_returns_the_hits(self):
        hits = [(self.notice.pk, 2.0), (self.summary.pk, 1.0)]
        assert rerank(parse("工作总结"), hits) == hits

    def test_it_lets_staff_link_a_question_to_documents_in_the_admin(self):
        admin = User.objects.create_superuser("admin", "admin@example.com", "pw")
        self.client.force_login(admin)
        response = self.client.get("/admin/questions/question/add/")
        assert response.status_code == 200
        assert "答复文件" in response.content.decode()
        response = self.client.post("/admin/questions/question/add/", {
            "text": "翠竹街道去年做了哪些工作", "answers": [self.summary.pk], "source": "12345热线"})
        assert response.status_code == 302
        question = Question.objects.get()
        assert list(question.answers.all()) == [self.summary] and question.key
