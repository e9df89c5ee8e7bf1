"""Every step of a case (条例 art. 45: 登记、审核、办理、答复、归档), each in one transaction:
check it may happen, change the case, keep its due date (``deadlines``), record an Event and
an audit entry, tell the applicant or the handler. The admin, the public pages and the
commands all act through these functions, so the rules hold whoever acts.

Audit entries name the step and the case's 查询码, never the applicant's personal data.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from gongkai.accounts import audit
from gongkai.accounts import permissions as perms
from gongkai.accounts.models import AuditAction
from gongkai.accounts.permissions import Action

from . import deadlines, fees, letters, notify
from .models import Application, EventKind, FeeMethod, Pause, PauseKind, ReplyFile, Stage
from .outcomes import Outcome

APPLICANT = "申请人"
PROVISIONAL = "（暂定：该年度放假安排公布后可能调整）"
SYSTEM = "系统"


class CaseError(Exception):
    """A step that cannot be taken now; the message says why, in Chinese."""


def _today() -> dt.date:
    return timezone.localdate()


def log(app, kind: str, text: str = "", *, user=None, ip=None, seen=True):
    """One Event on the case and its audit entry."""
    name = user if isinstance(user, str) else (user.get_username() if user else SYSTEM)
    account = None if isinstance(user, str) or user is None else user
    event = app.events.create(kind=kind, text=text, user=account, username=name, seen=seen)
    action = AuditAction.CREATE if kind in (EventKind.SUBMITTED, EventKind.REGISTERED) \
        else AuditAction.EDIT
    audit.record(action, user=account, username="" if account else name, agency=app.agency,
                 object_type="application", object_repr=app.tracking_code, ip=ip,
                 detail=f"依申请公开·{event.get_kind_display()}" + (f"：{text}" if text and kind not in (
                     EventKind.NOTE, EventKind.SUBMITTED) else ""))
    return event


def due_text(app) -> str:
    """The due date as the record and the e-mails say it, 暂定 when it is provisional."""
    if not app.due_on:
        return "尚未起算"
    return f"{app.due_on}{'（暂定）' if app.due_provisional else ''}"


def _save(app) -> None:
    deadlines.recompute(app)
    app.save()


def _check(user, action, app) -> None:
    if isinstance(user, str) or user is None:
        return  # the applicant or the system acting on its own case
    if not perms.can(user, action, app):
        raise PermissionDenied("您没有权限办理此机关的政府信息公开申请。")


def _lock(app) -> None:
    """Hold the case's row for this step and read it afresh: two people pressing the same
    button at once get one step and one clear refusal, not two."""
    Application.objects.select_for_update().filter(pk=app.pk).exists()
    app.refresh_from_db()


def _require_open(app) -> None:
    if not app.is_open:
        raise CaseError("该申请已答复或归档，不能再办理此步骤。")


# -- arrival ---------------------------------------------------------------------------------

@transaction.atomic
def submit_online(app: Application, *, ip=None) -> Application:
    """A citizen's online application: 登记, waiting for the agency to confirm receipt."""
    app.stage = Stage.REGISTERED
    app.submitted_at = timezone.now()
    app.received_on = None
    app.full_clean(exclude=["tracking_code"])
    _save(app)
    log(app, EventKind.SUBMITTED, "网上提交申请", user=APPLICANT, ip=ip)
    notify.applicant(app, "已收到您的申请", f"您向{app.agency.name}提交的政府信息公开申请已登记。"
                     "本机关确认收到后开始计算答复期限。")
    notify.handlers(app, "新的政府信息公开申请", f"{app.agency.name}收到一件网上提交的申请，请确认收到。")
    return app


@transaction.atomic
def register(app: Application, *, user, ip=None) -> Application:
    """Staff register an application handed in or posted (the receipt date given, art. 31)."""
    _check(user, Action.HANDLE_APPLICATIONS, app.agency_id)
    if not app.received_on:
        raise CaseError("请填写收到申请日期。")
    app.stage = Stage.REVIEW
    _save(app)
    log(app, EventKind.REGISTERED, f"{app.get_channel_display()}，收到申请日期 {app.received_on}",
        user=user, ip=ip)
    notify.applicant(app, "已收到您的申请", f"本机关已于{app.received_on:%Y年%m月%d日}收到您的申请，"
                     f"答复期限至{app.due_on:%Y年%m月%d日}{PROVISIONAL if app.due_provisional else ''}。")
    return app


