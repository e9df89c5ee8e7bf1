"""Attachments of documents: checking an upload, extracting its text in the background,
the text that search indexes, and what a pending revision does to them.

The text is read by ``gongkai.lib.filetext`` in a child process with an address-space
limit and a timeout (``gongkai.lib.filetext.run``), started after the upload's transaction
commits, so saving a document never waits for it and a decompression bomb or a 500-page
PDF costs a bounded child, never a web worker. ``gongkai extract-attachments`` does the
same for whatever is still waiting (after a restart, or when extraction is off).
"""

import hashlib
import logging
import subprocess
import sys
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete
from django.template.defaultfilters import filesizeformat

from gongkai.lib import filetext
from gongkai.lib.filetext.detect import label
from gongkai.lib.filetext.run import PACKAGE_PARENT, extract_in_child

from .models import Attachment, AttachmentChange, Document, TextStatus

logger = logging.getLogger(__name__)

# Attachment text indexed per document (the first this many characters of all its
# attachments): PostgreSQL's tsvector holds at most 1 MB, and snippets read a window anyway.
INDEX_CHARS = 200_000
ACCEPTED = "、".join(label for label, _ in filetext.KINDS.values())


def check_upload(upload, name: str = "") -> str:
    """The kind of an uploaded file, read from its content; a ValidationError in Chinese
    when it is too large, of no kind we accept, or not what its name says."""
    name = name or upload.name
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件过大（{filesizeformat(upload.size)}）：附件最大 "
                              f"{filesizeformat(limit)}。")
    kind = filetext.detect(upload)
    if kind is None:
        raise ValidationError(f"不支持的文件类型：“{name}”不是 {ACCEPTED} 中的任何一种"
                              "（按文件内容判断，而非扩展名）。")
    if not filetext.kind_matches_name(kind, name):
        raise ValidationError(f"文件内容与名称不符：“{name}”的内容是{label(kind)}文件。"
                              "请上传真实的文件，或改正扩展名。")
    return kind


def prepare(attachment: Attachment, upload) -> Attachment:
    """Fill in what is read from the upload: file, name, kind, size, checksum (before
    saving); a ValidationError (``check_upload``) when the upload is refused."""
    attachment.name = (attachment.name or upload.name).strip()[:255]
    attachment.kind = check_upload(upload, attachment.name)
    attachment.size = upload.size
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment.sha256 = digest.hexdigest()
    attachment.file = upload
    attachment.text_status = TextStatus.PENDING
    return attachment


def kind_label(kind: str) -> str:
    return label(kind) if kind in filetext.KINDS else kind


# -- what search and reviewers read -------------------------------------------------------

def attachment_texts(document: Document, *, edited: bool = False) -> list[tuple[str, str]]:
    """(name, extracted text) of each attachment with text: those the published version
    shows, or (``edited``) those of the document as staff edit it, pending changes applied
    (what a reviewer reads before approving). Uses a prefetch of ``attachments`` when there
    is one."""
    rows = document.attachments.all()
    wanted = (lambda a: a.pending != AttachmentChange.REMOVE) if edited else \
        (lambda a: a.pending != AttachmentChange.ADD)
    return [(a.name, a.text) for a in rows if wanted(a) and a.text]


def index_text(document: Document) -> str:
    """What search indexes of ``document``'s attachments: names and text, bounded."""
    parts, left = [], INDEX_CHARS
    for name, text in attachment_texts(document):
        if left <= 0:
            break
        part = f"{name}\n{text[:left]}"
        parts.append(part)
        left -= len(part)
    return "\n".join(parts)


# -- a pending revision's changes ----------------------------------------------------------

def apply_pending(document: Document) -> None:
    """The pending revision was approved: removals happen, additions become public."""
    document.attachments.filter(pending=AttachmentChange.REMOVE).delete()
    document.attachments.filter(pending=AttachmentChange.ADD).update(pending="")


def discard_pending(document: Document) -> None:
    """The pending revision was dropped: additions go, removals are undone."""
    document.attachments.filter(pending=AttachmentChange.ADD).delete()
    document.attachments.filter(pending=AttachmentChange.REMOVE).update(pending="")


def delete_file(sender, instance: Attachment, **kwargs) -> None:
    """A deleted attachment's file goes once the deletion has committed (a rollback keeps it)."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


def connect() -> None:
    post_delete.connect(delete_file, sender=Attachment, dispatch_uid="attachment_file_deleted")


# -- extraction ----------------------------------------------------------------------------

def schedule(ids) -> None:
    """Extract these attachments' text once the current transaction commits: in a
    background process (``GONGKAI_ATTACHMENT_EXTRACT=background``, the default), here and
    now (``inline``: tests), or not at all (``off``: ``gongkai extract-attachments`` from cron)."""
    ids = [int(pk) for pk in ids]
    if ids:
        transaction.on_commit(lambda: _start(ids))


def _start(ids) -> None:
    mode = settings.ATTACHMENT_EXTRACT
    if mode == "inline":
        extract_pending(ids)
    elif mode == "background":
        command = [sys.executable, "-m", "gongkai.cli", "extract-attachments", *map(str, ids)]
        try:
            child = subprocess.Popen(command, cwd=PACKAGE_PARENT, start_new_session=True,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        except OSError as e:  # the attachment stays pending for the command to take up
            logger.warning("could not start text extraction for attachments %s: %s", ids, e)
            return
        # Reaped by a thread, so no finished child lingers as a zombie in a web worker.
        threading.Thread(target=child.wait, daemon=True).start()


def limits() -> filetext.Limits:
    return filetext.Limits(text_chars=settings.ATTACHMENT_TEXT_CHARS)


def extract_one(attachment: Attachment) -> filetext.Result:
    """Read the attachment's text in a bounded child process and store the result (the
    document is indexed again by the save's signal)."""
    try:
        path = attachment.file.path
    except (NotImplementedError, ValueError):
        result = filetext.Result(filetext.FAILED, note="文件不在本地存储中")
    else:
        result = extract_in_child(path, attachment.kind, limits(),
                                  seconds=settings.ATTACHMENT_EXTRACT_SECONDS,
                                  memory_bytes=settings.ATTACHMENT_EXTRACT_MEMORY_MB * 1024 * 1024)
    attachment.text = result.text
    attachment.text_status = result.status
    attachment.text_note = result.note[:300]
    try:
        with transaction.atomic():
            attachment.save(update_fields=["text", "text_status", "text_note"])
    except DatabaseError:  # deleted meanwhile
        pass
    return result


def extract_pending(ids=None) -> list[tuple[Attachment, filetext.Result]]:
    """Extract every attachment still waiting (or those among ``ids``)."""
    waiting = Attachment.objects.filter(text_status=TextStatus.PENDING).select_related("document")
    if ids is not None:
        waiting = waiting.filter(pk__in=list(ids))
    return [(attachment, extract_one(attachment)) for attachment in waiting.order_by("pk")]
