"""Attachments in the document form: an inline whose uploads are checked by content, saved
through ``workflow.change_attachments`` (a live document's changes wait for review), with
each file's text status and a staff download (reviewers read the file before approving)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.permissions import Action
from gongkai.documents import attachments, workflow
from gongkai.documents.models import Attachment, TextStatus

STATUS_HINTS = {
    TextStatus.PENDING: "正在后台提取文字，稍后刷新查看。",
    TextStatus.NO_TEXT: "公众检索不到其中的文字；如是扫描件，请尽量另附文字版。",
}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a stored file is replaced by removing it and adding another
            for field in self.fields.values():
                field.disabled = True
            self.fields["file"].widget = forms.HiddenInput()
        else:
            self.fields["file"].help_text = (
                f"PDF、Word（DOCX）、Excel（XLSX）、OFD、图片或 ZIP，最大 "
                f"{filesizeformat(settings.ATTACHMENT_MAX_BYTES)}；按文件内容核对类型。")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and not self.instance.pk and hasattr(upload, "chunks"):
            self.instance.name = (data.get("name") or "").strip()
            try:
                attachments.prepare(self.instance, upload)
            except ValidationError as error:
                self.add_error("file", error)
            else:
                data["name"] = self.instance.name
        return data


class AttachmentFormSet(BaseInlineFormSet):
    def is_multipart(self):
        # Django asks the first form only, and a stored attachment's file is a hidden input:
        # without this the change form loses its multipart enctype once a file is attached,
        # and a further upload is silently dropped (the browser sends just its name).
        return True


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    formset = AttachmentFormSet
    extra = 1
    fields = ["file", "name", "details"]
    readonly_fields = ["details"]
    verbose_name = "附件"
    verbose_name_plural = "附件（已发布信息的附件增删需审核通过后生效）"

    def get_queryset(self, request):
        # The document as edited: a removal waiting for review is no longer listed.
        return super().get_queryset(request).edited()

    def has_view_permission(self, request, obj=None):
        return perms.can(request.user, Action.VIEW, obj)

    def has_add_permission(self, request, obj=None):
        return perms.can(request.user, Action.EDIT, obj)

    def has_change_permission(self, request, obj=None):
        return perms.can(request.user, Action.EDIT, obj)

    def has_delete_permission(self, request, obj=None):
        return perms.can(request.user, Action.EDIT, obj)

    @admin.display(description="类型、大小、文字")
    def details(self, obj):
        if not obj or not obj.pk:
            return "保存后显示"
        url = reverse("admin:documents_document_attachment", args=[obj.document_id, obj.pk])
        status = obj.get_text_status_display()
        if obj.text_status == TextStatus.EXTRACTED:
            status += f"（{len(obj.text)} 字）"
        warn = obj.text_status in (TextStatus.NO_TEXT, TextStatus.FAILED, TextStatus.TOO_LARGE)
        return format_html(
            '<a href="{}">下载</a> · {} · {} · <span class="attachment-status{}">{}</span>'
            '{}{}', url, attachments.kind_label(obj.kind), filesizeformat(obj.size),
            " warning" if warn else "", ("⚠ " if warn else "") + status,
            format_html("：{}", obj.text_note) if obj.text_note else "",
            format_html("<br><small>{}</small>", STATUS_HINTS[obj.text_status])
            if obj.text_status in STATUS_HINTS else "")


def save_attachments(request, document, formset) -> None:
    """The inline's additions and removals, as one workflow step."""
    formset.save(commit=False)  # fills new_objects and deleted_objects; saves nothing
    workflow.change_attachments(document, add=formset.new_objects,
                                remove=formset.deleted_objects, user=request.user,
                                ip=audit.client_ip(request))


def download(request, document_queryset, object_id, pk):
    """A staff download of any attachment of a document this user may see (a pending one
    too: the reviewer reads it before approving); a 404 otherwise, as for a missing one."""
    item = get_object_or_404(Attachment.objects.select_related("document__agency"),
                             pk=pk, document_id=object_id)
    if not document_queryset.filter(pk=item.document_id).exists() or \
            not perms.can(request.user, Action.VIEW, item.document):
        raise Http404("没有这个附件，或您无权查看。")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在")
    return FileResponse(handle, as_attachment=True, filename=item.name)