@transaction.atomic
def confirm_receipt(app, *, user, received_on: dt.date | None = None, ip=None):
    """The agency confirms an online application; the receipt date is the day both sides
    confirmed (art. 31), today unless given."""
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    if app.stage != Stage.REGISTERED or app.received_on:
        raise CaseError("该申请已确认收到。")
    app.received_on = received_on or _today()
    if app.received_on < timezone.localtime(app.submitted_at).date():
        raise CaseError("收到申请日期不能早于提交日期。")
    app.stage = Stage.REVIEW
    _save(app)
    log(app, EventKind.RECEIVED, f"收到申请日期 {app.received_on}，答复期限 {due_text(app)}", user=user, ip=ip)
    notify.applicant(app, "已确认收到您的申请", f"本机关确认于{app.received_on:%Y年%m月%d日}收到您的申请，"
                     f"将在{app.due_on:%Y年%m月%d日}前答复{PROVISIONAL if app.due_provisional else ''}。")
    return app


# -- 审核: accept or ask for 补正 (art. 30) ------------------------------------------------

@transaction.atomic
def accept(app, *, user, ip=None):
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    if app.stage != Stage.REVIEW:
        raise CaseError("只有审核阶段的申请可以转入办理。")
    if app.awaiting_supplement:
        raise CaseError("申请人尚未补正。")
    app.stage = Stage.PROCESSING
    _save(app)
    log(app, EventKind.ACCEPTED, user=user, ip=ip)
    return app


@transaction.atomic
def request_supplement(app, *, user, request: str, deadline: dt.date | None = None,
                       on: dt.date | None = None, ip=None):
    """The one 补正 notice, within 7 working days of receipt, saying what and by when."""
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    _require_open(app)
    on = on or _today()
    if not app.received_on or app.stage not in (Stage.REVIEW, Stage.PROCESSING):
        raise CaseError("请先确认收到申请。")
    if app.supplement_requested_on:
        raise CaseError("补正只能通知一次（条例第三十条）。")
    last = deadlines.supplement_notice_due(app.received_on).date
    if on > last:
        raise CaseError(f"补正通知应在收到申请之日起7个工作日内发出（最后一天为{last:%Y-%m-%d}）。")
    if not request.strip():
        raise CaseError("请写明需要补正的事项。")
    deadline = deadline or deadlines.default_supplement_deadline(on)
    if deadline <= on:
        raise CaseError("补正期限应晚于通知日期。")
    app.supplement_requested_on, app.supplement_deadline = on, deadline
    app.supplement_request = request.strip()
    app.stage = Stage.REVIEW
    _save(app)
    log(app, EventKind.SUPPLEMENT_REQUESTED, f"请于 {deadline} 前补正：{app.supplement_request}",
        user=user, ip=ip)
    _, text = letters.render("supplement", app)
    notify.applicant(app, "请补正您的申请", text)
    return app


@transaction.atomic
def supplement(app, *, text: str, user=APPLICANT, on: dt.date | None = None, ip=None):
    """The supplement arrives (from the applicant online, or recorded by staff): the 20
    working days start again from this day."""
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    _require_open(app)
    if not app.awaiting_supplement:
        raise CaseError("该申请没有待补正的事项。")
    on = on or _today()
    if app.supplement_deadline and on > app.supplement_deadline:
        raise CaseError("补正期限已过。")
    if not text.strip():
        raise CaseError("请填写补正内容。")
    app.supplemented_on, app.supplement_text = on, text.strip()
    _save(app)
    log(app, EventKind.SUPPLEMENTED, f"答复期限自收到补正之日起重新计算，至 {due_text(app)}",
        user=user, ip=ip, seen=user != APPLICANT)
    notify.handlers(app, "申请人已补正", f"申请已补正，答复期限重新计算至 {due_text(app)}。")
    return app


# -- 办理: extension, consultation, fee ------------------------------------------------------

@transaction.atomic
def extend(app, *, user, days: int, approved_by: str, reason: str = "",
           on: dt.date | None = None, ip=None):
    """The one extension (art. 33): at most 20 working days, approved by the office's head,
    and the applicant told."""
    _check(user, Action.APPROVE_EXTENSION, app)
    _lock(app)
    _require_open(app)
    if app.extension_days:
        raise CaseError("答复期限只能延长一次（条例第三十三条）。")
    if not 1 <= days <= deadlines.MAX_EXTENSION_DAYS:
        raise CaseError("延长期限最长不超过20个工作日。")
    if not approved_by.strip():
        raise CaseError("请填写批准延期的负责人。")
    if deadlines.clock_start(app) is None:
        raise CaseError("答复期限尚未起算（未确认收到或等待补正），无需延期。")
    app.extended_on = on or _today()
    app.extension_days, app.extension_approved_by = days, approved_by.strip()
    app.extension_reason = reason.strip()
    _save(app)
    log(app, EventKind.EXTENDED, f"延长{days}个工作日，经{app.extension_approved_by}批准，答复期限至 {due_text(app)}",
        user=user, ip=ip)
    _, text = letters.render("extension", app, due=app.due_on)
    notify.applicant(app, "延期答复告知", text)
    return app


