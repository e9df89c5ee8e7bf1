"""State changes of a document, each one action in one place (after Wagtail's
``PublishPageRevisionAction``): permission check → state change → revision → audit entry →
signal, in one transaction. The admin, the importer and every command call these functions;
nothing else changes a document's status.

    draft ──submit──▶ in review ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                  │                    (at a time: scheduled)    │
      └────send_back─────┘                                 republish ◀──┘

An edit to a live document (published or withdrawn) does not touch the row the public sees:
it is kept as the document's pending revision, submitted, and applied by ``publish`` when a
reviewer approves it (docs/workflow.md).

``user=None`` is the system acting (the importer, ``gongkai publish-scheduled``, scripts):
no permission is checked, and a draft may be published directly, as an import of pages
already public elsewhere does. A person always goes through review. Every refusal is a
``WorkflowError`` (the state does not allow it) or ``PermissionDenied`` (the person may
not), with the reason in Chinese.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from gongkai.accounts import audit
from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.accounts.permissions import Action, check

from . import attachments, counts, generation, revisions
from .bulk_insert import insert_many
from .models import (
    AttachmentChange,
    Document,
    PendingStatus,
    Status,
    TextStatus,
    next_index_no,
    reserve_index_nos,
)

# Sent after every transition has committed its changes (inside the transaction):
# sender=Document, document, action (an AuditAction value), user (None for the system).
transitioned = Signal()
# Sent inside ``publish`` when a person approves, before anything changes: sender=Document,
# document (with the content about to go public), user, confirmation (the reason the person
# gave for publishing despite a warning, or ""). A receiver refuses by raising WorkflowError,
# or returns a line for the audit entry saying what was confirmed. The privacy review
# (gongkai.privacy) refuses personal data nobody confirmed.
publishing = Signal()

# How far back ``apply_due`` looks for scheduled publications whose time came.
LOOK_BACK = dt.timedelta(days=7)

# What the row holds about the workflow, read again under a row lock before each transition.
_STATE = ["status", "pending_status", "pending_revision_id", "withdraw_at", "withdrawn_at",
          "sent_back_reason"]


class WorkflowError(Exception):
    """A transition the document's state does not allow; the message says why."""


def assign_index_no(document: Document) -> None:
    """Give ``document`` its 索引号 if it has none and its agency has a code."""
    if document.index_no or not document.agency.code:
        return
    year = timezone.localtime(document.published_at or timezone.now()).year
    document.index_no = next_index_no(document.agency, year)


def _lock(document: Document) -> None:
    """Take the row's lock and its current workflow state (another reviewer may have acted
    since the page was loaded). Content fields on ``document`` are left as the caller set them."""
    if document.pk is None:
        return
    row = Document.objects.select_for_update().filter(pk=document.pk).values(*_STATE).first()
    if row is None:
        raise WorkflowError("该信息已不存在")
    for name, value in row.items():
        setattr(document, name, value)


def _finish(document: Document, action: str, *, user, ip, note: str = "", detail: str = "",
            data: dict | None = None):
    revision = revisions.save_revision(document, action, user=user, note=note, data=data)
    audit.record(action, user=user, obj=document, agency=document.agency, ip=ip,
                 detail=detail or note, object_type="document")
    transitioned.send(sender=Document, document=document, action=action, user=user)
    return revision


def _need(user, action: Action, document: Document) -> None:
    if user is not None:
        check(user, action, document)


def _pending_data(document: Document) -> dict | None:
    return document.pending_revision.data if document.pending_revision_id else None


def _clear_pending(document: Document) -> None:
    document.pending_revision = None
    document.pending_status = PendingStatus.NONE


@transaction.atomic
def create(document: Document, *, user=None, ip=None) -> Document:
    """Save a new document as a draft."""
    _need(user, Action.EDIT, document)
    document.status = Status.DRAFT
    document.save()
    _finish(document, AuditAction.CREATE, user=user, ip=ip)
    return document


