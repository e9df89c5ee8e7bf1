"""The admin for people and the record of what they did: per-agency roles (an inline on the
agency, for its managers; on the user, for the site administrator), the audit log (filtered,
exported as CSV, the export itself audited), and the per-agency rules of the catalogue's
admins (agencies, topics, genres, audiences)."""

import csv

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.filters import AgencyListFilter
from gongkai.accounts.models import AuditAction, AuditEntry, Membership, Role
from gongkai.accounts.permissions import Action

User = get_user_model()


# -- roles --------------------------------------------------------------------------------
class MembershipForm(forms.ModelForm):
    user = forms.ModelChoiceField(
        label="用户名", queryset=User.objects.filter(is_active=True), to_field_name="username",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid_choice": "没有这个用户名的有效账户（账户由网站管理员创建）。"})

    class Meta:
        model = Membership
        fields = ["user", "role"]


class AgencyMembershipInline(admin.TabularInline):
    """The agency's staff, on the agency's page, for its managers and the site administrator."""

    model = Membership
    form = MembershipForm
    extra = 1
    verbose_name = "工作人员"
    verbose_name_plural = "工作人员（编辑、审核、管理员）"
    readonly_fields = ["created_at"]

    def _may(self, request, obj):
        return obj is not None and perms.can(request.user, Action.MANAGE_STAFF, obj)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)


class UserMembershipInline(admin.TabularInline):
    """A person's roles in every agency, on the user's page (site administrator only)."""

    model = Membership
    fields = ["agency", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["agency"]
    extra = 1
    verbose_name = "机构角色"
    verbose_name_plural = "机构角色"


def audit_membership_formset(request, formset):
    """Save a formset of memberships, auditing each role granted or revoked."""
    before = {}
    for form in formset.initial_forms:
        if form.instance.pk:
            before[form.instance.pk] = (form.instance.user, form.instance.agency, form.instance.role)
    deleted = [form.instance.pk for form in formset.initial_forms
               if formset.can_delete and formset._should_delete_form(form)]
    formset.save()
    ip = audit.client_ip(request)

    def log(action, user, agency, role, membership):
        audit.record(action, user=request.user, agency=agency, ip=ip, object_type="membership",
                     object_repr=f"{user.get_username()} · {agency.name} · {Role(role).label}",
                     detail=f"{user.get_username()}：{agency.name} {Role(role).label}（管理后台）")
        perms.forget(user)

    for pk in deleted:
        user, agency, role = before[pk]
        log(AuditAction.ROLE_REVOKED, user, agency, role, None)
    for membership in formset.new_objects:
        log(AuditAction.ROLE_GRANTED, membership.user, membership.agency, membership.role, membership)
        if not membership.user.is_staff:
            membership.user.is_staff = True
            membership.user.save(update_fields=["is_staff"])
    for membership, _ in formset.changed_objects:
        old_user, old_agency, old_role = before[membership.pk]
        log(AuditAction.ROLE_REVOKED, old_user, old_agency, old_role, membership)
        log(AuditAction.ROLE_GRANTED, membership.user, membership.agency, membership.role, membership)
        if not membership.user.is_staff:
            membership.user.is_staff = True
            membership.user.save(update_fields=["is_staff"])


# -- the catalogue: agencies and the classification vocabularies ----------------------------
class AgencyPermissionAdmin:
    """Staff see their own agencies; a manager keeps the agency's staff and 简称; creating
    agencies, their names and codes are the site administrator's."""

    inlines = [AgencyMembershipInline]
    ADMIN_ONLY_FIELDS = ["name", "code", "parent", "needs_review", "sort_order"]

    def has_module_permission(self, request):
        return perms.is_staff_of_any_agency(request.user)

    def has_view_permission(self, request, obj=None):
        return perms.can(request.user, Action.VIEW, obj)

    def has_change_permission(self, request, obj=None):
        return perms.can(request.user, Action.MANAGE_STAFF, obj)

    def has_add_permission(self, request):
        return perms.is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    def get_queryset(self, request):
        return perms.filter_by_agency(super().get_queryset(request), request.user, Action.VIEW, "pk")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not perms.is_site_admin(request.user):
            fields += [f for f in self.ADMIN_ONLY_FIELDS if f not in fields]
        return fields

    def get_search_results(self, request, queryset, search_term):
        # The document form's 发布机构: only agencies where the user may edit documents.
        if (request.path.endswith("/autocomplete/") and request.GET.get("field_name") == "agency"
                and request.GET.get("model_name") == "document"):
            queryset = perms.filter_by_agency(queryset, request.user, Action.EDIT, "pk")
        return super().get_search_results(request, queryset, search_term)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            audit_membership_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


class VocabularyPermissionAdmin:
    """Topics, genres and audiences are shared by every agency: all staff see them (the
    document form picks from them), managers add to them, the site administrator changes
    and deletes them."""

    def has_module_permission(self, request):
        return perms.is_staff_of_any_agency(request.user)

    def has_view_permission(self, request, obj=None):
        return perms.is_staff_of_any_agency(request.user)

    def has_add_permission(self, request):
        return perms.can(request.user, Action.MANAGE_CLASSIFICATION)

    def has_change_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)