@transaction.atomic
def pause(app, *, user, kind: str, party: str = "", on: dt.date | None = None, ip=None):
    """Consult a third party (art. 32) or a co-producing agency (art. 34): the clock stops."""
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    _require_open(app)
    if kind not in (PauseKind.THIRD_PARTY, PauseKind.CO_AGENCY):
        raise CaseError("请选择征求意见的对象类型。")
    if app.pauses.filter(ended_on__isnull=True, kind=kind).exists():
        raise CaseError("已有正在进行的同类征求意见。")
    on = on or _today()
    stop = Pause.objects.create(application=app, kind=kind, party=party.strip(), started_on=on,
                                expected_end=deadlines.consultation_end(on))
    _save(app)
    log(app, EventKind.PAUSED, f"{stop.get_kind_display()}{('：' + stop.party) if stop.party else ''}，"
        f"对方应于 {stop.expected_end} 前答复，期间不计入答复期限", user=user, ip=ip)
    return stop


@transaction.atomic
def resume(app, stop: Pause, *, user, on: dt.date | None = None, ip=None):
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    stop.refresh_from_db()
    if stop.application_id != app.pk or stop.ended_on:
        raise CaseError("该期限中止已结束。")
    on = on or _today()
    if on < stop.started_on:
        raise CaseError("结束日期不能早于开始日期。")
    stop.ended_on = on
    stop.save(update_fields=["ended_on"])
    _save(app)
    log(app, EventKind.RESUMED, f"{stop.get_kind_display()}结束，答复期限至 {due_text(app)}", user=user, ip=ip)
    return app


@transaction.atomic
def fee_notice(app, *, user, method: str, pages: int | None = None,
               deadline: dt.date | None = None, on: dt.date | None = None, ip=None):
    """A 收费通知 (国办函〔2020〕109号): the amount by one method, a deadline; the clock stops
    until payment."""
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    _require_open(app)
    if app.fee_notice_on:
        raise CaseError("该申请已发出收费通知。")
    if method not in FeeMethod.values:
        raise CaseError("请选择收费方式。")
    if method == FeeMethod.PER_PAGE and not pages:
        raise CaseError("按量计收请填写页数。")
    amount = fees.fee_for(app, method, pages)
    if amount == 0:
        raise CaseError("按此方式计算不需收费（按件：本月第10件以内；按量：30页以内）。")
    on = on or _today()
    app.fee_method, app.fee_pages, app.fee_amount = method, pages, amount
    app.fee_notice_on = on
    app.fee_deadline = deadline or deadlines.default_payment_deadline(on)
    Pause.objects.create(application=app, kind=PauseKind.FEE, started_on=on,
                         expected_end=app.fee_deadline)
    _save(app)
    log(app, EventKind.FEE_NOTICE, f"信息处理费 {amount} 元（{app.get_fee_method_display()}），"
        f"缴费期限 {app.fee_deadline}", user=user, ip=ip)
    _, text = letters.render("fee", app)
    notify.applicant(app, "收费通知", text)
    return app


@transaction.atomic
def fee_paid(app, *, user, on: dt.date | None = None, ip=None):
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    _require_open(app)
    if not app.awaiting_payment:
        raise CaseError("该申请没有待缴的信息处理费。")
    on = on or _today()
    app.fee_paid_on = on
    app.pauses.filter(kind=PauseKind.FEE, ended_on__isnull=True).update(ended_on=on)
    _save(app)
    log(app, EventKind.FEE_PAID, f"已缴纳 {app.fee_amount} 元，答复期限至 {due_text(app)}", user=user, ip=ip)
    return app


# -- 答复 and 归档 ----------------------------------------------------------------------------

@transaction.atomic
def reply(app, *, user, outcome: str, explanation: str = "", documents=(), uploads=(),
          on: dt.date | None = None, ip=None):
    """Answer the application with one of Table 3's outcomes; the letter is made from its
    template and kept on the case."""
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    _require_open(app)
    if outcome not in Outcome.values:
        raise CaseError("请选择答复类型。")
    if not app.received_on:
        raise CaseError("请先确认收到申请。")
    if app.awaiting_payment:
        raise CaseError("申请人尚未缴纳信息处理费。")
    if outcome in (Outcome.DISCLOSED, Outcome.PARTIAL) and not (documents or uploads
                                                                or explanation.strip()):
        raise CaseError("予以公开或部分公开时，请附上政府信息或文件，或在答复说明中写明获取方式。")
    on = on or _today()
    app.outcome, app.replied_on, app.reply_explanation = outcome, on, explanation.strip()
    app.stage = Stage.REPLIED
    app.save()
    app.reply_documents.set(documents)
    for upload in uploads:
        ReplyFile.objects.create(application=app, file=upload, name=upload.name[:200])
    _, app.reply_letter = letters.render(outcome, app, date=on,
                                         documents=list(app.reply_documents.all()),
                                         files=list(app.files.all()))
    app.save(update_fields=["reply_letter"])
    log(app, EventKind.REPLIED, Outcome(outcome).label, user=user, ip=ip)
    notify.applicant(app, "您的申请已答复", app.reply_letter)
    return app


