"""The privacy review of a document: personal data in what is about to go public
(gongkai.lib.pii finds it), masked in the body with one click, confirmed with a reason when
published anyway (docs/workflow.md#privacy-review).

Nothing is stored: the findings are the text's, read again whenever asked, so a finding is
resolved when the text no longer holds it (masked, edited, the attachment replaced) or its
number joins the agency's published contacts (``Agency.public_contacts``).
"""

import copy
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gongkai.accounts import permissions as perms
from gongkai.accounts.permissions import Action
from gongkai.documents import revisions, workflow
from gongkai.documents.attachments import attachment_texts
from gongkai.documents.workflow import WorkflowError
from gongkai.lib import pii

TITLE, ABSTRACT, BODY = "名称", "内容概述", "正文"
FIELDS = (TITLE, ABSTRACT, BODY)  # a source not among these is an attachment


@dataclass(frozen=True)
class Found:
    """A finding and where it is: a field of the document or an attachment (its label)."""

    source: str
    finding: pii.Finding

    @property
    def maskable(self) -> bool:
        return self.source == BODY

    @property
    def in_attachment(self) -> bool:
        return self.source not in FIELDS

    @property
    def summary(self) -> str:
        return f"{self.source}{self.finding.label} {self.finding.masked}"


def document_texts(document) -> list[tuple[str, str]]:
    """(label, plain text) of everything of ``document`` that goes public: its title,
    内容概述, body and the text of its attachments as the version under review has them
    (a finding in an attachment is flagged; the reviewer replaces the file)."""
    texts = [(TITLE, document.title), (ABSTRACT, document.abstract),
             (BODY, pii.html_text(document.body))]
    if document.pk:
        texts += [(f"附件：{name}", text)
                  for name, text in attachment_texts(document, edited=True)]
    return [(label, text) for label, text in texts if text]


def allowed_contacts(document) -> list[str]:
    agency = document.agency if document.agency_id else None
    return agency.public_contact_list() if agency else []


def findings(document) -> list[Found]:
    """Personal data in the version under review: a live document's pending edit if it has
    one, else the document as it is."""
    edited = revisions.as_edited(copy.copy(document))
    allow = allowed_contacts(edited)
    return [Found(label, f) for label, text in document_texts(edited)
            for f in pii.find_pii(text, allow)]


def may_mask(user, document) -> bool:
    return perms.can(user, Action.EDIT, document) or perms.can(user, Action.APPROVE, document)


@transaction.atomic
def mask_body(document, value: str, *, user, ip=None) -> list[pii.Finding]:
    """Mask every finding in the body whose text is ``value`` — an edit like any other, by
    the revision rules: a draft or a document in review is saved, a live one gets (or
    updates) its pending revision. The revision and the audit entry say what was masked."""
    if not may_mask(user, document):
        raise PermissionDenied
    revisions.as_edited(document)
    body, done = pii.mask_html(document.body, lambda f: f.text == value,
                               allowed_contacts(document))
    if not done:
        raise WorkflowError("正文中已没有这处个人信息（可能已经遮盖或修改）")
    document.body = body
    permission = Action.EDIT if perms.can(user, Action.EDIT, document) else Action.APPROVE
    workflow.save_edit(document, user=user, ip=ip, permission=permission,
                       detail=f"遮盖个人信息：{done[0].label} {done[0].masked}"
                              + (f"（{len(done)} 处）" if len(done) > 1 else ""))
    return done


def describe(found: list[Found], limit: int = 5) -> str:
    """``3 处（正文身份证号 4403**********1234、…）`` for messages and the audit log."""
    listed = "、".join(f.summary for f in found[:limit]) + ("等" if len(found) > limit else "")
    return f"{len(found)} 处（{listed}）"


def refuse_unconfirmed(sender, document, user, confirmation, **kwargs) -> str:
    """The ``publishing`` receiver: personal data goes public only with a reason given."""
    found = findings(document)
    if not found:
        return ""
    if not confirmation:
        raise WorkflowError(f"含 {describe(found)}未处理的个人信息：请逐条遮盖或修改，"
                            "或填写确认发布的理由")
    return f"确认发布含个人信息的内容，{describe(found)}，理由：{confirmation}"
