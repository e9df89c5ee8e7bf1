"""What needs each person first, on the admin's home page: drafts sent back to them,
documents waiting for their review, scheduled publications and withdrawals, recent changes —
each in the agencies where their role makes it theirs."""

from django import template
from django.db.models import Q
from django.utils import timezone

from gongkai.accounts import permissions as perms
from gongkai.accounts.permissions import Action
from gongkai.documents.models import Document, PendingStatus, Revision, Status

register = template.Library()

LIMIT = 20


def _documents(user, action):
    documents = Document.objects.select_related("agency").defer("body", "abstract")
    return perms.filter_by_agency(documents, user, action)


@register.inclusion_tag("admin/staff_dashboard.html", takes_context=True)
def staff_dashboard(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not perms.is_staff_of_any_agency(user):
        return {"show": False}
    now = timezone.now()
    sent_back = (_documents(user, Action.EDIT).exclude(sent_back_reason="")
                 .filter(Q(status=Status.DRAFT) | Q(pending_status=PendingStatus.DRAFT))
                 .order_by("-updated_at"))
    waiting = (_documents(user, Action.APPROVE)
               .filter(Q(status=Status.IN_REVIEW) | Q(pending_status=PendingStatus.IN_REVIEW))
               .order_by("updated_at"))
    scheduled = (_documents(user, Action.VIEW).filter(status=Status.PUBLISHED)
                 .filter(Q(published_at__gt=now) | Q(withdraw_at__isnull=False))
                 .order_by("published_at"))
    recent = perms.filter_by_agency(
        Revision.objects.select_related("document", "document__agency").defer("data"),
        user, Action.VIEW, "document__agency")[:LIMIT]
    return {
        "show": True,
        "sent_back": sent_back[:LIMIT],
        "waiting": waiting[:LIMIT],
        "scheduled": scheduled[:LIMIT],
        "recent": recent,
        "may_edit": perms.can(user, Action.EDIT),
        "may_review": perms.can(user, Action.APPROVE),
    }
