from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.documents.workflow import apply_due


class Command(BaseCommand):
    help = ("定时任务（每分钟运行一次）：撤回到时的定时撤回信息；定时发布的信息到时公开，"
            "刷新页面缓存并记入审计日志。")

    def handle(self, *args, **options):
        done = apply_due(timezone.now())
        for document in done["withdrawn"]:
            self.stdout.write(f"已撤回：{document.pk} {document.title}")
        for document in done["went_live"]:
            self.stdout.write(f"已公开：{document.pk} {document.title}")
