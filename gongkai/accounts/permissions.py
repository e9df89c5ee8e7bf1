"""The one answer to "may USER do ACTION on this document or agency?".

Every check goes through here: the admin's querysets, forms, actions, autocomplete and
filters, the workflow's transitions, and the commands. Permissions are per agency; which
state a document must be in for a transition is the workflow's business, not this module's.

=================  ==========================================  ======================
role               may                                          on
=================  ==========================================  ======================
编辑 editor        view, edit (create, change), submit          its agency's documents
审核 reviewer      view, approve (publish), send back,          its agency's documents
                   withdraw, schedule
管理员 manager     view, manage staff, manage classification    its agency
site administrator everything                                   every agency
=================  ==========================================  ======================

Reviewers do not edit and editors do not publish: what goes public has been read by someone
other than the one who wrote it, unless one person holds both roles on purpose.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from .models import Membership, Role


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    WITHDRAW = "withdraw"
    SCHEDULE = "schedule"
    MANAGE_STAFF = "manage_staff"
    MANAGE_CLASSIFICATION = "manage_classification"
    # 依申请公开 (gongkai/applications): every role of an agency handles its cases; a
    # reviewer or manager (the office's head) approves an extension (条例 art. 33).
    HANDLE_APPLICATIONS = "handle_applications"
    APPROVE_EXTENSION = "approve_extension"


ACTION_LABELS = {
    Action.VIEW: "查看", Action.EDIT: "编辑", Action.SUBMIT: "送审", Action.APPROVE: "审核发布",
    Action.SEND_BACK: "退回修改", Action.WITHDRAW: "撤回", Action.SCHEDULE: "定时发布或撤回",
    Action.MANAGE_STAFF: "管理工作人员", Action.MANAGE_CLASSIFICATION: "管理分类",
    Action.HANDLE_APPLICATIONS: "办理依申请公开", Action.APPROVE_EXTENSION: "批准延期答复",
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.EDITOR: frozenset({Action.VIEW, Action.EDIT, Action.SUBMIT, Action.HANDLE_APPLICATIONS}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.APPROVE, Action.SEND_BACK, Action.WITHDRAW,
                              Action.SCHEDULE, Action.HANDLE_APPLICATIONS,
                              Action.APPROVE_EXTENSION}),
    Role.MANAGER: frozenset({Action.VIEW, Action.MANAGE_STAFF, Action.MANAGE_CLASSIFICATION,
                             Action.HANDLE_APPLICATIONS, Action.APPROVE_EXTENSION}),
}

_CACHE = "_gongkai_roles"


def is_site_admin(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


def roles(user) -> dict[int, set[str]]:
    """{agency id: {role, …}} for ``user``, read once per user object (one request)."""
    if not user or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = {}
        for agency_id, role in Membership.objects.filter(user=user).values_list("agency", "role"):
            cached.setdefault(agency_id, set()).add(role)
        setattr(user, _CACHE, cached)
    return cached


def forget(user) -> None:
    """Read ``user``'s roles again on the next check (after they changed)."""
    if user is not None and hasattr(user, _CACHE):
        delattr(user, _CACHE)


def agency_ids(user, action: Action) -> set[int] | None:
    """Ids of the agencies where ``user`` may do ``action``; None means every agency."""
    if is_site_admin(user):
        return None
    action = Action(action)
    return {agency for agency, held in roles(user).items()
            if any(action in ROLE_ACTIONS[role] for role in held)}


def _agency_id(target) -> int | None:
    if target is None:
        return None
    if isinstance(target, int):
        return target
    if hasattr(target, "agency_id"):  # a document (or anything belonging to an agency)
        return target.agency_id
    return target.pk  # an agency


def can(user, action: Action, target=None) -> bool:
    """May ``user`` do ``action`` on ``target`` (a document, an agency or an agency id)?
    Without a target: may they do it in some agency?"""
    if is_site_admin(user):
        return True
    allowed = agency_ids(user, action)
    if target is None:
        return bool(allowed)
    return _agency_id(target) in allowed


def check(user, action: Action, target=None) -> None:
    """Raise PermissionDenied, with the reason in Chinese, unless ``can(...)``."""
    if not can(user, action, target):
        raise PermissionDenied(f"您没有权限{ACTION_LABELS[Action(action)]}此机构的信息。")


def filter_by_agency(queryset, user, action: Action = Action.VIEW, field: str = "agency"):
    """``queryset`` narrowed to the agencies where ``user`` may do ``action``."""
    allowed = agency_ids(user, action)
    if allowed is None:
        return queryset
    return queryset.filter(**{f"{field}__in": allowed})


def is_staff_of_any_agency(user) -> bool:
    return is_site_admin(user) or bool(roles(user))
