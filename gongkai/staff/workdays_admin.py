"""The admin for the working-day calendar (gongkai/workdays): the site administrator enters
a year's 放假/调休上班 days from the State Council's notice, by hand or from a CSV file.
Every change is audited and tells the apps above through ``calendar_changed``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.models import AuditAction
from gongkai.workdays import clock, entry
from gongkai.workdays.models import DayKind, HolidayDay, HolidayYear


class SiteAdminOnly:
    """The calendar is the whole site's: only the site administrator sees or changes it."""

    def has_module_permission(self, request):
        return perms.is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class HolidayDayInline(SiteAdminOnly, admin.TabularInline):
    model = HolidayDay
    fields = ["date", "kind", "name"]
    # Blank rows to fill in without JavaScript (the "add another" link needs it).
    extra = 10


class LoadFileForm(forms.Form):
    file = forms.FileField(label="CSV文件", help_text="表头 date,kind,name；kind 为“放假”或“调休上班”。")
    source = forms.CharField(label="依据", max_length=300, required=False,
                             help_text="例如国务院办公厅通知的文号")


@admin.register(HolidayYear)
class HolidayYearAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ["year", "off_days", "work_days", "source", "updated_at"]
    fields = ["year", "source", "package_days"]
    readonly_fields = ["package_days"]
    inlines = [HolidayDayInline]

    @admin.display(description="放假天数")
    def off_days(self, obj):
        return obj.days.filter(kind=DayKind.OFF).count()

    @admin.display(description="调休上班天数")
    def work_days(self, obj):
        return obj.days.filter(kind=DayKind.WORK).count()

    @admin.display(description="程序自带的本年安排（供核对）")
    def package_days(self, obj):
        days = clock.package_year_days(obj.year) if obj and obj.year else []
        if not days:
            return "程序自带的日历没有这一年。"
        return format_html_join("", "<div>{} {} {}</div>",
                                ((f"{d.date:%Y-%m-%d}", d.kind.label, d.name) for d in days))

    def changelist_view(self, request, extra_context=None):
        package = clock.package_years()
        note = (f"程序自带的日历（chinese-calendar）已知 {package[0]}–{package[-1]} 年；在此录入的年份"
                "以录入为准。未知的年份只按周末计算，跨入这些年份的期限标为“暂定”。")
        return super().changelist_view(request, {**(extra_context or {}), "calendar_note": note})

    def get_urls(self):
        load = self.admin_site.admin_view(self.load_view)
        return [path("load/", load, name="workdays_holidayyear_load"), *super().get_urls()]

    def load_view(self, request):
        """从文件载入: the same file and rules as ``gongkai holidays load``."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LoadFileForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                year, entries = entry.parse(entry.decode(form.cleaned_data["file"].read()))
            except entry.LoadError as error:
                problems = error.problems
            else:
                with transaction.atomic():
                    holiday_year = entry.replace_year(year, entries, form.cleaned_data["source"])
                    self._audit(request, holiday_year, AuditAction.IMPORT,
                                f"从文件载入{year}年：{len(entries)} 个日期")
                self.message_user(request, f"已载入{year}年的 {len(entries)} 个日期。",
                                  messages.SUCCESS)
                return redirect("admin:workdays_holidayyear_change", holiday_year.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "从文件载入节假日安排", "form": form, "problems": problems}
        return TemplateResponse(request, "admin/workdays/load.html", context)

    def save_model(self, request, obj, form, change):
        # The year before this change: a renumbered year changes two years' days.
        obj._years_before = set(HolidayYear.objects.filter(pk=obj.pk).values_list("year", flat=True))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        days = "、".join(str(d) for d in obj.days.all()) or "无"
        self._audit(request, obj, AuditAction.EDIT if change else AuditAction.CREATE,
                    f"{obj.year}年：{days}")
        for year in obj._years_before | {obj.year}:
            entry.changed(year)

    def delete_model(self, request, obj):
        self.delete_queryset(request, HolidayYear.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        years = list(queryset)
        super().delete_queryset(request, queryset)
        for obj in years:
            self._audit(request, obj, AuditAction.DELETE, f"删除{obj.year}年的录入，改用程序自带日历或只按周末计算")
            entry.changed(obj.year)

    @staticmethod
    def _audit(request, obj, action, detail):
        audit.record(action, user=request.user, request=request, object_type="holidayyear",
                     object_repr=f"节假日安排 {obj.year}年", detail=detail)
