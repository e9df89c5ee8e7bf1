"""依申请公开 cases (条例 arts. 27–45): the application, what happened to it (Event), the
periods its clock stops (Pause), its reply's files, and the editable letter templates.

The stage (登记 → 审核 → 办理 → 答复 → 归档, art. 45) says where a case is; the dates on the
case say where its clock is, and ``gongkai.applications.deadlines`` turns them into the due
date, stored here (``due_on``) so the register sorts and flags by it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document

from .outcomes import Outcome


class ApplicantType(models.TextChoices):
    """Table 3's columns: 自然人, then the five kinds of 法人或其他组织."""

    PERSON = "person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_WELFARE = "public_welfare", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他"


class Stage(models.TextChoices):
    REGISTERED = "registered", "登记"
    REVIEW = "review", "审核"
    PROCESSING = "processing", "办理"
    REPLIED = "replied", "答复"
    ARCHIVED = "archived", "归档"


class Channel(models.TextChoices):
    """How the application arrived; art. 31 fixes its date of receipt by the channel."""

    ONLINE = "online", "网上提交"
    IN_PERSON = "in_person", "当面提交"
    REGISTERED_MAIL = "registered_mail", "挂号信、快递"
    ORDINARY_MAIL = "ordinary_mail", "平常信函"
    FAX = "fax", "传真"


RECEIPT_RULES = {
    Channel.ONLINE: "以双方确认之日为收到申请之日",
    Channel.IN_PERSON: "以提交之日为收到申请之日",
    Channel.REGISTERED_MAIL: "以行政机关签收之日为收到申请之日",
    Channel.ORDINARY_MAIL: "以行政机关与申请人确认之日为收到申请之日",
    Channel.FAX: "以双方确认之日为收到申请之日",
}