@transaction.atomic
def save_edit(document: Document, *, user=None, ip=None, previous_agency_id=None,
              kind: str = AuditAction.EDIT, permission: Action = Action.EDIT,
              detail: str = "") -> Document:
    """Save staff's (or an import's) changes to ``document``. A draft or a document in
    review is saved; a live one keeps its row and gets a pending revision instead.
    ``permission`` is what the person needs (a reviewer's masking of personal data needs
    approval rights, not an editor's); ``detail`` says what the edit was, in the revision
    and the audit entry."""
    if document.pk is None:
        return create(document, user=user, ip=ip)
    _need(user, permission, document)
    if previous_agency_id is None:
        previous_agency_id = (Document.objects.filter(pk=document.pk)
                              .values_list("agency_id", flat=True).first())
    if previous_agency_id is not None and previous_agency_id != document.agency_id:
        _need(user, Action.EDIT, previous_agency_id)  # moving it needs both agencies
    edited = {f.attname: getattr(document, f.attname) for f in Document._meta.concrete_fields}
    _lock(document)
    for name in _STATE:  # the lock's state wins over whatever the form carried
        edited[name] = getattr(document, name)
    if not document.is_live:
        document.save()
        _finish(document, kind, user=user, ip=ip, note=detail)
        return document
    data = {**revisions.snapshot(document, edited=True), "pending": True}
    revision = revisions.save_revision(document, AuditAction.EDIT_PENDING, user=user,
                                       note=detail or _note_for(kind), data=data)
    pending = document.pending_status or PendingStatus.DRAFT
    Document.objects.filter(pk=document.pk).update(pending_revision=revision,
                                                   pending_status=pending)
    document.pending_revision, document.pending_status = revision, pending
    audit.record(AuditAction.EDIT_PENDING, user=user, obj=document, agency=document.agency,
                 ip=ip, object_type="document",
                 detail="；".join(filter(None, [detail, "修改已保存，审核通过前公开页面不变"])))
    transitioned.send(sender=Document, document=document, action=AuditAction.EDIT_PENDING,
                      user=user)
    # The caller's object keeps the edited values; the row in the database does not.
    for name, value in edited.items():
        setattr(document, name, value)
    return document


@transaction.atomic
def save_imported(document: Document, *, draft: bool = False) -> Document:
    """Save what an import read. An import that publishes (the default) writes the row as
    it always did, a revision recording it; ``draft`` (``gongkai import --draft``) treats the
    import like an editor: a live document gets a pending revision for review."""
    if draft:
        return save_edit(document, kind=AuditAction.IMPORT)
    document.save()
    revisions.save_revision(document, AuditAction.IMPORT)
    return document


# What a bulk save writes of a document that exists: everything but its identity, its
# creation time and 浏览次数 (counted meanwhile by the public pages, never by an import).
_BULK_UNTOUCHED = {"id", "created_at", "view_count"}


@transaction.atomic
def save_imported_many(publish=(), keep=()) -> None:
    """What ``publish`` (by the system) does for each document of ``publish`` and
    ``save_imported`` for each of ``keep``, with a few statements for all of them: the bulk
    importer's batch. Documents already saved are not locked again here: the caller read
    them in this transaction (``select_for_update``). A document may be listed twice (a
    file that holds it twice): it is written once, with a revision for each. Like every bulk
    write this sends no model signals: the per-agency counts and the generation are moved
    here, and the caller indexes the documents in the same transaction
    (``documents.search.index_batch``, from ``gongkai.importers.bulk``)."""
    now = timezone.now()
    actions = []
    for document in publish:
        was = document.status
        if document.published_at is None:
            document.published_at, document.published_time_known = now, True
        document.status = Status.PUBLISHED
        document.sent_back_reason = ""
        if was == Status.WITHDRAWN:
            document.withdrawn_at = None
        actions.append((document, AuditAction.REPUBLISH if was == Status.WITHDRAWN else
                        AuditAction.SCHEDULE if document.published_at > now else
                        AuditAction.PUBLISH))
    unique = list({id(d): d for d in [*publish, *keep]}.values())
    assign_index_nos([d for d in unique if d.status == Status.PUBLISHED])
    for document in unique:
        document.normalize()
        document.updated_at = now
    saved = [d for d in unique if d.pk is not None]
    counted_before = counts.by_agency(d.pk for d in saved)
    insert_many(Document, [d for d in unique if d.pk is None])
    _update_rows(saved)
    counts.move_by(counted_before, counts.by_agency(d.pk for d in unique))
    generation.bump()
    files = revisions.attachment_lists(unique)
    insert_many(revisions.Revision, [
        revisions.new_revision(d, kind, data=revisions.snapshot(d, files=files[d.pk]))
        for d, kind in [*actions, *((d, AuditAction.IMPORT) for d in keep)]])
    insert_many(AuditEntry, [
        audit.new_entry(action, obj=d, agency=d.agency, object_type="document",
                        detail=_scheduled(d) if action == AuditAction.SCHEDULE else "")
        for d, action in actions])
    for document, action in actions:
        transitioned.send(sender=Document, document=document, action=action, user=None)