# -- the audit log --------------------------------------------------------------------------
class AuditAgencyFilter(AgencyListFilter):
    title = "机构"
    action = Action.MANAGE_STAFF


CSV_COLUMNS = [("at", "时间"), ("username", "用户"), ("action", "操作"), ("agency_name", "机构"),
               ("object_type", "对象类型"), ("object_id", "对象ID"), ("object_repr", "对象"),
               ("detail", "说明"), ("ip", "来源IP")]


class _Echo:
    def write(self, value):
        return value


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone; managers see their agencies' entries, the site administrator
    all (and alone may delete). 导出CSV exports what the filters show, and is audited."""

    list_display = ["at", "username", "action", "agency_name", "object_repr", "detail", "ip"]
    list_filter = ["action", AuditAgencyFilter]
    search_fields = ["username", "object_repr", "detail", "ip", "object_id"]
    date_hierarchy = "at"
    list_per_page = 100

    def has_module_permission(self, request):
        return perms.can(request.user, Action.MANAGE_STAFF)

    def has_view_permission(self, request, obj=None):
        if perms.is_site_admin(request.user):
            return True
        if obj is None:
            return perms.can(request.user, Action.MANAGE_STAFF)
        return obj.agency_id is not None and perms.can(request.user, Action.MANAGE_STAFF,
                                                       obj.agency_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    def get_queryset(self, request):
        return perms.filter_by_agency(super().get_queryset(request), request.user,
                                      Action.MANAGE_STAFF)

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="accounts_auditentry_export"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        url = reverse("admin:accounts_auditentry_export", current_app=self.admin_site.name)
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "export_url": f"{url}?{query}" if query else url})

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        entries = changelist.get_queryset(request)
        count = entries.count()
        audit.record(AuditAction.EXPORT, user=request.user, request=request,
                     object_type="auditentry", object_repr="审计日志CSV",
                     detail=f"导出 {count} 条；条件：{request.GET.urlencode() or '全部'}")
        labels = dict(AuditAction.choices)
        writer = csv.writer(_Echo())

        def rows():
            yield "\ufeff" + writer.writerow([label for _, label in CSV_COLUMNS])
            for entry in entries.iterator(chunk_size=2000):
                values = []
                for name, _ in CSV_COLUMNS:
                    value = getattr(entry, name)
                    if name == "at":
                        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
                    elif name == "action":
                        value = labels.get(value, value)
                    values.append("" if value is None else value)
                yield writer.writerow(values)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


# -- user accounts: changes to who may sign in and with what powers are audited ------------
WATCHED = ["is_active", "is_staff", "is_superuser"]

admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    inlines = [UserMembershipInline]

    def save_model(self, request, obj, form, change):
        before = (User.objects.filter(pk=obj.pk).values(*WATCHED).first() if change else None) or {}
        super().save_model(request, obj, form, change)
        changes = [f"{User._meta.get_field(name).verbose_name}：{before.get(name)} → {getattr(obj, name)}"
                   for name in WATCHED if change and before.get(name) != getattr(obj, name)]
        if not change:
            changes = ["新建账户"] + [f"{User._meta.get_field(n).verbose_name}：{getattr(obj, n)}"
                                   for n in WATCHED if getattr(obj, n) and n != "is_active"]
        if changes:
            audit.record(AuditAction.ACCOUNT_CHANGED, user=request.user, request=request,
                         object_type="user", object_repr=obj.get_username(),
                         detail="；".join(changes))

    def delete_model(self, request, obj):
        audit.record(AuditAction.ACCOUNT_CHANGED, user=request.user, request=request,
                     object_type="user", object_repr=obj.get_username(), detail="删除账户")
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            audit_membership_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)
