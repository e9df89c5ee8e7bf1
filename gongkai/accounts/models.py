"""Who may do what, per agency (Membership), and what was done (AuditEntry).

Roles are held per agency: a person may be 编辑 of one street office and 审核 of another.
The site-wide administrator is Django's superuser. What each role allows is decided in one
place, ``gongkai.accounts.permissions``.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from gongkai.catalog.models import Agency


class Role(models.TextChoices):
    EDITOR = "editor", "编辑"
    REVIEWER = "reviewer", "审核"
    MANAGER = "manager", "管理员"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="memberships")
    agency = models.ForeignKey(Agency, verbose_name="机构", on_delete=models.CASCADE,
                               related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    created_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构角色"
        ordering = ["agency__name", "role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"],
                                               name="one_role_per_user_agency")]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    CREATE = "create", "新建"
    EDIT = "edit", "修改"
    EDIT_PENDING = "edit_pending", "保存待审修改"
    DISCARD = "discard", "放弃待审修改"
    SUBMIT = "submit", "送审"
    PUBLISH = "publish", "审核发布"
    SCHEDULE = "schedule", "定时发布"
    GO_LIVE = "go_live", "定时发布生效"
    REPUBLISH = "republish", "重新发布"
    SEND_BACK = "send_back", "退回修改"
    WITHDRAW = "withdraw", "撤回"
    SCHEDULE_WITHDRAWAL = "schedule_withdrawal", "定时撤回"
    UNSCHEDULE = "unschedule", "取消定时"
    DELETE = "delete", "删除"
    IMPORT = "import", "导入"
    ROLE_GRANTED = "role_granted", "授予角色"
    ROLE_REVOKED = "role_revoked", "取消角色"
    ACCOUNT_CHANGED = "account_changed", "账户权限变更"
    EXPORT = "export", "导出"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能修改。")

    update.queryset_only = True


class AuditEntry(models.Model):
    """One thing that happened: who, when, what, to what, from where. Append-only: the model
    refuses to change a saved entry (only the site administrator may delete, in the admin).

    The user and agency are kept as plain ids with a copy of their names, not as foreign keys
    a deletion would have to update: an entry outlives the account and the agency."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user_id = models.IntegerField("用户ID", null=True, blank=True)
    username = models.CharField("用户", max_length=150, blank=True, db_index=True)
    action = models.CharField("操作", max_length=32, choices=AuditAction.choices, db_index=True)
    agency = models.ForeignKey(Agency, verbose_name="机构", null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    agency_name = models.CharField("机构名称", max_length=200, blank=True)
    object_type = models.CharField("对象类型", max_length=32, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=500, blank=True)
    detail = models.TextField("说明", blank=True)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["agency", "at"], name="audit_agency_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '系统'} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)