def _update_rows(documents) -> None:
    """``bulk_update`` of every field but ``_BULK_UNTOUCHED``, as one UPDATE statement run
    for each document (executemany) with the values Django prepares for a save: Django's
    bulk_update builds a CASE per field over the batch, which cost 6 ms a document."""
    fields = [f for f in Document._meta.concrete_fields if f.name not in _BULK_UNTOUCHED]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(Document._meta.db_table)} SET "
           + ", ".join(f"{quote(f.column)} = %s" for f in fields)
           + f" WHERE {quote(Document._meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(d, f.attname), connection) for f in fields] + [d.pk]
            for d in documents]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _scheduled(document: Document) -> str:
    return f"定于 {revisions.local_minute(document.published_at)} 发布"


def assign_index_nos(documents) -> None:
    """``assign_index_no`` for many documents: a few statements for all their agencies and
    years, numbers handed out in the documents' order."""
    wanting: dict[tuple, list[Document]] = {}
    for d in documents:
        if not d.index_no and d.agency.code:
            year = timezone.localtime(d.published_at or timezone.now()).year
            wanting.setdefault((d.agency, year), []).append(d)
    if not wanting:
        return
    taken = {d.index_no for d in documents if d.index_no}
    numbers = reserve_index_nos({key: len(group) for key, group in wanting.items()}, taken)
    for key, group in wanting.items():
        for document, number in zip(group, numbers[key], strict=True):
            document.index_no = number


def _note_for(kind: str) -> str:
    return "导入" if kind == AuditAction.IMPORT else ""


@transaction.atomic
def discard_pending(document: Document, *, user=None, ip=None) -> Document:
    """Drop the pending edit of a live document; the published version stays as it is."""
    _need(user, Action.EDIT, document)
    _lock(document)
    if not document.pending_revision_id:
        raise WorkflowError("该信息没有待审核的修改")
    _clear_pending(document)
    document.sent_back_reason = ""
    Document.objects.filter(pk=document.pk).update(
        pending_revision=None, pending_status="", sent_back_reason="")
    attachments.discard_pending(document)
    audit.record(AuditAction.DISCARD, user=user, obj=document, agency=document.agency, ip=ip,
                 object_type="document")
    transitioned.send(sender=Document, document=document, action=AuditAction.DISCARD, user=user)
    return document


@transaction.atomic
def submit(document: Document, *, user=None, ip=None) -> Document:
    """送审: a draft, or the pending edit of a live document, goes to review."""
    _need(user, Action.SUBMIT, document)
    _lock(document)
    if document.pending_status == PendingStatus.DRAFT:
        document.pending_status = PendingStatus.IN_REVIEW
        document.sent_back_reason = ""
        Document.objects.filter(pk=document.pk).update(pending_status=PendingStatus.IN_REVIEW,
                                                       sent_back_reason="")
        _finish(document, AuditAction.SUBMIT, user=user, ip=ip, data=_pending_data(document),
                detail="修改送审")
        return document
    if document.status == Status.IN_REVIEW or document.pending_status == PendingStatus.IN_REVIEW:
        raise WorkflowError("该信息已在审核中")
    if document.status != Status.DRAFT:
        raise WorkflowError("只有“草稿”或已发布信息的修改可以送审")
    document.status = Status.IN_REVIEW
    document.sent_back_reason = ""
    document.save()
    _finish(document, AuditAction.SUBMIT, user=user, ip=ip)
    return document


