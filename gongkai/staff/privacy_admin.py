"""The privacy review in the admin (gongkai.privacy): the findings beside the document form
and at the top of its workflow panel, a page listing them with a mask button each (a POST
form per finding, no JavaScript needed), and the findings on the 送审 and 审核发布 pages, where
publishing with findings left asks for a reason (gongkai/staff/workflow_admin.py)."""

from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from gongkai.accounts import audit
from gongkai.documents.workflow import WorkflowError
from gongkai.privacy import review


def _url(admin_site, name, pk):
    return reverse(f"admin:documents_document_{name}", args=[pk], current_app=admin_site.name)


def findings_context(model_admin, request, document, found, back: str) -> dict:
    """What pii_findings.html shows: the findings, files holding any, where the mask
    buttons post and the page they return to."""
    # The list is of attachments only: their names without the "附件：" of the finding's source.
    files = Counter(f.source.removeprefix("附件：") for f in found if f.in_attachment)
    return {"found": found, "files": sorted(files.items()),
            "can_mask": review.may_mask(request.user, document),
            "mask_url": _url(model_admin.admin_site, "privacy_mask", document.pk), "back": back}


class PrivacyReviewAdmin:
    """Mixed into the document admin before DocumentWorkflowAdmin (whose ``_document`` it
    uses: staff of another agency get a 404)."""

    def _findings(self, obj):
        """The findings of the object shown, read once per request."""
        if "_gk_pii" not in obj.__dict__:
            obj.__dict__["_gk_pii"] = review.findings(obj)
        return obj.__dict__["_gk_pii"]

    @admin.display(description="流程")
    def workflow_panel(self, obj):
        panel = super().workflow_panel(obj)
        if not obj or not obj.pk or not (found := self._findings(obj)):
            return panel
        return format_html(
            '<p class="errornote pii-warning">含 {} 处可能的个人信息。<a href="{}">逐条查看并遮盖</a></p>{}',
            len(found), _url(self.admin_site, "privacy", obj.pk), panel)

    @admin.display(description="个人信息检查")
    def pii_check(self, obj):
        if not obj or not obj.pk:
            return "保存后检查。"
        found = self._findings(obj)
        if not found:
            return "未发现个人信息。"
        rows = format_html_join(
            "", "<li>{}{}：…{}<mark>{}</mark>{}…</li>",
            ((f.source, f.finding.label, f.finding.before, f.finding.text, f.finding.after)
             for f in found))
        return format_html('<ul class="pii-summary">{}</ul><a href="{}">逐条查看并遮盖</a>',
                           rows, _url(self.admin_site, "privacy", obj.pk))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/privacy/", view(self.privacy_view),
                 name="documents_document_privacy"),
            path("<path:object_id>/privacy/mask/", view(self.mask_view),
                 name="documents_document_privacy_mask"),
            *super().get_urls(),
        ]

    def privacy_view(self, request, object_id):
        document = self._document(request, object_id)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"个人信息检查：{document.title}", "original": document,
            "change_url": _url(self.admin_site, "change", document.pk),
            "pii": findings_context(self, request, document, review.findings(document),
                                    request.get_full_path()),
        }
        return TemplateResponse(request, "admin/documents/privacy.html", context)

    def mask_view(self, request, object_id):
        """One finding's text masked wherever the body holds it, then back where the
        button was (the privacy page, the 审核发布 page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        document = self._document(request, object_id)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()},
                                               require_https=request.is_secure()):
            back = _url(self.admin_site, "privacy", document.pk)
        try:
            done = review.mask_body(document, request.POST.get("value", ""), user=request.user,
                                    ip=audit.client_ip(request))
        except PermissionDenied:
            self.message_user(request, "您无权遮盖这条信息中的内容。", messages.ERROR)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            pending = "（已发布的信息：遮盖已保存为待审修改）" if document.is_live else ""
            self.message_user(request, f"已遮盖{done[0].label}：{done[0].masked}"
                              f"{f'（共 {len(done)} 处）' if len(done) > 1 else ''}{pending}",
                              messages.SUCCESS)
        return HttpResponseRedirect(back)
