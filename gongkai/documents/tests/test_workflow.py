"""The publishing workflow: each transition checks permission and state, changes the state,
keeps a revision, writes an audit entry and sends a signal."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.documents import workflow
from gongkai.documents.models import Document, PendingStatus, Status
from gongkai.documents.workflow import WorkflowError


class TransitionTestCase(StaffTestCase):
    def new_draft(self, **fields):
        doc = Document(title="翠竹街道关于老旧小区改造的通知", agency=self.cuizhu,
                       body="<p>第一段。</p>", **fields)
        return workflow.create(doc, user=self.editor_a, ip="10.0.0.5")

    def test_it_takes_a_draft_through_review_to_publication(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        assert self.refresh(doc).status == Status.IN_REVIEW
        workflow.publish(doc, user=self.reviewer_a)
        doc = self.refresh(doc)
        assert doc.status == Status.PUBLISHED and doc.index_no.startswith("11440303007546460H/")
        assert Document.objects.published().filter(pk=doc.pk).exists()
        kinds = list(doc.revisions.order_by("pk").values_list("kind", flat=True))
        assert kinds == [AuditAction.CREATE, AuditAction.SUBMIT, AuditAction.PUBLISH]
        entries = AuditEntry.objects.filter(object_id=str(doc.pk), object_type="document")
        assert [(e.action, e.username) for e in entries.order_by("pk")] == [
            ("create", "editor_a"), ("submit", "editor_a"), ("publish", "reviewer_a")]
        assert entries.order_by("pk").first().ip == "10.0.0.5"

    def test_it_refuses_to_publish_a_draft_that_was_not_submitted(self):
        doc = self.new_draft()
        with pytest.raises(WorkflowError, match="只有“待审核”的信息可以发布"):
            workflow.publish(doc, user=self.reviewer_a)
        assert self.refresh(doc).status == Status.DRAFT

    def test_a_reviewer_sends_a_document_back_with_a_reason_the_editor_reads(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        with pytest.raises(WorkflowError, match="必须填写理由"):
            workflow.send_back(doc, user=self.reviewer_a, reason="  ")
        workflow.send_back(doc, user=self.reviewer_a, reason="文号写错了")
        doc = self.refresh(doc)
        assert doc.status == Status.DRAFT and doc.sent_back_reason == "文号写错了"
        assert doc.workflow_label == "已退回"
        workflow.submit(doc, user=self.editor_a)
        assert self.refresh(doc).sent_back_reason == ""

    def test_an_editor_may_not_publish_and_a_reviewer_may_not_edit(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        with pytest.raises(PermissionDenied, match="审核发布"):
            workflow.publish(doc, user=self.editor_a)
        doc.title = "审核人员改的标题"
        with pytest.raises(PermissionDenied):
            workflow.save_edit(doc, user=self.reviewer_a)

    def test_staff_of_another_agency_may_do_nothing_to_it(self):
        doc = self.new_draft()
        for action in (workflow.submit, workflow.discard_pending, workflow.unschedule):
            with pytest.raises(PermissionDenied):
                action(doc, user=self.editor_b if action is workflow.submit else self.reviewer_b)
        workflow.submit(doc, user=self.editor_a)
        with pytest.raises(PermissionDenied):
            workflow.publish(doc, user=self.reviewer_b)
        with pytest.raises(PermissionDenied):
            workflow.send_back(doc, user=self.reviewer_b, reason="不行")
        workflow.publish(doc, user=self.reviewer_a)
        with pytest.raises(PermissionDenied):
            workflow.withdraw(doc, user=self.reviewer_b)
        assert self.refresh(doc).status == Status.PUBLISHED

    def test_an_editor_may_not_move_a_document_into_an_agency_they_do_not_edit(self):
        doc = self.new_draft()
        doc.agency = self.gwyb
        with pytest.raises(PermissionDenied):
            workflow.save_edit(doc, user=self.editor_a, previous_agency_id=self.cuizhu.pk)

    def test_withdrawing_dates_the_withdrawal_and_keeps_the_page(self):
        doc = self.summary
        workflow.withdraw(doc, user=self.reviewer_a, reason="内容已过时")
        doc = self.refresh(doc)
        assert doc.status == Status.WITHDRAWN and doc.withdrawn_at is not None
        assert doc.withdrawn_on == timezone.localdate()
        assert not Document.objects.published().filter(pk=doc.pk).exists()
        assert Document.objects.withdrawn().filter(pk=doc.pk).exists()
        with pytest.raises(WorkflowError, match="只有“已发布”的信息可以撤回"):
            workflow.withdraw(doc, user=self.reviewer_a)
        workflow.republish(doc, user=self.reviewer_a)
        assert Document.objects.published().filter(pk=doc.pk).exists()

    def test_a_document_withdrawn_before_it_went_public_has_no_page(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        workflow.publish(doc, user=self.reviewer_a, at=timezone.now() + dt.timedelta(days=2))
        workflow.withdraw(doc, user=self.reviewer_a)
        assert not Document.objects.withdrawn().filter(pk=doc.pk).exists()

    def test_a_scheduled_publication_goes_public_at_its_time(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        at = timezone.now() + dt.timedelta(hours=1)
        workflow.publish(doc, user=self.reviewer_a, at=at)
        doc = self.refresh(doc)
        assert doc.is_scheduled and doc.workflow_label == "定时发布"
        assert not Document.objects.published().filter(pk=doc.pk).exists()
        assert AuditEntry.objects.filter(action=AuditAction.SCHEDULE, object_id=str(doc.pk)).exists()
        later = at + dt.timedelta(minutes=1)
        done = workflow.apply_due(later)
        assert [d.pk for d in done["went_live"]] == [doc.pk]
        assert workflow.apply_due(later + dt.timedelta(minutes=1))["went_live"] == []
        assert AuditEntry.objects.filter(action=AuditAction.GO_LIVE, object_id=str(doc.pk)).count() == 1

    def test_scheduling_in_the_past_is_refused(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        with pytest.raises(WorkflowError, match="应晚于现在"):
            workflow.publish(doc, user=self.reviewer_a, at=timezone.now() - dt.timedelta(hours=1))

    def test_a_scheduled_withdrawal_hides_the_body_at_its_time_and_the_scheduler_records_it(self):
        at = timezone.now() + dt.timedelta(hours=2)
        workflow.withdraw(self.summary, user=self.reviewer_a, at=at)
        doc = self.refresh(self.summary)
        assert doc.status == Status.PUBLISHED and doc.withdraw_at == at
        assert Document.objects.published().filter(pk=doc.pk).exists()
        done = workflow.apply_due(at - dt.timedelta(minutes=1))
        assert done["withdrawn"] == []
        done = workflow.apply_due(at + dt.timedelta(minutes=5))
        doc = self.refresh(doc)
        assert [d.pk for d in done["withdrawn"]] == [doc.pk]
        assert doc.status == Status.WITHDRAWN and doc.withdrawn_at == at and doc.withdraw_at is None

    def test_unscheduling_returns_a_scheduled_publication_to_review(self):
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        workflow.publish(doc, user=self.reviewer_a, at=timezone.now() + dt.timedelta(days=1))
        workflow.unschedule(doc, user=self.reviewer_a)
        doc = self.refresh(doc)
        assert doc.status == Status.IN_REVIEW and doc.published_at is None
        with pytest.raises(WorkflowError, match="没有定时发布或定时撤回"):
            workflow.unschedule(doc, user=self.reviewer_a)

    def test_the_signal_is_sent_for_each_transition(self):
        seen = []

        def receiver(sender, document, action, user, **kwargs):
            seen.append((document.pk, action, user))

        workflow.transitioned.connect(receiver)
        self.addCleanup(workflow.transitioned.disconnect, receiver)
        doc = self.new_draft()
        workflow.submit(doc, user=self.editor_a)
        assert seen == [(doc.pk, "create", self.editor_a), (doc.pk, "submit", self.editor_a)]

    def test_the_system_may_publish_a_draft_directly_as_an_import_does(self):
        workflow.publish(self.draft)
        assert self.refresh(self.draft).status == Status.PUBLISHED
        assert AuditEntry.objects.get(object_id=str(self.draft.pk)).username == ""


class PendingEditTestCase(StaffTestCase):
    def test_an_edit_to_a_published_document_waits_for_review_while_the_page_stays(self):
        doc = Document.objects.get(pk=self.summary.pk)
        doc.title = "改过的标题"
        doc.body = "<p>新的正文</p>"
        workflow.save_edit(doc, user=self.editor_a)
        live = Document.objects.get(pk=doc.pk)
        assert live.title == "罗湖区翠竹街道办事处2021年工作总结" and "新的正文" not in live.body
        assert live.pending_status == PendingStatus.DRAFT
        assert Document.objects.published().get(pk=doc.pk).title == live.title
        workflow.submit(live, user=self.editor_a)
        assert self.refresh(live).pending_status == PendingStatus.IN_REVIEW
        assert self.refresh(live).title == "罗湖区翠竹街道办事处2021年工作总结"
        workflow.publish(live, user=self.reviewer_a)
        live = self.refresh(live)
        assert live.title == "改过的标题" and live.body == "<p>新的正文</p>"
        assert live.pending_revision is None and live.pending_status == ""
        assert live.status == Status.PUBLISHED and live.index_no == "11440303007546460H/2022-00033"

    def test_a_pending_edit_sent_back_stays_pending(self):
        doc = Document.objects.get(pk=self.summary.pk)
        doc.title = "待退回的修改"
        workflow.save_edit(doc, user=self.editor_a)
        workflow.submit(doc, user=self.editor_a)
        workflow.send_back(doc, user=self.reviewer_a, reason="标题不对")
        doc = self.refresh(doc)
        assert doc.pending_status == PendingStatus.DRAFT and doc.sent_back_reason == "标题不对"
        assert doc.workflow_label == "已发布，修改已退回"
        assert doc.title == "罗湖区翠竹街道办事处2021年工作总结"
        workflow.discard_pending(doc, user=self.editor_a)
        assert self.refresh(doc).pending_revision is None

    def test_an_import_never_applies_a_pending_edit(self):
        doc = Document.objects.get(pk=self.summary.pk)
        doc.title = "人工修改"
        workflow.save_edit(doc, user=self.editor_a)
        workflow.submit(doc, user=self.editor_a)
        doc = Document.objects.get(pk=self.summary.pk)
        doc.abstract = "导入带来的概述"
        workflow.publish(doc)
        doc = self.refresh(doc)
        assert doc.title == "罗湖区翠竹街道办事处2021年工作总结" and doc.abstract == "导入带来的概述"
        assert doc.pending_status == PendingStatus.IN_REVIEW


class WorkflowCommandTestCase(StaffTestCase):
    def run_command(self, *args):
        out = StringIO()
        call_command("workflow", *args, stdout=out)
        return out.getvalue()

    def test_it_acts_as_the_named_user_with_their_permissions(self):
        doc = workflow.create(Document(title="命令行送审", agency=self.cuizhu), user=self.editor_a)
        assert "待审核" in self.run_command("submit", str(doc.pk), "--user", "editor_a")
        with pytest.raises(CommandError, match="没有权限"):
            self.run_command("publish", str(doc.pk), "--user", "editor_b")
        with pytest.raises(CommandError, match="没有权限"):
            self.run_command("publish", str(doc.pk), "--user", "reviewer_b")
        assert "已发布" in self.run_command("publish", str(doc.pk), "--user", "reviewer_a")

    def test_publish_scheduled_applies_due_withdrawals(self):
        self.summary.withdraw_at = timezone.now() - dt.timedelta(minutes=1)
        self.summary.save()
        out = StringIO()
        call_command("publish_scheduled", stdout=out)
        assert "已撤回" in out.getvalue()
        assert self.refresh(self.summary).status == Status.WITHDRAWN
