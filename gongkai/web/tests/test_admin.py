from django.contrib.auth.models import User

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document, Status
from gongkai.test import BaseTestCase

# The agency page's inline of its staff (roles), left as it is.
NO_STAFF_CHANGES = {"memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}


class AdminTestCase(BaseTestCase):
    def setUp(self):
        self.staff = User.objects.create_superuser("zhangsan", "zs@example.gov.cn", "pw")
        self.client.force_login(self.staff)

    def test_it_speaks_simplified_chinese(self):
        html = self.client.get("/admin/documents/document/").content.decode()
        assert "政府信息" in html and "发布所选政府信息" in html
        assert "添加" in html or "增加" in html

    def test_publishing_from_the_admin_assigns_an_index_no(self):
        for action in ("submit_selected", "publish_selected"):
            r = self.client.post("/admin/documents/document/", {
                "action": action, "_selected_action": [self.draft.pk]})
            assert r.status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.status == Status.PUBLISHED
        assert self.draft.index_no.startswith("11440303007546460H/")

    def test_completing_an_agency_code_numbers_its_documents(self):
        doc = Document.objects.create(title="待编号", agency=self.xinqu, status=Status.PUBLISHED)
        r = self.client.post(f"/admin/catalog/agency/{self.xinqu.pk}/change/", {
            "name": self.xinqu.name, "short_name": "", "code": "11441700007280420Y",
            "sort_order": 0, **NO_STAFF_CHANGES})
        assert r.status_code == 302
        doc.refresh_from_db()
        assert doc.index_no and doc.index_no.startswith("11441700007280420Y/")
        assert not Agency.objects.get(pk=self.xinqu.pk).needs_review

    def test_it_rejects_an_agency_code_with_a_wrong_check_digit(self):
        r = self.client.post(f"/admin/catalog/agency/{self.xinqu.pk}/change/", {
            "name": self.xinqu.name, "code": "11441700007280420X", "sort_order": 0,
            **NO_STAFF_CHANGES})
        assert r.status_code == 200
        assert "不是有效的统一社会信用代码" in r.content.decode()


class NotFoundTestCase(BaseTestCase):
    def test_a_missing_document_gets_a_chinese_404(self):
        r = self.client.get("/documents/999999/")
        assert r.status_code == 404
        assert "页面不存在" in r.content.decode()


class AdminFigureCheckTestCase(AdminTestCase):
    def test_the_change_form_shows_figures_that_do_not_add_up(self):
        self.draft.body = "<p>受理群众诉求1080宗，其中已化解1062件，待受理14宗，化解中1宗，继续研究3宗，成功率为98.30%。</p>"
        self.draft.save()
        html = self.client.get(f"/admin/documents/document/{self.draft.pk}/change/").content.decode()
        assert "⚠ 成功率文中为 98.30%，按 1062 ÷ 1080 计算得 98.33%（成功率 98.30% = 1062 / 1080）" in html

    def test_a_clean_document_says_so(self):
        html = self.client.get(f"/admin/documents/document/{self.summary.pk}/change/").content.decode()
        assert "未发现对不上的数字" in html


class AdminSuggestionsTestCase(AdminTestCase):
    def test_it_suggests_terms_abstract_and_topic_for_a_document(self):
        from gongkai.suggestions.suggester import forget_catalogue_suggester

        self.notice.body = "<p>关于做好社区民生微实事项目政务公开工作的通知，公开项目资金和进度。</p>"
        self.notice.save()
        forget_catalogue_suggester()
        self.draft.body = ("<p>为推进民生微实事工作，翠竹街道组织社区开展民生微实事项目。</p>"
                           "<p>民生微实事项目涉及养老服务、社区环境和便民设施。</p>")
        self.draft.save()
        change = self.client.get(f"/admin/documents/document/{self.draft.pk}/change/").content.decode()
        url = f"/admin/documents/document/{self.draft.pk}/suggest/"
        assert url in change
        html = self.client.get(url).content.decode()
        terms = html.split('class="suggested-terms">')[1].split("</p>")[0]
        assert "民生微实事" in terms
        abstract = html.split('class="suggested-abstract">')[1].split("</p>")[0]
        assert 0 < len(abstract) <= 100
        assert "综合政务\\政务公开" in html.split('class="suggested-topics">')[1]

    def test_it_needs_a_staff_login(self):
        self.client.logout()
        r = self.client.get(f"/admin/documents/document/{self.draft.pk}/suggest/")
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
