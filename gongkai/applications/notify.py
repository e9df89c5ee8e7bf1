"""E-mail to the applicant and to the case's handlers, through Django's mail framework
(console backend unless GONGKAI_EMAIL_BACKEND says otherwise). A failed send never undoes
a step: it is logged and the step stands (the status page shows the same news)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from gongkai.accounts.models import Membership

log = logging.getLogger(__name__)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return

    def send():
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # SMTP down, bad address: the case stays as it is
            log.exception("could not send %r to %d recipient(s)", subject, len(recipients))

    transaction.on_commit(send)


def status_url(app) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/applications/status/"


def applicant(app, subject: str, text: str) -> None:
    """Tell the applicant (by e-mail when they gave one) that their case moved."""
    body = (f"{app.name}：\n\n{text}\n\n查询码：{app.tracking_code}\n"
            f"凭查询码和您填写的联系电话或电子邮箱，可在 {status_url(app)} 查看办理进度和答复。\n\n"
            f"{app.agency.name}\n（本邮件由{settings.SITE_NAME}自动发送）")
    _send(f"【政府信息公开申请】{subject}", body, [app.email])


def handlers(app, subject: str, text: str) -> None:
    """Tell the case's handler, or else every member of its agency."""
    if app.assignee_id and app.assignee.email:
        recipients = [app.assignee.email]
    else:
        recipients = list(Membership.objects.filter(agency_id=app.agency_id)
                          .values_list("user__email", flat=True))
    body = f"{text}\n\n查询码：{app.tracking_code}\n请登录管理后台办理：{settings.SITE_URL.rstrip('/')}/admin/"
    _send(f"【依申请公开】{subject}", body, recipients)
