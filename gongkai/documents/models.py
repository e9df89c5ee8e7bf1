"""Documents of the disclosure catalogue (政府信息公开目录).

``Document.objects.published()`` is the one definition of what the public may see: every
page, the search index and every public surface added later goes through it.
"""

import json
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.models import AuditAction
from gongkai.catalog.models import Agency, Audience, Genre, Topic
from gongkai.lib.html import sanitize_html
from gongkai.lib.identifiers import format_index_no, normalize_doc_no


class Disclosure(models.TextChoices):
    ACTIVE = "active", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class Status(models.TextChoices):
    """Where a document is in the workflow (docs/workflow.md). A scheduled publication is
    PUBLISHED with ``published_at`` in the future; a scheduled withdrawal is PUBLISHED with
    ``withdraw_at`` set."""

    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "待审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class PendingStatus(models.TextChoices):
    """The state of an edit to a live (published or withdrawn) document, kept as a revision
    apart from the row the public sees until a reviewer approves it."""

    NONE = "", "无"
    DRAFT = "draft", "修改草稿"
    IN_REVIEW = "in_review", "修改待审核"


class Validity(models.TextChoices):
    IN_FORCE = "in_force", "现行有效"
    NOT_YET = "not_yet", "尚未生效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"


class DocumentQuerySet(models.QuerySet):
    def publishable(self):
        """Published or scheduled: what published() returns once each one's time has come."""
        return self.filter(status=Status.PUBLISHED, disclosure=Disclosure.ACTIVE,
                           published_at__isnull=False)

    def published(self):
        """What the public may see: 主动公开, published, its publication time reached and its
        scheduled withdrawal (if any) not yet come."""
        now = timezone.now()
        return self.publishable().filter(published_at__lte=now).filter(
            Q(withdraw_at__isnull=True) | Q(withdraw_at__gt=now))

    def withdrawn(self):
        """Withdrawn after having been public: the page stays at its URL, saying when it was
        withdrawn, without the body. A document withdrawn before it ever went public has no
        page; one whose scheduled withdrawal came is withdrawn before the scheduler saves it."""
        now = timezone.now()
        return self.filter(disclosure=Disclosure.ACTIVE, published_at__isnull=False).filter(
            Q(status=Status.WITHDRAWN, withdrawn_at__isnull=False,
              published_at__lte=F("withdrawn_at"))
            | Q(status=Status.PUBLISHED, withdraw_at__lte=now, published_at__lte=F("withdraw_at")))

    def newest_first(self):
        """Newest publication first. Public lists hold no undated document, so the order
        needs no NULLS LAST, which PostgreSQL cannot read from the published_at index."""
        return self.order_by("-published_at", "-pk")

    def for_listing(self):
        """What a list of documents shows (title, 文号, date, agency), without the bodies."""
        return self.select_related("agency").defer("body", "abstract", "subject_terms")

    def with_doc_no(self, doc_no: str):
        return self.filter(doc_no=normalize_doc_no(doc_no))


