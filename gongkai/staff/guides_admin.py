"""The admin for each agency's 政府信息公开指南: kept by the agency's managers (the role that
keeps the agency's own page: its staff and 简称, ``Action.MANAGE_STAFF``) and the site
administrator; every change audited. Agencies without one are listed for the site
administrator (the 公开指南 filter on 发布机构; ``gongkai guides missing``)."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.models import AuditAction
from gongkai.accounts.permissions import Action
from gongkai.catalog.models import Agency
from gongkai.guides.models import Guide


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["agency", "office", "phone", "updated_at", "public_link"]
    search_fields = ["agency__name", "agency__short_name", "office"]
    list_select_related = ["agency"]
    # An address typed without a scheme is https (as on the document form).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["agency"]}),
        ("受理机构和联系方式", {"fields": ["office", "address", "office_hours", "phone", "fax",
                                    "postal_address", "postcode", "online_channel", "email"]}),
        ("内容", {"fields": ["catalogue", "how_to_apply", "fees", "remedies"],
                "description": "每段之间空一行；网页按段落显示。"}),
    ]

    @admin.display(description="公开页面")
    def public_link(self, obj):
        return format_html('<a href="{}">查看</a>', obj.get_absolute_url())

    def has_module_permission(self, request):
        return perms.can(request.user, Action.MANAGE_STAFF)

    def has_view_permission(self, request, obj=None):
        return perms.can(request.user, Action.MANAGE_STAFF, obj)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return perms.can(request.user, Action.MANAGE_STAFF)

    def has_delete_permission(self, request, obj=None):
        # Deleting takes a page the 条例 requires off the site: the site administrator's call.
        return perms.is_site_admin(request.user)

    def get_queryset(self, request):
        return perms.filter_by_agency(super().get_queryset(request), request.user,
                                      Action.MANAGE_STAFF)

    def get_readonly_fields(self, request, obj=None):
        return ["agency"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            # Only agencies this person manages that have no guide yet.
            kwargs["queryset"] = perms.filter_by_agency(
                Agency.objects.filter(guide__isnull=True), request.user, Action.MANAGE_STAFF, "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = "、".join(str(form.fields[name].label) for name in form.changed_data)
        audit.record(AuditAction.EDIT if change else AuditAction.CREATE, user=request.user,
                     request=request, obj=obj, agency=obj.agency,
                     detail=f"修改：{changed}" if change else "新建公开指南")

    def delete_model(self, request, obj):
        self.delete_queryset(request, Guide.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for guide in queryset.select_related("agency"):
            audit.record(AuditAction.DELETE, user=request.user, request=request, obj=guide,
                         agency=guide.agency, detail="删除公开指南")
        super().delete_queryset(request, queryset)


class GuideListFilter(admin.SimpleListFilter):
    """On 发布机构: which agencies still lack their 公开指南."""

    title = "公开指南"
    parameter_name = "guide"

    def lookups(self, request, model_admin):
        return [("missing", "没有公开指南"), ("present", "有公开指南")]

    def queryset(self, request, queryset):
        if self.value() in ("missing", "present"):
            return queryset.filter(guide__isnull=self.value() == "missing")
        return queryset


@admin.display(description="公开指南")
def guide_link(agency):
    """On the agency's list and page: its guide, or the way to write one."""
    if not agency.pk:
        return "保存机构后可新建。"
    guide = getattr(agency, "guide", None)
    if guide is not None:
        return format_html('<a href="{}">编辑</a>', reverse("admin:guides_guide_change",
                                                          args=[guide.pk]))
    # ``?agency=`` preselects it; the form offers only agencies this person manages.
    return format_html('<a href="{}?agency={}">没有，新建</a>', reverse("admin:guides_guide_add"),
                       agency.pk)
