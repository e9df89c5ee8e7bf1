"""The annual report in the admin: who may keep it, the checks and preview beside the form,
保存并发布（送审） through the workflow, and importing a past year's published report."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from docx import Document as Docx

from gongkai.accounts.models import Role
from gongkai.accounts.tests.cast import staff_user
from gongkai.documents.models import Document, Status
from gongkai.reports.build import build, to_json
from gongkai.reports.models import AnnualReport
from gongkai.reports.tests.test_reports import ReportWorld


class ReportAdminTests(ReportWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.manager = staff_user("manager_r", (cls.cuizhu, Role.MANAGER))
        cls.editor = staff_user("editor_r", (cls.cuizhu, Role.EDITOR))
        cls.outsider = staff_user("manager_x", (cls.gwyb, Role.MANAGER))

    def change_url(self):
        return reverse("admin:reports_annualreport_change", args=[self.saved.pk])

    def post(self, **changes):
        data = {k: v for k, v in model_to_dict(self.saved).items()
                if k not in ("agency", "year", "loaded", "document") and v is not None}
        data.update(changes)
        return self.client.post(self.change_url(), data)

    def test_the_agencys_manager_sees_checks_and_preview_others_do_not(self):
        self.client.force_login(self.outsider)
        self.assertIn(self.client.get(self.change_url()).status_code, (302, 403, 404))
        self.client.force_login(self.manager)
        page = self.client.get(self.change_url()).content.decode()
        self.assertIn("全部通过", page)
        self.assertIn("收取信息处理费380元", page)
        self.post(licensing=15)
        self.saved.refresh_from_db()
        self.assertEqual(self.saved.licensing, 15)

    def test_print_page_and_docx_download(self):
        self.client.force_login(self.manager)
        page = self.client.get(reverse("admin:reports_annualreport_print", args=[self.saved.pk])).content.decode()
        self.assertIn("收取信息处理费380元", page)
        self.assertIn("report.css", page)  # linked, not inline: the CSP forbids inline styles
        self.assertNotIn("<style", page)
        docx_url = reverse("admin:reports_annualreport_docx", args=[self.saved.pk])
        docx = self.client.get(docx_url)
        self.assertEqual(Docx(io.BytesIO(docx.content)).tables[1].rows[1].cells[0].text,
                         "一、本年新收政府信息公开申请数量")
        pdf = self.client.get(reverse("admin:reports_annualreport_pdf", args=[self.saved.pk]))
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertIn("attachment", pdf["Content-Disposition"])
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(docx_url).status_code, 404)

    def test_a_loaded_report_is_read_only_and_cannot_be_sent(self):
        data = to_json(build(self.cuizhu, 2025))
        data["年度"] = 2024
        loaded = AnnualReport.objects.create(agency=self.cuizhu, year=2024, loaded=data)
        self.client.force_login(self.editor)
        page = self.client.get(
            reverse("admin:reports_annualreport_change", args=[loaded.pk])).content.decode()
        self.assertIn("全部通过", page)
        self.assertNotIn("_submit_report", page)
        self.assertNotIn('name="licensing"', page)

    def test_a_failing_report_is_saved_but_not_sent_to_review(self):
        self.client.force_login(self.editor)
        response = self.post(t4_0_4=9, _submit_report="1")
        page = self.client.get(response.url).content.decode()
        self.assertIn("勾稽校验未通过，不能发布", page)
        self.assertIn("“行政复议”的“总计”为9，结果维持、结果纠正、其他结果、尚未审结之和为2", page)
        self.assertFalse(Document.objects.filter(genre__name="年度报告").exists())

    def test_submit_sends_the_report_to_review(self):
        self.client.force_login(self.editor)
        self.post(_submit_report="1")
        doc = Document.objects.get(genre__name="年度报告")
        self.assertEqual(doc.status, Status.IN_REVIEW)
        self.assertIn("2025年政府信息公开工作年度报告", doc.title)

    def test_import_a_past_years_published_report(self):
        data = to_json(build(self.cuizhu, 2025))
        data["年度"] = 2024
        self.client.force_login(self.manager)
        url = reverse("admin:reports_annualreport_import")
        upload = SimpleUploadedFile("2024.json", json.dumps(data, ensure_ascii=False).encode())
        self.client.post(url, {"file": upload})
        self.assertTrue(AnnualReport.objects.filter(year=2024, loaded__isnull=False).exists())
        bad = SimpleUploadedFile("bad.json", b"{not json")
        page = self.client.post(url, {"file": bad}).content.decode()
        self.assertIn("不是 UTF-8 编码的 JSON 文件", page)
