"""Granting and revoking roles — the one place a Membership is made or removed outside the
admin's inline (which logs the same entries), each change audited."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from gongkai.catalog.models import Agency

from . import audit
from .models import AuditAction, Membership, Role


class RoleError(Exception):
    """A request that cannot be carried out; the message says why, in Chinese."""


def find_agency(code_or_name: str) -> Agency:
    """The agency with this code (统一社会信用代码/组织机构代码) or exactly this name."""
    text = (code_or_name or "").strip()
    found = list(Agency.objects.filter(Q(code=text.upper()) & ~Q(code="") | Q(name=text))[:2])
    if not found:
        raise RoleError(f"没有机构代码或名称为“{text}”的机构")
    if len(found) > 1:
        raise RoleError(f"“{text}”同时是一个机构的代码和另一个机构的名称，请写全称")
    return found[0]


def parse_role(value: str) -> str:
    for role in Role:
        if value in (role.value, role.label):
            return role.value
    raise RoleError(f"无法识别的角色“{value}”（应为 editor、reviewer 或 manager）")


@transaction.atomic
def grant(user, agency: Agency, role: str, *, by=None, ip=None, via: str = "") -> bool:
    """Give ``user`` ``role`` in ``agency`` (and access to the admin). False if held already."""
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if created:
        audit.record(AuditAction.ROLE_GRANTED, user=by, agency=agency, obj=membership, ip=ip,
                     detail=_detail(user, agency, role, via))
    return created


@transaction.atomic
def revoke(user, agency: Agency, role: str, *, by=None, ip=None, via: str = "") -> bool:
    """Take ``role`` in ``agency`` from ``user``. False if they did not hold it."""
    membership = Membership.objects.filter(user=user, agency=agency, role=role).first()
    if membership is None:
        return False
    audit.record(AuditAction.ROLE_REVOKED, user=by, agency=agency, obj=membership, ip=ip,
                 detail=_detail(user, agency, role, via))
    membership.delete()
    return True


def _detail(user, agency, role, via) -> str:
    text = f"{user.get_username()}：{agency.name} {Role(role).label}"
    return f"{text}（{via}）" if via else text


def get_or_create_user(username: str):
    """The account named ``username``; a new one has no usable password until set."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, is_staff=True)
    user.set_unusable_password()
    user.save()
    return user, True
