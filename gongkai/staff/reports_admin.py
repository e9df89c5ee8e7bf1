"""The admin for annual reports (gongkai.reports): the agency's managers (and its editors, who
also send the report to review) enter the figures the system does not hold and the texts,
see the built report and its 勾稽 checks beside the form, and 发布（送审）: the report becomes
a 年度报告 document in review (gongkai.reports.publish). Past years' published reports are
imported from a JSON file in the format of ``gongkai report --format json``."""

import json
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.models import AuditAction
from gongkai.accounts.permissions import Action
from gongkai.applications.letters import LetterError
from gongkai.catalog.models import Agency
from gongkai.reports import forms_labels as L
from gongkai.reports.build import ReportFormatError, build, from_json, to_json
from gongkai.reports.checks import check
from gongkai.reports.models import AnnualReport, table4_field
from gongkai.reports.publish import PublishError, submit
from gongkai.reports.render import to_docx, to_html, to_page, to_pdf

# Who keeps a report: the agency's managers (its 公开指南 and staff too) and its editors.
KEEPERS = (Action.MANAGE_STAFF, Action.EDIT)


def may_keep(user, target=None) -> bool:
    return any(perms.can(user, action, target) for action in KEEPERS)


def kept_agency_ids(user):
    found = [perms.agency_ids(user, action) for action in KEEPERS]
    return None if None in found else set().union(*found)


class ImportForm(forms.Form):
    file = forms.FileField(label="年度报告 JSON 文件",
                           help_text="格式同 gongkai report --format json 的输出。")


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    change_form_template = "admin/reports/annualreport/change_form.html"
    change_list_template = "admin/reports/annualreport/change_list.html"
    list_display = ["agency", "year", "state", "document"]
    list_filter = ["year"]
    list_select_related = ["agency", "document"]
    search_fields = ["agency__name", "agency__short_name"]
    readonly_fields = ["checks", "preview"]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["agency", "year"]}),
            (f"{L.TABLE2}（本系统不掌握的数字）", {"fields": [
                "licensing", "penalties", "coercion", "charges"]}),
            (L.TABLE4, {"fields": [table4_field(g, o) for g in L.TABLE4_GROUPS
                                   for o in L.TABLE4_OUTCOMES]}),
            ("报告正文", {"fields": ["overview", "problems", "other_matters"]}),
            *([("勾稽校验与预览", {"fields": ["checks", "preview"]})] if obj else []),
        ]

    @admin.display(description="状态")
    def state(self, obj):
        if obj.loaded:
            return "已按公布的报告录入"
        return obj.document.get_status_display() if obj.document else "未发布"

    @admin.display(description="勾稽校验")
    def checks(self, obj):
        failures = check(self._built(obj))
        if not failures:
            return "全部通过"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>",
                                                           ((str(f),) for f in failures)))

    @admin.display(description="报告预览")
    def preview(self, obj):
        links = format_html(
            '<p><a href="{}">打印页</a> · <a href="{}">下载 DOCX</a> · <a href="{}">下载 PDF</a></p>',
            *(reverse(f"admin:reports_annualreport_{kind}", args=[obj.pk])
              for kind in ("print", "docx", "pdf")))
        return format_html("{}<div class=\"report-preview\">{}</div>", links,
                           to_html(self._built(obj)))

    def _built(self, obj):
        if not hasattr(obj, "_built"):
            obj._built = build(obj.agency, obj.year, government=obj.agency.children.exists())
        return obj._built

    def has_module_permission(self, request):
        return may_keep(request.user)

    def has_view_permission(self, request, obj=None):
        return may_keep(request.user, obj)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return may_keep(request.user)

    def has_delete_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    def get_queryset(self, request):
        allowed = kept_agency_ids(request.user)
        qs = super().get_queryset(request)
        return qs if allowed is None else qs.filter(agency__in=allowed)

    def get_readonly_fields(self, request, obj=None):
        fields = ["checks", "preview"]
        if obj is not None:
            fields += ["agency", "year"]
            if obj.loaded:  # figures as published elsewhere: not edited here
                fields += [f.name for f in AnnualReport._meta.fields if f.editable]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            allowed = kept_agency_ids(request.user)
            qs = Agency.objects.all()
            kwargs["queryset"] = qs if allowed is None else qs.filter(pk__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(AuditAction.EDIT if change else AuditAction.CREATE, user=request.user,
                     request=request, obj=obj, agency=obj.agency, detail=f"年度报告：{obj}")

    def response_change(self, request, obj):
        if "_submit_report" not in request.POST:
            return super().response_change(request, obj)
        try:
            doc = submit(obj, user=request.user, government=obj.agency.children.exists())
        except (PublishError, PermissionDenied) as e:
            self.message_user(request, str(e), messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, f"已生成“{doc.title}”并送审；审核发布后公开。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:documents_document_change", args=[doc.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("import/", view(self.import_view), name="reports_annualreport_import"),
                path("<path:object_id>/print/", view(self.print_view),
                     name="reports_annualreport_print"),
                path("<path:object_id>/docx/", view(self.docx_view),
                     name="reports_annualreport_docx"),
                path("<path:object_id>/pdf/", view(self.pdf_view),
                     name="reports_annualreport_pdf"),
                *super().get_urls()]

    def _viewable(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return obj

    def print_view(self, request, object_id):
        """The report as it will be printed (staff's preview; the same numbers as the DOCX)."""
        return HttpResponse(to_page(self._built(self._viewable(request, object_id)),
                                    standalone=False))

    def docx_view(self, request, object_id):
        return self._download(request, object_id, to_docx, "docx",
                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    def pdf_view(self, request, object_id):
        try:
            return self._download(request, object_id, to_pdf, "pdf", "application/pdf")
        except LetterError as e:  # no CJK font on this server: say which package to install
            self.message_user(request, str(e), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:reports_annualreport_change",
                                                args=[object_id]))

    def _download(self, request, object_id, render, ext, content_type):
        obj = self._viewable(request, object_id)
        response = HttpResponse(render(self._built(obj)), content_type=content_type)
        name = quote(f"{obj.agency.name}{obj.year}年政府信息公开工作年度报告.{ext}")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                saved = self._import(request, form.cleaned_data["file"].read())
            except (ReportFormatError, ValueError, PermissionDenied) as e:
                form.add_error("file", str(e))
            else:
                self.message_user(request, f"已导入{saved}。", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:reports_annualreport_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": "导入往年报告",
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/reports/annualreport/import.html", context)

    def _import(self, request, raw: bytes):
        try:
            report = from_json(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"不是 UTF-8 编码的 JSON 文件：{e}") from None
        agency = Agency.objects.filter(code=report.agency_code.strip().upper()).first()
        if agency is None:
            raise ValueError(f"没有机构代码为“{report.agency_code}”的机构。")
        if not may_keep(request.user, agency):
            raise PermissionDenied(f"您没有权限录入{agency}的年度报告。")
        failures = check(report)
        if failures:
            raise ValueError("未通过勾稽校验：" + "；".join(map(str, failures)))
        with transaction.atomic():
            saved, _ = AnnualReport.objects.update_or_create(
                agency=agency, year=report.year, defaults={"loaded": to_json(report)})
            audit.record(AuditAction.IMPORT, user=request.user, request=request, obj=saved,
                         agency=agency, detail=f"导入已公布的年度报告：{saved}")
        return saved
