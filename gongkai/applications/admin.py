"""The case register in the admin (条例 art. 45): the list, one page per case with the steps
this person may take, the dashboard of open cases by due date, letters to print or download,
and the letter templates.

Who sees what is asked of ``gongkai.accounts.permissions``: an agency's staff see and handle
only its cases; the site administrator sees every case, but the applicant's personal data
(name, identity number, contacts) only of agencies they are a member of — elsewhere it is
masked. Every step goes through ``gongkai.applications.cases``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.filters import AgencyListFilter
from gongkai.accounts.permissions import Action
from gongkai.catalog.models import Agency

from . import cases, deadlines, letters, staff_forms
from .models import Application, Event, EventKind, LetterTemplate, PauseKind, Stage
from .outcomes import Outcome
from .views import letter_response

PERSONAL = ["name", "id_number", "contact_person", "phone", "email", "address", "postcode"]


def sees_personal_data(user, app) -> bool:
    """Only the case's own agency sees who applied (a membership, not the superuser flag)."""
    return app.agency_id in perms.roles(user)


def mask(value: str) -> str:
    value = value or ""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(value) <= 2:
        return value[:1] + "*" * (len(value) - 1)
    keep = 4 if len(value) >= 11 else 1
    return value[:keep] + "*" * (len(value) - keep * 2) + value[-keep:] if len(value) > keep * 2 \
        else value[:1] + "*" * (len(value) - 1)


def _open(stage: str) -> bool:
    return stage in (Stage.REGISTERED, Stage.REVIEW, Stage.PROCESSING)


# (label, form, step function, when it applies, permission)
STEPS = {
    "confirm": ("确认收到", staff_forms.ConfirmForm, cases.confirm_receipt,
                lambda a: a.stage == Stage.REGISTERED and not a.received_on, Action.HANDLE_APPLICATIONS),
    "accept": ("审核通过，转入办理", staff_forms.EmptyForm, cases.accept,
               lambda a: a.stage == Stage.REVIEW and not a.awaiting_supplement, Action.HANDLE_APPLICATIONS),
    "request_supplement": ("通知补正", staff_forms.SupplementRequestForm, cases.request_supplement,
                           lambda a: a.received_on and _open(a.stage) and not a.supplement_requested_on,
                           Action.HANDLE_APPLICATIONS),
    "supplement": ("录入补正", staff_forms.SupplementReceivedForm, cases.supplement,
                   lambda a: a.awaiting_supplement, Action.HANDLE_APPLICATIONS),
    "extend": ("延期答复", staff_forms.ExtendForm, cases.extend,
               lambda a: _open(a.stage) and not a.extension_days and deadlines.clock_start(a),
               Action.APPROVE_EXTENSION),
    "pause": ("征求意见（期限中止）", staff_forms.PauseForm, cases.pause,
              lambda a: _open(a.stage) and a.received_on, Action.HANDLE_APPLICATIONS),
    "resume": ("征求意见结束", staff_forms.ResumeForm, cases.resume,
               lambda a: a.pauses.filter(ended_on__isnull=True).exclude(kind=PauseKind.FEE).exists(),
               Action.HANDLE_APPLICATIONS),
    "fee_notice": ("收费通知", staff_forms.FeeForm, cases.fee_notice,
                   lambda a: _open(a.stage) and a.received_on and not a.fee_notice_on,
                   Action.HANDLE_APPLICATIONS),
    "fee_paid": ("已缴费", staff_forms.DateForm, cases.fee_paid,
                 lambda a: a.awaiting_payment, Action.HANDLE_APPLICATIONS),
    "reply": ("答复", staff_forms.ReplyForm, cases.reply,
              lambda a: _open(a.stage) and a.received_on and not a.awaiting_payment
              and not a.awaiting_supplement, Action.HANDLE_APPLICATIONS),
    "archive": ("归档", staff_forms.EmptyForm, cases.archive,
                lambda a: a.stage == Stage.REPLIED, Action.HANDLE_APPLICATIONS),
    "assign": ("指派承办人", staff_forms.AssignForm, cases.assign,
               lambda a: _open(a.stage), Action.HANDLE_APPLICATIONS),
    "note": ("内部备注", staff_forms.NoteForm, cases.note, lambda a: True, Action.HANDLE_APPLICATIONS),
}
FORMS_WITH_CASE = (staff_forms.ResumeForm, staff_forms.ReplyForm, staff_forms.AssignForm)


