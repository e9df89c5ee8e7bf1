"""Staff views the document admin plugs in: 从文件新建 (a new document from a .docx)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .forms import FromFileForm
from .from_file import FileRefused, read_docx

SESSION_KEY = "gongkai_from_file"


def from_file(model_admin, request):
    """Upload a .docx; on success the add form opens filled from it (kept in the session
    until the next upload, so a reload keeps it)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = FromFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = read_docx(upload)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            request.session[SESSION_KEY] = {
                "title": draft.title, "doc_no": draft.doc_no, "body": draft.body,
                "written_on": draft.written_on.isoformat() if draft.written_on else "",
            }
            found = [name for name, value in (("名称", draft.title), ("文号", draft.doc_no),
                                              ("成文日期", draft.written_on)) if value]
            messages.success(request, f"已读取“{upload.name}”：{'、'.join(found + ['正文'])}。"
                                      "请核对各项，选择发布机构后保存。")
            for note in draft.notes:
                messages.warning(request, note)
            opts = model_admin.model._meta
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add",
                          current_app=model_admin.admin_site.name)
            return HttpResponseRedirect(f"{add}?from_file=1")
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts, "title": "从文件新建", "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/documents/from_file.html", context)


def from_file_initial(request) -> dict:
    """The add form's initial values from the last upload, when the URL asks for them."""
    if "from_file" not in request.GET:
        return {}
    return dict(request.session.get(SESSION_KEY) or {})