class IndexSerial(models.Model):
    """The last 索引号 serial handed out per agency and year. Serials only ever grow."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="serial_per_agency_year")]


def next_index_no(agency: Agency, year: int) -> str:
    """Reserve the next 索引号 for ``agency`` in ``year``.

    The counter row is bumped with an UPDATE, which takes a row lock until the surrounding
    transaction commits, so two concurrent publications never read the same serial. Numbers
    already in use (imported documents keep theirs) are skipped, never reused.
    """
    with transaction.atomic():
        IndexSerial.objects.bulk_create(
            [IndexSerial(agency=agency, year=year)], ignore_conflicts=True)
        while True:
            counter = IndexSerial.objects.filter(agency=agency, year=year)
            counter.update(last=F("last") + 1)
            serial = counter.values_list("last", flat=True).get()
            index_no = format_index_no(settings.INDEX_NO_PATTERN,
                                       agency_code=agency.code, year=year, serial=serial)
            if not Document.objects.filter(index_no=index_no).exists():
                return index_no


def reserve_index_nos(wanted: dict[tuple[Agency, int], int], taken=frozenset()) -> dict:
    """{(agency, year): [索引号, …]}: ``count`` numbers for each (agency, year) of ``wanted``,
    for the bulk importer, with a few statements however many agencies and years: the same
    rule, counter rows (locked by the UPDATE until the transaction commits) and skipping of
    numbers in use as ``next_index_no``, plus the numbers in ``taken`` (those of documents
    about to be saved with their own)."""
    numbers: dict[tuple, list[str]] = {key: [] for key in wanted}
    with transaction.atomic():
        IndexSerial.objects.bulk_create(
            [IndexSerial(agency=agency, year=year) for agency, year in wanted],
            ignore_conflicts=True)
        while short := {key: n - len(numbers[key]) for key, n in wanted.items()
                        if len(numbers[key]) < n}:
            blocks = _next_serials(short)
            candidates = {key: [format_index_no(settings.INDEX_NO_PATTERN,
                                                agency_code=key[0].code, year=key[1],
                                                serial=serial) for serial in serials]
                          for key, serials in blocks.items()}
            every = [n for block in candidates.values() for n in block]
            used = set()
            for start in range(0, len(every), 500):
                used.update(Document.objects.filter(index_no__in=every[start:start + 500])
                            .values_list("index_no", flat=True))
            for key, block in candidates.items():
                numbers[key] += [n for n in block if n not in used and n not in taken]
    return numbers


def _next_serials(wanted: dict[tuple[Agency, int], int]) -> dict[tuple, range]:
    """Move each (agency, year) counter on by its count (the UPDATE locks the row until the
    transaction commits); the serials each one took."""
    rows = {(a, y): pk for a, y, pk in IndexSerial.objects.filter(
        agency__in={agency.pk for agency, _ in wanted},
        year__in={year for _, year in wanted}).values_list("agency", "year", "pk")}
    ids = {rows[(agency.pk, year)]: n for (agency, year), n in wanted.items()}
    # One statement run for every counter (executemany), not a query built per counter.
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {IndexSerial._meta.db_table} SET last = last + %s "
                           f"WHERE id = %s", [(n, pk) for pk, n in ids.items()])
    last = dict(IndexSerial.objects.filter(pk__in=ids).values_list("pk", "last"))
    return {(agency, year): range(last[rows[(agency.pk, year)]] - n + 1,
                                  last[rows[(agency.pk, year)]] + 1)
            for (agency, year), n in wanted.items()}


class Document(models.Model):
    index_no = models.CharField(
        "索引号", max_length=64, unique=True, null=True, blank=True,
        help_text="首次发布时按规则自动生成，此后不再改变；导入的信息保留原索引号。",
    )
    title = models.CharField("名称", max_length=500)
    doc_no = models.CharField("文号", max_length=100, blank=True, db_index=True)
    agency = models.ForeignKey(Agency, verbose_name="发布机构", on_delete=models.PROTECT,
                               related_name="documents")
    publisher_label = models.CharField(
        "发布机构（原文）", max_length=300, blank=True,
        help_text="联合发文等与所属机构名称不同时，页面显示此处的写法。",
    )
    written_on = models.DateField("成文日期", null=True, blank=True)
    published_at = models.DateTimeField("发布日期", null=True, blank=True, db_index=True)
    published_time_known = models.BooleanField(
        "发布时间精确到分钟", default=False,
        help_text="来源只给出日期时不显示时分。",
    )
    subject_terms = models.JSONField("主题词", default=list, blank=True)
    topic = models.ForeignKey(Topic, verbose_name="主题分类", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="documents")
    genre = models.ForeignKey(Genre, verbose_name="体裁分类", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="documents")
    audience = models.ForeignKey(Audience, verbose_name="服务对象", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="documents")
    category_label = models.CharField(
        "原分类", max_length=200, blank=True,
        help_text="来源页面上的分类文字，未能对应主题分类时显示。",
    )
    abstract = models.TextField("内容概述", blank=True)
    body = models.TextField("正文", blank=True, help_text="保存时自动清理不安全的 HTML。")
    disclosure = models.CharField("公开属性", max_length=16, choices=Disclosure.choices,
                                  default=Disclosure.ACTIVE)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    validity = models.CharField("有效性", max_length=16, choices=Validity.choices, blank=True,
                                help_text="规章、规范性文件填写；其他信息可留空。")
    effective_on = models.DateField("施行日期", null=True, blank=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="修改/替代文件", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supersedes", help_text="已修改或已废止时，指向现行的文件。",
    )
    withdraw_at = models.DateTimeField(
        "定时撤回时间", null=True, blank=True, editable=False,
        help_text="到时由 gongkai publish-scheduled 撤回；页面到时即不再显示正文。")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True, editable=False)
    sent_back_reason = models.TextField("退回理由", blank=True, editable=False)
    pending_revision = models.ForeignKey(
        "Revision", verbose_name="待审修改", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
        help_text="已发布信息的修改，审核通过前不影响公开页面。")
    pending_status = models.CharField("待审修改状态", max_length=16, blank=True, editable=False,
                                      choices=PendingStatus.choices)
    view_count = models.PositiveIntegerField("浏览次数", default=0, editable=False)
    source_url = models.URLField("来源地址", max_length=500, blank=True)
    source_key = models.CharField(
        "来源键", max_length=128, unique=True, null=True, blank=True, editable=False,
        help_text="导入时记录的自然键（来源地址，或发布机构+文号+名称，或发布机构+名称+发布日期），"
                  "再次导入同一条信息时据此更新而不重复。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政府信息"
        ordering = [F("published_at").desc(nulls_last=True), "-pk"]
        indexes = [
            # The public lists, newest first (Document.objects.published().newest_first()):
            # equality on status and disclosure, then the index read backwards by date.
            models.Index(fields=["status", "disclosure", "published_at", "id"],
                         name="document_public_newest"),
            models.Index(fields=["agency", "status", "disclosure", "published_at", "id"],
                         name="document_agency_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("document", args=[self.pk])

    def save(self, *args, **kwargs):
        self.normalize()
        super().save(*args, **kwargs)

    def normalize(self) -> None:
        """What every save does to the fields; bulk writes (``bulk_create``) call it
        themselves. A body the caller marked as already sanitised (``mark_clean``: the bulk
        importer sanitises in worker processes) is not sanitised twice."""
        self.doc_no = normalize_doc_no(self.doc_no)
        if self.body is not self.__dict__.get("_clean_body"):
            self.body = sanitize_html(self.body)
        self.index_no = self.index_no or None

    def mark_clean(self, body: str) -> None:
        """Set the body to ``body``, which ``sanitize_html`` has already cleaned."""
        self.body = self._clean_body = body

    @property
    def publisher(self) -> str:
        return self.publisher_label or self.agency.name

    @property
    def category(self) -> str:
        return self.topic.path if self.topic_id else self.category_label

    @property
    def published_display(self) -> str:
        """发布日期 as government sites show it: ``YYYY-MM-DD HH:MM`` where the time is known."""
        if not self.published_at:
            return ""
        fmt = "%Y-%m-%d %H:%M" if self.published_time_known else "%Y-%m-%d"
        return timezone.localtime(self.published_at).strftime(fmt)

    @property
    def is_live(self) -> bool:
        """Published or withdrawn: the row is what the public sees (or saw), so edits wait
        in a pending revision until approved."""
        return self.status in (Status.PUBLISHED, Status.WITHDRAWN)

    @property
    def is_scheduled(self) -> bool:
        return (self.status == Status.PUBLISHED and self.published_at is not None
                and self.published_at > timezone.now())

    @property
    def withdrawn_on(self):
        """The date the public page gives for the withdrawal."""
        moment = self.withdrawn_at if self.status == Status.WITHDRAWN else self.withdraw_at
        return timezone.localtime(moment).date() if moment else None

    @property
    def workflow_label(self) -> str:
        """The state as staff read it: 已退回, 定时发布, 有待审修改 … beside the status."""
        if self.status == Status.DRAFT and self.sent_back_reason:
            label = "已退回"
        elif self.is_scheduled:
            label = "定时发布"
        else:
            label = self.get_status_display()
        if self.status == Status.PUBLISHED and self.withdraw_at:
            label += "（定时撤回）"
        if self.pending_status:
            label += "，" + ("修改已退回" if self.pending_status == PendingStatus.DRAFT
                            and self.sent_back_reason else self.get_pending_status_display())
        return label

    @property
    def is_superseded(self) -> bool:
        return self.validity in (Validity.AMENDED, Validity.REPEALED)

    def current_version(self) -> "Document | None":
        """The published document that amends or replaces this one, for the 已修改/已废止
        notice; None when there is none the public may see."""
        if not self.superseded_by_id:
            return None
        return Document.objects.published().filter(pk=self.superseded_by_id).first()


class TextStatus(models.TextChoices):
    """What became of an attachment's text (gongkai.lib.filetext's result values)."""

    PENDING = "pending", "等待提取"
    EXTRACTED = "extracted", "已提取文字"
    NO_TEXT = "no_text", "无文字层"
    FAILED = "failed", "提取失败"
    TOO_LARGE = "too_large", "过大，未提取"


class AttachmentChange(models.TextChoices):
    """An attachment added to or removed from a live document waits, like any edit of it,
    for the pending revision's approval (docs/workflow.md)."""

    NONE = "", "无"
    ADD = "add", "待审新增"
    REMOVE = "remove", "待审删除"