def available_steps(user, app) -> list[str]:
    return [name for name, (_, _, _, applies, action) in STEPS.items()
            if applies(app) and perms.can(user, action, app)]


class AgencyFilter(AgencyListFilter):
    title = "受理机关"
    action = Action.HANDLE_APPLICATIONS


class DueFilter(admin.SimpleListFilter):
    title = "期限"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("open", "办理中"), ("overdue", "已超期"), ("nearly", "临近期限"),
                ("waiting", "等待补正或缴费"), ("changed", "期限变更未读")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_cases = queryset.filter(stage__in=[Stage.REGISTERED, Stage.REVIEW, Stage.PROCESSING])
        if self.value() == "open":
            return open_cases
        if self.value() == "overdue":
            return open_cases.filter(due_on__lt=today)
        if self.value() == "nearly":
            return open_cases.filter(due_on__range=(today, deadlines.nearly_due_limit(today)))
        if self.value() == "waiting":
            return open_cases.filter(Q(supplement_requested_on__isnull=False, supplemented_on__isnull=True)
                                     | Q(fee_notice_on__isnull=False, fee_paid_on__isnull=True))
        if self.value() == "changed":
            return queryset.filter(events__kind=EventKind.DUE_CHANGED, events__seen=False).distinct()
        return queryset


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "agency", "stage_label", "received_on", "due", "assignee",
                    "outcome"]
    list_filter = [DueFilter, "stage", AgencyFilter, "outcome", "applicant_type", "channel"]
    search_fields = ["tracking_code", "title", "doc_no"]
    list_select_related = ["agency", "assignee"]
    ordering = [F("due_on").asc(nulls_last=True), "-submitted_at"]
    date_hierarchy = "submitted_at"
    change_list_template = "admin/applications/application/change_list.html"

    # -- permissions -------------------------------------------------------------------------
    def has_module_permission(self, request):
        return perms.can(request.user, Action.HANDLE_APPLICATIONS)

    def has_view_permission(self, request, obj=None):
        return perms.can(request.user, Action.HANDLE_APPLICATIONS, obj)

    def has_add_permission(self, request):
        return perms.can(request.user, Action.HANDLE_APPLICATIONS)

    def has_change_permission(self, request, obj=None):
        return obj is None and perms.can(request.user, Action.HANDLE_APPLICATIONS)  # steps only

    def has_delete_permission(self, request, obj=None):
        return False  # a case is archived, never deleted

    def get_queryset(self, request):
        return perms.filter_by_agency(super().get_queryset(request), request.user,
                                      Action.HANDLE_APPLICATIONS)

    # -- the list ------------------------------------------------------------------------------
    def get_list_display(self, request):
        @admin.display(description="申请人")
        def applicant(obj):
            name = obj.name if sees_personal_data(request.user, obj) else mask(obj.name)
            return f"{name}（{obj.get_applicant_type_display()}）"

        today = timezone.localdate()
        limit = []  # counted once per page, on first use

        @admin.display(description="答复期限", ordering="due_on")
        def due(obj):
            if not limit:
                limit.append(deadlines.nearly_due_limit(today))
            return due_html(obj, today, limit[0])

        display = [due if f == "due" else f for f in super().get_list_display(request)]
        return [*display[:2], applicant, *display[2:]]

    @admin.display(description="阶段", ordering="stage")
    def stage_label(self, obj):
        return obj.get_stage_display()

    @admin.display(description="答复期限", ordering="due_on")
    def due(self, obj):  # the list uses get_list_display's, which counts 临近期限 once a page
        return due_html(obj, timezone.localdate())

    def changelist_view(self, request, extra_context=None):
        extra = {"dashboard_url": reverse("admin:applications_application_dashboard")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    # -- registering (the add form) ----------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = staff_forms.RegisterForm
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = perms.filter_by_agency(Agency.objects.all(), request.user,
                                                        Action.HANDLE_APPLICATIONS, "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [("受理", {"fields": ["agency", "channel", "received_on"]}),
                    ("申请人", {"fields": ["applicant_type", "name", "id_number", "contact_person",
                                        "phone", "email", "address", "postcode"]}),
                    ("所需信息", {"fields": ["title", "doc_no", "description", "purpose",
                                         "form_wanted", "delivery_wanted"]})]
        personal = PERSONAL if sees_personal_data(request.user, obj) else ["personal_masked"]
        return [("办理", {"fields": ["panel"]}),
                ("申请人", {"fields": ["tracking_code", "applicant_type", *personal]}),
                ("所需信息", {"fields": ["title", "doc_no", "description", "purpose",
                                     "form_wanted", "delivery_wanted"]}),
                ("受理与期限", {"fields": ["channel", "submitted_at", "received_on", "due_on",
                                      "due_provisional", "assignee"]}),
                ("补正、延期与收费", {"fields": ["supplement_requested_on", "supplement_request",
                                          "supplement_deadline", "supplemented_on",
                                          "supplement_text", "extended_on", "extension_days",
                                          "extension_approved_by", "extension_reason",
                                          "fee_method", "fee_pages", "fee_amount",
                                          "fee_notice_on", "fee_deadline", "fee_paid_on"]}),
                ("答复", {"fields": ["outcome", "replied_on", "reply_explanation", "letters",
                                   "archived_at"]}),
                ("办理记录", {"fields": ["event_log"]})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f for _, o in self.get_fieldsets(request, obj) for f in o["fields"]]

    def save_model(self, request, obj, form, change):
        cases.register(obj, user=request.user, ip=audit.client_ip(request))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        app = self._case(request, object_id)
        cases.close_if_expired(app)
        # The handler has now seen any due date the calendar moved.
        if app.assignee_id in (None, request.user.pk) and sees_personal_data(request.user, app):
            app.events.filter(seen=False).update(seen=True)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="申请人信息")
    def personal_masked(self, obj):
        return format_html("{}（身份证明 {}，电话 {}，邮箱 {}）<br><small>申请人个人信息仅受理机关工作人员可见。</small>",
                           mask(obj.name), mask(obj.id_number), mask(obj.phone), mask(obj.email))

    @admin.display(description="当前状态")
    def panel(self, obj):
        today = timezone.localdate()
        parts = [format_html("<p><strong>{}</strong> · 答复期限：{}</p>", obj.get_stage_display(),
                             due_html(obj, today))]
        if obj.stage == Stage.REVIEW and not obj.supplement_requested_on and obj.received_on:
            last = deadlines.supplement_notice_due(obj.received_on).date
            parts.append(format_html("<p>如需补正，应在 {} 前一次性通知。</p>", last))
        if obj.awaiting_supplement:
            parts.append(format_html("<p>等待申请人补正，补正期限 {}；逾期未补正将自动终止办理。</p>",
                                     obj.supplement_deadline))
        if obj.awaiting_payment:
            parts.append(format_html("<p>等待缴纳信息处理费 {} 元，缴费期限 {}。</p>", obj.fee_amount,
                                     obj.fee_deadline))
        for stop in obj.pauses.filter(ended_on__isnull=True):
            parts.append(format_html("<p>期限中止：{} {}（自 {}，对方应于 {} 前答复）</p>",
                                     stop.get_kind_display(), stop.party, stop.started_on,
                                     stop.expected_end))
        for event in obj.events.filter(kind=EventKind.DUE_CHANGED).order_by("-at")[:3]:
            parts.append(format_html('<p class="warning due-changed">⚠ {}</p>', event.text))
        viewer = getattr(obj, "_viewer", None)
        steps = available_steps(viewer, obj) if viewer else []
        if steps:
            parts.append(format_html_join(" ", '<a class="button step-{}" href="{}">{}</a>', (
                (name, reverse("admin:applications_application_step", args=[obj.pk, name]),
                 STEPS[name][0]) for name in steps)))
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description="告知书")
    def letters(self, obj):
        kinds = []
        if obj.outcome:
            kinds.append((obj.outcome, "答复告知书"))
        if obj.supplement_requested_on:
            kinds.append(("supplement", "补正告知书"))
        if obj.extension_days:
            kinds.append(("extension", "延期答复告知书"))
        if obj.fee_notice_on:
            kinds.append(("fee", "收费通知书"))
        if not kinds:
            return "尚无。"
        return format_html_join(mark_safe("<br>"), "{}：{}", ((label, format_html_join(" · ", '<a href="{}">{}</a>', (
            (reverse("admin:applications_application_letter", args=[obj.pk, kind, fmt]), name)
            for fmt, name in (("print", "打印"), ("pdf", "PDF"), ("docx", "DOCX"))))) for kind, label in kinds))

    @admin.display(description="办理记录")
    def event_log(self, obj):
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.username, e.get_kind_display(),
             e.text) for e in obj.events.all()))
        return format_html('<table class="event-log"><thead><tr><th>时间</th><th>经办人</th><th>事项</th>'
                           "<th>说明</th></tr></thead><tbody>{}</tbody></table>", rows)

    # -- steps, letters, dashboard ---------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name="applications_application_dashboard"),
            path("<path:object_id>/step/<str:name>/", view(self.step_view),
                 name="applications_application_step"),
            path("<path:object_id>/letter/<str:kind>/<str:fmt>/", view(self.letter_view),
                 name="applications_application_letter"),
            *super().get_urls(),
        ]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._viewer = request.user  # for the panel's buttons
        return obj

    def _case(self, request, object_id) -> Application:
        try:
            pk = int(unquote(object_id))
        except ValueError:
            raise Http404
        app = self.get_queryset(request).select_related("agency").filter(pk=pk).first()
        if app is None:
            raise Http404("没有这件申请，或您无权查看。")
        return app

    def step_view(self, request, object_id, name):
        app = self._case(request, object_id)
        if name not in STEPS:
            raise Http404
        label, form_class, step, applies, action = STEPS[name]
        if not perms.can(request.user, action, app):
            raise PermissionDenied
        change_url = reverse("admin:applications_application_change", args=[app.pk])
        if not applies(app):
            self.message_user(request, f"该申请当前不能{label}。", messages.WARNING)
            return HttpResponseRedirect(change_url)
        options = {"app": app} if form_class in FORMS_WITH_CASE else {}
        form = form_class(request.POST if request.method == "POST" else None,
                          request.FILES if request.method == "POST" else None, **options)
        if request.method == "POST" and form.is_valid():
            kwargs = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            if name == "reply":
                kwargs["documents"] = kwargs.pop("document_refs", [])
            if name == "resume":
                kwargs = {"stop": kwargs["stop"], "on": kwargs.get("on")}
                step_call = lambda: step(app, kwargs.pop("stop"), user=request.user,  # noqa: E731
                                         ip=audit.client_ip(request), **kwargs)
            elif name == "assign":
                step_call = lambda: step(app, user=request.user, ip=audit.client_ip(request),  # noqa: E731
                                         assignee=form.cleaned_data["assignee"])
            else:
                step_call = lambda: step(app, user=request.user, ip=audit.client_ip(request),  # noqa: E731
                                         **kwargs)
            try:
                step_call()
            except (cases.CaseError, letters.LetterError) as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"{label}：{app.tracking_code}", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": app,
            "title": f"{label}：{app.tracking_code}", "label": label, "form": form,
            "change_url": change_url, "multipart": name == "reply",
        }
        return TemplateResponse(request, "admin/applications/step.html", context)

    def letter_view(self, request, object_id, kind, fmt):
        app = self._case(request, object_id)
        if kind == app.outcome and app.reply_letter:
            title, text = letters.template_for(kind)[0], app.reply_letter
        elif kind in ("supplement", "extension", "fee"):
            due = deadlines.reply_due(app).date
            title, text = letters.render(kind, app, due=due)
        else:
            raise Http404
        if not sees_personal_data(request.user, app):
            text = text.replace(app.name, mask(app.name))
        return letter_response(title, text, fmt, f"{kind}-{app.tracking_code}", request)

    def dashboard_view(self, request):
        """Open cases by due date, overdue and nearly due flagged; per agency or site-wide."""
        today = timezone.localdate()
        cases_qs = self.get_queryset(request).filter(
            stage__in=[Stage.REGISTERED, Stage.REVIEW, Stage.PROCESSING]).select_related(
            "agency", "assignee").annotate(unread=Exists(Event.objects.filter(
                application=OuterRef("pk"), seen=False))).order_by(
            F("due_on").asc(nulls_last=True), "submitted_at")
        agency = request.GET.get("agency", "")
        if agency.isdigit():
            cases_qs = cases_qs.filter(agency_id=int(agency))
        rows, limit = [], deadlines.nearly_due_limit(today)
        for app in cases_qs[:500]:
            rows.append({"app": app, "flag": deadlines.flag(app.due_on, today, limit),
                         "applicant": app.name if sees_personal_data(request.user, app) else mask(app.name),
                         "unread": app.unread})
        per_agency = (self.get_queryset(request).filter(
            stage__in=[Stage.REGISTERED, Stage.REVIEW, Stage.PROCESSING]).values(
            "agency", "agency__name").annotate(open=Count("pk"), overdue=Count(
                "pk", filter=Q(due_on__lt=today))).order_by("agency__name"))
        for row in per_agency:
            row["nearly"] = sum(1 for r in rows if r["app"].agency_id == row["agency"]
                                and r["flag"] == "nearly")
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": "依申请公开办理台账", "rows": rows, "per_agency": per_agency,
            "agency": agency, "today": today,
            "counts": {"overdue": sum(r["flag"] == "overdue" for r in rows),
                       "nearly": sum(r["flag"] == "nearly" for r in rows), "open": len(rows)},
        }
        return TemplateResponse(request, "admin/applications/dashboard.html", context)