def _confirmed(document: Document, user, confirmation: str, note: str) -> str:
    """Ask the ``publishing`` receivers (a person approving only); ``note`` with what they
    confirmed."""
    if user is None:
        return note
    said = [r for _, r in publishing.send(sender=Document, document=document, user=user,
                                          confirmation=(confirmation or "").strip()) if r]
    return "；".join(filter(None, [note, *said]))


@transaction.atomic
def publish(document: Document, *, user=None, ip=None, at=None, note: str = "",
            confirmation: str = "") -> Document:
    """审核发布: publish a document in review now, or at ``at`` (scheduled), assigning its
    索引号; or apply the approved pending edit of a live document. The system (an import)
    may also publish a draft, re-save a published document and republish a withdrawn one.
    ``confirmation`` is the person's reason for publishing despite a ``publishing``
    receiver's warning (personal data in the text)."""
    _need(user, Action.APPROVE, document)
    if at is not None and user is not None:
        if at <= timezone.now():
            raise WorkflowError("定时发布的时间应晚于现在")
        _need(user, Action.SCHEDULE, document)
    _lock(document)
    # The system re-saving a live document (an import) never applies a person's pending edit.
    if document.pending_status == PendingStatus.IN_REVIEW and user is not None:
        if at is not None:
            raise WorkflowError("已发布信息的修改审核通过后立即生效，不能定时")
        revisions.apply(document, document.pending_revision.data)
        note = _confirmed(document, user, confirmation, note)
        _clear_pending(document)
        document.sent_back_reason = ""
        attachments.apply_pending(document)  # before the save, which indexes the document
        document.save()
        _finish(document, AuditAction.PUBLISH, user=user, ip=ip, note=note,
                detail="修改审核通过，已更新公开页面")
        return document
    if user is not None:
        if document.status == Status.WITHDRAWN:
            raise WorkflowError("已撤回的信息请用“重新发布”")
        if document.status != Status.IN_REVIEW:
            raise WorkflowError("只有“待审核”的信息可以发布" + (
                "（请先送审）" if document.status == Status.DRAFT else ""))
        note = _confirmed(document, user, confirmation, note)
    was = document.status
    if document.published_at is None or at is not None:
        document.published_at = at or timezone.now()
        document.published_time_known = True
    assign_index_no(document)
    document.status = Status.PUBLISHED
    document.sent_back_reason = ""
    if was == Status.WITHDRAWN:
        document.withdrawn_at = None
    document.save()
    if was == Status.WITHDRAWN:
        action = AuditAction.REPUBLISH
    elif document.published_at > timezone.now():
        action = AuditAction.SCHEDULE
    else:
        action = AuditAction.PUBLISH
    detail = note
    if action == AuditAction.SCHEDULE:
        detail = "；".join(filter(None, [
            f"定于 {revisions.local_minute(document.published_at)} 发布", note]))
    _finish(document, action, user=user, ip=ip, note=note, detail=detail)
    return document


@transaction.atomic
def republish(document: Document, *, user=None, ip=None) -> Document:
    """重新发布 a withdrawn document: the page shows its body again."""
    _need(user, Action.APPROVE, document)
    _lock(document)
    if document.status != Status.WITHDRAWN:
        raise WorkflowError("只有“已撤回”的信息可以重新发布")
    document.status = Status.PUBLISHED
    document.withdrawn_at = document.withdraw_at = None
    document.save()
    _finish(document, AuditAction.REPUBLISH, user=user, ip=ip)
    return document


