from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html_join

from gongkai.checks.documents import document_text, inconsistencies

from . import workflow
from .models import Document, Status


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "index_no", "doc_no", "agency", "published_at", "status", "validity",
                    "view_count"]
    list_filter = ["status", "disclosure", "validity", "agency", "genre"]
    search_fields = ["title", "index_no", "doc_no"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["agency", "topic", "superseded_by"]
    readonly_fields = ["index_no", "view_count", "created_at", "updated_at", "figure_check"]
    list_select_related = ["agency"]
    actions = ["publish_selected", "withdraw_selected"]
    # A source address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "agency", "publisher_label", "doc_no", "written_on", "index_no"]}),
        ("分类", {"fields": ["topic", "genre", "audience", "subject_terms", "category_label"]}),
        ("内容", {"fields": ["abstract", "body", "figure_check"]}),
        ("公开与效力", {"fields": ["disclosure", "status", "published_at", "validity",
                              "effective_on", "repealed_on", "superseded_by"]}),
        ("其他", {"fields": ["source_url", "view_count", "created_at", "updated_at"]}),
    ]

    @admin.display(description="数据核验")
    def figure_check(self, obj):
        """Figures in the saved text that do not add up, shown before anyone publishes."""
        if not obj.pk:
            return "保存后显示。"
        findings = inconsistencies(document_text(obj))
        if not findings:
            return "未发现对不上的数字。"
        return format_html_join("", "<p>⚠ {}：文中 {}，计算得 {}<br><small>{}</small></p>",
                                ((f.claim, f.stated, f.computed, f.sentence) for f in findings))

    @admin.action(description="发布所选政府信息")
    def publish_selected(self, request, queryset):
        for document in queryset.exclude(status=Status.PUBLISHED).select_related("agency"):
            workflow.publish(document)
        self.message_user(request, "已发布。", messages.SUCCESS)

    @admin.action(description="撤回所选政府信息")
    def withdraw_selected(self, request, queryset):
        for document in queryset.filter(status=Status.PUBLISHED):
            workflow.withdraw(document)
        self.message_user(request, "已撤回。", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        # A document saved as 已发布 in the form goes through the same action as the button,
        # so it gets its 索引号.
        if obj.status == Status.PUBLISHED and not obj.index_no:
            workflow.publish(obj)
        else:
            super().save_model(request, obj, form, change)
