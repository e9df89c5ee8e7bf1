from django.core.management.base import BaseCommand

from gongkai.documents.maintenance import update_statistics


class Command(BaseCommand):
    help = "更新数据库统计信息（ANALYZE），使目录列表和首页查询走正确的索引。建议每天运行一次。"

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        update_statistics(database)
        self.stdout.write("数据库统计信息已更新。")