@transaction.atomic
def send_back(document: Document, *, user=None, ip=None, reason: str = "") -> Document:
    """退回修改: back to the editor, with the reason they will read."""
    _need(user, Action.SEND_BACK, document)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("退回时必须填写理由")
    _lock(document)
    if document.pending_status == PendingStatus.IN_REVIEW:
        document.pending_status = PendingStatus.DRAFT
        document.sent_back_reason = reason
        Document.objects.filter(pk=document.pk).update(pending_status=PendingStatus.DRAFT,
                                                       sent_back_reason=reason)
        _finish(document, AuditAction.SEND_BACK, user=user, ip=ip, note=reason,
                data=_pending_data(document))
        return document
    if document.status != Status.IN_REVIEW:
        raise WorkflowError("只有“待审核”的信息可以退回")
    document.status = Status.DRAFT
    document.sent_back_reason = reason
    document.save()
    _finish(document, AuditAction.SEND_BACK, user=user, ip=ip, note=reason)
    return document


@transaction.atomic
def withdraw(document: Document, *, user=None, ip=None, at=None, reason: str = "",
             now=None) -> Document:
    """撤回 now, or at ``at`` (a scheduled withdrawal, applied by ``gongkai
    publish-scheduled``). Nothing is deleted: the page stays, saying it was withdrawn and
    when, without the body. Its 索引号 stays reserved for it."""
    _need(user, Action.WITHDRAW, document)
    now = now or timezone.now()
    if at is not None and at > now:
        _need(user, Action.SCHEDULE, document)
    _lock(document)
    if document.status != Status.PUBLISHED:
        raise WorkflowError("只有“已发布”的信息可以撤回")
    if at is not None and at > now and document.published_at and at <= document.published_at:
        raise WorkflowError("定时撤回的时间应晚于发布时间")
    if at is not None and at > now:
        document.withdraw_at = at
        document.save()
        _finish(document, AuditAction.SCHEDULE_WITHDRAWAL, user=user, ip=ip, note=reason,
                detail=f"定于 {revisions.local_minute(at)} 撤回" + (
                    f"：{reason}" if reason else ""))
        return document
    document.status = Status.WITHDRAWN
    # A scheduled withdrawal took effect at its time, whenever the scheduler got to it.
    document.withdrawn_at = document.withdraw_at if document.withdraw_at and document.withdraw_at <= now else now
    document.withdraw_at = None
    document.save()
    _finish(document, AuditAction.WITHDRAW, user=user, ip=ip, note=reason)
    return document


@transaction.atomic
def unschedule(document: Document, *, user=None, ip=None) -> Document:
    """取消定时: a scheduled publication goes back to review; a scheduled withdrawal is
    cancelled and the document stays published."""
    _need(user, Action.SCHEDULE, document)
    _lock(document)
    if document.is_scheduled:
        document.status = Status.IN_REVIEW
        document.published_at = None
        document.published_time_known = False
        detail = "取消定时发布，退回待审核"
    elif document.status == Status.PUBLISHED and document.withdraw_at:
        document.withdraw_at = None
        detail = "取消定时撤回"
    else:
        raise WorkflowError("该信息没有定时发布或定时撤回")
    document.save()
    _finish(document, AuditAction.UNSCHEDULE, user=user, ip=ip, detail=detail)
    return document


