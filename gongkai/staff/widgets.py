"""Widgets of the document form: the body's rich-text editor and the 主题词 tag input.

Both are plain form controls first (a textarea, a text input) that a script of our own
turns into the richer control, so the form works without JavaScript and under the site's
Content Security Policy (script-src 'self', style-src 'self': no inline script or style
element, no import map).
"""

import json
import re

from django import forms
from django.forms import Script

# The editor is django-prose-editor's bundle (Tiptap/ProseMirror); our module imports it by
# its static path instead of through the inline import map the package's own widget renders.
EDITOR_CSS = [
    "django_prose_editor/material-icons.css",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "gongkai/admin/body-editor.css",
]


class BodyEditorWidget(forms.Textarea):
    """A textarea the body editor takes over; without JavaScript it stays one."""

    template_name = "django/forms/widgets/textarea.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 20, "cols": 80, "data-gk-body-editor": "", **(attrs or {})})

    @property
    def media(self):
        return forms.Media(css={"all": EDITOR_CSS},
                           js=[Script("gongkai/admin/body-editor.js", type="module")])


# 主题词 are separated by spaces, commas (half or full width), 、 or semicolons.
TERM_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_terms(value) -> list[str]:
    """The 主题词 in ``value`` (a string typed by staff, or a list), in order, each once."""
    if isinstance(value, list | tuple):
        value = " ".join(str(item) for item in value)
    terms = []
    for term in TERM_SEPARATORS.split(value or ""):
        if term and term not in terms:
            terms.append(term)
    return terms


class TermsWidget(forms.TextInput):
    """主题词 as one line of text (``民生微实事 政务公开``), shown as tags; a script lets staff
    remove a tag and add suggested ones."""

    template_name = "staff/widgets/terms.html"

    def __init__(self, attrs=None):
        super().__init__({"class": "vTextField gk-terms-input", "data-gk-terms": "",
                          "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str):
            # Bound data as typed, or a JSON list Django's JSONField prepared ('["a", "b"]').
            if value.startswith("["):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            if isinstance(value, str):
                return value
        return " ".join(split_terms(value or []))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["terms"] = split_terms(context["widget"]["value"] or "")
        return context

    @property
    def media(self):
        return forms.Media(css={"all": ["gongkai/admin/document-form.css"]},
                           js=[Script("gongkai/admin/document-form.js", defer=True)])


class TermsField(forms.Field):
    """A list of 主题词 typed as one line."""

    widget = TermsWidget
    default_error_messages = {"too_long": "每个主题词不超过 %(limit)s 个字：%(term)s"}
    max_term_length = 50

    def to_python(self, value):
        return split_terms(value)

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for term in value:
            if len(term) > self.max_term_length:
                raise forms.ValidationError(self.error_messages["too_long"], code="too_long",
                                            params={"limit": self.max_term_length, "term": term})

    def has_changed(self, initial, data):
        return split_terms(initial or []) != split_terms(data or "")