class FormWanted(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子文档"
    OTHER = "other", "其他"


class DeliveryWanted(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    ONLINE = "online", "网上查看下载"
    PICK_UP = "pick_up", "当面领取"


class FeeMethod(models.TextChoices):
    PER_APPLICATION = "per_application", "按件计收"
    PER_PAGE = "per_page", "按量计收"


def new_tracking_code() -> str:
    """12 characters without look-alikes (no 0/O, 1/I/L), in three groups: GK-XXXX-XXXX-XXXX."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"GK-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Application(models.Model):
    agency = models.ForeignKey(Agency, verbose_name="受理机关", on_delete=models.PROTECT,
                               related_name="applications")
    tracking_code = models.CharField("查询码", max_length=20, unique=True,
                                     default=new_tracking_code, editable=False)
    # -- the applicant (art. 29) ----------------------------------------------------------
    applicant_type = models.CharField("申请人类型", max_length=16, choices=ApplicantType.choices)
    name = models.CharField("申请人名称", max_length=200,
                            help_text="自然人填写姓名；法人或其他组织填写全称。")
    id_number = models.CharField("身份证明号码", max_length=18,
                                 help_text="自然人为居民身份证号；法人或其他组织为统一社会信用代码。")
    contact_person = models.CharField("联系人", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=300, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    # -- what is asked for ------------------------------------------------------------------
    title = models.CharField("所需信息名称", max_length=300, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    description = models.TextField("所需信息的内容描述",
                                   help_text="信息的名称、文号或者便于查询的其他特征性描述。")
    purpose = models.TextField("用途", blank=True)
    form_wanted = models.CharField("获取信息的载体形式", max_length=16, choices=FormWanted.choices)
    delivery_wanted = models.CharField("获取信息的方式", max_length=16,
                                       choices=DeliveryWanted.choices)
    # -- receipt (art. 31) and stage (art. 45) ------------------------------------------------
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices,
                               default=Channel.ONLINE)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    received_on = models.DateField("收到申请日期", null=True, blank=True,
                                   help_text="当面提交为提交之日；挂号信为签收之日；网上提交为双方确认之日。")
    stage = models.CharField("办理阶段", max_length=16, choices=Stage.choices,
                             default=Stage.REGISTERED, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    # -- 补正 (art. 30) ----------------------------------------------------------------------
    supplement_requested_on = models.DateField("补正通知日期", null=True, blank=True)
    supplement_request = models.TextField("需补正的内容", blank=True)
    supplement_deadline = models.DateField("补正期限", null=True, blank=True)
    supplemented_on = models.DateField("收到补正日期", null=True, blank=True)
    supplement_text = models.TextField("补正内容", blank=True)
    # -- extension (art. 33) ----------------------------------------------------------------
    extended_on = models.DateField("延期日期", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_approved_by = models.CharField("延期批准人", max_length=100, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)
    # -- the clock's result (gongkai.applications.deadlines) --------------------------------
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField("期限为暂定", default=False,
                                          help_text="期限跨入尚未录入放假调休安排的年份，仅按周末计算。")
    # -- fee (国办函〔2020〕109号) ------------------------------------------------------------
    fee_method = models.CharField("收费方式", max_length=16, choices=FeeMethod.choices,
                                  blank=True)
    fee_pages = models.PositiveIntegerField("页数", null=True, blank=True)
    fee_amount = models.PositiveIntegerField("信息处理费（元）", null=True, blank=True)
    fee_notice_on = models.DateField("收费通知日期", null=True, blank=True)
    fee_deadline = models.DateField("缴费期限", null=True, blank=True)
    fee_paid_on = models.DateField("缴费日期", null=True, blank=True)
    # -- the reply (art. 36, 37) --------------------------------------------------------------
    outcome = models.CharField("答复类型", max_length=32, choices=Outcome.choices, blank=True,
                               db_index=True)
    replied_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    reply_explanation = models.TextField("答复说明", blank=True,
                                         help_text="写入告知书：理由、获取方式、应向哪个机关申请等。")
    reply_letter = models.TextField("告知书正文", blank=True)
    reply_documents = models.ManyToManyField(Document, verbose_name="答复附带的政府信息",
                                             blank=True, related_name="+")
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["agency", "stage", "due_on"], name="application_queue")]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.stage in (Stage.REGISTERED, Stage.REVIEW, Stage.PROCESSING)

    @property
    def is_organisation(self) -> bool:
        return self.applicant_type != ApplicantType.PERSON

    @property
    def awaiting_supplement(self) -> bool:
        return bool(self.supplement_requested_on and not self.supplemented_on and self.is_open)

    @property
    def awaiting_payment(self) -> bool:
        return bool(self.fee_notice_on and not self.fee_paid_on and self.is_open)


class PauseKind(models.TextChoices):
    THIRD_PARTY = "third_party", "征求第三方意见"
    CO_AGENCY = "co_agency", "征求其他机关意见"
    FEE = "fee", "等待缴纳信息处理费"


class Pause(models.Model):
    """A period the reply clock does not run: consultation (arts. 32, 34: 15 working days for
    the other side's answer) or waiting for the fee."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField("事由", max_length=16, choices=PauseKind.choices)
    party = models.CharField("征求意见对象", max_length=200, blank=True)
    started_on = models.DateField("开始日期")
    expected_end = models.DateField("答复期限", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "期限中止"
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "提交申请"
    REGISTERED = "registered", "登记"
    RECEIVED = "received", "确认收到"
    ACCEPTED = "accepted", "审核通过，转入办理"
    SUPPLEMENT_REQUESTED = "supplement_requested", "通知补正"
    SUPPLEMENTED = "supplemented", "收到补正"
    EXTENDED = "extended", "延期答复"
    PAUSED = "paused", "期限中止"
    RESUMED = "resumed", "期限恢复"
    FEE_NOTICE = "fee_notice", "收费通知"
    FEE_PAID = "fee_paid", "缴纳信息处理费"
    REPLIED = "replied", "答复"
    CLOSED = "closed", "终止办理"
    ARCHIVED = "archived", "归档"
    ASSIGNED = "assigned", "指派承办人"
    NOTE = "note", "内部备注"
    DUE_CHANGED = "due_changed", "答复期限变更"
    NOTIFIED = "notified", "通知申请人"


# What the applicant sees on the status page: the steps, never internal notes or assignments.
PUBLIC_EVENTS = {EventKind.SUBMITTED, EventKind.REGISTERED, EventKind.RECEIVED,
                 EventKind.ACCEPTED, EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED,
                 EventKind.EXTENDED, EventKind.PAUSED, EventKind.RESUMED, EventKind.FEE_NOTICE,
                 EventKind.FEE_PAID, EventKind.REPLIED, EventKind.CLOSED, EventKind.ARCHIVED}


class Event(models.Model):
    """One thing done to a case: who, when, what. Also written to the audit log."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("经办人", max_length=150, blank=True)
    kind = models.CharField("事项", max_length=32, choices=EventKind.choices)
    text = models.TextField("说明", blank=True)
    seen = models.BooleanField("承办人已阅", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def public(self) -> bool:
        return self.kind in PUBLIC_EVENTS


def reply_upload_to(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/{secrets.token_hex(8)}/{filename}"


class ReplyFile(models.Model):
    """A file sent with the reply; served only through the case's own status page."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=reply_upload_to)
    name = models.CharField("文件名", max_length=200)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "答复附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class LetterTemplate(models.Model):
    """The wording of a letter (告知书) in Django template syntax; one per reply type and per
    notice (补正, 延期, 收费, 终止). Defaults: gongkai/applications/letter_texts.py."""

    kind = models.CharField("文书", max_length=32, unique=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文模板", help_text="Django 模板语法；可用变量见“依申请公开”说明文档。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "告知书模板"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title
