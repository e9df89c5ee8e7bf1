"""The citizen's side: apply to an agency, the receipt, and the case's status page reached
with its 查询码 and the applicant's contact (no account).

Who may see a case is kept in the session: the browser that submitted it, or that gave the
code with the matching phone number or e-mail address. Every page here is personal, so
none is cached (``never_cache``) and none joins the public page cache.

Abuse limits (django-ratelimit on Django's cache): applications per address and per contact,
status look-ups per address and per code. Past a limit the form says so, in words, and when
to try again; there is no picture to decipher.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from gongkai.accounts.audit import client_ip
from gongkai.catalog.models import Agency

from . import cases, letters
from .forms import ApplicationForm, StatusForm, SupplementForm, normalize_contact
from .models import Application, Channel, DeliveryWanted, Stage

SESSION_KEY = "gongkai_applications"
RECEIPT_KEY = "gongkai_application_receipt"

# (group, rate): generous enough for an office sharing one address, or a person applying
# for several pieces of information in one sitting.
LIMITS = {
    "apply-address": "20/h",
    "apply-contact": "10/d",
    "status-address": "30/h",
    "status-code": "10/h",
}
LIMIT_MESSAGES = {
    "apply-address": "本网络地址在一小时内提交的申请过多，请一小时后再试。如需提交大量申请，可当面或邮寄提交。",
    "apply-contact": "同一联系方式一天内最多网上提交10件申请，请明天再试，或当面、邮寄提交。",
    "status-address": "查询次数过多，请一小时后再试。",
    "status-code": "该查询码在一小时内的查询次数过多，请一小时后再试。",
}


def _limited(request, group: str, value: str) -> bool:
    return is_ratelimited(request, group=f"gongkai-{group}", key=lambda *_: value,
                          rate=LIMITS[group], increment=True)


def _grant(request, app) -> None:
    seen = request.session.get(SESSION_KEY, [])
    if app.pk not in seen:
        request.session[SESSION_KEY] = [*seen, app.pk][-20:]


def _case(request, code: str) -> Application:
    app = Application.objects.select_related("agency").filter(tracking_code=code).first()
    if app is None or app.pk not in request.session.get(SESSION_KEY, []):
        raise Http404("请先输入查询码和联系方式。")
    return app


@never_cache
def apply(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request) or "unknown"
        if _limited(request, "apply-address", ip):
            form.add_error(None, LIMIT_MESSAGES["apply-address"])
            status = 429
        elif form.is_valid():
            contact = normalize_contact(form.cleaned_data["phone"] or form.cleaned_data["email"])
            if _limited(request, "apply-contact", contact):
                form.add_error(None, LIMIT_MESSAGES["apply-contact"])
                status = 429
            else:
                app = form.save(commit=False)
                app.agency, app.channel = agency, Channel.ONLINE
                cases.submit_online(app, ip=client_ip(request))
                _grant(request, app)
                request.session[RECEIPT_KEY] = app.pk
                return HttpResponseRedirect(reverse("application_receipt"))
    return render(request, "applications/apply.html", {"agency": agency, "form": form},
                  status=status)


@never_cache
def receipt(request):
    app = Application.objects.select_related("agency").filter(
        pk=request.session.get(RECEIPT_KEY)).first()
    if app is None:
        return HttpResponseRedirect(reverse("application_status"))
    return render(request, "applications/receipt.html", {"app": app})


@never_cache
def status(request):
    """The look-up: 查询码 and the phone number or e-mail address given in the application."""
    form = StatusForm(request.POST if request.method == "POST" else None, initial={"code": request.GET.get("code", "")})
    code = 200
    if request.method == "POST":
        if _limited(request, "status-address", client_ip(request) or "unknown"):
            form.add_error(None, LIMIT_MESSAGES["status-address"])
            code = 429
        elif form.is_valid():
            tracking = form.cleaned_data["code"]
            if _limited(request, "status-code", tracking):
                form.add_error(None, LIMIT_MESSAGES["status-code"])
                code = 429
            else:
                app = Application.objects.filter(tracking_code=tracking).first()
                given = normalize_contact(form.cleaned_data["contact"])
                if app and given in {normalize_contact(app.phone), normalize_contact(app.email)} - {""}:
                    _grant(request, app)
                    return HttpResponseRedirect(reverse("application_case", args=[app.tracking_code]))
                form.add_error(None, "查询码与联系方式不匹配，请核对后重试。")
    return render(request, "applications/status.html", {"form": form}, status=code)


STAGES = [Stage.REGISTERED, Stage.REVIEW, Stage.PROCESSING, Stage.REPLIED, Stage.ARCHIVED]


@never_cache
def case(request, code):
    app = _case(request, code)
    cases.close_if_expired(app)
    form = SupplementForm(request.POST if request.method == "POST" else None) if app.awaiting_supplement else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            cases.supplement(app, text=form.cleaned_data["text"], ip=client_ip(request))
        except cases.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "补正内容已提交，答复期限自今日起重新计算。")
            return HttpResponseRedirect(request.path)
    events = [e for e in app.events.all() if e.public]
    reached = STAGES.index(app.stage)
    stages = [(s.label, i < reached, i == reached) for i, s in enumerate(STAGES)]
    return render(request, "applications/case.html", {
        "app": app, "events": events, "stages": stages, "form": form,
        "documents": app.reply_documents.all() if app.replied_on else [],
        "files": app.files.all() if app.replied_on else [],
        "pauses": app.pauses.filter(ended_on__isnull=True),
        "delivery_online": app.delivery_wanted == DeliveryWanted.ONLINE,
    })


def letter_response(title: str, text: str, fmt: str, filename: str, request=None):
    """The letter as DOCX, PDF or a print page."""
    if fmt == "docx":
        response = HttpResponse(letters.to_docx(title, text), content_type=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    elif fmt == "pdf":
        try:
            response = HttpResponse(letters.to_pdf(title, text), content_type="application/pdf")
        except letters.LetterError as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    elif fmt == "print":
        return render(request, "applications/letter_print.html", {"title": title, "text": text})
    else:
        raise Http404
    response["Content-Disposition"] = f"attachment; filename={filename}.{fmt}"
    return response


@never_cache
def case_letter(request, code, fmt):
    app = _case(request, code)
    if not app.reply_letter:
        raise Http404("尚未答复。")
    title = letters.template_for(app.outcome)[0]
    return letter_response(title, app.reply_letter, fmt, f"reply-{app.tracking_code}", request)


@never_cache
def case_file(request, code, file_id):
    app = _case(request, code)
    if not app.replied_on:
        raise Http404
    item = get_object_or_404(app.files, pk=file_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@never_cache
def case_document(request, code, document_id):
    app = _case(request, code)
    if not app.replied_on:
        raise Http404
    document = get_object_or_404(app.reply_documents, pk=document_id)
    response = render(request, "applications/document_copy.html", {"document": document})
    response["Content-Disposition"] = f"attachment; filename=document-{document.pk}.html"
    return response
