"""The admin's side of the publishing workflow and of per-agency permissions.

``DocumentWorkflowAdmin`` is mixed into the document admin (gongkai/staff/admin.py): every
queryset, form choice, filter, autocomplete, action and object view asks
``gongkai.accounts.permissions``; every state change goes through
``gongkai.documents.workflow``. The other mixins give the catalogue's admins the same
per-agency rules.
"""


from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.models import AuditAction
from gongkai.accounts.permissions import Action
from gongkai.catalog.models import Agency
from gongkai.documents import revisions, workflow
from gongkai.documents.models import Document, PendingStatus, Revision, Status
from gongkai.documents.workflow import WorkflowError
from gongkai.privacy import review as privacy

from .privacy_admin import findings_context

# (name, label, permission, needs a reason, takes a time) of each transition a person starts.
TRANSITIONS = {
    "submit": ("送审", Action.SUBMIT, False, False),
    "publish": ("审核通过并发布", Action.APPROVE, False, True),
    "send_back": ("退回修改", Action.SEND_BACK, True, False),
    "withdraw": ("撤回", Action.WITHDRAW, None, True),  # None: a reason may be given
    "republish": ("重新发布", Action.APPROVE, False, False),
    "unschedule": ("取消定时", Action.SCHEDULE, False, False),
    "discard_pending": ("放弃待审修改", Action.EDIT, False, False),
}


def available_transitions(user, document: Document) -> list[str]:
    """The transitions ``user`` may start on ``document`` in its current state."""
    if not perms.can(user, Action.VIEW, document):
        return []
    s, pending = document.status, document.pending_status
    possible = []
    if s == Status.DRAFT or pending == PendingStatus.DRAFT:
        possible.append("submit")
    if s == Status.IN_REVIEW or pending == PendingStatus.IN_REVIEW:
        possible += ["publish", "send_back"]
    if s == Status.PUBLISHED:
        possible.append("withdraw")
    if s == Status.WITHDRAWN:
        possible.append("republish")
    if document.is_scheduled or (s == Status.PUBLISHED and document.withdraw_at):
        possible.append("unschedule")
    if document.pending_revision_id:
        possible.append("discard_pending")
    return [name for name in possible if perms.can(user, TRANSITIONS[name][1], document)]


class TransitionForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    at = forms.DateTimeField(
        label="定时", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text="留空即立即执行；填写则到时由定时任务执行。")

    def __init__(self, *args, reason_required=False, timed=False, confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirm:  # personal data left in the text: publishing it needs a reason
            self.fields["confirmation"] = forms.CharField(
                label="确认发布的理由", widget=forms.Textarea(attrs={"rows": 3}),
                help_text="内容含未处理的个人信息。确需公开时说明理由（记入审计日志）；否则请先遮盖。",
                error_messages={"required": "内容含未处理的个人信息：请先遮盖，或填写确认发布的理由。"})
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = "编辑会看到这段理由。"
        elif reason_required is False:
            del self.fields["reason"]
        if not timed:
            del self.fields["at"]


class WorkflowStateFilter(admin.SimpleListFilter):
    title = "流程状态"
    parameter_name = "state"
    STATES = {
        "draft": ("草稿", Q(status=Status.DRAFT, sent_back_reason="")),
        "sent_back": ("已退回", Q(status=Status.DRAFT) & ~Q(sent_back_reason="")
                      | Q(pending_status=PendingStatus.DRAFT) & ~Q(sent_back_reason="")),
        "in_review": ("待审核", Q(status=Status.IN_REVIEW)
                      | Q(pending_status=PendingStatus.IN_REVIEW)),
        "scheduled": ("定时发布或撤回", None),  # depends on the time: see queryset()
        "published": ("已发布", Q(status=Status.PUBLISHED)),
        "pending": ("有待审修改", ~Q(pending_status="")),
        "withdrawn": ("已撤回", Q(status=Status.WITHDRAWN)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.STATES.items()]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.filter(Q(status=Status.PUBLISHED) & (
                Q(published_at__gt=timezone.now()) | Q(withdraw_at__isnull=False)))
        if self.value() in self.STATES:
            return queryset.filter(self.STATES[self.value()][1])
        return queryset


class DocumentWorkflowAdmin:
    """Per-agency permissions and the workflow, for the document admin."""

    # -- permissions: one module answers all of them -----------------------------------
    def has_module_permission(self, request):
        return perms.can(request.user, Action.VIEW)

    def has_view_permission(self, request, obj=None):
        return perms.can(request.user, Action.VIEW, obj)

    def has_add_permission(self, request):
        return perms.can(request.user, Action.EDIT)

    def has_change_permission(self, request, obj=None):
        return perms.can(request.user, Action.EDIT, obj)

    def has_delete_permission(self, request, obj=None):
        """Only the site administrator deletes; an editor may delete a draft that was
        never published (no 索引号). Everything else is withdrawn, never deleted."""
        if perms.is_site_admin(request.user):
            return True
        return (obj is not None and obj.status == Status.DRAFT and not obj.index_no
                and not obj.published_at and perms.can(request.user, Action.EDIT, obj))

    def has_submit_permission(self, request, obj=None):
        return perms.can(request.user, Action.SUBMIT, obj)

    def has_approve_permission(self, request, obj=None):
        return perms.can(request.user, Action.APPROVE, obj)

    def has_send_back_permission(self, request, obj=None):
        return perms.can(request.user, Action.SEND_BACK, obj)

    def has_withdraw_permission(self, request, obj=None):
        return perms.can(request.user, Action.WITHDRAW, obj)

    def has_schedule_permission(self, request, obj=None):
        return perms.can(request.user, Action.SCHEDULE, obj)

    # -- what each user sees --------------------------------------------------------------
    def get_queryset(self, request):
        return perms.filter_by_agency(super().get_queryset(request), request.user, Action.VIEW)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "agency":
            kwargs["queryset"] = perms.filter_by_agency(Agency.objects.all(), user, Action.EDIT, "pk")
        elif db_field.name == "superseded_by":
            kwargs["queryset"] = self._linkable_documents(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _linkable_documents(self, request):
        """What 修改/替代文件 may point to: the user's agencies' documents, or any public one."""
        own = perms.filter_by_agency(Document.objects.all(), request.user, Action.VIEW)
        if perms.is_site_admin(request.user):
            return own
        return Document.objects.filter(
            Q(pk__in=own.values("pk")) | Q(pk__in=Document.objects.published().values("pk")))

    def get_search_results(self, request, queryset, search_term):
        if (request.path.endswith("/autocomplete/")
                and request.GET.get("field_name") == "superseded_by"):
            queryset = self._linkable_documents(request)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="流程状态", ordering="status")
    def workflow_state(self, obj):
        return obj.workflow_label

    # -- the change form shows the pending edit of a live document -------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        request._gongkai_editing = True
        return super().change_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and getattr(request, "_gongkai_editing", False):
            revisions.as_edited(obj)
            obj._gongkai_viewer = request.user  # for the panel's buttons (a display field)
        return obj

    def save_model(self, request, obj, form, change):
        ip = audit.client_ip(request)
        if not change:
            workflow.create(obj, user=request.user, ip=ip)
            return
        workflow.save_edit(obj, user=request.user, ip=ip)
        if obj.is_live:
            self.message_user(request, "修改已保存为待审修改：审核通过前，公开页面仍显示已发布的版本。"
                                       "改好后请送审。", messages.WARNING)

    def delete_model(self, request, obj):
        audit.record(AuditAction.DELETE, user=request.user, obj=obj, request=request,
                     object_type="document")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("agency"):
            audit.record(AuditAction.DELETE, user=request.user, obj=obj, request=request,
                         object_type="document")
        super().delete_queryset(request, queryset)

    @admin.display(description="流程")
    def workflow_panel(self, obj):
        """State, the reviewer's reason, the pending edit and the buttons this user may use."""
        if not obj or not obj.pk:
            return "保存后为草稿，由编辑送审、审核人员审核后发布。"
        parts = [format_html("<p><strong>{}</strong></p>", obj.workflow_label)]
        if obj.sent_back_reason:
            parts.append(format_html('<p class="errornote sent-back-reason">退回理由：{}</p>',
                                     obj.sent_back_reason))
        if obj.pending_revision_id:
            live = next((r for r in obj.revisions.all()[:100] if not r.data.get("pending")), None)
            compare = ""
            if live:
                compare = format_html(' <a href="{}?a={}&amp;b={}">对比已发布版本</a>',
                                      self._url("revisions_compare", obj.pk), live.pk,
                                      obj.pending_revision_id)
            parts.append(format_html("<p>此处显示的是待审修改；公开页面在审核通过前不变。{}</p>", compare))
        if obj.is_scheduled:
            parts.append(format_html("<p>定于 {} 发布。</p>", revisions.local_minute(obj.published_at)))
        if obj.withdraw_at:
            parts.append(format_html("<p>定于 {} 撤回。</p>", revisions.local_minute(obj.withdraw_at)))
        if obj.status == Status.WITHDRAWN and obj.withdrawn_at:
            parts.append(format_html("<p>已于 {} 撤回。</p>", revisions.local_minute(obj.withdrawn_at)))
        viewer = getattr(obj, "_gongkai_viewer", None)
        buttons = available_transitions(viewer, obj) if viewer else []
        if buttons:
            parts.append(format_html_join(
                " ", '<a class="button workflow-{}" href="{}">{}</a>',
                ((name, self._url("transition", obj.pk, name), TRANSITIONS[name][0])
                 for name in buttons)))
        parts.append(format_html(' <a href="{}">修订记录</a>', self._url("revisions", obj.pk)))
        return format_html_join("", "{}", ((p,) for p in parts))

    # -- actions on the changelist: each declares its permission ---------------------------
    def _run(self, request, queryset, name, **options):
        done, refused = [], []
        for document in queryset.select_related("agency"):
            try:
                getattr(workflow, name)(document, user=request.user, ip=audit.client_ip(request),
                                        **options)
            except (WorkflowError, PermissionDenied) as error:
                refused.append(f"{document.title}：{error or '没有权限'}")
            else:
                done.append(document)
        label = TRANSITIONS[name][0]
        if done:
            self.message_user(request, f"{label}：{len(done)} 条。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"未能{label}——{line}", messages.ERROR)
        return done

    @admin.action(description="送审所选政府信息", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._run(request, queryset, "submit")

    @admin.action(description="审核通过并发布所选政府信息", permissions=["approve"])
    def publish_selected(self, request, queryset):
        self._run(request, queryset, "publish")

    @admin.action(description="退回所选政府信息（填写理由）", permissions=["send_back"])
    def send_back_selected(self, request, queryset):
        return self._confirm_bulk(request, queryset, "send_back")

    @admin.action(description="撤回所选政府信息", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        return self._confirm_bulk(request, queryset, "withdraw")

    def _confirm_bulk(self, request, queryset, name):
        """An action that asks first (a reason): the intermediate page, then the action."""
        label, _, needs_reason, _ = TRANSITIONS[name]
        form = TransitionForm(request.POST if "confirm" in request.POST else None,
                              reason_required=needs_reason)
        if form.is_bound and form.is_valid():
            self._run(request, queryset, name, reason=form.cleaned_data.get("reason", ""))
            return None
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"{label}：确认", "label": label, "form": form, "documents": queryset,
            "action": request.POST.get("action"), "bulk": True,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/documents/transition.html", context)

    # -- object views: transitions, revisions, compare -------------------------------------
    def _url(self, name, *args):
        return reverse(f"admin:documents_document_{name}", args=args,
                       current_app=self.admin_site.name)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/workflow/<str:name>/", view(self.transition_view),
                 name="documents_document_transition"),
            path("<path:object_id>/revisions/", view(self.revisions_view),
                 name="documents_document_revisions"),
            path("<path:object_id>/revisions/compare/", view(self.compare_view),
                 name="documents_document_revisions_compare"),
            *super().get_urls(),
        ]

    def _document(self, request, object_id) -> Document:
        """The document if this user may see it; otherwise a 404, as for a missing one."""
        document = (self.get_queryset(request).select_related("agency", "pending_revision")
                    .filter(pk=_int(unquote(object_id))).first())
        if document is None or not self.has_view_permission(request, document):
            raise Http404("没有这条政府信息，或您无权查看。")
        return document

    def transition_view(self, request, object_id, name):
        document = self._document(request, object_id)
        if name not in TRANSITIONS:
            raise Http404
        label, action, needs_reason, timed = TRANSITIONS[name]
        if not perms.can(request.user, action, document):
            raise PermissionDenied
        timed = timed and perms.can(request.user, Action.SCHEDULE, document) and (
            name != "publish" or document.status == Status.IN_REVIEW)
        # The privacy review: shown when sending to review and when approving.
        found = privacy.findings(document) if name in ("submit", "publish") else []
        form = TransitionForm(request.POST if request.method == "POST" else None,
                              reason_required=needs_reason, timed=timed,
                              confirm=name == "publish" and bool(found))
        change_url = self._url("change", document.pk)
        if request.method == "POST" and form.is_valid():
            options = {}
            for option in ("reason", "confirmation"):
                if option in form.fields:
                    options[option] = form.cleaned_data[option]
            if form.cleaned_data.get("at"):
                options["at"] = form.cleaned_data["at"]
            try:
                getattr(workflow, name)(document, user=request.user,
                                        ip=audit.client_ip(request), **options)
            except (WorkflowError, PermissionDenied) as error:
                form.add_error(None, str(error) or "没有权限")
            else:
                self.message_user(request, f"{label}：{document.title}——{document.workflow_label}",
                                  messages.SUCCESS)
                if name == "submit" and found:
                    self.message_user(request, f"内容含 {privacy.describe(found)}可能的个人信息，"
                                               "审核时需遮盖，或在发布时说明理由。", messages.WARNING)
                return HttpResponseRedirect(change_url if self.has_view_permission(
                    request, document) else self._url("changelist"))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"{label}：{document.title}", "label": label, "form": form,
            "original": document, "documents": [document], "change_url": change_url,
            "pii": found and findings_context(self, request, document, found,
                                              request.get_full_path()),
        }
        return TemplateResponse(request, "admin/documents/transition.html", context)

    def revisions_view(self, request, object_id):
        document = self._document(request, object_id)
        items = list(document.revisions.all()[:200])
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"修订记录：{document.title}", "original": document,
            "revisions": items, "compare_url": self._url("revisions_compare", document.pk),
            "change_url": self._url("change", document.pk),
        }
        return TemplateResponse(request, "admin/documents/revisions.html", context)

    def compare_view(self, request, object_id):
        document = self._document(request, object_id)
        chosen = Revision.objects.filter(document=document)
        a = chosen.filter(pk=_int(request.GET.get("a"))).first()
        b = chosen.filter(pk=_int(request.GET.get("b"))).first()
        if a is None or b is None:
            raise Http404("请选择这条信息的两个版本。")
        if (a.created_at, a.pk) > (b.created_at, b.pk):
            a, b = b, a
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"版本对比：{document.title}", "original": document, "old": a, "new": b,
            "diff": revisions.compare(a, b),
            "revisions_url": self._url("revisions", document.pk),
        }
        return TemplateResponse(request, "admin/documents/compare.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