@transaction.atomic
def close_expired(app, reason: str, *, on: dt.date | None = None):
    """Close a case whose applicant did not supplement or pay in time (run by ``tick``)."""
    _lock(app)
    if not app.is_open:
        return app
    outcome = {"supplement": Outcome.NO_SUPPLEMENT, "fee": Outcome.FEE_UNPAID}[reason]
    on = on or _today()
    app.outcome, app.replied_on, app.stage = outcome, on, Stage.REPLIED
    _, app.reply_letter = letters.render(outcome, app, date=on)
    app.save()
    app.pauses.filter(ended_on__isnull=True).update(ended_on=on)
    log(app, EventKind.CLOSED, Outcome(outcome).label, user=SYSTEM)
    notify.applicant(app, "申请已终止办理", app.reply_letter)
    return app


@transaction.atomic
def archive(app, *, user, ip=None):
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    if app.stage != Stage.REPLIED:
        raise CaseError("答复后才能归档。")
    app.stage, app.archived_at = Stage.ARCHIVED, timezone.now()
    app.save()
    log(app, EventKind.ARCHIVED, user=user, ip=ip)
    return app


# -- around the steps -------------------------------------------------------------------------

@transaction.atomic
def assign(app, *, user, assignee, ip=None):
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    if assignee is not None and not perms.can(assignee, Action.HANDLE_APPLICATIONS, app):
        raise CaseError("承办人须为本机关工作人员。")
    app.assignee = assignee
    app.save(update_fields=["assignee"])
    log(app, EventKind.ASSIGNED, assignee.get_username() if assignee else "取消指派", user=user, ip=ip)
    if assignee is not None:
        notify.handlers(app, "您被指派办理一件申请", f"请办理，答复期限 {due_text(app)}。")
    return app


@transaction.atomic
def note(app, *, user, text: str, ip=None):
    _check(user, Action.HANDLE_APPLICATIONS, app)
    _lock(app)
    if not text.strip():
        raise CaseError("请填写备注内容。")
    return log(app, EventKind.NOTE, text.strip(), user=user, ip=ip)


def close_if_expired(app, today: dt.date | None = None) -> bool:
    """The check on access (the case page, the admin): a case whose 补正 or payment deadline
    passed is closed now, even if the daily ``tick`` has not run yet."""
    reason = deadlines.expired(app, today or _today())
    if reason:
        close_expired(app, reason)
    return bool(reason)


def tick(today: dt.date | None = None) -> list[Application]:
    """Close every open case whose 补正 or payment deadline has passed; returns them."""
    today = today or _today()
    closed = []
    waiting = Application.objects.filter(stage__in=[Stage.REVIEW, Stage.PROCESSING]).filter(
        supplement_deadline__lt=today, supplemented_on__isnull=True) | \
        Application.objects.filter(stage__in=[Stage.REVIEW, Stage.PROCESSING],
                                   fee_deadline__lt=today, fee_paid_on__isnull=True)
    for app in waiting.select_related("agency"):
        reason = deadlines.expired(app, today)
        if reason:
            closed.append(close_expired(app, reason, on=today))
    return closed


@transaction.atomic
def recompute_year(year: int) -> int:
    """After a year's 放假/调休 days are entered: every open case's due date again; a change
    is recorded on the case, unread by its handler, and mailed to them. Returns how many
    changed."""
    changed = 0
    for app in Application.objects.filter(stage__in=[Stage.REGISTERED, Stage.REVIEW,
                                                     Stage.PROCESSING]).select_related("agency"):
        old, new = deadlines.recompute(app)
        if old == new:
            continue
        app.save(update_fields=["due_on", "due_provisional"])
        before = f"{old[0]}{'（暂定）' if old[1] else ''}"
        after = f"{new[0]}{'（暂定）' if new[1] else ''}"
        log(app, EventKind.DUE_CHANGED, f"录入{year}年放假调休安排后，答复期限由 {before} 改为 {after}",
            user=SYSTEM, seen=False)
        notify.handlers(app, "答复期限已变更", f"录入{year}年放假调休安排后，答复期限由 {before} 改为 {after}。")
        changed += 1
    return changed