class AttachmentQuerySet(models.QuerySet):
    def shown(self):
        """The attachments a document's published version has: not those added in a pending
        revision (those it removes stay until the removal is approved)."""
        return self.exclude(pending=AttachmentChange.ADD)

    def public(self):
        """What the public may download: shown attachments of public documents."""
        return self.shown().filter(document__in=Document.objects.published())

    def edited(self):
        """The attachments of the document as staff edit it: pending changes applied."""
        return self.exclude(pending=AttachmentChange.REMOVE)


def attachment_path(attachment: "Attachment", filename: str) -> str:
    """Under MEDIA_ROOT, by year, with a random name: the original name (Chinese, spaces,
    anything) is kept in the row and given back on download, never trusted as a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.localdate():%Y}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    """A file attached to a document: the signed PDF, an XLSX of figures, an OFD, a scan.
    Its kind is read from its content (gongkai.lib.filetext.detect); its text is extracted
    in the background (gongkai.documents.attachments) and searched with the document."""

    document = models.ForeignKey(Document, verbose_name="政府信息", on_delete=models.CASCADE,
                                 related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    name = models.CharField("文件名", max_length=255, blank=True,
                            help_text="下载时的文件名；留空则用上传文件的名称。")
    kind = models.CharField("类型", max_length=8, editable=False)
    size = models.PositiveBigIntegerField("大小", default=0, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    text = models.TextField("提取的文字", blank=True, editable=False)
    text_status = models.CharField("文字提取", max_length=16, choices=TextStatus.choices,
                                   default=TextStatus.PENDING, editable=False)
    text_note = models.CharField("提取说明", max_length=300, blank=True, editable=False)
    pending = models.CharField("待审变更", max_length=8, choices=AttachmentChange.choices,
                               blank=True, editable=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["pk"]
        indexes = [models.Index(fields=["text_status"], name="attachment_text_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attachment", args=[self.document_id, self.pk])

    @property
    def extension(self) -> str:
        return PurePosixPath(self.name).suffix.lstrip(".").upper()


class TextJSONEncoder(json.JSONEncoder):
    """Chinese text stored as itself, not as \\uXXXX escapes: a snapshot holds the whole
    body, which escaped takes twice the space in SQLite's JSON text (and longer to write)."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class Revision(models.Model):
    """A document as it was saved at one moment: who, when, why (the transition or save that
    made it) and a snapshot of its fields and body (``gongkai.documents.revisions``).

    A revision is also how an edit to a live document waits for review: the document's
    ``pending_revision`` holds the edited fields while the row keeps what the public sees."""

    document = models.ForeignKey(Document, verbose_name="政府信息", on_delete=models.CASCADE,
                                 related_name="revisions")
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("用户名", max_length=150, blank=True)
    kind = models.CharField("操作", max_length=32, choices=AuditAction.choices)
    data = models.JSONField("内容快照", encoder=TextJSONEncoder)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "修订版本"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        who = self.username or "系统"
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {who} {self.get_kind_display()}"


class ViewCountFlush(models.Model):
    """A flush of 浏览次数 from the shared buffer, recorded in the transaction that wrote it:
    counts found again after their flusher died between the commit and forgetting them are
    not written twice (gongkai/documents/views_count/redis.py). Kept for a day."""

    id = models.CharField(primary_key=True, max_length=32)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.id
