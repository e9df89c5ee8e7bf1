"""The register in the admin: per-agency visibility, personal data only for the agency, every
step through its page, every reply type reachable, the dashboard, letters, templates."""

import datetime as dt
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gongkai.accounts.models import AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.applications import stats
from gongkai.applications.models import Application, LetterTemplate, Stage
from gongkai.applications.outcomes import Outcome, row_key

from .helpers import PERSON_ID, make_application

BASE = "/admin/applications/application/"

MEDIA = tempfile.mkdtemp()


@override_settings(MEDIA_ROOT=MEDIA)
class RegisterAdminTests(StaffTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        self.app_a = make_application(self.cuizhu, received_on=dt.date.today(), name="甲申请人")
        self.app_b = make_application(self.gwyb, received_on=dt.date.today(), name="乙申请人")

    def step(self, app, name, data=None, user=None):
        self.client.force_login(user or self.reviewer_a)
        return self.client.post(f"{BASE}{app.pk}/step/{name}/", data or {})

    def test_an_agency_sees_only_its_cases(self):
        for user in (self.editor_b, self.reviewer_b, self.manager_b):
            self.client.force_login(user)
            listing = self.client.get(BASE).content.decode()
            assert self.app_b.tracking_code in listing and self.app_a.tracking_code not in listing
            assert "甲申请人" not in listing
            for url in (f"{BASE}{self.app_a.pk}/change/", f"{BASE}{self.app_a.pk}/step/note/",
                        f"{BASE}{self.app_a.pk}/letter/supplement/pdf/", f"{BASE}dashboard/",
                        f"{BASE}?q={self.app_a.tracking_code}"):
                response = self.client.get(url)
                assert "甲申请人" not in response.content.decode(), url
                assert self.app_a.tracking_code not in response.content.decode() or \
                    url.endswith(self.app_a.tracking_code), url
            response = self.client.post(f"{BASE}{self.app_a.pk}/step/note/", {"text": "x"})
            assert response.status_code == 404
        assert not self.app_a.events.exists()

    def test_the_site_administrator_sees_every_case_but_not_who_applied(self):
        self.client.force_login(self.admin)
        listing = self.client.get(BASE).content.decode()
        assert self.app_a.tracking_code in listing and self.app_b.tracking_code in listing
        assert "甲申请人" not in listing and "甲**" in listing
        page = self.client.get(f"{BASE}{self.app_a.pk}/change/").content.decode()
        assert "甲申请人" not in page and PERSON_ID not in page and "13800000000" not in page
        self.client.force_login(self.editor_a)
        page = self.client.get(f"{BASE}{self.app_a.pk}/change/").content.decode()
        assert "甲申请人" in page and PERSON_ID in page

    def test_registering_a_posted_application(self):
        self.client.force_login(self.editor_a)
        response = self.client.post(f"{BASE}add/", {
            "agency": self.cuizhu.pk, "channel": "registered_mail", "received_on": "2025-09-26",
            "applicant_type": "person", "name": "邮寄申请人", "id_number": PERSON_ID,
            "phone": "13800000000", "description": "某文件", "form_wanted": "paper",
            "delivery_wanted": "post", "address": "深圳市罗湖区某路1号"})
        assert response.status_code == 302, response.content.decode()[:3000]
        app = Application.objects.get(name="邮寄申请人")
        assert (app.stage, app.due_on) == (Stage.REVIEW, dt.date(2025, 10, 30))
        assert app.events.get().kind == "registered"
        # not for another agency
        response = self.client.post(f"{BASE}add/", {
            "agency": self.gwyb.pk, "channel": "in_person", "received_on": "2025-09-26",
            "applicant_type": "person", "name": "x", "id_number": PERSON_ID, "phone": "13800000000",
            "description": "y", "form_wanted": "paper", "delivery_wanted": "pick_up"})
        assert response.status_code == 200 and not Application.objects.filter(name="x").exists()

    def test_the_steps(self):
        online = make_application(self.cuizhu, channel="online")
        assert self.step(online, "confirm", {}).status_code == 302
        online.refresh_from_db()
        assert online.received_on == dt.date.today() and online.stage == Stage.REVIEW
        self.step(online, "request_supplement", {"request": "请写明年份"})
        self.step(online, "supplement", {"text": "2021年"})
        self.step(online, "accept")
        # an editor may not approve an extension; a reviewer may
        assert self.step(online, "extend", {"days": 10, "approved_by": "李主任"},
                         user=self.editor_a).status_code == 403
        assert self.step(online, "extend", {"days": 30, "approved_by": "李主任"}).status_code == 200
        self.step(online, "extend", {"days": 10, "approved_by": "李主任"})
        self.step(online, "pause", {"kind": "third_party", "party": "某公司"})
        stop = online.pauses.get()
        self.step(online, "resume", {"stop": stop.pk})
        self.step(online, "assign", {"assignee": self.editor_a.pk})
        self.step(online, "note", {"text": "内部：需调档"})
        response = self.step(online, "reply", {"outcome": "partial", "explanation": "部分涉及个人隐私。",
                                               "document_refs": "不存在的索引号"})
        assert "本机关没有索引号或文号为“不存在的索引号”" in response.content.decode()
        response = self.step(online, "reply", {
            "outcome": "partial", "explanation": "部分涉及个人隐私。",
            "document_refs": self.summary.index_no,
            "uploads": [SimpleUploadedFile("a.txt", b"aaa"), SimpleUploadedFile("b.txt", b"bbb")]})
        assert response.status_code == 302
        online.refresh_from_db()
        assert online.stage == Stage.REPLIED and online.outcome == Outcome.PARTIAL
        assert list(online.reply_documents.all()) == [self.summary]
        assert online.files.count() == 2
        self.step(online, "archive")
        online.refresh_from_db()
        assert online.stage == Stage.ARCHIVED
        kinds = list(online.events.values_list("kind", flat=True))
        assert kinds == ["received", "supplement_requested", "supplemented", "accepted", "extended",
                         "paused", "resumed", "assigned", "note", "replied", "archived"]
        assert AuditEntry.objects.filter(object_repr=online.tracking_code).count() == len(kinds)
        self.client.force_login(self.editor_a)
        page = self.client.get(f"{BASE}{online.pk}/change/").content.decode()
        assert "内部：需调档" in page and "延期答复告知书" in page
        for kind in ("partial", "supplement", "extension"):
            for fmt in ("pdf", "docx", "print"):
                response = self.client.get(f"{BASE}{online.pk}/letter/{kind}/{fmt}/")
                assert response.status_code == 200, (kind, fmt)

    def test_every_reply_type_is_reachable_and_counted(self):
        year = dt.date.today().year
        for outcome in Outcome.values:
            app = make_application(self.cuizhu, received_on=dt.date.today(), stage=Stage.PROCESSING)
            response = self.step(app, "reply", {"outcome": outcome, "explanation": "说明"})
            assert response.status_code == 302, outcome
            app.refresh_from_db()
            assert app.outcome == outcome and app.reply_letter
        table = stats.table3(self.cuizhu, year)
        for outcome in Outcome.values:
            assert table[row_key(outcome)]["自然人"] == 1, outcome

    def test_a_step_that_does_not_apply_is_refused(self):
        response = self.step(self.app_a, "archive")
        assert response.status_code == 302 and not self.app_a.events.exists()

    def test_dashboard_flags(self):
        late = make_application(self.cuizhu, received_on=dt.date.today() - dt.timedelta(days=60))
        self.client.force_login(self.editor_a)
        page = self.client.get(f"{BASE}dashboard/").content.decode()
        assert late.tracking_code in page and "已超期" in page
        assert page.index(late.tracking_code) < page.index(self.app_a.tracking_code)
        assert self.app_b.tracking_code not in page
        self.client.force_login(self.admin)
        page = self.client.get(f"{BASE}dashboard/").content.decode()
        assert self.app_b.tracking_code in page and "各机关" in page
        assert "甲申请人" not in page

    def test_letter_templates_only_for_the_site_administrator_and_checked(self):
        template = LetterTemplate.objects.get(kind="disclosed")
        self.client.force_login(self.manager_a)
        assert self.client.get(f"/admin/applications/lettertemplate/{template.pk}/change/").status_code == 403
        self.client.force_login(self.admin)
        url = f"/admin/applications/lettertemplate/{template.pk}/change/"
        response = self.client.post(url, {"title": "告知书", "body": "{% if %}"})
        assert "模板语法有误" in response.content.decode()
        response = self.client.post(url, {"title": "告知书", "body": "{{ app.name }}：予以公开。"})
        assert response.status_code == 302




class DashboardCostTests(StaffTestCase):
    def test_the_dashboard_costs_the_same_for_5_or_30_cases(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.editor_a)
        counts = []
        for n in (5, 30):
            while Application.objects.count() < n:
                make_application(self.cuizhu, received_on=dt.date.today())
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(f"{BASE}dashboard/").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