def due_html(obj, today, limit=None):
    if obj.replied_on:
        return f"已于 {obj.replied_on} 答复"
    if obj.awaiting_supplement:
        return format_html("等待补正（至 {}）", obj.supplement_deadline)
    if not obj.due_on:
        return "确认收到后起算"
    flag = deadlines.flag(obj.due_on, today, limit)
    label = {"overdue": "已超期", "nearly": "临近期限"}.get(flag, "")
    return format_html('<span class="due due-{}">{}{}{}</span>', flag or "ok", obj.due_on,
                       "（暂定）" if obj.due_provisional else "", f" · {label}" if label else "")


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100})}

    def clean_body(self):
        body = self.cleaned_data["body"]
        problem = letters.check_template(body)
        if problem:
            raise forms.ValidationError(f"模板语法有误：{problem}")
        return body


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """The wording of every letter; the site administrator's (one wording for the site)."""

    form = LetterTemplateForm
    list_display = ["title", "kind_label", "updated_at"]
    readonly_fields = ["kind_label", "updated_at"]
    fields = ["kind_label", "title", "body", "updated_at"]

    @admin.display(description="用于")
    def kind_label(self, obj):
        labels = {**dict(Outcome.choices), "supplement": "补正通知", "extension": "延期答复",
                  "fee": "收费通知"}
        return labels.get(obj.kind, obj.kind)

    def has_module_permission(self, request):
        return perms.is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return perms.is_site_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
