"""The permission matrix: role × action × own or other agency, asked of the permission
module, carried out through the workflow, and tried through the admin."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongkai.accounts import permissions as perms
from gongkai.accounts.models import Role
from gongkai.accounts.permissions import Action
from gongkai.accounts.tests.cast import StaffTestCase, staff_user
from gongkai.documents import workflow
from gongkai.documents.models import Document
from gongkai.documents.workflow import WorkflowError

# What each role may do in its own agency — restated here, not read from the code.
EXPECTED = {
    "editor": {"view", "edit", "submit", "handle_applications"},
    "reviewer": {"view", "approve", "send_back", "withdraw", "schedule", "handle_applications",
                 "approve_extension"},
    "manager": {"view", "manage_staff", "manage_classification", "handle_applications",
                "approve_extension"},
    "nobody": set(),
}


def prepare(document, transition, editor, reviewer):
    """Bring ``document`` into the state ``transition`` starts from (as the system)."""
    if transition in ("publish", "send_back"):
        workflow.submit(document)
    elif transition in ("withdraw", "unschedule_withdrawal"):
        workflow.publish(document)
    elif transition == "republish":
        workflow.publish(document)
        workflow.withdraw(document)
    elif transition == "unschedule":
        workflow.publish(document, at=timezone.now() + dt.timedelta(days=1))
    return document


def attempt(transition, document, user):
    if transition == "edit":
        document.title += "（改）"
        return workflow.save_edit(document, user=user)
    if transition == "send_back":
        return workflow.send_back(document, user=user, reason="请修改")
    if transition == "schedule":
        workflow.submit(document)
        return workflow.publish(document, user=user, at=timezone.now() + dt.timedelta(days=1))
    if transition == "schedule_withdrawal":
        workflow.publish(document)
        return workflow.withdraw(document, user=user, at=timezone.now() + dt.timedelta(days=1))
    return getattr(workflow, transition)(document, user=user)


# transition → the actions it needs
TRANSITIONS = {
    "edit": {"edit"}, "submit": {"submit"}, "publish": {"approve"},
    "send_back": {"send_back"}, "withdraw": {"withdraw"}, "republish": {"approve"},
    "unschedule": {"schedule"}, "schedule": {"approve", "schedule"},
    "schedule_withdrawal": {"withdraw", "schedule"},
}


class PermissionMatrixTestCase(StaffTestCase):
    def users(self):
        if not hasattr(self, "_users"):
            self._users = {"editor": self.editor_a, "reviewer": self.reviewer_a,
                           "manager": self.manager_a, "nobody": staff_user("nobody")}
        return self._users

    def test_the_permission_module_answers_role_by_action_by_agency(self):
        own, other = self.draft, self.notice  # 翠竹 (A) and 国务院办公厅 (B)
        for role, user in self.users().items():
            for action in Action:
                assert perms.can(user, action, own) == (action.value in EXPECTED[role]), (role, action)
                assert perms.can(user, action, self.cuizhu) == (action.value in EXPECTED[role])
                assert not perms.can(user, action, other), (role, action, "other agency")
                assert not perms.can(user, action, self.gwyb)

    def test_the_site_administrator_may_do_everything_everywhere(self):
        for action in Action:
            assert perms.can(self.admin, action, self.draft) and perms.can(self.admin, action, self.notice)

    def test_an_inactive_account_may_do_nothing(self):
        self.editor_a.is_active = False
        for action in Action:
            assert not perms.can(self.editor_a, action, self.draft)

    def test_roles_in_several_agencies_each_count_for_their_own_agency(self):
        both = staff_user("both", (self.cuizhu, Role.EDITOR), (self.gwyb, Role.REVIEWER))
        assert perms.can(both, Action.EDIT, self.draft) and not perms.can(both, Action.APPROVE, self.draft)
        assert perms.can(both, Action.APPROVE, self.notice) and not perms.can(both, Action.EDIT, self.notice)

    def test_every_transition_is_allowed_exactly_by_the_matrix(self):
        for transition, needs in TRANSITIONS.items():
            for role, user in self.users().items():
                for agency, own in ((self.cuizhu, True), (self.gwyb, False)):
                    doc = workflow.create(Document(title=f"{transition}-{role}", agency=agency))
                    prepare(doc, transition, None, None)
                    doc = Document.objects.get(pk=doc.pk)
                    allowed = own and needs <= EXPECTED[role]
                    try:
                        attempt(transition, doc, user)
                    except PermissionDenied:
                        assert not allowed, (transition, role, own)
                    except WorkflowError as error:  # pragma: no cover - a bad preparation
                        pytest.fail(f"{transition} {role}: {error}")
                    else:
                        assert allowed, (transition, role, own)


class AdminActionsDeclarePermissionsTestCase(StaffTestCase):
    def test_every_admin_action_declares_a_permission_the_admin_can_answer(self):
        ours = {m: a for m, a in admin.site._registry.items()
                if type(a).__module__.startswith("gongkai.")}
        assert len(ours) >= 6
        for model, model_admin in ours.items():
            for action in model_admin.actions or []:
                func = getattr(model_admin, action) if isinstance(action, str) else action
                declared = getattr(func, "allowed_permissions", None)
                assert declared, f"{model.__name__}.{action} declares no permission"
                for permission in declared:
                    assert hasattr(model_admin, f"has_{permission}_permission"), (action, permission)

    def test_the_changelist_offers_each_role_only_its_actions(self):
        expected = {
            self.editor_a: {"submit_selected"},
            self.reviewer_a: {"publish_selected", "send_back_selected", "withdraw_selected"},
            self.manager_a: set(),
            self.admin: {"submit_selected", "publish_selected", "send_back_selected",
                         "withdraw_selected", "delete_selected"},
        }
        for user, actions in expected.items():
            self.client.force_login(user)
            form = self.client.get("/admin/documents/document/").context["action_form"]
            offered = {c for c, _ in form.fields["action"].choices if c} if form else set()
            assert offered == actions, user.username


class AdminByRoleTestCase(StaffTestCase):
    """The same matrix through the admin's pages: what each role can open and do."""

    def get(self, user, url):
        self.client.force_login(user)
        return self.client.get(url)

    def test_the_changelist_lists_only_the_users_agencies(self):
        r = self.get(self.editor_a, "/admin/documents/document/")
        shown = {d.pk for d in r.context["cl"].result_list}
        assert self.draft.pk in shown and self.notice.pk not in shown
        r = self.get(self.editor_b, "/admin/documents/document/")
        assert {d.pk for d in r.context["cl"].result_list} == {self.notice.pk}
        assert self.get(self.admin, "/admin/documents/document/").context["cl"].result_count == 4

    def test_the_agency_filter_lists_only_the_users_agencies(self):
        html = self.get(self.editor_a, "/admin/documents/document/").content.decode()
        assert "翠竹街道办事处" in html and "国务院办公厅" not in html

    def test_a_reviewer_sees_the_form_read_only_and_an_editor_can_change_it(self):
        url = f"/admin/documents/document/{self.draft.pk}/change/"
        r = self.get(self.reviewer_a, url)
        assert r.status_code == 200 and not r.context["has_change_permission"]
        r = self.get(self.editor_a, url)
        assert r.status_code == 200 and r.context["has_change_permission"]

    def test_the_agency_choices_of_the_form_are_the_agencies_the_user_edits(self):
        r = self.get(self.editor_a, "/admin/documents/document/add/")
        assert list(r.context["adminform"].form.fields["agency"].queryset) == [self.cuizhu]

    def test_a_manager_adds_staff_to_their_agency_only(self):
        self.client.force_login(self.manager_a)
        data = {"short_name": "翠竹", "memberships-TOTAL_FORMS": 1, "memberships-INITIAL_FORMS": 0,
                "memberships-0-user": "editor_b", "memberships-0-role": "reviewer"}
        r = self.client.post(f"/admin/catalog/agency/{self.cuizhu.pk}/change/", data)
        assert r.status_code == 302
        assert perms.can(type(self.editor_b).objects.get(pk=self.editor_b.pk), Action.APPROVE, self.draft)
        r = self.client.get(f"/admin/catalog/agency/{self.gwyb.pk}/change/")
        assert r.status_code == 302  # not theirs: "does not exist", back to the index
        r = self.client.post(f"/admin/catalog/agency/{self.gwyb.pk}/change/", {
            **data, "memberships-0-user": "manager_a", "memberships-0-role": "editor"})
        assert not perms.can(type(self.manager_a).objects.get(pk=self.manager_a.pk), Action.EDIT,
                             self.notice)

    def test_an_editor_cannot_change_the_agency_or_its_staff(self):
        r = self.get(self.editor_a, f"/admin/catalog/agency/{self.cuizhu.pk}/change/")
        assert r.status_code == 200 and not r.context["has_change_permission"]
        assert "工作人员" not in r.content.decode().split('id="content-main"')[1].split("</form>")[0] \
            or not r.context["inline_admin_formsets"]

    def test_deleting_is_for_never_published_drafts_and_the_site_administrator(self):
        r = self.get(self.editor_a, f"/admin/documents/document/{self.summary.pk}/delete/")
        assert r.status_code == 403
        r = self.get(self.editor_a, f"/admin/documents/document/{self.draft.pk}/delete/")
        assert r.status_code == 200
        r = self.get(self.reviewer_a, f"/admin/documents/document/{self.draft.pk}/delete/")
        assert r.status_code == 403
