"""The privacy review in the admin: submit → findings shown → mask → publish needs a reason
→ audit entry; attachments flagged; staff of another agency see nothing."""

from unittest import mock

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.privacy import review

ID = "11010519491231002X"
MASKED_ID = "1101**********002X"
BODY = f"<p>经审核，申请人张三（身份证号{ID}）符合条件。</p><p>监督电话：0755-88881234。</p>"


def url(doc, tail=""):
    return f"/admin/documents/document/{doc.pk}/{tail}"


class PrivacyAdminTestCase(StaffTestCase):
    def setUp(self):
        self.doc = workflow.create(Document(title="关于住房保障资格的公示", agency=self.cuizhu,
                                            body=BODY))

    def messages(self, response):
        return [str(m) for m in response.context["messages"]] if response.context else []

    def test_submit_findings_mask_and_publish_with_a_reason_in_the_audit_log(self):
        # The editor submits: told of the findings.
        self.client.force_login(self.editor_a)
        r = self.client.post(url(self.doc, "workflow/submit/"), follow=True)
        assert self.refresh(self.doc).status == Status.IN_REVIEW
        assert any("可能的个人信息" in m and MASKED_ID in m for m in self.messages(r))
        page = r.content.decode()
        assert "含 3 处可能的个人信息" in page and f"<mark>{ID}</mark>" in page

        # The reviewer's 审核发布 page lists each finding in context with a mask button.
        self.client.force_login(self.reviewer_a)
        publish = url(self.doc, "workflow/publish/")
        page = self.client.get(publish).content.decode()
        assert f"<mark>{ID}</mark>" in page and f'name="value" value="{ID}"' in page
        assert 'name="confirmation"' in page and "确认发布的理由" in page

        # Publishing without a reason is refused, saying why.
        r = self.client.post(publish, {})
        assert r.status_code == 200 and "内容含未处理的个人信息" in r.content.decode()
        assert self.refresh(self.doc).status == Status.IN_REVIEW

        # One click masks the ID number in the body and comes back to the page.
        r = self.client.post(url(self.doc, "privacy/mask/"), {"value": ID, "next": publish})
        assert r.status_code == 302 and r["Location"] == publish
        body = self.refresh(self.doc).body
        assert ID not in body and MASKED_ID in body and "0755-88881234" in body
        mask_entry = AuditEntry.objects.get(object_id=str(self.doc.pk), action=AuditAction.EDIT,
                                            username="reviewer_a")
        assert mask_entry.detail == f"遮盖个人信息：身份证号 {MASKED_ID}"

        # The phone is the office's: published with a reason, which the audit log keeps.
        page = self.client.get(publish).content.decode()
        assert ID not in page and "0755-88881234" in page
        r = self.client.post(publish, {"confirmation": "监督电话为本机构公开电话"})
        assert r.status_code == 302 and self.refresh(self.doc).status == Status.PUBLISHED
        entry = AuditEntry.objects.get(object_id=str(self.doc.pk), action=AuditAction.PUBLISH)
        assert entry.username == "reviewer_a" and "监督电话为本机构公开电话" in entry.detail
        assert "固定电话 0755-****1234" in entry.detail

    def test_a_clean_document_publishes_without_the_confirmation_field(self):
        workflow.submit(self.draft)
        self.client.force_login(self.reviewer_a)
        page = self.client.get(url(self.draft, "workflow/publish/")).content.decode()
        assert 'name="confirmation"' not in page and "个人信息检查" not in page
        assert self.client.post(url(self.draft, "workflow/publish/")).status_code == 302

    def test_the_agencys_public_contacts_end_the_phone_finding(self):
        self.cuizhu.public_contacts = "0755-88881234"
        self.cuizhu.save()
        self.client.force_login(self.editor_a)
        page = self.client.get(url(self.doc, "privacy/")).content.decode()
        assert "含个人信息" not in page and "0755-88881234</mark>" not in page
        assert f"<mark>{ID}</mark>" in page

    def test_the_manager_keeps_the_public_contacts_in_the_agency_admin(self):
        self.client.force_login(self.manager_a)
        page = self.client.get(f"/admin/catalog/agency/{self.cuizhu.pk}/change/").content.decode()
        assert 'name="public_contacts"' in page and "公开联系方式" in page

    def test_an_attachment_with_findings_is_flagged_and_offers_no_mask(self):
        texts = review.document_texts

        def with_attachment(document):
            return texts(document) + [("附件：申请表.pdf", "联系手机13812345678")]

        self.client.force_login(self.reviewer_a)
        with mock.patch.object(review, "document_texts", with_attachment):
            page = self.client.get(url(self.doc, "privacy/")).content.decode()
        assert "附件“申请表.pdf”<strong>含个人信息</strong>（1 处），请替换文件。" in page
        assert 'value="13812345678"' not in page and "请替换附件" in page
        assert f'value="{ID}"' in page

    def test_bulk_publish_refuses_a_document_with_findings(self):
        workflow.submit(self.doc)
        self.client.force_login(self.reviewer_a)
        r = self.client.post("/admin/documents/document/", {
            "action": "publish_selected", "_selected_action": [self.doc.pk]}, follow=True)
        assert any("未处理的个人信息" in m for m in self.messages(r))
        assert self.refresh(self.doc).status == Status.IN_REVIEW

    def test_staff_of_another_agency_and_odd_requests_change_nothing(self):
        self.client.force_login(self.reviewer_b)
        assert self.client.get(url(self.doc, "privacy/")).status_code == 404
        assert self.client.post(url(self.doc, "privacy/mask/"), {"value": ID}).status_code == 404
        self.client.force_login(self.editor_a)
        assert self.client.get(url(self.doc, "privacy/mask/")).status_code == 405
        r = self.client.post(url(self.doc, "privacy/mask/"),
                             {"value": ID, "next": "https://evil.example/"})
        assert r["Location"] == url(self.doc, "privacy/")
        r = self.client.post(url(self.doc, "privacy/mask/"), {"value": "没有这个"}, follow=True)
        assert any("正文中已没有这处个人信息" in m for m in self.messages(r))
        assert ID not in self.refresh(self.doc).body
