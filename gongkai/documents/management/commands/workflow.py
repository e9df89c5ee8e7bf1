from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gongkai.documents import workflow
from gongkai.documents.models import Document

ACTIONS = {
    "submit": "送审",
    "publish": "审核发布（--at 定时发布）",
    "republish": "重新发布已撤回的信息",
    "send-back": "退回修改（须 --reason）",
    "withdraw": "撤回（--at 定时撤回）",
    "unschedule": "取消定时发布或定时撤回",
}


class Command(BaseCommand):
    help = ("以某位工作人员的身份办理一条政府信息的流程操作，与管理后台相同的权限检查和审计："
            + "；".join(f"{k} {v}" for k, v in ACTIONS.items()))

    def add_arguments(self, parser):
        parser.add_argument("action", choices=list(ACTIONS))
        parser.add_argument("document", type=int, metavar="ID", help="政府信息的ID")
        parser.add_argument("--user", required=True, metavar="USERNAME",
                            help="办理人的用户名（按其角色检查权限）")
        parser.add_argument("--reason", default="", help="退回或撤回的理由；发布含个人信息的内容时，确认发布的理由")
        parser.add_argument("--at", help="定时时间，如 2025-05-01T09:00")

    def handle(self, *args, action, document, user, reason, at, **options):
        person = get_user_model().objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(f"没有用户“{user}”")
        doc = Document.objects.select_related("agency").filter(pk=document).first()
        if doc is None:
            raise CommandError(f"没有ID为 {document} 的政府信息")
        when = None
        if at:
            when = parse_datetime(at)
            if when is None:
                raise CommandError(f"无法识别的时间“{at}”（应为 YYYY-MM-DDTHH:MM）")
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        options = {"user": person}
        if action in ("publish", "withdraw") and when:
            options["at"] = when
        if action in ("send-back", "withdraw"):
            options["reason"] = reason
        if action == "publish":
            options["confirmation"] = reason
        try:
            getattr(workflow, action.replace("-", "_"))(doc, **options)
        except (PermissionDenied, workflow.WorkflowError) as error:
            raise CommandError(str(error) or "没有权限")
        self.stdout.write(f"{doc.title}：{doc.workflow_label}")