@transaction.atomic
def change_attachments(document: Document, *, add=(), remove=(), user=None,
                       ip=None) -> Document:
    """Attach files to ``document`` (unsaved Attachments, filled in by
    ``attachments.prepare``) and remove others. A draft's change is saved at once; a live
    document's waits, like any edit of it, in its pending revision (the public page keeps its
    attachments until a reviewer approves). Either way a revision records the attachments as
    they then are, and the audit log says what changed. Text extraction starts once the
    transaction commits."""
    add = list(add)
    if not add and not remove:
        return document
    _need(user, Action.EDIT, document)
    _lock(document)
    # As stored, and only this document's: the caller's objects may be stale.
    remove = list(document.attachments.filter(pk__in=[a.pk for a in remove if a.pk]))
    if not add and not remove:
        return document
    live = document.is_live
    for attachment in add:
        attachment.document = document
        attachment.pending = AttachmentChange.ADD if live else AttachmentChange.NONE
        attachment.save()
    for attachment in remove:
        if live and attachment.pending != AttachmentChange.ADD:
            attachment.pending = AttachmentChange.REMOVE
            attachment.save(update_fields=["pending"])
        else:  # never public: nothing to review
            attachment.delete()
    detail = "；".join(filter(None, [
        "新增附件：" + "、".join(a.name for a in add) if add else "",
        "删除附件：" + "、".join(a.name for a in remove) if remove else ""]))
    current = Document.objects.select_related("pending_revision").get(pk=document.pk)
    data = revisions.snapshot(revisions.as_edited(current), edited=live)
    if live:
        revision = revisions.save_revision(document, AuditAction.EDIT_PENDING, user=user,
                                           note=detail, data={**data, "pending": True})
        pending = document.pending_status or PendingStatus.DRAFT
        Document.objects.filter(pk=document.pk).update(pending_revision=revision,
                                                       pending_status=pending)
        document.pending_revision, document.pending_status = revision, pending
        action, detail = AuditAction.EDIT_PENDING, detail + "（审核通过前公开页面不变）"
    else:
        revisions.save_revision(document, AuditAction.EDIT, user=user, note=detail, data=data)
        action = AuditAction.EDIT
    audit.record(action, user=user, obj=document, agency=document.agency, ip=ip,
                 object_type="document", detail=detail)
    transitioned.send(sender=Document, document=document, action=action, user=user)
    attachments.schedule(a.pk for a in add if a.text_status == TextStatus.PENDING)
    return document


def apply_due(now=None) -> dict:
    """What ``gongkai publish-scheduled`` does each minute: withdraw documents whose
    scheduled withdrawal came, and log the scheduled publications whose time came (the
    catalogue's generation moves, so every cached page and count is made again).
    Returns {"withdrawn": [...], "went_live": [...]}."""
    from .generation import bump

    now = now or timezone.now()
    withdrawn = []
    for pk in Document.objects.filter(status=Status.PUBLISHED, withdraw_at__lte=now) \
            .values_list("pk", flat=True):
        document = Document.objects.select_related("agency").get(pk=pk)
        try:
            withdraw(document, reason="定时撤回", now=now)
        except WorkflowError:
            continue  # changed meanwhile
        withdrawn.append(document)
    went_live = []
    # Scheduled publications whose time came in the last LOOK_BACK (the scheduler may have
    # been stopped a while), each logged once.
    due = list(Document.objects.publishable()
               .filter(published_at__lte=now, published_at__gt=now - LOOK_BACK)
               .filter(revisions__kind=AuditAction.SCHEDULE).distinct().select_related("agency"))
    logged = set(AuditEntry.objects.filter(
        action=AuditAction.GO_LIVE, object_type="document",
        object_id__in=[str(d.pk) for d in due]).values_list("object_id", flat=True))
    with transaction.atomic():
        for document in due:
            if str(document.pk) in logged:
                continue
            audit.record(AuditAction.GO_LIVE, obj=document, agency=document.agency,
                         object_type="document",
                         detail=f"{revisions.local_minute(document.published_at)} 起公开")
            transitioned.send(sender=Document, document=document, action=AuditAction.GO_LIVE,
                              user=None)
            went_live.append(document)
        if went_live:
            bump()
    return {"withdrawn": withdrawn, "went_live": went_live}


def assign_missing_index_nos(agency) -> int:
    """Number the agency's published documents that still lack a 索引号 (imported before the
    agency had a code). Returns how many got one."""
    documents = Document.objects.filter(agency=agency, index_no=None, status=Status.PUBLISHED)
    count = 0
    for document in documents.order_by("published_at", "pk"):
        with transaction.atomic():
            assign_index_no(document)
            if document.index_no:
                document.save(update_fields=["index_no"])
                count += 1
    return count


__all__ = ["WorkflowError", "PermissionDenied", "create", "save_edit", "discard_pending",
           "submit", "publish", "republish", "send_back", "withdraw", "unschedule", "apply_due",
           "assign_index_no", "assign_missing_index_nos", "transitioned", "change_attachments",
           "publishing", "save_imported_many", "assign_index_nos"]
