"""Forms of the staff side: the document form (rich-text body, 主题词 as tags) and the
upload of a .docx to start a document from."""

import html
import re

from django import forms
from django.db import models
from django.template.defaultfilters import filesizeformat

from gongkai.documents.models import Document

from .from_file import MAX_UPLOAD_BYTES, FileRefused, check_upload
from .paste import clean_office_html
from .widgets import BodyEditorWidget, TermsField

_TAG = re.compile(r"<[a-zA-Z/!]")


def plain_text_to_html(text: str) -> str:
    """Text typed without any markup (the textarea without JavaScript): one paragraph per
    line."""
    lines = [line.strip() for line in text.splitlines()]
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def _formfield(db_field, **kwargs):
    # A source address typed without a scheme is https (the admin says so too).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class DocumentForm(forms.ModelForm):
    subject_terms = TermsField(
        label="主题词", required=False,
        help_text="多个主题词用空格、逗号、顿号（、）或分号隔开。")

    class Meta:
        model = Document
        fields = "__all__"
        widgets = {"body": BodyEditorWidget}
        formfield_callback = _formfield

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if body.strip() and not _TAG.search(body):
            return plain_text_to_html(body)
        # Document.save() sanitises what is left.
        return clean_office_html(body)


class FromFileForm(forms.Form):
    file = forms.FileField(
        label="公文文件",
        help_text=f"Word 文档（.docx），不超过 {filesizeformat(MAX_UPLOAD_BYTES)}。"
                  "旧版 .doc 和 WPS 的 .wps 文件请先在 Word 或 WPS 中“另存为” .docx。",
        widget=forms.ClearableFileInput(attrs={
            "accept": ".docx,application/vnd.openxmlformats-officedocument."
                      "wordprocessingml.document"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except FileRefused as refused:
            raise forms.ValidationError(str(refused), code="refused")
        return upload
