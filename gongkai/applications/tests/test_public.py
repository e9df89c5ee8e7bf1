"""The citizen's pages: apply, receipt, status look-up, the case page and its downloads."""

import datetime as dt

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.accounts.models import AuditEntry, Role
from gongkai.accounts.tests.cast import staff_user
from gongkai.applications import cases
from gongkai.applications.models import Application, Stage
from gongkai.test import BaseTestCase

from .helpers import ORG_CODE, PERSON_ID, make_application

VALID = {
    "applicant_type": "person", "name": "王小明", "id_number": PERSON_ID.lower(),
    "phone": "138-0000-1111", "email": "wang@example.com", "description": "翠竹街道2021年老旧小区改造的立项批复",
    "form_wanted": "electronic", "delivery_wanted": "online", "doc_no": "罗府[2021]3号",
}


class PublicPagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.handler = staff_user("handler_a", (cls.cuizhu, Role.EDITOR))

    def url(self):
        return reverse("apply", args=[self.cuizhu.pk])

    def test_form_page(self):
        response = self.client.get(self.url())
        self.assertContains(response, "向深圳市罗湖区翠竹街道办事处申请政府信息公开")
        self.assertContains(response, 'name="id_number"')
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)

    def test_apply_receipt_and_status(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(), VALID)
        self.assertRedirects(response, reverse("application_receipt"))
        app = Application.objects.get()
        self.assertEqual((app.agency, app.stage, app.channel), (self.cuizhu, Stage.REGISTERED, "online"))
        self.assertEqual(app.id_number, PERSON_ID)  # upper-cased
        self.assertEqual(app.doc_no, "罗府〔2021〕3号")
        self.assertIsNone(app.received_on)
        receipt = self.client.get(reverse("application_receipt"))
        self.assertContains(receipt, app.tracking_code)
        self.assertEqual(mail.outbox[0].to, ["wang@example.com"])
        self.assertIn(app.tracking_code, mail.outbox[0].body)
        self.assertEqual(mail.outbox[1].to, ["handler_a@example.gov.cn"])
        self.assertTrue(AuditEntry.objects.filter(object_repr=app.tracking_code, action="create").exists())
        self.assertFalse(AuditEntry.objects.filter(detail__contains="王小明").exists())
        # A new browser: the case needs the code and the contact.
        self.client.logout()
        case_url = reverse("application_case", args=[app.tracking_code])
        self.assertEqual(self.client.get(case_url).status_code, 404)
        status_url = reverse("application_status")
        wrong = self.client.post(status_url, {"code": app.tracking_code, "contact": "13900000000"})
        self.assertContains(wrong, "查询码与联系方式不匹配", status_code=200)
        right = self.client.post(status_url, {"code": app.tracking_code.lower().replace("-", ""),
                                              "contact": "13800001111"})
        self.assertRedirects(right, case_url)
        page = self.client.get(case_url)
        self.assertContains(page, "等待本机关确认收到")
        self.assertContains(page, "王小明")
        self.assertContains(page, 'aria-current="step"')

    def test_bad_input_is_kept_and_explained(self):
        data = {**VALID, "id_number": "110105194912310021", "phone": "", "email": "", "name": ""}
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "居民身份证号不正确")
        self.assertContains(response, "请至少填写联系电话或电子邮箱中的一项")
        self.assertContains(response, "请填写申请人姓名或名称")
        self.assertContains(response, 'value="110105194912310021"')
        self.assertContains(response, "翠竹街道2021年老旧小区改造的立项批复")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertFalse(Application.objects.exists())

    def test_organisation_needs_credit_code_and_contact_person(self):
        data = {**VALID, "applicant_type": "legal_service", "id_number": PERSON_ID}
        response = self.client.post(self.url(), data)
        self.assertContains(response, "统一社会信用代码不正确", status_code=200)
        self.assertContains(response, "法人或其他组织请填写联系人", status_code=200)
        data.update(id_number=ORG_CODE, contact_person="李律师", name="某律师事务所")
        self.assertEqual(self.client.post(self.url(), data).status_code, 302)
        self.assertEqual(Application.objects.get().applicant_type, "legal_service")

    def test_odd_input_gives_no_500(self):
        for data in ({"applicant_type": "nobody"}, {"id_number": "x" * 500}, {}):
            self.assertContains(self.client.post(self.url(), data), "请修改以下")
        self.assertEqual(self.client.get(reverse("apply", args=[999999])).status_code, 404)
        self.assertContains(self.client.post(reverse("application_status"),
                                             {"code": "zz", "contact": "x"}), "查询码应为")
        self.assertEqual(self.client.get("/applications/GK-NOPE/letter.pdf").status_code, 404)

    def test_rate_limit_per_contact(self):
        for n in range(10):
            self.assertEqual(self.client.post(self.url(), VALID).status_code, 302, n)
        response = self.client.post(self.url(), VALID)
        self.assertContains(response, "同一联系方式一天内最多网上提交10件申请", status_code=429)
        other = {**VALID, "phone": "13911112222", "email": ""}
        self.assertEqual(self.client.post(self.url(), other).status_code, 302)

    def test_rate_limit_per_code_on_lookups(self):
        app = make_application(self.cuizhu)
        for _ in range(10):
            self.client.post(reverse("application_status"), {"code": app.tracking_code, "contact": "1"})
        response = self.client.post(reverse("application_status"),
                                    {"code": app.tracking_code, "contact": app.phone})
        self.assertContains(response, "查询次数过多", status_code=429)

    def test_supplement_online_and_reply_downloads(self):
        app = make_application(self.cuizhu, received_on=dt.date.today())
        cases.request_supplement(app, user=self.handler, request="请写明项目名称")
        self.client.post(reverse("application_status"), {"code": app.tracking_code,
                                                          "contact": app.email})
        case_url = reverse("application_case", args=[app.tracking_code])
        page = self.client.get(case_url)
        self.assertContains(page, "请写明项目名称")
        self.assertContains(self.client.post(case_url, {"text": ""}), "请填写补正内容", status_code=200)
        self.assertRedirects(self.client.post(case_url, {"text": "翠竹北社区改造项目"}), case_url)
        app.refresh_from_db()
        self.assertEqual(app.supplemented_on, dt.date.today())
        cases.accept(app, user=self.handler)
        upload = SimpleUploadedFile("批复.txt", "立项批复全文".encode())
        with self.settings(MEDIA_ROOT=self.tmp_media()):
            cases.reply(app, user=self.handler, outcome="disclosed", documents=[self.summary],
                        uploads=[upload], explanation="见附件。")
            page = self.client.get(case_url)
            self.assertContains(page, "予以公开")
            self.assertContains(page, "见附件。")
            pdf = self.client.get(reverse("application_letter", args=[app.tracking_code, "pdf"]))
            self.assertEqual(pdf["Content-Type"], "application/pdf")
            docx = self.client.get(reverse("application_letter", args=[app.tracking_code, "docx"]))
            self.assertTrue(docx.content.startswith(b"PK"))
            printed = self.client.get(reverse("application_letter", args=[app.tracking_code, "print"]))
            self.assertContains(printed, "张申请")
            item = app.files.get()
            got = self.client.get(reverse("application_file", args=[app.tracking_code, item.pk]))
            self.assertEqual(b"".join(got.streaming_content), "立项批复全文".encode())
            doc = self.client.get(reverse("application_document", args=[app.tracking_code, self.summary.pk]))
            self.assertContains(doc, "第一议题")
            # another published document, not attached, is not served here
            other = self.client.get(reverse("application_document", args=[app.tracking_code, self.notice.pk]))
            self.assertEqual(other.status_code, 404)

    def tmp_media(self):
        import shutil
        import tempfile

        path = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, path, True)
        return path


class OnAccessTests(BaseTestCase):
    def test_an_expired_supplement_closes_the_case_when_it_is_opened(self):
        handler = staff_user("handler_x", (self.cuizhu, Role.EDITOR))
        received = dt.date.today() - dt.timedelta(days=3)
        app = make_application(self.cuizhu, received_on=received)
        cases.request_supplement(app, user=handler, request="请写明年份", on=received,
                                 deadline=dt.date.today() - dt.timedelta(days=1))
        self.client.post(reverse("application_status"), {"code": app.tracking_code,
                                                          "contact": app.phone})
        page = self.client.get(reverse("application_case", args=[app.tracking_code]))
        self.assertContains(page, "逾期不补正")
        app.refresh_from_db()
        self.assertEqual(app.outcome, "other_no_supplement")
