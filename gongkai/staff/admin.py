"""The staff side: Django's admin for the catalogue and its documents.

It sits above every domain app (it shows 数据核验 findings and editor suggestions beside
the form), so the domain apps never import their own admin's needs.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from gongkai.accounts.filters import AgencyListFilter
from gongkai.catalog.models import Agency, Audience, Genre, Topic
from gongkai.checks.documents import document_text, inconsistencies
from gongkai.documents.models import Attachment, Document
from gongkai.documents.workflow import assign_missing_index_nos
from gongkai.lib.html import html_to_text
from gongkai.suggestions.suggester import suggest_abstract, suggest_terms, suggest_topic

from . import (  # noqa: F401 (registers)
    accounts_admin,
    aids,
    attachments_admin,
    reports_admin,
    views,
    workdays_admin,
)
from .forms import DocumentForm
from .guides_admin import GuideListFilter, guide_link
from .privacy_admin import PrivacyReviewAdmin
from .workflow_admin import DocumentWorkflowAdmin, WorkflowStateFilter


@admin.register(Document)
class DocumentAdmin(PrivacyReviewAdmin, DocumentWorkflowAdmin, admin.ModelAdmin):
    """Per-agency permissions, the workflow's actions and views, revisions and their
    comparison come from DocumentWorkflowAdmin (gongkai/staff/workflow_admin.py); the
    privacy review from PrivacyReviewAdmin (gongkai/staff/privacy_admin.py)."""

    # The body in a rich-text editor, 主题词 as tags (gongkai/staff/forms.py).
    form = DocumentForm
    inlines = [attachments_admin.AttachmentInline]
    list_display = ["title", "index_no", "doc_no", "agency", "published_at", "workflow_state",
                    "validity", "view_count"]
    list_filter = [WorkflowStateFilter, "disclosure", "validity", AgencyListFilter, "genre"]
    search_fields = ["title", "index_no", "doc_no"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["agency", "topic", "superseded_by"]
    readonly_fields = ["workflow_panel", "index_no", "view_count", "created_at", "updated_at",
                       "figure_check", "pii_check",
                       "suggestions_link", "suggested_terms", "suggested_abstract",
                       "suggested_topic"]
    list_select_related = ["agency"]
    actions = ["submit_selected", "publish_selected", "send_back_selected", "withdraw_selected"]
    # A source address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        ("流程", {"fields": ["workflow_panel"]}),
        (None, {"fields": ["title", "agency", "publisher_label", "doc_no", "written_on", "index_no"]}),
        ("分类", {"fields": ["topic", "suggested_topic", "genre", "audience", "subject_terms",
                           "suggested_terms", "category_label"]}),
        ("内容", {"fields": ["abstract", "suggested_abstract", "body", "figure_check",
                           "pii_check", "suggestions_link"]}),
        ("公开与效力", {"fields": ["disclosure", "published_at", "validity",
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
        return format_html_join("", "<p>⚠ {}（{}）<br><small>{}</small></p>",
                                ((f.message, f.claim, f.sentence) for f in findings))

    @admin.display(description="编辑建议")
    def suggestions_link(self, obj):
        if not obj.pk:
            return "保存后可生成主题词、内容概述和主题分类建议。"
        url = reverse("admin:documents_document_suggest", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">生成主题词、内容概述和主题分类建议</a>', url)

    @admin.display(description="建议主题词")
    def suggested_terms(self, obj):
        return aids.terms_html(obj)

    @admin.display(description="建议内容概述")
    def suggested_abstract(self, obj):
        return aids.abstract_html(obj)

    @admin.display(description="建议主题分类")
    def suggested_topic(self, obj):
        return aids.topic_html(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is Attachment:  # through the workflow: a live document's wait
            attachments_admin.save_attachments(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.suggest_view)
        from_file = self.admin_site.admin_view(self.from_file_view)
        attachment = self.admin_site.admin_view(self.attachment_view)
        return [path("<int:pk>/suggest/", suggest, name="documents_document_suggest"),
                path("from-file/", from_file, name="documents_document_from_file"),
                path("<int:object_id>/attachments/<int:pk>/", attachment,
                     name="documents_document_attachment"),
                *super().get_urls()]

    def attachment_view(self, request, object_id, pk):
        return attachments_admin.download(request, self.get_queryset(request), object_id, pk)

    def from_file_view(self, request):
        """从文件新建: a .docx read into the add form (gongkai/staff/from_file.py)."""
        return views.from_file(self, request)

    def get_changeform_initial_data(self, request):
        return {**super().get_changeform_initial_data(request),
                **views.from_file_initial(request)}

    def suggest_view(self, request, pk):
        """Suggestions learned from the catalogue; on their own page because the first call
        in a process learns from the published documents and takes seconds."""
        document = get_object_or_404(Document, pk=pk)
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        text = html_to_text(document.body)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "original": document, "title": f"编辑建议：{document.title}",
            "terms": suggest_terms(text, document.title),
            "abstract": suggest_abstract(text),
            "topics": suggest_topic(text, document.title, k=3),
        }
        return TemplateResponse(request, "admin/documents/suggestions.html", context)


@admin.register(Agency)
class AgencyAdmin(accounts_admin.AgencyPermissionAdmin, admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "parent", "needs_review", guide_link]
    list_filter = ["needs_review", GuideListFilter]
    list_select_related = ["parent", "guide"]
    readonly_fields = [guide_link]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        # Completing the code of an agency created on import numbers its documents.
        if obj.code:
            obj.needs_review = False
        super().save_model(request, obj, form, change)
        if obj.code:
            if count := assign_missing_index_nos(obj):
                self.message_user(request, f"已为该机构的 {count} 条信息生成索引号。")


@admin.register(Topic)
class TopicAdmin(accounts_admin.VocabularyPermissionAdmin, admin.ModelAdmin):
    list_display = ["__str__", "sort_order"]
    search_fields = ["name"]
    list_select_related = ["parent"]


@admin.register(Genre, Audience)
class VocabularyAdmin(accounts_admin.VocabularyPermissionAdmin, admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
