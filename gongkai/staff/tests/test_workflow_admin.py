"""The workflow in the admin: transition pages, bulk actions, the pending edit in the form,
revisions and their comparison, the audit log and its export, roles from the command line."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gongkai.accounts import permissions as perms
from gongkai.accounts.models import AuditAction, AuditEntry, Membership, Role
from gongkai.accounts.permissions import Action
from gongkai.accounts.tests.cast import PASSWORD, StaffTestCase
from gongkai.documents import workflow
from gongkai.documents.models import Document, PendingStatus, Status


def url(doc, tail=""):
    return f"/admin/documents/document/{doc.pk}/{tail}"


class TransitionPageTestCase(StaffTestCase):
    def as_user(self, user):
        self.client.force_login(user)

    def test_an_editor_submits_and_a_reviewer_sends_back_with_a_reason_the_editor_sees(self):
        self.as_user(self.editor_a)
        page = self.client.get(url(self.draft, "change/")).content.decode()
        assert url(self.draft, "workflow/submit/") in page
        assert url(self.draft, "workflow/publish/") not in page
        r = self.client.post(url(self.draft, "workflow/submit/"))
        assert r.status_code == 302 and self.refresh(self.draft).status == Status.IN_REVIEW

        self.as_user(self.reviewer_a)
        r = self.client.post(url(self.draft, "workflow/send_back/"), {"reason": ""})
        assert r.status_code == 200 and "这个字段是必填项" in r.content.decode()
        r = self.client.post(url(self.draft, "workflow/send_back/"), {"reason": "请补充文号"})
        assert r.status_code == 302 and self.refresh(self.draft).status == Status.DRAFT

        self.as_user(self.editor_a)
        page = self.client.get(url(self.draft, "change/")).content.decode()
        assert "退回理由：请补充文号" in page

    def test_a_reviewer_publishes_at_a_time(self):
        workflow.submit(self.draft)
        self.as_user(self.reviewer_a)
        at = timezone.localtime() + dt.timedelta(days=1)
        r = self.client.post(url(self.draft, "workflow/publish/"), {"at": at.strftime("%Y-%m-%dT%H:%M")})
        assert r.status_code == 302
        doc = self.refresh(self.draft)
        assert doc.is_scheduled and doc.index_no

    def test_a_refused_transition_says_why_in_chinese(self):
        self.as_user(self.reviewer_a)
        r = self.client.post(url(self.draft, "workflow/publish/"))
        assert r.status_code == 200 and "只有“待审核”的信息可以发布" in r.content.decode()

    def test_staff_of_another_agency_get_nothing_but_404s(self):
        workflow.submit(self.draft)
        self.as_user(self.reviewer_b)
        for tail in ("workflow/publish/", "workflow/send_back/", "revisions/",
                     "revisions/compare/?a=1&b=2"):
            assert self.client.get(url(self.draft, tail)).status_code == 404, tail
        assert self.client.post(url(self.draft, "workflow/publish/")).status_code == 404
        for tail in ("change/", "history/"):  # Django's "不存在", back to the index
            r = self.client.get(url(self.draft, tail))
            assert r.status_code == 302 and r["Location"] == "/admin/", tail
        assert self.client.get(url(self.draft, "delete/")).status_code == 403
        assert self.refresh(self.draft).status == Status.IN_REVIEW

    def test_bulk_send_back_asks_for_the_reason_first(self):
        workflow.submit(self.draft)
        self.as_user(self.reviewer_a)
        data = {"action": "send_back_selected", "_selected_action": [self.draft.pk]}
        r = self.client.post("/admin/documents/document/", data)
        assert r.status_code == 200 and "确认退回修改" in r.content.decode()
        r = self.client.post("/admin/documents/document/", {**data, "confirm": "1", "reason": "重写"})
        assert r.status_code == 302
        assert self.refresh(self.draft).sent_back_reason == "重写"

    def test_a_bulk_action_on_another_agencys_document_touches_nothing(self):
        workflow.submit(self.draft)
        self.as_user(self.reviewer_b)
        self.client.post("/admin/documents/document/", {
            "action": "publish_selected", "_selected_action": [self.draft.pk]})
        assert self.refresh(self.draft).status == Status.IN_REVIEW

    def test_the_form_of_a_live_document_shows_its_pending_edit_and_the_page_does_not(self):
        doc = Document.objects.get(pk=self.summary.pk)
        doc.title = "待审的新标题"
        workflow.save_edit(doc, user=self.editor_a)
        self.as_user(self.editor_a)
        page = self.client.get(url(doc, "change/")).content.decode()
        assert 'value="待审的新标题"' in page and "此处显示的是待审修改" in page
        assert "待审的新标题" not in self.client.get(doc.get_absolute_url()).content.decode()


class RevisionsPageTestCase(StaffTestCase):
    def test_two_revisions_compare_side_by_side_with_changes_marked(self):
        doc = workflow.create(Document(title="旧标题", agency=self.cuizhu,
                                       body="<p>第一段不变。</p><p>第二段原文。</p>"))
        doc.title = "新标题"
        doc.body = "<p>第一段不变。</p><p>第二段改文。</p><p>新增第三段。</p>"
        workflow.save_edit(doc, user=self.editor_a)
        old, new = doc.revisions.order_by("pk")
        self.client.force_login(self.reviewer_a)
        listing = self.client.get(url(doc, "revisions/")).content.decode()
        assert "新建" in listing and "修改" in listing and "editor_a" in listing
        page = self.client.get(url(doc, f"revisions/compare/?a={new.pk}&b={old.pk}")).content.decode()
        assert "<del>旧</del>" in page and "<ins>新</ins>" in page
        assert "第二段<del>原</del>文" in page and "第二段<ins>改</ins>文" in page
        assert "<ins>新增第三段。</ins>" in page
        assert "有改动：名称、正文" in page

    def test_a_revision_of_another_document_cannot_be_compared_here(self):
        a = workflow.create(Document(title="甲", agency=self.cuizhu))
        b = workflow.create(Document(title="乙", agency=self.gwyb))
        self.client.force_login(self.editor_a)
        r = self.client.get(url(a, f"revisions/compare/?a={a.revisions.get().pk}&b={b.revisions.get().pk}"))
        assert r.status_code == 404


class AuditLogTestCase(StaffTestCase):
    def test_logins_and_failed_logins_are_recorded_with_the_address(self):
        self.client.post("/admin/login/", {"username": "editor_a", "password": "wrong"},
                         REMOTE_ADDR="203.0.113.9")
        self.client.post("/admin/login/", {"username": "editor_a", "password": PASSWORD},
                         REMOTE_ADDR="203.0.113.9")
        entries = list(AuditEntry.objects.filter(username="editor_a").order_by("pk"))
        assert [(e.action, e.ip) for e in entries][:2] == [
            (AuditAction.LOGIN_FAILED, "203.0.113.9"), (AuditAction.LOGIN, "203.0.113.9")]

    def test_thirty_wrong_passwords_are_thirty_entries_and_the_account_is_locked_out(self):
        for _ in range(30):
            self.client.post("/admin/login/", {"username": "editor_a", "password": "wrong"},
                             REMOTE_ADDR="198.51.100.7")
        failures = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, username="editor_a")
        assert failures.count() == 30 and set(failures.values_list("ip", flat=True)) == {"198.51.100.7"}
        r = self.client.post("/admin/login/", {"username": "editor_a", "password": PASSWORD},
                             REMOTE_ADDR="198.51.100.7")
        assert not AuditEntry.objects.filter(action=AuditAction.LOGIN, username="editor_a").exists()
        assert r.status_code in (200, 403, 429)

    def test_the_log_refuses_to_be_changed(self):
        entry = AuditEntry.objects.create(action=AuditAction.LOGIN, username="x")
        entry.detail = "改写"
        with pytest.raises(Exception, match="只能追加"):
            entry.save()
        with pytest.raises(Exception, match="只能追加"):
            AuditEntry.objects.filter(pk=entry.pk).update(detail="改写")

    def test_managers_see_their_agencys_entries_and_nobody_may_change_them(self):
        workflow.submit(self.draft, user=self.editor_a)
        workflow.submit(workflow.create(Document(title="乙机构", agency=self.gwyb)), user=self.editor_b)
        self.client.force_login(self.manager_a)
        r = self.client.get("/admin/accounts/auditentry/")
        assert r.status_code == 200
        shown = {e.agency_id for e in r.context["cl"].result_list}
        assert shown == {self.cuizhu.pk}
        entry = r.context["cl"].result_list[0]
        r = self.client.post(f"/admin/accounts/auditentry/{entry.pk}/change/", {"detail": "x"})
        assert r.status_code == 403
        assert self.client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403
        self.client.force_login(self.editor_a)
        assert self.client.get("/admin/accounts/auditentry/").status_code == 403

    def test_the_csv_export_follows_the_filters_and_is_itself_audited(self):
        workflow.submit(self.draft, user=self.editor_a)
        self.client.force_login(self.admin)
        r = self.client.get("/admin/accounts/auditentry/export/?action__exact=submit")
        body = b"".join(r.streaming_content).decode("utf-8-sig")
        lines = body.strip().splitlines()
        assert lines[0].startswith("时间,用户,操作") and len(lines) == 2 and "送审" in lines[1]
        export = AuditEntry.objects.get(action=AuditAction.EXPORT)
        assert export.username == "siteadmin" and "action__exact=submit" in export.detail


class StaffCommandTestCase(StaffTestCase):
    def run_command(self, *args):
        out = StringIO()
        call_command("staff", *args, stdout=out)
        return out.getvalue()

    def test_it_adds_lists_and_removes_roles_by_agency_code_or_name(self):
        out = self.run_command("add", "wangwu", "--agency", "11440303007546460H", "--role", "reviewer")
        assert "已授予 wangwu 深圳市罗湖区翠竹街道办事处 的审核角色" in out and "已新建用户" in out
        self.run_command("add", "wangwu", "--agency", "国务院办公厅", "--role", "editor")
        listing = self.run_command("list", "--agency", "国务院办公厅")
        assert "国务院办公厅\t000014349\t编辑\twangwu" in listing and "审核\twangwu" not in listing
        self.run_command("remove", "wangwu", "--agency", "国务院办公厅", "--role", "editor")
        assert not Membership.objects.filter(user__username="wangwu", agency=self.gwyb).exists()
        actions = list(AuditEntry.objects.filter(object_type="membership").values_list("action", flat=True))
        assert actions.count(AuditAction.ROLE_GRANTED) == 2 and AuditAction.ROLE_REVOKED in actions

    def test_it_refuses_unknown_agencies_and_roles_plainly(self):
        with pytest.raises(CommandError, match="没有机构代码或名称为“不存在的局”的机构"):
            self.run_command("add", "x", "--agency", "不存在的局", "--role", "editor")
        with pytest.raises(CommandError, match="无法识别的角色"):
            self.run_command("add", "x", "--agency", "国务院办公厅", "--role", "boss")

    def test_a_role_given_by_the_command_is_a_permission_at_once(self):
        self.run_command("add", "editor_b", "--agency", "国务院办公厅", "--role", "reviewer")
        user = type(self.editor_b).objects.get(username="editor_b")
        assert perms.can(user, Action.APPROVE, self.notice)
        assert Membership.objects.filter(user=user, role=Role.REVIEWER).exists()
        assert PendingStatus.NONE == ""  # (the cast is untouched otherwise)


class DashboardTestCase(StaffTestCase):
    def home(self, user) -> str:
        self.client.force_login(user)
        return self.client.get("/admin/").content.decode()

    def test_each_person_sees_first_what_needs_them(self):
        sent_back = workflow.create(Document(title="被退回的草稿", agency=self.cuizhu))
        workflow.submit(sent_back)
        workflow.send_back(sent_back, reason="请补充成文日期")
        waiting = workflow.create(Document(title="等待审核的通知", agency=self.cuizhu))
        workflow.submit(waiting)
        scheduled = workflow.create(Document(title="下周发布的公告", agency=self.cuizhu))
        workflow.submit(scheduled)
        workflow.publish(scheduled, at=timezone.now() + dt.timedelta(days=7))
        other = workflow.create(Document(title="别的机构待审", agency=self.gwyb))
        workflow.submit(other)

        editor = self.home(self.editor_a)
        assert "被退回的草稿" in editor and "退回理由：请补充成文日期" in editor
        assert 'id="queue-waiting"' not in editor  # not a reviewer
        reviewer = self.home(self.reviewer_a)
        waiting_box = reviewer.split('id="queue-waiting"')[1].split("</table>")[0]
        assert "等待审核的通知" in waiting_box and "别的机构待审" not in reviewer
        assert "下周发布的公告" in reviewer.split('id="queue-scheduled"')[1].split("</table>")[0]
        assert "最近的修改" in reviewer
        assert "别的机构待审" in self.home(self.reviewer_b)
